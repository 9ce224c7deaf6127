"""Running the model: one run, or many in parallel processes, as tidy DataFrames."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from sim.model import LilongModel
from sim.params import Params
from sim.progress import Progress
from sim.sweep.executors import ExecutorFactory, run_resilient

EVENT_COLUMNS = ["week", "event", "site", "site_kind", "improvement", "alley", "detail", "cost_yuan"]


@dataclass(frozen=True)
class RunSpec:
    """One simulation: a named scenario's parameters and a seed."""

    scenario: str
    params: Params
    seed: int


def run(params: Params, seed: int, scenario: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``params.run.weeks`` weeks; return (per-week metrics, event log), tagged with scenario and seed."""
    model = LilongModel(params, seed)
    model.run_weeks(params.run.weeks)
    name = scenario or params.name
    steps = model.dataframe()
    steps.insert(0, "seed", seed)
    steps.insert(0, "scenario", name)
    events = pd.DataFrame(model.events, columns=EVENT_COLUMNS)
    events.insert(0, "seed", seed)
    events.insert(0, "scenario", name)
    return steps, events


def _run_indexed(task: tuple[int, RunSpec]) -> tuple[int, pd.DataFrame, pd.DataFrame]:
    index, spec = task
    return (index, *run(spec.params, spec.seed, spec.scenario))


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run_many(specs: Iterable[RunSpec], workers: int | None = None,
             progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every spec (in ``workers`` processes; 1 runs in this process) and concatenate.

    Uses the sweep layer's resilient loop (a dead worker's run is retried). Results are
    ordered by the specs' order whatever order they finish in, so the output does not
    depend on the number of workers.
    """
    specs = list(specs)
    workers = workers or default_workers()
    results: list[tuple[pd.DataFrame, pd.DataFrame] | None] = [None] * len(specs)
    report = Progress(len(specs), enabled=progress)

    def done(_task: object, result: tuple[int, pd.DataFrame, pd.DataFrame]) -> None:
        results[result[0]] = result[1:]
        report.tick()

    def lost(task: tuple[int, RunSpec], error: str, attempts: int) -> None:
        raise RuntimeError(f"run {task[1].scenario} seed {task[1].seed} failed: {error}")

    try:
        with ExecutorFactory("sequential" if workers == 1 else "local", workers) as factory:
            run_resilient(enumerate(specs), _run_indexed, factory, done, lost)
    finally:
        report.close()
    steps = pd.concat([r[0] for r in results], ignore_index=True)
    events = pd.concat([r[1] for r in results], ignore_index=True)
    return steps, events
