"""Research sweeps: experiment files, designs, seeds, executors, a crash-safe store, analysis.

    from sim import sweep
    store = sweep.run("scenarios/experiments/planner_hours_strategy.toml")
    runs = sweep.load_runs(store)          # one row per run: point, seed, final-year metrics
    sweep.analyse(store)                   # tables and figures into STORE/analysis/
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.sweep.experiment import Experiment, ExperimentError, load_experiment
from sim.sweep.orchestrate import default_store, run
from sim.sweep.store import Store


def load_runs(store: str | Path) -> pd.DataFrame:
    """Finished runs: one row each, with the varied parameters and final-year metrics."""
    return Store(store).read("runs")


def load_steps(store: str | Path) -> pd.DataFrame:
    """The kept weeks of every finished run (join on run_id)."""
    return Store(store).read("steps")


def load_failures(store: str | Path) -> pd.DataFrame:
    return Store(store).read("failures")


def analyse(store: str | Path, quiet: bool = False) -> Path:
    """Tables and figures for a store, written to STORE/analysis/; returns that folder."""
    from sim.sweep.analysis import analyse_store

    return analyse_store(Path(store), quiet=quiet)


__all__ = ["Experiment", "ExperimentError", "Store", "analyse", "default_store", "load_experiment", "load_failures",
           "load_runs", "load_steps", "run"]
