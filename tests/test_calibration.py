"""sim calibrate end to end (quick), kill -9 and resume, sim compare --posterior, sim robustness."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from waiting import wait_for

from sim.calibration.report import population_frame
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scenarios" / "calibration" / "guizhou_west.toml"
ROBUSTNESS = ROOT / "scenarios" / "robustness" / "planner_effects.toml"

# A small calibration on one setting (one run per particle): four generations of eight particles.
SMALL = f"""name = "small"
targets = ["{ROOT / 'scenarios' / 'targets' / 'shanghai_turnout.toml'}"]
fit = ["turnout_young", "turnout_retired"]
[parameters."behaviour.base_logit"]
range = [-9.0, -3.0]
source = "test"
[parameters."population.interest_retired"]
[abc]
population_size = 8
max_generations = 4
tolerance = 0.5
predictive_draws = 2
weeks = 40
"""


def _stored_populations(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()[0]
    except sqlite3.Error:
        return 0


def _populations(out: Path) -> list[pd.DataFrame]:
    from sim.calibration.report import history

    h = history(out)
    keys = ("behaviour.base_logit", "population.interest_retired")
    frames = [population_frame(h, t, keys) for t in range(h.n_populations)]
    return [f.sort_values(list(keys)).reset_index(drop=True) for f in frames]


def test_quick_calibration_of_the_shipped_file_writes_posterior_report_and_figures(tmp_path, capsys):
    out = tmp_path / "quick"
    assert main(["calibrate", str(SHIPPED), "--quick", "--out", str(out), "--executor", "sequential", "--quiet"]) == 0
    for name in ("posterior.csv", "populations.csv", "parameters.csv", "predictive.csv", "checks.csv", "report.md",
                 "history.db", "manifest.json", "figures/marginals.png", "figures/predictive.png",
                 "figures/generations.png", "figures/correlations.png"):
        assert (out / name).exists(), name
    posterior = pd.read_csv(out / "posterior.csv")
    assert len(posterior) == 16 and np.isclose(posterior["weight"].sum(), 1)
    assert {"behaviour.base_logit", "guizhou_west_core"} <= set(posterior.columns)
    checks = pd.read_csv(out / "checks.csv")
    assert set(checks["role"]) == {"fitted", "held out"} and len(checks) == 7  # every target, held-out ones too
    report = (out / "report.md").read_text()
    assert "## Predictive checks" in report and "## Cost" in report and "held out" in report
    # a finished calibration is not run again; without --resume the folder is protected
    assert main(["calibrate", str(SHIPPED), "--quick", "--out", str(out), "--executor", "sequential", "--quiet"]) == 2
    assert "--resume" in capsys.readouterr().err


def test_kill_minus_9_mid_calibration_then_resume_loses_and_repeats_nothing(tmp_path):
    """Killed while sampling a generation, the calibration resumes from the last stored population and ends with
    exactly the populations of an uninterrupted run (on another executor): no accepted particle is lost or
    sampled twice; only the generation in progress is redone."""
    cal = tmp_path / "small.toml"
    cal.write_text(SMALL)
    killed, reference = tmp_path / "killed", tmp_path / "reference"
    cmd = [sys.executable, "-m", "sim", "calibrate", str(cal), "--out", str(killed), "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    wait_for(lambda: _stored_populations(killed / "history.db") >= 2 or proc.poll() is not None, timeout=240,
             what="two stored populations")
    os.killpg(proc.pid, signal.SIGKILL)  # the driver, its process pool and the forkserver
    proc.wait()
    stored = _stored_populations(killed / "history.db")
    assert 2 <= stored < 4, "the kill should land mid-calibration"
    before = _populations(killed)
    wait_for(lambda: not _group_alive(proc.pid), timeout=30, what="the killed calibration's processes to exit")

    subprocess.run(cmd + ["--resume"], check=True, timeout=600)
    subprocess.run([sys.executable, "-m", "sim", "calibrate", str(cal), "--out", str(reference), "--executor",
                    "sequential", "--quiet"], check=True, timeout=600)
    after, ref = _populations(killed), _populations(reference)
    assert len(after) == len(ref) == 4
    for t, frame in enumerate(before):  # what was stored before the kill is untouched
        assert_frame_equal(frame, after[t])
    for a, b in zip(after, ref, strict=True):  # and the whole run equals the uninterrupted one
        assert_frame_equal(a, b)
    sessions = json.loads((killed / "manifest.json").read_text())["sessions"]
    assert len(sessions) == 2 and sessions[0]["end"] is None  # the killed session never closed


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_compare_with_a_posterior_reports_total_beside_seed_only_uncertainty(tmp_path, capsys):
    posterior = tmp_path / "posterior.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame({"behaviour.base_logit": rng.uniform(-7, -5, 20),
                  "population.interest_retired": rng.uniform(0.3, 0.7, 20),
                  "weight": np.full(20, 0.05)}).to_csv(posterior, index=False)
    out = tmp_path / "cmp"
    assert main(["compare", "--posterior", str(posterior), "--scenarios", "top_down", "planner", "--seeds", "4",
                 "--steps", "30", "--workers", "1", "--out", str(out), "--quiet"]) == 0
    table = pd.read_csv(out / "posterior_summary.csv")
    assert set(table["scenario"]) == {"planner"}
    row = table[table.metric == "involved_share"].iloc[0]
    assert 0 <= row["p_positive"] <= 1 and row["seeds"] == 4
    assert row["total_runs_low"] <= row["total_mean"] <= row["total_runs_high"]
    draws = pd.read_csv(out / "draws.csv")
    assert list(draws["seed"]) == [0, 1, 2, 3]
    assert draws["behaviour.base_logit"].nunique() == 4  # each seed runs on its own posterior draw...
    steps = pd.read_parquet(out / "steps_posterior_draws.parquet")
    assert set(steps["scenario"]) == {"top_down", "planner"}
    at_values = pd.read_parquet(out / "steps.parquet")  # the headline runs: seed-only, at the scenarios' values
    key = ["scenario", "seed", "week"]
    drawn, mean = (f.sort_values(key).reset_index(drop=True) for f in (steps, at_values))
    assert (drawn[key] == mean[key]).all().all()
    assert not np.allclose(drawn["consulted_share"], mean["consulted_share"])  # ...and the draws change the runs
    text = (out / "summary.md").read_text()
    assert "Seed-only" in text and "P(> 0)" in text
    assert "these differ from this posterior's mean" in text  # this posterior is not the defaults' one
    assert (out / "figures" / "posterior_uncertainty.png").exists()


@pytest.mark.parametrize("columns, expected", [
    ({"behaviour.no_such": [1.0], "weight": [1.0]}, "no_such"),
    ({"behaviour.base_logit": [-6.0]}, "needs a weight column"),
    ({"behaviour.base_logit": [-6.0], "weight": ["heavy"]}, "row 1, weight = 'heavy': expected a number"),
])
def test_a_bad_posterior_exits_2_before_any_run(tmp_path, capsys, columns, expected):
    posterior = tmp_path / "posterior.csv"
    pd.DataFrame(columns).to_csv(posterior, index=False)
    assert main(["compare", "--posterior", str(posterior), "--seeds", "2", "--steps", "5", "--workers", "1",
                 "--out", str(tmp_path / "cmp"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.strip().count("\n") == 0
    assert not (tmp_path / "cmp").exists()


def test_the_main_job_reports_the_shipped_posterior_at_its_mean(tmp_path):
    """Without --posterior the comparison draws from the shipped calibration, whose mean the defaults are."""
    out = tmp_path / "cmp"
    assert main(["compare", "--scenarios", "top_down", "planner", "--seeds", "3", "--steps", "20", "--workers", "1",
                 "--robustness-seeds", "0", "--out", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["posterior"] == "scenarios/calibration/guizhou_west.posterior.csv"
    text = (out / "summary.md").read_text()
    assert "which are this posterior's mean" in text
    assert set(pd.read_csv(out / "posterior_summary.csv")["scenario"]) == {"planner"}
    none = tmp_path / "none"
    assert main(["compare", "--scenarios", "top_down", "planner", "--seeds", "2", "--steps", "10", "--workers", "1",
                 "--robustness-seeds", "0", "--posterior", "none", "--out", str(none), "--quiet"]) == 0
    assert not (none / "posterior_summary.csv").exists()


def test_prim_box_finds_a_known_failure_region():
    from sim.calibration.robustness import prim_boxes
    from sim.sweep.experiment import Factor

    rng = np.random.default_rng(1)
    x = pd.DataFrame({"a.x1": rng.uniform(0, 1, 400), "a.x2": rng.uniform(0, 1, 400), "a.x3": rng.uniform(0, 1, 400)})
    effect = np.where((x["a.x1"] < 0.3) & (x["a.x2"] > 0.6), -0.1, 0.1) + rng.normal(0, 0.01, 400)
    points = x.assign(**{"planner__involved_share": effect})

    class Spec:  # the fields prim_boxes reads
        factors = tuple(Factor(k, low=0.0, high=1.0) for k in x.columns)
        scenarios, metrics = ("planner",), ("involved_share",)

        def threshold(self, metric: str) -> float:
            return 0.0

    boxes, trajectory, notes = prim_boxes(points, Spec())
    assert set(boxes["parameter"]) == {"a.x1", "a.x2"}  # x3 does not matter and is not restricted
    x1, x2 = (boxes[boxes.parameter == k].iloc[0] for k in ("a.x1", "a.x2"))
    assert x1["box_high"] == pytest.approx(0.3, abs=0.08) and x2["box_low"] == pytest.approx(0.6, abs=0.08)
    assert x1["coverage"] > 0.8 and x1["density"] > 0.8 and not trajectory.empty


def test_robustness_reduced_runs_on_the_sweep_layer_and_writes_its_report(tmp_path):
    store = tmp_path / "rob"
    assert main(["robustness", str(ROBUSTNESS), "--samples", "6", "--replications", "1", "--weeks", "20",
                 "--store", str(store), "--executor", "sequential", "--quiet"]) == 0
    out = store / "robustness"
    for name in ("points.csv", "shares.csv", "boxes.csv", "robustness.png", "report.md"):
        assert (out / name).exists(), name
    shares = pd.read_csv(out / "shares.csv")
    assert len(shares) == 4 and shares["share_holds"].between(0, 1).all()
    points = pd.read_csv(out / "points.csv")
    assert points.filter(like="behaviour.").nunique().min() == 6  # six distinct points of the hypercube
    assert len(points) == 6
    assert "## Where it fails (PRIM)" in (out / "report.md").read_text()
    # the runs are a sweep store: complete, and resumable like any sweep
    assert len(pd.read_parquet(store / "runs")) == 6 * 3
    assert main(["robustness", str(ROBUSTNESS), "--samples", "6", "--replications", "1", "--weeks", "20",
                 "--store", str(store), "--executor", "sequential", "--quiet", "--resume"]) == 0


RECOVERY = (SMALL.replace('name = "small"', 'name = "recovery"').replace("[-9.0, -3.0]", "[-10.0, -4.0]")
            .replace("population_size = 8\nmax_generations = 4\ntolerance = 0.5\npredictive_draws = 2",
                     "population_size = 20\nmax_generations = 4\ntolerance = 1.0"))


@pytest.mark.slow
def test_synthetic_recovery_reduced(tmp_path):
    """Calibrating to the model's own output at known values drawn from the prior: the 90% intervals contain
    the truth about 90% of the time, and are narrower than the prior (the prior alone also covers 90%)."""
    from sim.calibration.recovery import recovery
    from sim.calibration.spec import load_calibration

    path = tmp_path / "recovery.toml"
    path.write_text(RECOVERY)
    table = recovery(load_calibration(path), repetitions=4, master_seed=3, workers=2)
    assert len(table) == 8
    assert table["covered"].sum() >= 6  # 8 intervals at 90%: 6 or more with probability 0.96
    assert table.groupby("parameter")["relative_width"].mean().min() < 0.6


def test_correlations_of_a_single_free_parameter():
    """A calibration with one free parameter is valid; its report's correlation table is 1 x 1 (was a traceback)."""
    from types import SimpleNamespace

    from sim.calibration.report import correlations

    posterior = pd.DataFrame({"behaviour.base_logit": [-6.0, -5.0, -4.0], "weight": [0.2, 0.3, 0.5]})
    corr = correlations(SimpleNamespace(keys=("behaviour.base_logit",)), posterior)
    assert corr.shape == (1, 1) and np.isclose(corr.iloc[0, 0], 1.0)


def test_particles_simulated_in_batches_are_the_particles_simulated_one_by_one(tmp_path, monkeypatch):
    """The sampler simulates particles in batches (proposals recorded, runs made together, particles evaluated
    again from the same seeds): every population is exactly what evaluating particles one at a time gives."""
    from sim.calibration import engine

    spec = tmp_path / "small.toml"
    spec.write_text(SMALL.replace("max_generations = 4", "max_generations = 2"))
    populations = {}
    for per_batch in (1, 8):
        monkeypatch.setattr(engine, "PARTICLES_PER_BATCH", per_batch)
        out = tmp_path / f"batch{per_batch}"
        assert main(["calibrate", str(spec), "--out", str(out), "--executor", "sequential", "--quiet"]) == 0
        populations[per_batch] = _populations(out)
    assert len(populations[1]) == 2
    for one, batched in zip(populations[1], populations[8], strict=True):
        assert_frame_equal(one, batched)


def test_a_seeds_posterior_draw_does_not_depend_on_how_many_seeds_there_are():
    from sim.calibration.posterior import posterior_draws

    posterior = pd.DataFrame({"behaviour.base_logit": np.linspace(-9, -5, 50), "weight": np.linspace(1, 2, 50)})
    few, many = posterior_draws(posterior, [0, 1, 2]), posterior_draws(posterior, list(range(30)))
    assert few["draw"].tolist() == many["draw"].iloc[:3].tolist()
    assert many["draw"].nunique() > 10  # and the draws differ from seed to seed
