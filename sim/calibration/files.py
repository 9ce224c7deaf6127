"""Reading the calibration layer's input files (targets, calibrations, robustness experiments).

Every check happens on load, before any run, and a failure is one line naming the file and
the key (the command line turns it into exit code 2, as for scenario files).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sim.inputs import read_input_toml
from sim.params import SECTIONS, ScenarioError
from sim.paths import check_name


class InputError(ScenarioError):
    """A malformed target, calibration or robustness file; the message names the file and the key."""


def read_toml(path: str | Path, kind: str) -> tuple[dict[str, Any], str]:
    """(data, text) of a TOML file; ``kind`` names the file in the error ("target file"). Read as every
    input file is (sim.inputs): a regular UTF-8 file of bounded size, or one line naming it."""
    text, data = read_input_toml(Path(path), InputError, kind)
    return data, text


class Table:
    """A TOML table with typed, range-checked getters whose errors say where the key is."""

    def __init__(self, data: Any, where: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a table")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise InputError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(allowed)}")
        self.data, self.where = data, where

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise InputError(f"{self.where}: {key}: required, a non-empty string")
        return value

    def name(self, key: str = "name") -> str:
        """A name that becomes a folder name: the same rule as every other name (sim.paths)."""
        return check_name(self.text(key), f"{self.where}: {key}", InputError)

    def number(self, key: str, lo: float, hi: float, default: float | None = None, integer: bool = False,
               open_low: bool = False) -> float:
        value = self.data.get(key, default)
        kind = "a whole number" if integer else "a number"
        bad = (isinstance(value, bool) or not isinstance(value, (int, float))
               or (integer and not float(value).is_integer()))
        if bad or not (lo < value if open_low else lo <= value) or value > hi:
            lower = f"above {lo:g}" if open_low else f"from {lo:g}"
            raise InputError(f"{self.where}: {key} = {value!r}: expected {kind} {lower} to {hi:g}")
        return int(value) if integer else float(value)

    def names(self, key: str, default: list[str] | None = None) -> tuple[str, ...]:
        value = self.data.get(key, default)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise InputError(f"{self.where}: {key}: expected a non-empty list of names")
        if len(set(value)) != len(value):
            raise InputError(f"{self.where}: {key}: {sorted(v for v in value if value.count(v) > 1)[0]!r} "
                             "is listed twice")
        return tuple(value)

    def table(self, key: str, allowed: tuple[str, ...] | None = None) -> Table:
        """A sub-table (empty if absent); ``allowed=None`` accepts any keys."""
        value = self.data.get(key, {})
        where = f"{self.where}: [{key}]"
        return Table(value, where, allowed if allowed is not None else tuple(value) if isinstance(value, dict)
                     else ())


def parameter_field(key: str, where: str) -> dataclasses.Field:
    """The schema field of ``section.key`` (sim/params.py), or an error naming it."""
    section, _, name = key.partition(".")
    if section not in SECTIONS or not name:
        raise InputError(f"{where}: {key!r}: expected section.key with a section from " + ", ".join(SECTIONS))
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[section])}
    if name not in fields:
        raise InputError(f"{where}: {key!r}: unknown key {name!r} in [{section}]; see `sim params`")
    return fields[name]


def numeric_range(key: str, where: str, floats_only: bool = False) -> tuple[float, float]:
    """The allowed range of a numeric parameter; an error for flags, choices (and, if asked, integers)."""
    f = parameter_field(key, where)
    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        raise InputError(f"{where}: {key!r}: only numeric parameters can be varied")
    if floats_only and isinstance(default, int):
        raise InputError(f"{where}: {key!r}: a whole-number parameter cannot be calibrated (ABC perturbs "
                         "continuously); fix it in the target's overrides or vary it in a sweep")
    return float(f.metadata["lo"]), float(f.metadata["hi"])


def relative(base: Path, name: str) -> Path:
    """A path named in a file, relative to that file's folder."""
    p = Path(name)
    return p if p.is_absolute() else base.parent / p


def versions() -> dict[str, str]:
    """Package versions for a manifest: the project's list (sim.provenance) and the calibration layer's."""
    from importlib import metadata

    from sim.provenance import package_versions

    out = package_versions()
    for name in ("pyabc", "ema_workbench"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
