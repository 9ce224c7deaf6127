from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from sim.assumptions import NO_ADVANTAGE
from sim.cli import main


def test_sim_run_prints_summary_and_writes_tables(tmp_path, capsys):
    code = main(["run", "scenarios/planner.toml", "--seed", "3", "--steps", "52", "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "planner, preset defaults, seed 3, 52 weeks" in out and "involved_share" in out
    steps = pd.read_parquet(tmp_path / "steps.parquet")
    assert len(steps) == 53 and (steps["seed"] == 3).all() and (steps["preset"] == "defaults").all()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["preset"] == "defaults" and manifest["inputs"][-1]["role"] == "scenario"
    assert (tmp_path / "steps.csv").exists() and (tmp_path / "events.csv").exists()


def test_bad_scenario_file_exits_2_with_one_clear_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[planner]\nhours_per_week = -4\n")
    result = subprocess.run([sys.executable, "-m", "sim", "run", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "hours_per_week = -4 is out of range; allowed: 0 to 60" in result.stderr
    assert str(bad) in result.stderr and "Traceback" not in result.stderr


def test_bad_command_line_value_exits_2(capsys):
    result = subprocess.run([sys.executable, "-m", "sim", "compare", "--seeds", "0"], capture_output=True, text=True)
    assert result.returncode == 2 and "allowed: 1 to" in result.stderr


def test_set_override(tmp_path, capsys):
    assert main(["run", "scenarios/planner.toml", "--steps", "5", "--out", str(tmp_path),
                 "--set", "planner.outreach_strategy=nearest", "--set", "planner.hours_per_week=8"]) == 0
    assert main(["run", "planner", "--steps", "5", "--out", str(tmp_path), "--overwrite",
                 "--set", "planner.hours_per_week=4"]) == 0
    assert main(["run", "scenarios/planner.toml", "--steps", "5", "--out", str(tmp_path),
                 "--set", "planner.hours_per_week=800"]) == 2


def test_compare_writes_the_results_folder(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "--seeds", "3", "--steps", "30", "--workers", "1", "--out", str(out), "--quiet",
                 "--robustness-seeds", "2"]) == 0
    for name in ("steps.parquet", "steps.csv", "summary.csv", "summary.md", "manifest.json", "tipping.csv",
                 "by_year.csv", "robustness.csv", "figures/engagement_satisfaction.png",
                 "figures/ladder_final_year.png", "figures/groups_age_tenure.png", "figures/spaces_condition.png",
                 "figures/rates.png", "figures/robustness.png"):
        assert (out / name).exists(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seeds"] == [0, 1, 2] and manifest["versions"]["mesa"].startswith("3.")
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["scenario"]) == {"top_down", "consultation", "platform", "planner", "planner_platform"}
    robust = pd.read_csv(out / "robustness.csv")
    assert set(robust["assumption"]) == {"(default)", "visit time", "engagement window", "catchment radius",
                                         "threshold spread", "planner's design skill", "planner's facilitation",
                                         "rules the planner helps set", NO_ADVANTAGE}
    text = (out / "summary.md").read_text()
    assert "households" in text and "seed-to-seed variation only" in text and "## Robustness" in text
    assert "## Headline differences with parameter uncertainty" in text  # the shipped posterior, by default
    assert "Results written to" in capsys.readouterr().out


def test_validate_and_params(capsys):
    assert main(["validate", "scenarios/planner_platform.toml", "--preset", "hengfu_heritage"]) == 0
    assert main(["params", "--markdown"]) == 0
    assert "| planner | `hours_per_week` |" in capsys.readouterr().out
