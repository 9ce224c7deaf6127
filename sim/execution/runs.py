"""Running the model: one run, a batch of runs as one model of many neighbourhoods, or many runs in batches
on an executor, as tidy DataFrames.

A batch is an execution choice, never a change of results: each member gets exactly the numbers it gets
alone (tests/test_batch.py). Batches group runs of the same horizon, sized from the machine's memory and
cores (:func:`plan_batches`); results come back in the order of the specs whatever order batches finish in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.execution.executors import ExecutorFactory, run_resilient
from sim.model import LilongModel
from sim.params import Params
from sim.progress import Progress

EVENT_COLUMNS = ["week", "event", "site", "site_kind", "improvement", "alley", "detail", "cost_yuan"]
MAX_MEMBERS = 64  # beyond this a batch saves little more: the week's fixed cost is already spread thin
MAX_BATCH_HOUSEHOLDS = 60_000  # and its arrays stay within the processor's caches' reach, a few hundred MiB
BYTES_PER_HOUSEHOLD = 6 * 2**10  # a model's memory per household (arrays, links, parameter columns, buffers)


@dataclass(frozen=True)
class RunSpec:
    """One simulation: a named scenario's parameters and a seed."""

    scenario: str
    params: Params
    seed: int


def _tagged(frame: pd.DataFrame, scenario: str, seed: int) -> pd.DataFrame:
    frame.insert(0, "seed", seed)
    frame.insert(0, "scenario", scenario)
    return frame


def run(params: Params, seed: int, scenario: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``params.run.weeks`` weeks; return (per-week metrics, event log), tagged with scenario and seed."""
    return run_batch([RunSpec(scenario or params.name, params, seed)])[0]


def run_batch(specs: Sequence[RunSpec]) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Run the specs (all of one horizon) as one model of as many neighbourhoods; (steps, events) of each."""
    weeks = {s.params.run.weeks for s in specs}
    if len(weeks) != 1:
        raise ValueError(f"a batch runs one horizon; these runs have {sorted(weeks)} weeks")
    model = LilongModel([s.params for s in specs], [s.seed for s in specs], agents=False)
    model.run_weeks(weeks.pop())
    table = model.weekly_table()
    columns = list(model.metric_names)
    out = []
    for k, (spec, events) in enumerate(zip(specs, model.events_by_member(), strict=True)):
        steps = pd.DataFrame(table[k], columns=columns)
        steps.insert(0, "week", np.arange(len(steps)))
        out.append((_tagged(steps, spec.scenario, spec.seed),
                    _tagged(pd.DataFrame(events, columns=EVENT_COLUMNS), spec.scenario, spec.seed)))
    return out


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def plan_batches(specs: Sequence[RunSpec], workers: int, memory_bytes: int | None = None) -> list[list[int]]:
    """Indices of ``specs`` in batches: runs of one horizon together, at most MAX_MEMBERS and
    MAX_BATCH_HOUSEHOLDS households a batch (and what a worker's share of ``memory_bytes`` holds), and at
    least as many batches as workers when there are enough runs to go round."""
    from sim.sizing import available_memory

    memory = memory_bytes if memory_bytes is not None else available_memory() // 2
    households_cap = max(1, min(MAX_BATCH_HOUSEHOLDS, memory // max(1, workers) // BYTES_PER_HOUSEHOLD))
    batches: list[list[int]] = []
    by_weeks: dict[int, list[int]] = {}
    for i, spec in enumerate(specs):
        by_weeks.setdefault(spec.params.run.weeks, []).append(i)
    for group in by_weeks.values():
        sizes = [specs[i].params.neighbourhood.households for i in group]
        cap = int(np.clip(households_cap // max(1, max(sizes)), 1, MAX_MEMBERS))
        # As few batches as the cap allows, a multiple of the workers (every worker busy to the end), of
        # equal size.
        n_batches = -(-len(group) // cap)
        n_batches = min(len(group), -(-n_batches // workers) * workers)
        per_batch = -(-len(group) // n_batches)
        batches += [group[i:i + per_batch] for i in range(0, len(group), per_batch)]
    return batches


def _run_indexed(task: tuple[list[int], list[RunSpec]]) -> tuple[list[int], list[tuple[pd.DataFrame,
                                                                                       pd.DataFrame]]]:
    indices, specs = task
    return indices, run_batch(specs)


def run_many(specs: Iterable[RunSpec], workers: int | None = None, progress: bool = True,
             on_batch: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every spec in batches (in ``workers`` processes; 1 runs in this process) and concatenate.

    Uses the resilient loop (a dead worker's batch is retried). Results are ordered by the specs' order
    whatever order batches finish in, so the output depends neither on the number of workers nor on how
    runs were batched.
    """
    specs = list(specs)
    workers = workers or default_workers()
    results: list[tuple[pd.DataFrame, pd.DataFrame] | None] = [None] * len(specs)
    report = Progress(len(specs), enabled=progress)
    tasks = [(batch, [specs[i] for i in batch]) for batch in plan_batches(specs, workers)]

    def done(_task: object, result: tuple[list[int], list[tuple[pd.DataFrame, pd.DataFrame]]]) -> None:
        for i, frames in zip(*result, strict=True):
            results[i] = frames
        report.tick(len(result[0]))
        if on_batch is not None:
            on_batch(len(result[0]))

    def lost(task: tuple[list[int], list[RunSpec]], error: str, attempts: int) -> None:
        first = task[1][0]
        raise RuntimeError(f"a batch of {len(task[0])} runs ({first.scenario} seed {first.seed}, ...) failed: "
                           f"{error}")

    try:
        with ExecutorFactory("sequential" if workers == 1 else "local", workers) as factory:
            run_resilient(tasks, _run_indexed, factory, done, lost)
    finally:
        report.close()
    steps = pd.concat([r[0] for r in results], ignore_index=True)
    events = pd.concat([r[1] for r in results], ignore_index=True)
    return steps, events
