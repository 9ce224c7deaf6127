"""What a worker does for one run. Never raises: an exception becomes a failed result."""

from __future__ import annotations

import time
import traceback

import pandas as pd

from sim.analysis import final_year
from sim.execution.runs import RunSpec, run_batch
from sim.sweep.plan import SweepRun


def kept_weeks(steps: pd.DataFrame, keep: str) -> pd.DataFrame:
    last = steps["week"].max()
    if keep == "final":
        return steps[steps["week"] == last]
    if keep == "yearly":
        return steps[(steps["week"] % 52 == 0) | (steps["week"] == last)]
    return steps


def _result(run: SweepRun, steps: pd.DataFrame, keep: str, metrics: tuple[str, ...], wall_s: float) -> dict:
    final = final_year(steps, metrics).iloc[0][list(metrics)].to_dict()
    kept = kept_weeks(steps, keep)[["week", *metrics]].copy()
    kept.insert(0, "run_id", run.run_id)
    return {"run_id": run.run_id, "ok": True, "final": final, "steps": kept.reset_index(drop=True), "wall_s": wall_s}


def execute_batch(runs: list[SweepRun], keep: str, metrics: tuple[str, ...]) -> list[dict]:
    """Run a batch of simulations (one horizon) as one model; each run's kept steps and final-year means.
    If the batch raises, each run is run alone (the same numbers), so only the runs that fail are lost."""
    start = time.perf_counter()
    try:
        results = run_batch([RunSpec(r.scenario, r.params, r.seed) for r in runs])
    except Exception:  # noqa: BLE001 - find out which run fails
        return [execute_run(r, keep, metrics) for r in runs]
    wall = (time.perf_counter() - start) / len(runs)
    return [_result(r, steps, keep, metrics, wall) for r, (steps, _) in zip(runs, results, strict=True)]


def execute_run(run: SweepRun, keep: str, metrics: tuple[str, ...]) -> dict:
    """Run one simulation; return its kept steps and final-year means, or the error."""
    start = time.perf_counter()
    try:
        steps, _ = run_batch([RunSpec(run.scenario, run.params, run.seed)])[0]
        return _result(run, steps, keep, metrics, time.perf_counter() - start)
    except Exception:  # noqa: BLE001 - recorded as a failed run, the sweep goes on
        return {"run_id": run.run_id, "ok": False, "error": traceback.format_exc(),
                "wall_s": time.perf_counter() - start}
