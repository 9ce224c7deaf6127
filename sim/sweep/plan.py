"""From an experiment to the list of runs: points x presets x scenarios x replications.

Seeds: replication r uses the seed spawned as child r of the master seed
(``SeedSequence(master_seed, spawn_key=(r,))``), the same at every point, preset and
scenario (common random numbers); adding replications or points leaves existing
runs' seeds unchanged. A run's id hashes its full parameters, its seed and the model
version, so the same run has the same id in any sweep.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

import sim
from sim.params import Params, ScenarioError, load_scenario
from sim.sweep.designs import design_points
from sim.sweep.experiment import Experiment, ExperimentError


@dataclass(frozen=True)
class SweepRun:
    run_id: str
    point_index: int
    point_id: str
    point: tuple  # ((key, value), ...) overrides at this design point
    scenario: str
    preset: str
    replication: int
    seed: int
    params: Params


def replication_seeds(master_seed: int, n: int) -> list[int]:
    """Seed of each replication, independent of how many there are."""
    return [int(np.random.SeedSequence(master_seed, spawn_key=(r,)).generate_state(1, np.uint64)[0] >> 1)
            for r in range(n)]


def _digest(obj: object, n: int) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:n]


def run_id(params: Params, seed: int) -> str:
    return _digest({"params": params.to_dict(), "seed": seed, "model": sim.__version__}, 16)


def plan_runs(exp: Experiment) -> list[SweepRun]:
    """Every run of the experiment, validated (raises ExperimentError before anything runs)."""
    points, _ = design_points(exp)
    seeds = replication_seeds(exp.master_seed, exp.replications)
    bases = {(s, p): load_scenario(exp.scenario_file(s), p) for s in exp.scenarios for p in exp.presets}
    runs = []
    for i, point in enumerate(points):
        overrides = dict(point)
        if exp.weeks is not None:
            overrides["run.weeks"] = exp.weeks
        pid = _digest(sorted(point.items()), 12)
        for preset in exp.presets:
            for scenario in exp.scenarios:
                try:
                    params = bases[(scenario, preset)].replace(overrides, origin=f"{exp.source}: point {i} {point}")
                except ScenarioError as exc:
                    raise ExperimentError(str(exc)) from None
                for r, seed in enumerate(seeds):
                    runs.append(SweepRun(run_id(params, seed), i, pid, tuple(sorted(point.items())),
                                         scenario, preset, r, seed, params))
    return runs
