"""A street of many neighbourhoods: its file, the shared budget, planners placed and moved, and the job."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.calibration.files import InputError
from sim.cli import main
from sim.street import allocation, build, load_street

SMALL = """name = "small_street"
weeks = {weeks}
[office]
budget_yuan_per_year = 1_800_000.0
allocation = "{rule}"
[[neighbourhood]]
name = "a"
scenario = "{root}/scenarios/top_down.toml"
copies = 2
[[neighbourhood]]
name = "b"
scenario = "{root}/scenarios/platform.toml"
preset = "hengfu_heritage"
set = {{ "neighbourhood.households" = 300 }}
[[planner]]
neighbourhood = "a_1"
until_week = 30
[[planner]]
neighbourhood = "b"
from_week = 31
[compare]
budget_rules = ["equal", "need"]
[[compare.placement]]
name = "in a"
planners = ["a_1"]
"""


def small(tmp_path, rule: str = "equal", weeks: int = 60, text: str = SMALL):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    path = tmp_path / "small_street.toml"
    path.write_text(text.format(weeks=weeks, rule=rule, root=root))
    return path


def test_a_street_file_names_its_neighbourhoods_planners_and_placements(tmp_path):
    street = load_street(small(tmp_path))
    assert street.names == ("a_1", "a_2", "b") and street.households == 700 + 700 + 300
    assert [p.name for p in street.placements] == ["no planner", "in a"]
    assert street.budget_rules == ("equal", "need")


@pytest.mark.parametrize(("change", "message"), [
    (('allocation = "{rule}"', 'allocation = "loudest"'),
     "allocation = 'loudest': allowed: one of equal, need"),
    (('neighbourhood = "b"', 'neighbourhood = "c"'), "neighbourhood = 'c': not a neighbourhood of this street"),
    (('budget_yuan_per_year = 1_800_000.0', 'budget_yuan_per_year = -1'), "budget_yuan_per_year = -1"),
    (('"neighbourhood.households" = 300', '"neighbourhood.households" = 5'),
     "households\" = 5 is out of range; allowed: 20 to"),
    (('name = "b"', 'name = "a_1"'), "neighbourhood 'a_1' is named twice"),
    (('planners = ["a_1"]', 'planners = ["z"]'), "planners: 'z' is not a neighbourhood"),
])
def test_a_bad_street_file_is_one_line_naming_the_key(tmp_path, change, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_street(small(tmp_path, text=SMALL.replace(*change)))


@pytest.mark.parametrize("rule", ["equal", "need", "complaints", "proposals"])
def test_the_street_budget_is_shared_out_whole(tmp_path, rule):
    run = build(load_street(small(tmp_path, rule)), seed=3)
    run.run(60)
    shares = allocation(run.model, rule, 1_800_000.0)
    assert np.isclose(shares.sum(), 1_800_000.0) and (shares >= 0).all()


def test_budget_by_complaints_follows_the_planner_and_equal_does_not(tmp_path):
    """A planner raises voice: under the complaints rule its neighbourhood's share grows; equal shares follow
    households only."""
    street = load_street(small(tmp_path, weeks=120))
    shares = {}
    for rule in ("equal", "complaints"):
        run = build(street, seed=3, planners=street.placements[1].planners, rule=rule)
        run.run(120)
        shares[rule] = run.model.institutions.budget_yuan / run.model.institutions.budget_yuan.sum()
    assert np.allclose(shares["equal"], np.array([700, 700, 300]) / 1700)
    assert shares["complaints"][0] > shares["complaints"][1] + 0.1


def test_a_planner_moves_when_the_file_says(tmp_path):
    run = build(load_street(small(tmp_path)), seed=1)
    run.run(30)
    assert list(run.model.institutions.planner_on) == [True, False, False]
    run.step()
    assert list(run.model.institutions.planner_on) == [False, False, True]
    visited_b = run.model.households.last_visit[run.model.hseg.slice(2)].copy()
    run.run(5)
    assert (run.model.households.last_visit[run.model.hseg.slice(2)] > visited_b).any()


def test_the_street_job_writes_a_results_folder(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["street", str(small(tmp_path, weeks=40)), "--seeds", "2", "--out", str(out), "--workers", "1",
                 "--quiet"]) == 0
    for name in ("summary.md", "differences.csv", "runs_final_year.csv", "neighbourhoods_final_year.csv",
                 "figures/placements.png", "manifest.json"):
        assert (out / name).exists(), name
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs.budget_rule) == {"equal", "need"} and set(diffs.placement) == {"in a"}
    assert main(["street", str(small(tmp_path, weeks=40)), "--seeds", "2", "--out", str(out), "--quiet"]) == 2
