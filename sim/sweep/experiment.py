"""Experiment files: which scenarios, which parameters to vary and how, what to keep.

An experiment is validated whole on load, against its schema (sim/schemas.py) and then every
design point applied to every scenario and preset, so that a malformed file fails before any run
starts.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.inputs import read_input_toml
from sim.metrics import HEADLINE
from sim.params import SECTIONS, Params, ScenarioError, load_scenario, scenario_path

DESIGNS = ("grid", "lhs", "sobol", "morris")
KEEP = ("final", "yearly", "every")
TOP_KEYS = ("name", "description", "scenarios", "presets", "replications", "master_seed", "weeks", "keep",
            "metrics", "design", "parameters")


class ExperimentError(ScenarioError):
    """A malformed experiment file; the message names the file and the key."""


@dataclass(frozen=True)
class Factor:
    """One varied parameter: listed values (grid) or a range (sampling designs)."""

    key: str  # "section.name"
    values: tuple | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class Experiment:
    name: str
    source: Path
    text: str
    scenarios: tuple[str, ...]
    presets: tuple[str, ...] = ("guizhou_west",)
    replications: int = 10
    master_seed: int = 0
    weeks: int | None = None
    keep: str = "final"
    metrics: tuple[str, ...] = HEADLINE
    design: str = "grid"
    samples: int = 0
    levels: int = 4
    factors: tuple[Factor, ...] = field(default_factory=tuple)
    description: str = ""

    @property
    def reductions(self) -> dict[str, int | None]:
        """Settings as run (after any command-line reduction): stored with the results."""
        return {"replications": self.replications, "samples": self.samples, "weeks": self.weeks}

    @property
    def digest(self) -> str:
        """Identifies the experiment as run: the file's content and the settings above."""
        return hashlib.sha256((self.text + repr(sorted(self.reductions.items()))).encode()).hexdigest()[:16]

    def scenario_file(self, name: str) -> Path:
        """A scenario by name (scenarios/NAME.toml), or a file relative to the experiment file."""
        p = Path(name)
        return self.source.parent / p if p.suffix == ".toml" and not p.is_absolute() else scenario_path(name)

    def reduced(self, replications: int | None = None, samples: int | None = None,
                weeks: int | None = None) -> Experiment:
        """A smaller version of the same experiment (for trials, tests and notebooks in CI)."""
        changes: dict[str, Any] = {}
        if replications is not None:
            changes["replications"] = _int_in("replications", replications, 1, 100_000, "command line")
        if samples is not None and samples != self.samples:
            if self.design == "grid":
                raise ExperimentError(f"{self.source}: --samples applies to lhs, sobol and morris designs, "
                                      "not to a grid")
            changes["samples"] = _int_in("design.samples", samples, 1, 1_000_000, "command line")
        if weeks is not None:
            changes["weeks"] = _int_in("weeks", weeks, 1, 1040, "command line")
        return dataclasses.replace(self, **changes)


def _int_in(key: str, value: Any, lo: int, hi: int, origin: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ExperimentError(f"{origin}: {key} = {value!r}: expected a whole number from {lo} to {hi}")
    return value


def _factor(key: str, spec: dict, design: str, origin: str) -> Factor:
    """One varied parameter (types and ranges already checked by the experiment schema)."""
    where = f'{origin}: [parameters."{key}"]'
    section, _, name = key.partition(".")
    f = {f.name: f for f in dataclasses.fields(SECTIONS[section])}[name]
    if design == "grid":
        if "values" not in spec:
            raise ExperimentError(f"{where} values: required (a grid lists the values, e.g. values = [4, 8])")
        for v in spec["values"]:  # each value must also make consistent parameters (shares adding up to 1 ...)
            try:
                Params().replace({key: v}, origin=where)
            except ScenarioError as exc:
                raise ExperimentError(str(exc)) from None
        return Factor(key, values=tuple(spec["values"]))
    if "range" not in spec:
        raise ExperimentError(f"{where} range: required (a {design} design samples [low, high], e.g. range = [4, 24])")
    low, high = spec["range"]
    if not low < high:
        raise ExperimentError(f"{where} range = {spec['range']!r}: expected [low, high] with low < high")
    return Factor(key, low=float(low), high=float(high), integer=isinstance(f.default, int))


def load_experiment(path: str | Path, check_scenarios: bool = True) -> Experiment:
    """Read and validate an experiment file. Raises ExperimentError naming file and key.

    ``check_scenarios=False`` skips loading the scenario files (for analysing a store
    whose experiment refers to files that have since moved).
    """
    from sim.schemas import experiment
    from sim.validation import check

    path = Path(path)
    origin = str(path)
    text, data = read_input_toml(path, ExperimentError, "experiment file")
    data = check(data, experiment(), origin, ExperimentError)  # every key's type and range (sim/schemas.py)
    design = data.get("design", {})
    kind = design.get("kind", "grid")
    samples = design.get("samples", 0 if kind == "grid" else 16)
    if kind != "grid" and samples < 1:
        raise ExperimentError(f"{origin}: [design] samples = {samples}: a {kind} design needs at least 1")
    params = data.get("parameters", {})
    if not params and kind != "grid":
        raise ExperimentError(f"{origin}: [parameters]: a {kind} design needs at least one parameter")
    experiment_ = Experiment(
        name=data["name"], source=path.resolve(), text=text, description=data.get("description", ""),
        scenarios=tuple(data["scenarios"]), presets=tuple(data.get("presets", ["guizhou_west"])),
        replications=data.get("replications", 10), master_seed=data.get("master_seed", 0),
        weeks=data.get("weeks"), keep=data.get("keep", "final"), metrics=tuple(data.get("metrics", HEADLINE)),
        design=kind, samples=samples, levels=design.get("levels", 4),
        factors=tuple(_factor(k, v, kind, origin) for k, v in params.items()))
    for scenario in experiment_.scenarios if check_scenarios else ():  # each must load with each preset
        for preset in experiment_.presets:
            try:
                load_scenario(experiment_.scenario_file(scenario), preset)
            except ScenarioError as exc:
                raise ExperimentError(f"{origin}: scenarios: {exc}") from None
    return experiment_


_METRIC_NAMES: tuple[str, ...] | None = None


def metric_names() -> tuple[str, ...]:
    """Every metric the model reports (read off a tiny model once)."""
    global _METRIC_NAMES
    if _METRIC_NAMES is None:
        from sim.model import LilongModel

        _METRIC_NAMES = tuple(LilongModel(Params().replace({"neighbourhood.households": 50}), 0).metrics)
    return _METRIC_NAMES
