"""Reading the calibration layer's input files (targets, calibrations, robustness experiments).

Every check happens on load, before any run: each key's type and range against the file kind's
schema (sim/schemas.py, the one validator of sim/validation.py), then what ties keys together. A
failure is one line naming the file and the key (the command line turns it into exit code 2, as
for scenario files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.inputs import read_input_toml
from sim.params import ScenarioError


class InputError(ScenarioError):
    """A malformed target, calibration or robustness file; the message names the file and the key."""


def read_toml(path: str | Path, kind: str) -> tuple[dict[str, Any], str]:
    """(data, text) of a TOML file; ``kind`` names the file in the error ("target file"). Read as every
    input file is (sim.inputs): a regular UTF-8 file of bounded size, or one line naming it."""
    text, data = read_input_toml(Path(path), InputError, kind)
    return data, text


def read_checked(path: str | Path, kind: str, schema: dict) -> tuple[dict[str, Any], str]:
    """(data, text) of a file checked against its kind's schema (sim/schemas.py): every key's type and range."""
    from sim.validation import check

    data, text = read_toml(path, kind)
    return check(data, schema, str(path), InputError), text


def bounds(key: str) -> tuple[float, float]:
    """The allowed range of a numeric parameter ``section.key`` (known: the file's schema has checked it)."""
    from sim.schemas import parameter_fields

    meta = parameter_fields()[key].metadata
    return float(meta["lo"]), float(meta["hi"])


def is_whole(key: str) -> bool:
    from sim.schemas import parameter_fields

    default = parameter_fields()[key].default
    return isinstance(default, int) and not isinstance(default, bool)


def prior_range(spec: dict, key: str, where: str) -> tuple[float, float, str | None]:
    """(low, high, source) of a ``[parameters."key"]`` table: its narrowed ``range`` (which then needs a
    ``source``) or the parameter's whole range."""
    if "range" not in spec:
        if "source" in spec:
            raise InputError(f"{where} source: only needed with a narrowed range")
        return (*bounds(key), None)
    low, high = spec["range"]
    if not low < high:
        raise InputError(f"{where} range = {spec['range']!r}: expected [low, high] with low < high")
    if "source" not in spec:
        raise InputError(f"{where} source: required (where the narrowed range comes from)")
    return float(low), float(high), spec["source"]


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
