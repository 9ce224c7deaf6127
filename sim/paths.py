"""Names that become paths, and where results may be written.

Every name that ends up in a path (a scenario's ``name``, ``--name``, an experiment's
``name``) matches one pattern, so no name can climb out of the results root (``..``, ``/``)
or make a hidden or odd folder. An explicit ``--out``/``--store`` is checked before any
work starts: not an existing file, and in a folder this process may write to.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sim.inputs import InputError

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NAME_RULE = "letters, digits, '_', '.', '-'; 1 to 64 characters, starting with a letter or digit, no '..'"
RESULTS_ROOT = Path("results")


def check_name(value: object, where: str, error: type[Exception] = InputError) -> str:
    """``value`` if it is a valid name; else ``error`` saying ``where`` and the rule."""
    if not isinstance(value, str):
        raise error(f"{where} = {value!r}: expected a name (a string); allowed: {NAME_RULE}")
    if not NAME_PATTERN.fullmatch(value) or ".." in value:
        raise error(f"{where} = {value!r}: not a valid name; allowed: {NAME_RULE}")
    return value


def results_path(*names: str) -> Path:
    """A folder under the results root from checked names (``results/sweeps/NAME``)."""
    return RESULTS_ROOT.joinpath(*names)


def check_output_folder(path: Path, option: str) -> Path:
    """An output folder given on the command line: not a file, and creatable/writable here."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}: exists and is not a folder")
    parent = path if path.is_dir() else _nearest_existing(path)
    if not parent.is_dir():
        raise InputError(f"{option} {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{option} {path}: {parent} is not writable (read-only or no permission)")
    return path


def _nearest_existing(path: Path) -> Path:
    for candidate in path.absolute().parents:
        if candidate.exists():
            return candidate
    return Path("/")


PROJECT = Path(__file__).resolve().parent.parent


def relative_to_project(path: str | Path) -> str:
    """``path`` as a reader should see it: relative to the project when inside it, else as given."""
    resolved = Path(path).resolve()
    return resolved.relative_to(PROJECT).as_posix() if resolved.is_relative_to(PROJECT) else str(path)
