from __future__ import annotations

from pathlib import Path

import pytest

from sim.params import Params, ScenarioError, load_scenario, scenarios_dir

SCENARIOS = sorted((scenarios_dir()).glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("preset", ["guizhou_west", "hengfu_heritage"])
def test_every_shipped_scenario_loads_with_every_preset(path, preset):
    params = load_scenario(path, preset)
    assert params.name == path.stem


def test_extends_inherits_and_overrides():
    platform = load_scenario(scenarios_dir() / "planner_platform.toml")
    assert platform.planner.enabled and platform.platform.deliberation
    assert not load_scenario(scenarios_dir() / "top_down.toml").planner.enabled


def test_preset_applies_under_scenario():
    p = load_scenario(scenarios_dir() / "planner.toml", "hengfu_heritage")
    assert p.neighbourhood.heritage_protected_share == 0.35 and p.planner.enabled


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, expected", [
    ("[planner]\nhours = 3\n", "unknown key [planner] hours"),
    ("[planer]\nenabled = true\n", "unknown key planer; allowed keys: name, description"),
    ("[planner]\nhours_per_week = 99\n", "[planner] hours_per_week = 99 is out of range; allowed: 0 to 60"),
    ("[planner]\nhours_per_week = \"many\"\n", "expected a number"),
    ("[planner]\nenabled = 1\n", "expected true or false"),
    ("[neighbourhood]\nhouseholds = 70.5\n", "expected a whole number"),
    ("[planner]\noutreach_strategy = \"loudest\"\n", "allowed: one of nearest, most_in_need, least_heard"),
    ("[street_office.priorities]\nmarket = 1.0\n",
     "unknown key [street_office.priorities] market; allowed keys: the improvement types"),
    ("[planner]\nshare_design = 0.9\n", "must add up to 1"),
    ("[planner\n", "not valid TOML"),
    ('extends = "missing.toml"\n', "scenario file not found"),
])
def test_bad_input_names_file_key_and_range(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert expected in str(err.value)
    assert str(tmp_path) in str(err.value) or "missing.toml" in str(err.value)


def test_replace_validates():
    with pytest.raises(ScenarioError, match="out of range"):
        Params().replace({"population.retired_share": 1.5})
    assert Params().replace({"planner.hours_per_week": 8}).planner.hours_per_week == 8.0


def test_extends_cycle_is_reported(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


def test_a_scenario_may_name_its_preset_and_seed(tmp_path):
    from sim.params import load_scenario

    f = tmp_path / "saved.toml"
    f.write_text('name = "saved"\npreset = "hengfu_heritage"\nseed = 12\n[planner]\nenabled = true\n')
    p = load_scenario(f)
    assert p.seed == 12 and p.neighbourhood.households == 900  # the preset's neighbourhood
    assert load_scenario(f, "guizhou_west").neighbourhood.households == 700  # an explicit preset wins
    for bad, message in (('preset = "nowhere"', "preset = 'nowhere'"), ("seed = -1", "seed = -1"),
                         ('seed = "7"', "seed = '7'")):
        f.write_text(f'name = "saved"\n{bad}\n')
        with pytest.raises(ScenarioError, match=message):
            load_scenario(f)
