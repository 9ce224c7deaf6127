"""Property: a random mutation of any shipped input file is refused with one clear line, or accepted
and then runs without a traceback (issue 19, item 3).

Every kind in sim/filekinds.py, every file shipped of it, and a posterior sample made from the
shipped calibration's priors (none is shipped). A mutation changes one place of the parsed file:
a value replaced by one of another type or out of range (nan, inf, huge, negative, empty text,
lists, tables, dates), a key deleted or added, a number scaled or negated. The file is written back
as TOML (CSV for a posterior) into a copy of ``scenarios/`` (so relative references still hold)
and loaded as ``sim validate`` loads it. Refused: one line, naming a file. Accepted: the cheap part
of what its command then does (a short run of the model with its parameters), without an error.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.filekinds import KINDS
from sim.inputs import InputError
from sim.params import ScenarioError, scenarios_dir

ROOT = Path(__file__).resolve().parent.parent
SHORT_WEEKS = 2
MAX_HOUSEHOLDS = 2_000  # a short run with more households says nothing more and takes longer
SHIPPED = [(kind.name, path) for kind in KINDS for path in kind.shipped_files()]
KIND = {kind.name: kind for kind in KINDS}


# ----------------------------------------------------------------- TOML out


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value == math.inf else "-inf" if value == -math.inf
                                                 else repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict, prefix: tuple[str, ...] = ()) -> str:
    """``data`` as a TOML document: scalars first, then tables and arrays of tables."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            tables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append((key, value))
        else:
            lines.append(f"{json.dumps(str(key))} = {toml_value(value)}")
    out = "\n".join(lines) + "\n"
    for key, value in tables:
        name = ".".join(json.dumps(str(k)) for k in (*prefix, key))
        if isinstance(value, dict):
            out += f"\n[{name}]\n" + toml_document(value, (*prefix, key))
        else:
            for item in value:
                out += f"\n[[{name}]]\n" + toml_document(item, (*prefix, key))
    return out


# ----------------------------------------------------------------- mutations


SCALARS = (st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.sampled_from([0, -1, 1, 10**12, 2**62])
           | st.floats() | st.sampled_from([math.nan, math.inf, -math.inf, -0.5, 1.5, 1e300])
           | st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)
           | st.sampled_from(["", "planner", "top_down", "guizhou_west", "involved_share", "../x", "planner.toml",
                              "sobol", "grid", "behaviour.base_logit", "/dev/zero"])
           | st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=6) | st.sampled_from(["range", "values", "source", "name"]),
                                        inner, max_size=3), max_leaves=6)


def places(data: object, path: tuple = ()) -> list[tuple]:
    """Every place in a parsed file: each table, key and list item, by its path."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += places(value, (*path, i))
    return found


def _parent(data: object, path: tuple) -> object:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw, data: dict) -> dict:
    data = json.loads(json.dumps(data, default=str))  # a deep copy (shipped files hold no dates)
    path = draw(st.sampled_from(places(data)[1:] or [()]))
    how = draw(st.sampled_from(["replace", "replace", "delete", "add", "scale", "scale"]))
    if not path or how == "add":
        target = data if not path else _parent(data, path)
        if isinstance(target, dict):
            key = draw(st.text(max_size=8) | st.sampled_from(["name", "description", "weeks", "range"]))
            target[key] = draw(VALUES)
        elif isinstance(target, list):
            target.append(draw(VALUES))
        return data
    parent, key = _parent(data, path), path[-1]
    if how == "delete":
        del parent[key]
    elif how == "scale" and isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
        factor = draw(st.sampled_from([-1, 0, 2, 10, 1000, 0.5, -0.001]) | st.floats(0, 3))
        parent[key] = type(parent[key])(parent[key] * factor) if isinstance(parent[key], int) else parent[key] * factor
    elif how == "scale" and isinstance(parent[key], bool):
        parent[key] = not parent[key]
    else:
        parent[key] = draw(VALUES)
    return data


# ----------------------------------------------------------------- a copy of scenarios/ to write into


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mutations") / "scenarios"
    shutil.copytree(scenarios_dir(), root)
    return root


def posterior_sample() -> pd.DataFrame:
    """A small posterior over the shipped calibration's free parameters (their prior means, spread a little)."""
    from sim.calibration.spec import load_calibration

    cal = load_calibration(scenarios_dir() / "calibration" / "guizhou_west.toml")
    rows = [{p.key: p.low + (p.high - p.low) * q for p in cal.priors} | {"weight": w, "distance": 0.5}
            for q, w in ((0.4, 0.3), (0.5, 0.4), (0.6, 0.3))]
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- what an accepted file then does


def _short(params):  # noqa: ANN001, ANN202
    households = min(params.neighbourhood.households, MAX_HOUSEHOLDS)
    return params.replace({"run.weeks": SHORT_WEEKS, "neighbourhood.households": households}, origin="test")


def _run(params, seed: int = 0) -> None:  # noqa: ANN001
    from sim.model import LilongModel

    try:
        short = _short(params)
    except ScenarioError:  # fewer households break a share rule the file's own numbers keep: run as given
        short = params.replace({"run.weeks": SHORT_WEEKS}, origin="test")
    LilongModel(short, seed).run_weeks(SHORT_WEEKS)


def _run_sweep_run(experiment) -> None:  # noqa: ANN001
    from sim.sweep.plan import plan_runs
    from sim.sweep.task import execute_run

    small = experiment.reduced(replications=1, samples=None if experiment.design == "grid" else 1, weeks=SHORT_WEEKS)
    first = plan_runs(small)[0]
    run = type(first)(**{**first.__dict__, "params": _short(first.params)})
    result = execute_run(run, keep=small.keep, metrics=small.metrics)
    assert result["ok"], result["error"]


def then_run(kind: str, path: Path) -> None:
    if kind in ("scenario", "preset"):
        from sim.params import load_scenario

        _run(load_scenario(path) if kind == "scenario" else load_scenario(scenarios_dir() / "planner.toml", path))
    elif kind == "experiment":
        from sim.sweep import load_experiment

        _run_sweep_run(load_experiment(path))
    elif kind == "robustness":
        from sim.calibration.robustness import load_robustness

        _run_sweep_run(load_robustness(path).experiment())
    elif kind in ("calibration", "targets"):
        from sim.calibration.spec import load_calibration, settings_of
        from sim.calibration.targets import load_targets

        if kind == "calibration":
            cal = load_calibration(path)
            corner = {p.key: p.low for p in cal.priors}
            for setting in settings_of(cal.targets)[:2]:
                _run(cal.horizon(setting).params(corner))
        else:
            for target in load_targets(path)[:2]:
                _run(target.setting.params())
    elif kind == "street":
        from sim.street import build, load_street

        build(load_street(path), seed=0).run(SHORT_WEEKS)
    elif kind == "posterior":
        from sim.calibration.posterior import load_posterior, posterior_draws
        from sim.params import load_scenario

        draws = posterior_draws(load_posterior(path), [0])
        values = {k: float(v) for k, v in draws.iloc[0].items() if "." in k}
        _run(load_scenario(scenarios_dir() / "planner.toml").replace(values, origin="posterior"))


def refused_or_runs(kind: str, path: Path) -> None:
    try:
        KIND[kind].check(path, None)
    except (ScenarioError, InputError) as exc:  # the calibration layer's and experiments' errors are both kinds
        message = str(exc)
        assert message and "\n" not in message, message
        assert str(path) in message or str(path.parent.parent) in message or str(scenarios_dir()) in message, message
        return
    then_run(kind, path)  # anything raised here (or above, of another type) fails the test


MUTATIONS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)


@pytest.mark.parametrize("kind, shipped", SHIPPED, ids=[f"{k}-{p.stem}" for k, p in SHIPPED])
@MUTATIONS
@given(data=st.data())
def test_a_mutated_shipped_file_is_refused_in_one_line_or_runs(copy, kind, shipped, data):
    _mutate_and_check(copy, kind, shipped, data)


def _mutate_and_check(copy: Path, kind: str, shipped: Path, data) -> None:  # noqa: ANN001
    original = tomllib.loads(shipped.read_text())
    target = copy / shipped.relative_to(scenarios_dir())
    try:
        target.write_text(toml_document(data.draw(mutated(original))))
        refused_or_runs(kind, target)
    finally:
        shutil.copy(shipped, target)


@MUTATIONS
@given(data=st.data())
def test_a_mutated_posterior_sample_is_refused_in_one_line_or_runs(tmp_path_factory, data):
    sample = posterior_sample()
    rows = sample.to_dict("records")
    frame = {"rows": rows}
    changed = data.draw(mutated(frame)).get("rows")
    rows = [r for r in changed if isinstance(r, dict)] if isinstance(changed, list) else []
    columns = list(dict.fromkeys(str(k) for row in rows for k in row))
    path = tmp_path_factory.mktemp("posterior") / "posterior.csv"
    if columns:
        pd.DataFrame([{str(k): v for k, v in r.items()} for r in rows], columns=columns).to_csv(path, index=False)
    else:
        path.write_text("weight\n")
    refused_or_runs("posterior", path)


def test_every_shipped_file_is_accepted_and_runs(copy):
    """The starting point of the mutations: each shipped file passes as it is."""
    for kind, shipped in SHIPPED:
        KIND[kind].check(shipped, None)
        then_run(kind, shipped)
    assert {k for k, _ in SHIPPED} == {k.name for k in KINDS} - {"posterior"}


@pytest.mark.slow
@pytest.mark.parametrize("kind, shipped", SHIPPED, ids=[f"{k}-{p.stem}" for k, p in SHIPPED])
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_many_mutations_of_a_shipped_file(copy, kind, shipped, data):
    _mutate_and_check(copy, kind, shipped, data)
