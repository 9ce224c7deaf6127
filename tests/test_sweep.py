"""Sweeps: experiment validation, designs, seeds, store, analysis, executors agreeing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim import sweep
from sim.sweep.experiment import ExperimentError
from sim.sweep.plan import plan_runs, replication_seeds

EXPERIMENTS = Path(__file__).resolve().parent.parent / "scenarios" / "experiments"
SHIPPED = sorted(EXPERIMENTS.glob("*.toml"))


def reduced(name: str, **kw):
    settings = {"replications": 1, "weeks": 30}
    settings.update(kw)
    return sweep.load_experiment(EXPERIMENTS / f"{name}.toml").reduced(**settings)


def comparable(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.drop(columns=["wall_s"]).sort_values("run_id").reset_index(drop=True)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_experiment_runs_reduced_and_analyses(path, tmp_path):
    exp = sweep.load_experiment(path)
    small = exp.reduced(replications=1, weeks=60, samples=None if exp.design == "grid" else 4)
    if exp.design == "grid":  # keep every factor but only two values of each
        from dataclasses import replace
        small = replace(small, factors=tuple(replace(f, values=f.values[:2]) for f in small.factors))
    store = sweep.run(small, store=tmp_path / "s", executor="local", workers=2, quiet=True)
    runs = sweep.load_runs(store)
    assert len(runs) == len(plan_runs(small)) and runs["run_id"].is_unique
    out = sweep.analyse(store, quiet=True)
    assert (out / "point_means.csv").exists()
    if exp.design == "sobol":
        table = pd.read_csv(out / "sobol_indices.csv")
        assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns) and len(table) > 0
        assert (out / "tornado.png").exists()
    if exp.design == "morris":
        table = pd.read_csv(out / "morris.csv")
        assert {"mu_star", "sigma"} <= set(table.columns) and len(table) > 0
    if len(exp.scenarios) > 1:
        assert len(pd.read_csv(out / "paired_differences.csv")) > 0
    if exp.design == "grid" and len(exp.factors) == 2:
        assert (out / "response_curves.png").exists() and list(out.glob("heatmap_*.png"))


def test_morris_analysis_copes_with_repeated_design_points(tmp_path):
    exp = reduced("screening_morris", samples=10, weeks=20)
    runs = plan_runs(exp)
    assert len({r.run_id for r in runs}) < len(runs), "this design should repeat a point"
    store = sweep.run(exp, store=tmp_path / "m", executor="local", workers=2, quiet=True)
    table = pd.read_csv(sweep.analyse(store, quiet=True) / "morris.csv")
    assert set(table.parameter) == {f.key for f in exp.factors}


def test_seeds_do_not_change_when_replications_or_points_are_added():
    assert replication_seeds(5, 3) == replication_seeds(5, 10)[:3]
    def keyed(exp):
        return {(r.point, r.preset, r.scenario, r.replication): (r.seed, r.run_id) for r in plan_runs(exp)}

    small = keyed(reduced("budget_planner_presets"))
    more = keyed(reduced("budget_planner_presets", replications=3))
    assert all(more[k] == v for k, v in small.items())


def test_scenarios_at_the_same_point_share_seeds():
    runs = plan_runs(reduced("budget_planner_presets", replications=2))
    by_point = {}
    for r in runs:
        by_point.setdefault((r.point_index, r.preset, r.replication), set()).add(r.seed)
    assert all(len(seeds) == 1 for seeds in by_point.values())


def test_sequential_pool_and_dask_give_identical_numbers(tmp_path):
    exp = reduced("planner_hours_strategy", weeks=20)
    stores = {kind: sweep.run(exp, store=tmp_path / kind, executor=kind, workers=2, quiet=True)
              for kind in ("sequential", "local", "dask")}
    runs = {k: comparable(sweep.load_runs(s)) for k, s in stores.items()}
    steps = {k: sweep.load_steps(s).sort_values(["run_id", "week"]).reset_index(drop=True) for k, s in stores.items()}
    for kind in ("local", "dask"):
        assert_frame_equal(runs["sequential"], runs[kind])
        assert_frame_equal(steps["sequential"], steps[kind])


def test_an_exception_in_a_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    from sim.model import LilongModel

    exp = reduced("planner_hours_strategy", weeks=5)
    bad_hours = 8

    original = LilongModel.step

    def step(self):
        if self.params.planner.hours_per_week == bad_hours and self.params.planner.outreach_strategy == "nearest":
            raise RuntimeError("boom in a run")
        original(self)

    monkeypatch.setattr(LilongModel, "step", step)
    store = sweep.run(exp, store=tmp_path / "s", executor="sequential", quiet=True)
    failures = sweep.load_failures(store)
    assert len(failures) == 1 and "boom in a run" in failures["error"].iloc[0]
    assert "Traceback" in failures["error"].iloc[0]
    assert len(sweep.load_runs(store)) == len(plan_runs(exp)) - 1


def test_malformed_experiment_fails_before_any_run_naming_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    cases = {
        'name = "x"\nscenarios = ["planner"]\nreplicatons = 3\n': "unknown key replicatons; allowed keys: name,",
        'name = "x"\nscenarios = ["planner"]\n[parameters."planner.hours"]\nvalues = [1]\n':
            'unknown key [parameters] "planner.hours"',
        'name = "x"\nscenarios = ["planner"]\n[parameters."planner.hours_per_week"]\nvalues = [1, 99]\n':
            "hours_per_week\"] values, item 2 = 99 is out of range; allowed: 0 to 60",
        'name = "x"\nscenarios = ["planner"]\n[design]\nkind = "sobol"\n'
        '[parameters."planner.outreach_strategy"]\nrange = [0, 1]\n': "range; allowed keys: values",
        'name = "x"\nscenarios = ["nope"]\n': "scenario file not found",
        'name = "x"\nscenarios = ["planner"]\nmetrics = ["happiness"]\n':
            "metrics, item 1 = 'happiness': expected a metric",
    }
    for text, expected in cases.items():
        bad.write_text(text)
        with pytest.raises(ExperimentError) as err:
            sweep.run(bad, store=tmp_path / "never", quiet=True)
        assert expected in str(err.value) and str(bad) in str(err.value)
        assert not (tmp_path / "never").exists()
    result = subprocess.run([sys.executable, "-m", "sim", "sweep", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2 and "expected a metric" in result.stderr


def test_an_existing_store_is_not_overwritten_and_resume_checks_the_experiment(tmp_path):
    exp = reduced("screening_morris", samples=2, weeks=5)
    store = sweep.run(exp, store=tmp_path / "s", executor="sequential", quiet=True)
    with pytest.raises(ExperimentError, match="already here"):
        sweep.run(exp, store=store, quiet=True)
    with pytest.raises(ExperimentError, match="differs"):
        sweep.run(exp.reduced(samples=3), store=store, resume=True, quiet=True)
    sweep.run(exp, store=store, resume=True, quiet=True)  # nothing left to do
    assert len(sweep.load_runs(store)) == len(plan_runs(exp))
