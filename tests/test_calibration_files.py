"""Target, calibration and robustness files are validated whole before any run: one line naming the
file and the key, exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.calibration.files import InputError
from sim.calibration.robustness import load_robustness
from sim.calibration.spec import load_calibration
from sim.calibration.targets import load_targets
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_TARGETS = sorted((ROOT / "scenarios" / "targets").glob("*.toml"))

TARGET = """
[[target]]
name = "t1"
statistic = "core_share"
value = 0.015
uncertainty = 0.008
scenario = "planner_platform"
weeks = 40
overrides = { "platform.deliberation" = false }
source = "a figure"
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _assert_one_line_error(load, path: Path, expected: str) -> None:  # noqa: ANN001
    """Loading ``path`` fails with one line naming the file and containing ``expected``."""
    with pytest.raises(InputError) as err:
        load(path)
    message = str(err.value)
    assert expected in message and str(path) in message and "\n" not in message


def _calibration(folder: Path, body: str = "", targets: str = TARGET) -> Path:
    _write(folder, "targets.toml", targets)
    return _write(folder, "cal.toml", 'name = "c"\ntargets = ["targets.toml"]\nfit = ["t1"]\n'
                  + (body or '[parameters."behaviour.volunteer_commitment_cost"]\n'))


@pytest.mark.parametrize("path", SHIPPED_TARGETS, ids=lambda p: p.stem)
def test_shipped_target_files_load(path):
    targets = load_targets(path)
    assert targets and all(t.source and t.uncertainty > 0 for t in targets)


def test_check_validates_without_running(tmp_path, capsys):
    assert main(["calibrate", str(ROOT / "scenarios" / "calibration" / "guizhou_west.toml"), "--check"]) == 0
    assert main(["robustness", str(ROOT / "scenarios" / "robustness" / "planner_effects.toml"), "--check"]) == 0
    out = capsys.readouterr().out
    assert "ok (guizhou_west)" in out and "ok (planner_effects)" in out


def test_shipped_calibration_and_robustness_files_load():
    for path in sorted((ROOT / "scenarios" / "calibration").glob("*.toml")):
        cal = load_calibration(path)
        assert cal.fit_targets and cal.priors
        assert all(p.source for p in cal.priors)
    for path in sorted((ROOT / "scenarios" / "robustness").glob("*.toml")):
        assert load_robustness(path).factors


@pytest.mark.parametrize("change, expected", [
    (("value = 0.015", 'value = "high"'), "[[target]] t1: value = 'high': expected a number"),
    (("uncertainty = 0.008", "uncertainty = 0"), "[[target]] t1: uncertainty = 0 is out of range; allowed: above 0"),
    (('statistic = "core_share"',
     'statistic = "core_size"'), "[[target]] t1: statistic = 'core_size': expected a metric"),
    (('scenario = "planner_platform"', 'scenario = "planer"'), "[[target]] t1: scenario = 'planer': no such scenario"),
    (("weeks = 40", "weeks = 0"), "[[target]] t1: weeks = 0 is out of range; allowed: 1 to 1040"),
    (('"platform.deliberation" = false', '"platform.deliberation" = 3'),
     "[[target]] t1: [overrides] \"platform.deliberation\" = 3: expected true or false"),
    (('"platform.deliberation" = false', '"platform.debate" = false'),
     "unknown key [[target]] t1: [overrides] \"platform.debate\"; allowed keys: a parameter"),
    (('source = "a figure"', 'source = ""'), "[[target]] t1: source = '': expected non-empty text"),
    (('source = "a figure"',
     'source = "a figure"\nunit = "share"'), "unknown key [[target]] t1: unit; allowed keys: name, statistic"),
    (('name = "t1"', 'name = ""'), "[[target]] number 1: name = '': expected non-empty text"),
    (("[[target]]", "[[target]\n"), "not valid TOML"),
])
def test_malformed_target_file_names_file_and_key(tmp_path, change, expected):
    _assert_one_line_error(load_targets, _write(tmp_path, "targets.toml", TARGET.replace(*change)), expected)


@pytest.mark.parametrize("body, expected", [
    ('[parameters."behaviour.volunteer_cost"]\n',
     'unknown key [parameters] "behaviour.volunteer_cost"; allowed keys: numeric parameters'),
    ('[parameters."planner.enabled"]\n',
     'unknown key [parameters] "planner.enabled"; allowed keys: numeric parameters'),
    ('[parameters."planner.workshop_capacity"]\n', "not whole numbers (ABC perturbs continuously"),
    ('[parameters."behaviour.volunteer_commitment_cost"]\nrange = [2.0, 1.0]\nsource = "x"\n',
     "range = [2.0, 1.0]: expected [low, high] with low < high"),
    ('[parameters."behaviour.volunteer_commitment_cost"]\nrange = [0.0, 11.0]\nsource = "x"\n',
     "range, item 2 = 11.0 is out of range; allowed: 0 to 10"),
    ('[parameters."behaviour.volunteer_commitment_cost"]\nrange = [0.0, 2.0]\n', "source: required"),
    ('[parameters."population.retired_share"]\n[parameters."population.young_share"]\n',
     "the prior box reaches invalid parameters"),
    ('[parameters."behaviour.volunteer_commitment_cost"]\n[abc]\npopulation_size = 2\n',
     "[abc] population_size = 2 is out of range; allowed: 4 to 100000"),
    ('[parameters."behaviour.volunteer_commitment_cost"]\n[abc]\ntolerance = -1\n',
     "[abc] tolerance = -1 is out of range; allowed: above 0"),
    ('[parameters."behaviour.volunteer_commitment_cost"]\n[abc]\nparticles = 5\n',
     "unknown key [abc] particles; allowed keys: population_size"),
    ("", None),  # filled in below: an unknown fitted target
])
def test_malformed_calibration_file_names_file_and_key(tmp_path, body, expected):
    if expected is None:
        path = _calibration(tmp_path)
        path.write_text(path.read_text().replace('fit = ["t1"]', 'fit = ["t2"]'))
        expected = "fit: unknown target 't2'"
    else:
        path = _calibration(tmp_path, body)
    _assert_one_line_error(load_calibration, path, expected)


def test_missing_or_duplicate_target_file_is_named(tmp_path):
    path = _calibration(tmp_path)
    path.write_text(path.read_text().replace('targets = ["targets.toml"]', 'targets = ["nowhere.toml"]'))
    with pytest.raises(InputError, match="targets: 'nowhere.toml': no such target file"):
        load_calibration(path)
    path.write_text(path.read_text().replace('["nowhere.toml"]', '["targets.toml", "copy.toml"]'))
    _write(tmp_path, "copy.toml", TARGET)
    with pytest.raises(InputError, match="target 't1' is defined in"):
        load_calibration(path)


ROBUSTNESS = """name = "r"
baseline = "top_down"
scenarios = ["planner"]
samples = 4
[parameters."behaviour.weight_social"]
range = [0.0, 3.0]
source = "theory"
"""


@pytest.mark.parametrize("change, expected", [
    (('baseline = "top_down"', 'baseline = ""'), "baseline = '': expected non-empty text"),
    (('scenarios = ["planner"]', 'scenarios = ["top_down"]'), "scenarios: 'top_down' is the baseline"),
    (('scenarios = ["planner"]', 'scenarios = ["planer"]'), "scenarios:"),
    (("samples = 4", "samples = 1"), "samples = 1 is out of range; allowed: 2 to 1000000"),
    (("range = [0.0, 3.0]", "range = [0.0, 30.0]"), "range, item 2 = 30.0 is out of range; allowed: 0 to 10"),
    (('source = "theory"', ""), "source: required"),
    (('name = "r"', 'name = "r"\nmetrics = ["engagement"]'), "metrics, item 1 = 'engagement': expected a metric"),
    (('name = "r"', 'name = "r"\ndesign = "lhs"'), "unknown key design; allowed keys: name,"),
    (('source = "theory"', 'source = "theory"\n[min_effect]\nengagement = 0.1'),
     "[min_effect] engagement: not among the metrics studied"),
])
def test_malformed_robustness_file_names_file_and_key(tmp_path, change, expected):
    _assert_one_line_error(load_robustness, _write(tmp_path, "rob.toml", ROBUSTNESS.replace(*change)), expected)


def test_a_name_that_would_leave_the_results_folder_is_refused(tmp_path):
    """Calibration and robustness names become folders under results/: the same rule as every name."""
    cal = _calibration(tmp_path)
    cal.write_text(cal.read_text().replace('name = "c"', 'name = "../../x"'))
    _assert_one_line_error(load_calibration, cal, "name = '../../x': not a valid name")
    rob = _write(tmp_path, "rob.toml", ROBUSTNESS.replace('name = "r"', 'name = "/tmp/x"'))
    _assert_one_line_error(load_robustness, rob, "name = '/tmp/x': not a valid name")


def test_cli_exits_2_with_one_line_before_any_run(tmp_path, capsys):
    bad_targets = _calibration(tmp_path, targets=TARGET.replace("uncertainty = 0.008", "uncertainty = -1"))
    assert main(["calibrate", str(bad_targets), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "uncertainty = -1" in err and "targets.toml" in err
    assert not (tmp_path / "out").exists()  # nothing ran, nothing was written

    bad_rob = _write(tmp_path, "rob.toml", ROBUSTNESS.replace("samples = 4", "samples = 0"))
    result = subprocess.run([sys.executable, "-m", "sim", "robustness", str(bad_rob), "--store",
                             str(tmp_path / "store")], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(bad_rob) in result.stderr and "samples = 0" in result.stderr
    assert not (tmp_path / "store").exists()


def test_parameter_table_marks_each_parameter_calibrated_measured_or_assumed():
    from sim.params import parameter_rows, parameter_table_markdown

    status = {f"{r['section']}.{r['key']}": r["status"] for r in parameter_rows()}
    cal = load_calibration(ROOT / "scenarios" / "calibration" / "guizhou_west.toml")
    for key in cal.keys:
        assert status[key].startswith("calibrated to turnout_young"), key
        assert all(name in status[key] for name in cal.fit)
    assert status["population.shared_kitchen_share"] == "measured"
    assert status["behaviour.weight_social"] == "assumed"
    assert "| status |" in parameter_table_markdown().splitlines()[0]
