"""Experiment files: which scenarios, which parameters to vary and how, what to keep.

An experiment is validated whole on load (every design point is applied to every
scenario and preset) so that a malformed file fails before any run starts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.inputs import read_input_toml
from sim.metrics import HEADLINE
from sim.params import SECTIONS, Params, ScenarioError, load_scenario, scenario_path
from sim.paths import check_name

DESIGNS = ("grid", "lhs", "sobol", "morris")
KEEP = ("final", "yearly", "every")
TOP_KEYS = ("name", "description", "scenarios", "presets", "replications", "master_seed", "weeks", "keep",
            "metrics", "design", "parameters")
DESIGN_KEYS = ("kind", "samples", "levels")


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


def _str_list(key: str, value: Any, origin: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ExperimentError(f"{origin}: {key} must be a non-empty list of names")
    return tuple(value)


def _field(key: str, origin: str) -> dataclasses.Field:
    section, _, name = key.partition(".")
    if section not in SECTIONS or not name:
        raise ExperimentError(f"{origin}: [parameters.\"{key}\"]: expected section.key with a section from "
                              + ", ".join(SECTIONS))
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[section])}
    if name not in fields:
        raise ExperimentError(f"{origin}: [parameters.\"{key}\"]: unknown key {name!r} in [{section}]; "
                              "allowed keys: " + ", ".join(fields))
    return fields[name]


def _factor(key: str, spec: Any, design: str, origin: str) -> Factor:
    f = _field(key, origin)
    if f.default is dataclasses.MISSING:  # a table such as [street_office] priorities
        raise ExperimentError(f"{origin}: [parameters.\"{key}\"]: a table of values cannot be varied; vary "
                              "single-valued parameters (see `sim params`)")
    if not isinstance(spec, dict) or set(spec) - {"values", "range"}:
        raise ExperimentError(f"{origin}: [parameters.\"{key}\"] takes 'values' (grid) or 'range' (sampling)")
    if design == "grid":
        values = spec.get("values")
        if not isinstance(values, list) or not values:
            raise ExperimentError(f"{origin}: [parameters.\"{key}\"] values: a grid needs a non-empty list")
        for v in values:  # range and type checks with the scenario validator's messages
            try:
                Params().replace({key: v}, origin=f"{origin}: [parameters.\"{key}\"]")
            except ScenarioError as exc:
                raise ExperimentError(str(exc)) from None
        return Factor(key, values=tuple(values))
    rng = spec.get("range")
    if (not isinstance(rng, list) or len(rng) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, float))
                                                           for v in rng)
            or not all(math.isfinite(v) for v in rng) or rng[0] >= rng[1]):
        raise ExperimentError(f"{origin}: [parameters.\"{key}\"] range = {rng!r}: a {design} design needs "
                              "[low, high], finite numbers with low < high")
    if f.metadata["lo"] is None or f.metadata["choices"]:
        raise ExperimentError(f"{origin}: [parameters.\"{key}\"]: only numeric parameters can be sampled")
    lo, hi = f.metadata["lo"], f.metadata["hi"]
    if rng[0] < lo or rng[1] > hi:
        raise ExperimentError(f"{origin}: [parameters.\"{key}\"] range = {rng}: allowed {lo:g} to {hi:g}")
    return Factor(key, low=float(rng[0]), high=float(rng[1]), integer=isinstance(f.default, int))


def load_experiment(path: str | Path, check_scenarios: bool = True) -> Experiment:
    """Read and validate an experiment file. Raises ExperimentError naming file and key.

    ``check_scenarios=False`` skips loading the scenario files (for analysing a store
    whose experiment refers to files that have since moved).
    """
    path = Path(path)
    origin = str(path)
    text, data = read_input_toml(path, ExperimentError, "experiment file")
    unknown = set(data) - set(TOP_KEYS)
    if unknown:
        raise ExperimentError(f"{origin}: unknown key {sorted(unknown)[0]!r}; allowed: " + ", ".join(TOP_KEYS))
    if "name" not in data:
        raise ExperimentError(f"{origin}: name: required (it names the store folder)")
    check_name(data["name"], f"{origin}: name", ExperimentError)
    if not isinstance(data.get("description", ""), str):
        raise ExperimentError(f"{origin}: description = {data['description']!r}: expected text")
    design = data.get("design", {})
    if not isinstance(design, dict) or set(design) - set(DESIGN_KEYS):
        raise ExperimentError(f"{origin}: [design] takes keys " + ", ".join(DESIGN_KEYS))
    kind = design.get("kind", "grid")
    if kind not in DESIGNS:
        raise ExperimentError(f"{origin}: [design] kind = {kind!r}; allowed: " + ", ".join(DESIGNS))
    samples = _int_in("design.samples", design.get("samples", 0 if kind == "grid" else 16),
                      0 if kind == "grid" else 1, 1_000_000, origin)
    levels = _int_in("design.levels", design.get("levels", 4), 2, 64, origin)
    keep = data.get("keep", "final")
    if keep not in KEEP:
        raise ExperimentError(f"{origin}: keep = {keep!r}; allowed: " + ", ".join(KEEP))
    metrics = _str_list("metrics", data.get("metrics", list(HEADLINE)), origin)
    known = metric_names()
    for m in metrics:
        if m not in known:
            raise ExperimentError(f"{origin}: metrics: unknown metric {m!r}; see `sim params` and "
                                  "results/README.md (e.g. " + ", ".join(HEADLINE[:4]) + ")")
    params = data.get("parameters", {})
    if not isinstance(params, dict) or (not params and kind != "grid"):
        raise ExperimentError(f"{origin}: [parameters]: a {kind} design needs at least one parameter")
    experiment = Experiment(
        name=data["name"], source=path.resolve(), text=text, description=data.get("description", ""),
        scenarios=_str_list("scenarios", data.get("scenarios"), origin),
        presets=_str_list("presets", data.get("presets", ["guizhou_west"]), origin),
        replications=_int_in("replications", data.get("replications", 10), 1, 100_000, origin),
        master_seed=_int_in("master_seed", data.get("master_seed", 0), 0, 2**63 - 1, origin),
        weeks=_int_in("weeks", data["weeks"], 1, 1040, origin) if "weeks" in data else None,
        keep=keep, metrics=metrics, design=kind, samples=samples, levels=levels,
        factors=tuple(_factor(k, v, kind, origin) for k, v in params.items()))
    for scenario in experiment.scenarios if check_scenarios else ():  # each must load with each preset
        for preset in experiment.presets:
            try:
                load_scenario(experiment.scenario_file(scenario), preset)
            except ScenarioError as exc:
                raise ExperimentError(f"{origin}: scenarios: {exc}") from None
    return experiment


_METRIC_NAMES: tuple[str, ...] | None = None


def metric_names() -> tuple[str, ...]:
    """Every metric the model reports (read off a tiny model once)."""
    global _METRIC_NAMES
    if _METRIC_NAMES is None:
        from sim.model import LilongModel

        _METRIC_NAMES = tuple(LilongModel(Params().replace({"neighbourhood.households": 50}), 0).metrics)
    return _METRIC_NAMES
