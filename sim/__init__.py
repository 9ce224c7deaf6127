"""Community planners and participation in the renewal of shared space (an agent-based model)."""

from sim.model import LilongModel
from sim.params import Params, ScenarioError, load_scenario

__version__ = "0.1.0"
__all__ = ["LilongModel", "Params", "ScenarioError", "load_scenario", "__version__"]
