"""Community planners and participation in the renewal of shared space (an agent-based model)."""

from typing import Any

from sim.params import Params, ScenarioError, load_scenario

__version__ = "0.1.0"
__all__ = ["LilongModel", "Params", "ScenarioError", "load_scenario", "__version__"]


def __getattr__(name: str) -> Any:
    # The model (and Mesa) load on first use, so `sim --help` and input checks start fast.
    if name == "LilongModel":
        from sim.model import LilongModel

        return LilongModel
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
