"""The app's logic without a browser: texts, map data, cards, log lines, saving, reports."""

from __future__ import annotations

import re

import pytest

from sim.app.i18n import NAMES, TEXT, name, t
from sim.app.views import Settings, cards, charts_svg, event_lines, inspect, map_cells, report_html, save_scenario
from sim.compare import scenario_path
from sim.params import load_scenario


@pytest.fixture(scope="module")
def pair():
    out = []
    for scenario in ("top_down", "planner_platform"):
        s = Settings.from_scenario(scenario, seed=2)
        m = s.model()
        m.run_weeks(120)
        out.append((s, m))
    return out


def test_every_text_exists_in_both_languages():
    for table in (TEXT, NAMES):
        for key, entry in table.items():
            assert set(entry) == {"en", "zh"}, key
            assert all(entry.values()), key
            assert sorted(re.findall(r"{\w+}", entry["en"])) == sorted(re.findall(r"{\w+}", entry["zh"])), key


def test_settings_reproduce_the_scenario_by_default():
    for scenario in ("top_down", "consultation", "planner", "planner_platform"):
        s = Settings.from_scenario(scenario, "hengfu_heritage", 4)
        assert s.params() == load_scenario(scenario_path(scenario), "hengfu_heritage")


def test_map_has_every_house_and_site_with_tooltips(pair):
    _, model = pair[1]
    cells = map_cells(model, "rung", "zh")
    houses = [c for c in cells if c["id"].startswith("h")]
    sites = [c for c in cells if c["id"].startswith("s")]
    assert len(houses) == len(model.lilong.house_x) and len(sites) == model.lilong.n_sites
    assert all(c["tip"] for c in cells)
    assert inspect(model, houses[0]["id"], "en")["households"] >= 1
    assert inspect(model, sites[0]["id"], "zh")["kind"] in {v["zh"] for v in NAMES.values()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_log_lines_and_cards_are_complete_in_each_language(pair, lang):
    (_, left), (_, right) = pair
    lines = event_lines(right, lang, last=100)
    kinds = {e["event"] for e in right.events}
    assert {"proposed", "designed", "approved", "built"} <= kinds
    assert lines and not any("{" in line or "None" in line for line in lines)
    if lang == "zh":
        assert all("第" in line for line in lines)
    labels = [c["label"] for c in cards(left, right, lang)]
    assert labels == [t(k, lang) for k in ("engagement", "satisfaction_overall", "trust", "spaces_built",
                                              "yuan_spent")]
    assert all("<svg" in svg for svg in charts_svg([("a", left), ("b", right)], lang))


def test_saved_scenario_is_valid_and_reproduces_the_setting(tmp_path):
    s = Settings("planner", "hengfu_heritage", True, 9.0, "nearest", 450_000.0, 7)
    path = save_scenario(s, tmp_path, "mine")
    loaded = load_scenario(path, "hengfu_heritage")
    assert loaded.planner.hours_per_week == 9.0 and loaded.street_office.budget_yuan_per_year == 450_000.0
    assert loaded.planner.outreach_strategy == "nearest"


def test_report_names_parameters_seed_and_both_scenarios(pair):
    report = report_html(pair[0], pair[1], "zh")
    assert name("top_down", "zh") in report and name("planner_platform", "zh") in report
    assert "<svg" in report and "planner_hours" in report and t("report_title", "zh") in report


def test_sweep_bands_answer_what_ifs_from_an_analysed_store(tmp_path):
    from sim import sweep
    from sim.app.views import sweep_bands

    exp = sweep.load_experiment(scenario_path("top_down").parent / "experiments" / "budget_planner_presets.toml")
    store = tmp_path / "results" / "sweeps" / exp.name
    sweep.run(exp.reduced(replications=2, weeks=20), store=store, executor="sequential", quiet=True)
    sweep.analyse(store, quiet=True)
    rows = sweep_bands(("top_down", "planner"), "hengfu_heritage", results=tmp_path / "results")
    assert {r["scenario"] for r in rows} == {"top_down", "planner"}
    assert any("budget_yuan_per_year=200000" in r["point"] for r in rows)
    assert all(r["ci_low"] <= r["mean"] <= r["ci_high"] for r in rows)
