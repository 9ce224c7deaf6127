"""The input file kinds: how each is recognised, its schema, its loader and the files shipped of it.

``sim validate`` and the mutation tests (tests/test_file_kinds.py) read this list. Each loader
checks its file against its schema (sim/schemas.py) with the one validator (sim/validation.py),
then what ties its keys together, and raises one line naming the file and the key.

To add a kind: a schema in sim/schemas.py, a loader, and an entry here,
before the kinds it could be mistaken for (the scenario kind, last, takes any other TOML file).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.params import scenarios_dir


@dataclass(frozen=True)
class FileKind:
    name: str
    looks_like: Callable[[Path, dict[str, Any] | None], bool]  # (path, its TOML, None for a non-TOML file)
    loader: str  # "module:function", imported when a file of this kind is loaded (`sim --help` stays light)
    summary: Callable[[Any], str]  # what `sim validate` says of a loaded file
    shipped: tuple[str, ...]  # globs under scenarios/ of the files shipped of this kind

    def load(self, path: Path, preset: str | None = None) -> Any:
        """The file loaded and checked whole (a scenario on ``preset``); raises one line naming file and key."""
        module, function = self.loader.split(":")
        load = getattr(importlib.import_module(module), function)
        if self.name == "scenario":
            return load(path, preset)
        if self.name == "preset":  # a preset is checked as the neighbourhood under a scenario
            return load(scenarios_dir() / "planner.toml", path)
        return load(path)

    def check(self, path: Path, preset: str | None = None) -> str:
        return self.summary(self.load(path, preset))

    def shipped_files(self) -> list[Path]:
        return sorted(p for pattern in self.shipped for p in scenarios_dir().glob(pattern))


def _experiment(exp: Any) -> str:
    from sim.sizing import planned_runs

    return f"experiment {exp.name}, {planned_runs(exp):,} runs"


def _has(*keys: str) -> Callable[[Path, dict | None], bool]:
    return lambda path, data: data is not None and any(k in data for k in keys)


KINDS: tuple[FileKind, ...] = (
    FileKind("posterior", lambda path, data: data is None, "sim.calibration.report:load_posterior",
             lambda s: f"posterior sample, {len(s)} rows, {len(s.columns) - 1} parameters", ()),
    # [[neighbourhood]] (an array of tables) or [office]: a scenario's or preset's [neighbourhood] is one table
    FileKind("street", lambda path, data: data is not None and (isinstance(data.get("neighbourhood"), list)
                                                                or "office" in data), "sim.street:load_street",
             lambda s: f"street {s.name}: {len(s.names)} neighbourhoods, {len(s.placements)} placements",
             ("streets/*.toml",)),
    FileKind("targets", _has("target"), "sim.calibration.targets:load_targets", lambda t: f"targets, {len(t)}",
             ("targets/*.toml",)),
    FileKind("calibration", _has("fit", "targets", "abc"), "sim.calibration.spec:load_calibration",
             lambda c: f"calibration {c.name}: {len(c.priors)} free parameters, {len(c.fit)} fitted targets",
             ("calibration/*.toml",)),
    FileKind("robustness", _has("baseline", "min_effect"), "sim.calibration.robustness:load_robustness",
             lambda r: f"robustness {r.name}: {r.samples} points, {len(r.factors)} parameters",
             ("robustness/*.toml",)),
    FileKind("experiment", _has("scenarios", "design", "parameters"), "sim.sweep.experiment:load_experiment",
             _experiment, ("experiments/*.toml",)),
    FileKind("preset", lambda path, data: path.parent.name == "presets", "sim.params:load_scenario",
             lambda p: f"preset, {p.neighbourhood.households} households", ("presets/*.toml",)),
    FileKind("scenario", lambda path, data: True, "sim.params:load_scenario", lambda p: f"scenario {p.name}",
             ("*.toml",)),
)


def kind_of(path: Path, data: dict[str, Any] | None) -> FileKind:
    """The kind a file is taken for: a CSV file is a posterior sample, a TOML file by its keys."""
    return next(k for k in KINDS if k.looks_like(path, data))
