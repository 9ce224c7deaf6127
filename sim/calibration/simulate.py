"""What the calibration simulates: the targets' statistics for one parameter set and one seed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pyabc

from sim.analysis import final_year
from sim.calibration.targets import Setting, Target
from sim.execution.runs import RunSpec, run_batch

RUNS = {"done": 0}  # model runs in this process (the sampler reports what a calibration cost)


def statistics(values: Mapping[str, float], targets: tuple[Target, ...], seed: int,
               settings: dict[Setting, Setting] | None = None) -> dict[str, float]:
    """Each target's statistic over the final year of its setting's run, with ``values`` applied.

    Targets that share a setting share one run; every setting runs on the same seed.
    ``settings`` maps a target's setting to the one to run (a shorter horizon in quick runs).
    """
    return batch_statistics([values], targets, [seed], settings)[0]


def batch_statistics(values: Sequence[Mapping[str, float]], targets: tuple[Target, ...], seeds: Sequence[int],
                     settings: dict[Setting, Setting] | None = None) -> list[dict[str, float]]:
    """:func:`statistics` for many parameter sets and seeds at once, each setting's runs as one batch (the
    same numbers as one by one: sim.execution.runs)."""
    out: list[dict[str, float]] = [{} for _ in values]
    for setting in dict.fromkeys(t.setting for t in targets):
        mine = [t for t in targets if t.setting == setting]
        out_of = _setting_statistics(setting, mine, values, seeds, settings)
        for stats, new in zip(out, out_of, strict=True):
            stats.update(new)
    return out


def _setting_statistics(setting: Setting, mine: list[Target], values: Sequence[Mapping[str, float]],
                        seeds: Sequence[int], settings: dict[Setting, Setting] | None) -> list[dict[str, float]]:
    as_run = (settings or {}).get(setting, setting)
    specs = [RunSpec(setting.scenario, as_run.params(dict(v)), seed) for v, seed in zip(values, seeds, strict=True)]
    results = run_batch(specs) if specs else []
    RUNS["done"] += len(specs)
    names = tuple(dict.fromkeys(t.statistic for t in mine))
    out = []
    for steps, _ in results:
        year = final_year(steps, names).iloc[0]
        out.append({t.name: float(year[t.statistic]) for t in mine})
    return out


def scaled_distance(stats: Mapping[str, float], targets: tuple[Target, ...], norm: str) -> float:
    """The targets' errors in units of their uncertainty, combined by the norm (as pyabc's PNormDistance)."""
    errors = np.array([abs(stats[t.name] - t.value) / t.uncertainty for t in targets if t.name in stats])
    return float(errors.max() if norm == "max" else np.sqrt(np.sum(errors ** 2)))


class Simulator(pyabc.model.IntegratedModel):
    """The model as pyabc sees it: parameters in; statistics, distance and acceptance out.

    Settings run cheapest first, and a particle is rejected as soon as the targets simulated so far
    are already farther than the threshold (the rest could only add to the distance), so rejected
    particles often cost one run instead of two; the accepted ones, and so the posterior, are the same.
    pyabc names parameters without dots (``behaviour__base_logit``); each particle's seed is drawn
    from numpy's global generator, which the sampler seeds per particle.

    Particles are simulated in batches (:func:`evaluate_batch`): each particle's proposal is first only
    recorded, the batch's runs are made together, and each particle is then evaluated again from the same
    seed, taking its stored result; so every particle is exactly what it would be evaluated alone.
    """

    def __init__(self, keys: tuple[str, ...], targets: tuple[Target, ...], settings: dict[Setting, Setting],
                 norm: str) -> None:
        super().__init__(name="lilong")
        self.keys, self.targets, self.settings, self.norm = keys, targets, settings, norm
        self.order = sorted(dict.fromkeys(t.setting for t in targets), key=lambda s: settings[s].base_weeks)

    def integrated_simulate(self, pars: Mapping[str, float], eps: float) -> pyabc.model.ModelResult:
        seed = int(np.random.randint(0, 2**31 - 1))
        values = {key: float(pars[abc_name(key)]) for key in self.keys}
        if _BATCH["mode"] == "collect":  # only note what to simulate; this particle is evaluated again
            _BATCH["requests"].append((self, values, seed, float(eps)))
            return pyabc.model.ModelResult(sum_stat={}, distance=np.inf, accepted=False)
        if _BATCH["mode"] == "replay":
            result = _BATCH["results"].pop(0)
            assert result[0] == (values, seed), "a replayed particle proposed other parameters"
            return result[1]
        return self.judge([values], [seed], [float(eps)])[0]

    def judge(self, values: list[dict[str, float]], seeds: list[int], eps: list[float]) -> list:
        """The model results of many particles, each setting's runs as one batch, with early rejection."""
        stats: list[dict[str, float]] = [{} for _ in values]
        alive = list(range(len(values)))
        distance = [np.inf] * len(values)
        for setting in self.order:
            mine = [t for t in self.targets if t.setting == setting]
            new = _setting_statistics(setting, mine, [values[i] for i in alive], [seeds[i] for i in alive],
                                      self.settings)
            still = []
            for i, more in zip(alive, new, strict=True):
                stats[i].update(more)
                distance[i] = scaled_distance(stats[i], self.targets, self.norm)
                if distance[i] <= eps[i]:  # also rejects a statistic the run could not produce (NaN)
                    still.append(i)
            alive = still
        accepted = set(alive)
        return [pyabc.model.ModelResult(sum_stat=stats[i], distance=distance[i], accepted=i in accepted)
                for i in range(len(values))]


_BATCH: dict = {"mode": None}


def evaluate_batch(simulate_one: Callable[[], object], seed_particle: Callable[[int], None],
                   indices: Sequence[int]) -> list[tuple[int, object, int]]:
    """Particles ``indices`` (numpy seeded by ``seed_particle(index)`` before each): their proposals
    recorded, simulated as batches, then evaluated from the stored results. (index, particle, model runs)."""
    _BATCH.update(mode="collect", requests=[])
    try:
        for index in indices:
            seed_particle(index)
            simulate_one()
        requests = _BATCH["requests"]
        if len(requests) != len(indices):
            raise RuntimeError("a particle did not call the model exactly once")
        before = RUNS["done"]
        results = requests[0][0].judge([r[1] for r in requests], [r[2] for r in requests], [r[3] for r in requests])
        runs = RUNS["done"] - before
        _BATCH.update(mode="replay", results=[((r[1], r[2]), res) for r, res in zip(requests, results, strict=True)])
        out = []
        for index in indices:
            seed_particle(index)
            out.append((index, simulate_one(), 0))
        out[0] = (out[0][0], out[0][1], runs)  # the batch's model runs, counted once
        return out
    finally:
        _BATCH.update(mode=None, requests=[], results=[])


def abc_name(key: str) -> str:
    """``section.key`` -> a name pyabc stores safely (``section__key``)."""
    return key.replace(".", "__")
