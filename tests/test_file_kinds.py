"""Every input file kind is checked by one validator, from one schema per kind, with one message form
(issue 19, items 2 and 3); posterior samples are input like any other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def one_error(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


# ----------------------------------------------------------------- wrong files that were accepted


@pytest.mark.parametrize("value", ["5", "true", '["a", "b"]', "{ text = 1 }"])
def test_a_scenario_description_must_be_text(tmp_path, capsys, value):
    path = tmp_path / "mine.toml"
    path.write_text(f'name = "mine"\ndescription = {value}\n[planner]\nhours_per_week = 8\n')
    message = one_error(capsys, "validate", str(path))
    assert f"{path}: description = " in message and "expected text" in message
    assert f"{path}: description = " in one_error(capsys, "run", str(path), "--steps", "1")


def test_a_preset_is_checked_like_a_scenario(tmp_path, capsys):
    preset = tmp_path / "presets" / "mine.toml"
    preset.parent.mkdir()
    preset.write_text('description = 7\n[neighbourhood]\nhouseholds = 100\n')
    assert f"{preset}: description = 7: expected text" in one_error(capsys, "validate", str(preset))
    assert f"{preset}: description = 7" in one_error(capsys, "run", "planner", "--preset", str(preset), "--steps", "1")


def test_a_scenario_with_a_neighbourhood_table_is_a_scenario_not_a_street(tmp_path, capsys):
    """A scenario's [neighbourhood] is one table; a street's [[neighbourhood]] are many (and it has an [office])."""
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n[neighbourhood]\nhouseholds = 900\n')
    assert main(["validate", str(path)]) == 0
    assert "scenario" in capsys.readouterr().out
    street = tmp_path / "street.toml"
    street.write_text('[office]\nbudget_yuan_per_year = 1.0\n[[neighbourhood]]\nname = "a"\n')
    assert main(["validate", str(street)]) == 0
    assert "street" in capsys.readouterr().out


TARGET = """[[target]]
name = "t"
statistic = "{statistic}"
value = {value}
uncertainty = 0.05
scenario = "planner"
source = "test"
"""


@pytest.mark.parametrize("statistic, value, allowed", [("involved_share", 1.2, "0 to 1"),
                                                       ("involved_share__renter", -0.1, "0 to 1"),
                                                       ("volunteers", -3, "at least 0")])
def test_a_target_outside_its_statistics_range_is_refused(tmp_path, capsys, statistic, value, allowed):
    targets = tmp_path / "targets.toml"
    targets.write_text(TARGET.format(statistic=statistic, value=value))
    message = one_error(capsys, "validate", str(targets))
    assert f"{targets}: [[target]] t: value = {value} is out of range; allowed: {allowed}" in message
    calibration = tmp_path / "cal.toml"
    calibration.write_text('name = "c"\ntargets = ["targets.toml"]\nfit = ["t"]\n'
                           '[parameters."behaviour.base_logit"]\n')
    assert "is out of range; allowed" in one_error(capsys, "calibrate", str(calibration), "--check")


def test_a_negative_min_effect_is_refused(tmp_path, capsys):
    text = (SCENARIOS / "robustness" / "planner_effects.toml").read_text()
    assert "[min_effect]" in text
    path = tmp_path / "rob.toml"
    path.write_text(text.replace("[min_effect]\n", "[min_effect]\ninvolved_share = -0.02\n", 1)
                    if "involved_share =" not in text.split("[min_effect]")[1] else
                    text.replace("[min_effect]\ninvolved_share = ", "[min_effect]\ninvolved_share = -", 1))
    message = one_error(capsys, "robustness", str(path), "--check")
    assert f"{path}: [min_effect] involved_share = -" in message and "is out of range; allowed: at least 0" in message


# ----------------------------------------------------------------- posterior samples


def _posterior(tmp_path: Path, rows: list[str], header: str = "behaviour.base_logit,population.interest_retired,"
                                                                 "weight,distance") -> Path:
    path = tmp_path / "posterior.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


GOOD = ["-6.0,0.5,0.5,0.1", "-5.5,0.6,0.5,0.2"]


@pytest.mark.parametrize("rows, header, expected", [
    (["-6.0,0.5,0.5,0.1", "high,0.6,0.5,0.2"], None, "row 2, behaviour.base_logit = 'high': expected a number"),
    (["-6.0,0.5,inf,0.1", *GOOD], None, "row 1, weight = inf is out of range; allowed: at least 0"),
    ([*GOOD, "-6.0,0.5,nan,0.1"], None, "row 3, weight = nan is out of range; allowed: at least 0"),
    ([*GOOD, "-6.0,0.5,-1,0.1"], None, "row 3, weight = -1.0 is out of range; allowed: at least 0"),
    (["-6.0,0.5,0,0.1", "-5.0,0.5,0,0.1"], None, "weight: all zero"),
    (["-60.0,0.5,0.5,0.1"], None, "row 1, behaviour.base_logit = -60.0 is out of range; allowed: -10 to 5"),
    (["-6.0,1.5,0.5,0.1"], None, "row 1, population.interest_retired = 1.5 is out of range; allowed: 0 to 1"),
    (["-6.0,,0.5,0.1"], None, "row 1, population.interest_retired = '': expected a number"),
    (["-6.0,0.5,0.5,0.1"], "behaviour.base_logit,behaviour.no_such_thing,weight,distance",
     "row 1, behaviour.no_such_thing = 0.5: expected a known numeric parameter"),
    (["-6.0,1,0.5,0.1"], "behaviour.base_logit,planner.enabled,weight,distance",
     "row 1, planner.enabled = 1.0: expected a known numeric parameter"),
    (["-6.0,0.5,0.1"], "behaviour.base_logit,population.interest_retired,distance", "needs a weight column"),
])
def test_a_bad_posterior_is_one_line_naming_file_column_and_row(tmp_path, capsys, rows, header, expected):
    path = _posterior(tmp_path, rows, header or "behaviour.base_logit,population.interest_retired,weight,distance")
    message = one_error(capsys, "compare", "--posterior", str(path), "--scenarios", "top_down", "planner",
                        "--seeds", "2", "--steps", "2", "--households", "40", "--workers", "1", "--quiet",
                        "--out", str(tmp_path / "out"))
    assert message.startswith(f"error: {path}: ") and expected in message, message
    assert not (tmp_path / "out").exists()
    assert expected in one_error(capsys, "validate", str(path))


def test_a_good_posterior_runs(tmp_path, capsys):
    path = _posterior(tmp_path, GOOD)
    assert main(["validate", str(path)]) == 0
    assert "ok (posterior sample, 2 rows, 2 parameters)" in capsys.readouterr().out
    assert main(["compare", "--posterior", str(path), "--scenarios", "top_down", "planner", "--seeds", "2",
                 "--steps", "2", "--households", "40", "--workers", "1", "--quiet", "--out", str(tmp_path / "o")]) == 0


def test_a_posterior_text_column_is_not_a_traceback_in_a_real_process(tmp_path):
    path = _posterior(tmp_path, ["-6.0,0.5,0.5,0.1", "high,0.6,0.5,0.2"])
    result = subprocess.run([sys.executable, "-m", "sim", "compare", "--posterior", str(path), "--scenarios",
                             "top_down", "planner", "--seeds", "2", "--steps", "2", "--households", "40",
                             "--workers", "1", "--quiet"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines() == [f"error: {path}: row 2, behaviour.base_logit = 'high': expected a "
                                                  "number, -10 to 5"]
