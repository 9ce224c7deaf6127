"""Calibration and robustness: empirical targets, ABC-SMC (pyabc) on the sweep executors, posterior
uncertainty in the main job, and where the planner effects hold (PRIM). See docs/calibration.md.

    from sim.calibration import load_calibration, calibrate
    out = calibrate(load_calibration("scenarios/calibration/guizhou_west.toml"), Path("results/calibration/gw"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.calibration.engine import calibrate
    from sim.calibration.files import InputError
    from sim.calibration.posterior import load_posterior
    from sim.calibration.robustness import load_robustness, robustness
    from sim.calibration.spec import load_calibration
    from sim.calibration.targets import load_targets

_WHERE = {"calibrate": "engine", "InputError": "files", "load_posterior": "posterior",
          "load_robustness": "robustness", "robustness": "robustness", "load_calibration": "spec",
          "load_targets": "targets"}


def __getattr__(name: str) -> object:  # imported on first use: `sim --help` stays fast
    if name not in _WHERE:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"sim.calibration.{_WHERE[name]}"), name)


__all__ = ["InputError", "calibrate", "load_calibration", "load_posterior",
           "load_robustness", "load_targets", "robustness"]
