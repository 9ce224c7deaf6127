"""Reading the user's input files (scenarios, presets, experiments; later targets and calibrations).

Only regular files are read, at most MAX_INPUT_BYTES of them, as UTF-8 TOML: a path to
/dev/zero, a FIFO, a directory, a symbolic-link loop or a binary file becomes one line naming
the file, never a hang, a MemoryError or a traceback. Callers pass the error class their
users expect (ScenarioError, ExperimentError), so messages keep one shape.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

MAX_INPUT_BYTES = 1 << 20  # a scenario or experiment is a few KiB; 1 MiB leaves room and stops runaway reads


class InputError(ValueError):
    """Bad input from the user (a file, a name, an option): reported as one line, exit code 2."""


def read_input_text(path: Path, error: type[Exception] = InputError, what: str = "file") -> str:
    """The text of a regular, UTF-8 file of at most MAX_INPUT_BYTES, or ``error`` naming the file."""
    try:
        info = path.stat()  # follows symbolic links; a loop raises ELOOP
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path}: is a directory; expected a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path}: not a regular file (a device, pipe or socket); expected a {what}")
    if info.st_size > MAX_INPUT_BYTES:
        raise error(f"{path}: {info.st_size:,} bytes; a {what} may be at most {MAX_INPUT_BYTES:,} bytes")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # never blocks, even if swapped for a FIFO since stat
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise error(f"{path}: a {what} may be at most {MAX_INPUT_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start}); a {what} is a UTF-8 TOML file") from None


def read_input_toml(path: Path, error: type[Exception] = InputError, what: str = "file") -> tuple[str, dict[str, Any]]:
    """(text, parsed TOML) of an input file; every problem is ``error`` with a one-line message."""
    text = read_input_text(path, error, what)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # deeply nested arrays or tables
        raise error(f"{path}: not valid TOML: nested too deeply") from None


def one_line(message: str) -> str:
    """A message as one line: control characters (newlines in a key, say) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
