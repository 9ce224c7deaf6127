"""What a worker does for one run. Never raises: an exception becomes a failed result."""

from __future__ import annotations

import time
import traceback

import pandas as pd

from sim.analysis import final_year
from sim.model import LilongModel
from sim.sweep.plan import SweepRun


def kept_weeks(steps: pd.DataFrame, keep: str) -> pd.DataFrame:
    last = steps["week"].max()
    if keep == "final":
        return steps[steps["week"] == last]
    if keep == "yearly":
        return steps[(steps["week"] % 52 == 0) | (steps["week"] == last)]
    return steps


def execute_run(run: SweepRun, keep: str, metrics: tuple[str, ...]) -> dict:
    """Run one simulation; return its kept steps and final-year means, or the error."""
    start = time.perf_counter()
    try:
        model = LilongModel(run.params, run.seed)
        model.run_weeks(run.params.run.weeks)
        steps = model.dataframe()
        steps.insert(0, "scenario", run.scenario)
        steps.insert(1, "seed", run.seed)
        final = final_year(steps, metrics).iloc[0][list(metrics)].to_dict()
        kept = kept_weeks(steps, keep)[["week", *metrics]].copy()
        kept.insert(0, "run_id", run.run_id)
        return {"run_id": run.run_id, "ok": True, "final": final, "steps": kept.reset_index(drop=True),
                "wall_s": time.perf_counter() - start}
    except Exception:  # noqa: BLE001 - recorded as a failed run, the sweep goes on
        return {"run_id": run.run_id, "ok": False, "error": traceback.format_exc(),
                "wall_s": time.perf_counter() - start}
