"""Property: any file given as a scenario or an experiment loads, or fails with one line and exit 2.

Generated inputs: random bytes, and random TOML documents of random types whose keys are
mostly the real ones (so the validators, not just the parser, are exercised).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.params import SECTIONS, Params, ScenarioError, load_scenario
from sim.sweep.experiment import TOP_KEYS, Experiment, load_experiment

SCENARIO_KEYS = ["name", "extends", "description", *SECTIONS]
FIELD_KEYS = sorted({f for cls in SECTIONS.values() for f in cls.__dataclass_fields__})
PARAMETER_KEYS = [f"{s}.{f}" for s, cls in SECTIONS.items() for f in cls.__dataclass_fields__][:40]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


def toml_value(value: object) -> str:
    """A TOML literal for a generated value (inline tables and arrays for nesting)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def document(keys: list[str]) -> st.SearchStrategy[str]:
    scalars = (st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | TEXT
               | st.sampled_from(["planner", "top_down", "guizhou_west", "grid", "sobol", "final", "/dev/zero",
                                  "..", "", "planner.toml"]))
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.sampled_from(FIELD_KEYS + PARAMETER_KEYS + ["values", "range"])
                                            | TEXT, inner, max_size=4), max_leaves=12)
    key = st.sampled_from(keys) | TEXT
    return st.dictionaries(key, values, max_size=6).map(
        lambda d: "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in d.items()))


def inputs(keys: list[str]) -> st.SearchStrategy[bytes]:
    return st.binary(max_size=200) | document(keys).map(str.encode)


@contextlib.contextmanager
def _written(content: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sim-prop-") as folder:
        path = Path(folder) / "input.toml"
        path.write_bytes(content)
        yield path


def _check_loader(load, content: bytes, ok_type: type) -> None:
    with _written(content) as path:
        try:
            result = load(path)
            assert isinstance(result, ok_type)
        except ScenarioError as exc:  # ExperimentError is one too
            message = str(exc)
            assert message and (message.startswith(str(path)) or str(path.parent) in message), message
        # anything else (UnicodeDecodeError, KeyError, TypeError, RecursionError ...) fails the test


def _check_cli(command: str, content: bytes) -> None:
    err = io.StringIO()
    with _written(content) as path, contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([command, str(path)])
    lines = err.getvalue().strip().splitlines()
    assert code in (0, 2)
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("error: "), lines


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(inputs(SCENARIO_KEYS))
def test_any_scenario_file_loads_or_fails_with_a_scenario_error(content):
    _check_loader(load_scenario, content, Params)


@PROPERTY
@given(inputs(list(TOP_KEYS)))
def test_any_experiment_file_loads_or_fails_with_an_experiment_error(content):
    _check_loader(load_experiment, content, Experiment)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs(SCENARIO_KEYS + list(TOP_KEYS)))
def test_sim_validate_of_any_file_is_ok_or_one_line_and_exit_2(content):
    _check_cli("validate", content)


@pytest.mark.slow
def test_a_few_generated_files_through_the_real_command(tmp_path):
    """The same promise across a process boundary: exit code 2, one line on stderr, no traceback."""
    for i, content in enumerate([bytes(range(256)), b'name = 42\n', b'[planner]\nhours_per_week = nan\n',
                                 b'name = "x"\nscenarios = ["planner"]\n[design]\nkind = "lhs"\n'
                                 b'[parameters."planner.hours_per_week"]\nrange = [nan, 10]\n']):
        path = tmp_path / f"f{i}.toml"
        path.write_bytes(content)
        command = "sweep" if b"scenarios" in content else "run"
        result = subprocess.run([sys.executable, "-m", "sim", command, str(path)], capture_output=True, text=True,
                                timeout=120)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and str(path) in lines[0], result.stderr
