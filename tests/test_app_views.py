"""The app's logic without a browser: texts, inputs, map data, legend colours, cards, log lines, files."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.app import answers, i18n, settings, views
from sim.app.i18n import METRIC_ZH, NAMES, TEXT, UNIT_ZH, metric_definition, metric_label, name, t
from sim.app.session import Session
from sim.app.settings import SEED, InputError, Settings, parameter_field, save_scenarios, scenario_files
from sim.metrics import REGISTRY
from sim.params import SECTIONS, load_scenario, scenario_path, scenarios_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def frame():
    session = Session([Settings.from_scenario("top_down", seed=2), Settings.from_scenario("planner_platform", seed=2)])
    session.step(120)
    return session.frame


def test_every_text_exists_in_both_languages():
    for table in (TEXT, NAMES):
        for key, entry in table.items():
            assert set(entry) == {"en", "zh"}, key
            assert all(entry.values()), key
            en = entry["en"].replace("{improvement_a}", "{improvement}")  # English adds an article
            assert sorted(re.findall(r"{\w+}", en)) == sorted(re.findall(r"{\w+}", entry["zh"])), key


def _shown_metrics() -> set[str]:
    shown = set(views.CARDS) | set(views.WORKSHOP_CHARTS) | set(answers.ANSWER_METRICS)
    shown |= {m for _, columns in views.EXPLORER_CHARTS for m in columns}
    return shown | {"satisfaction_overall", "trust_government"}  # the inspector


def test_every_metric_the_app_shows_has_a_chinese_label_unit_and_definition():
    for column in sorted(_shown_metrics()):
        assert column in REGISTRY, f"{column} is not in the metric registry"
        assert column in METRIC_ZH, f"no Chinese label for {column} (sim/app/i18n.py METRIC_ZH)"
        assert REGISTRY[column].unit in UNIT_ZH, f"no Chinese unit for {REGISTRY[column].unit}"
        assert metric_definition(column, "zh") != REGISTRY[column].definition, f"no Chinese definition for {column}"
        assert metric_label(column, "en") == REGISTRY[column].label


def test_scenarios_come_from_the_files_with_human_names():
    files = scenario_files()
    assert set(files) == {p.stem for p in scenarios_dir().glob("*.toml")}
    assert list(files)[:2] == ["top_down", "consultation"]
    assert all(files.values()), "every scenario file has a description"
    assert name("planner_platform", "zh") == "规划师+议事平台"
    assert name("a_new_one", "en") == "A new one"  # a scenario with no translation yet still reads as words


def test_settings_reproduce_each_scenario_file_by_default():
    for scenario in scenario_files():
        s = Settings.from_scenario(scenario, "hengfu_heritage", 4)
        assert s.params() == load_scenario(scenario_path(scenario), "hengfu_heritage")


@pytest.mark.parametrize("text", ["-5", "-1", str(2**63), "1e30", "abc", "", " ", "3.5", "0x10", "五"])
def test_a_seed_is_a_whole_number_from_0_to_2_63_like_sim_run(text):
    with pytest.raises(InputError) as err:
        SEED.parse(text)
    assert err.value.key == "need_whole"
    assert t(err.value.key, "zh", **err.value.values).startswith("请输入0到9,223,372,036,854,775,807")


def test_good_inputs_parse():
    assert SEED.parse(" 7 ") == 7 and SEED.parse(str(2**63 - 1)) == 2**63 - 1
    hours = parameter_field("planner", "hours_per_week")
    assert hours.parse("16.5") == 16.5 and not hours.whole
    assert parameter_field("street_office", "budget_yuan_per_year").parse("450,000") == 450_000


@pytest.mark.parametrize("text", ["-1", "61", "nan", "inf", "x", "", "1e400"])
def test_planner_hours_outside_the_parameter_range_are_refused(text):
    with pytest.raises(InputError) as err:
        parameter_field("planner", "hours_per_week").parse(text)
    assert t(err.value.key, "en", **err.value.values) == "Enter a number from 0 to 60."


def test_a_bad_seed_never_reaches_a_model():
    with pytest.raises(InputError):
        Settings.from_scenario("top_down", seed=-5).model()


def test_the_map_shows_every_household_house_and_space_with_alley_numbers(frame):
    snap = frame.sides[1]
    lil = snap.lilong
    ground, cells = views.map_ground(snap, "zh"), views.map_cells(snap, "rung", "en")
    assert len(cells["stripes"]) == len(snap.rung)  # one stripe per household
    assert len(cells["houses"]) == len(lil.house_x)
    shown = {c["id"] for c in cells["sites"]}
    assert {f"s{s}" for s in range(lil.n_sites) if lil.site_house[s] < 0} <= shown  # every neighbourhood space
    assert all(snap.sites[int(c[1:])]["status"] != "idle" for c in shown if lil.site_house[int(c[1:])] >= 0)
    assert [label["text"] for label in ground["labels"]] == [f"{n}号弄" for n in range(1, lil.width // lil.strip_width
                                                                                      + 1)]
    assert all(c["tip"] for c in cells["houses"] + cells["sites"] + ground["alleys"])
    # the log's alley numbers are the map's: a space's tooltip names the alley its events name
    tips = {c["id"]: c["tip"] for c in cells["sites"]}
    for event in snap.events[-10:]:
        if f"s{event['site']}" in tips:
            assert f"on alley {event['alley']}" in tips[f"s{event['site']}"]
    assert cells["planner"] is not None


def _linear(colour: str) -> np.ndarray:
    c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    f = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > 216 / 24389, np.cbrt(f), (24389 / 27 * f + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


# Machado, Oliveira & Fernandes (2009), severity 1, applied to linear RGB.
COLOUR_VISION = {
    "typical": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


@pytest.mark.parametrize("vision", COLOUR_VISION)
def test_legend_colours_stay_distinguishable_for_colour_blind_viewers(vision):
    """Within each legend group (houses beside the alleys they sit among; spaces), every pair differs by
    CIE76 delta-E >= 10 under simulated protanopia, deuteranopia and tritanopia."""
    alleys = list(views.ALLEY_COLOURS.values())
    for group in (list(views.RUNG_COLOURS) + alleys, list(views.SATISFACTION_COLOURS) + alleys,
                  list(views.STATUS_COLOURS)):
        for a, b in itertools.combinations(group, 2):
            m = COLOUR_VISION[vision]
            distance = np.linalg.norm(_lab(m @ _linear(a)) - _lab(m @ _linear(b)))
            assert distance >= 10, f"{a} and {b} look alike under {vision} (delta-E {distance:.1f})"


def test_inspector_and_legend_speak_plainly(frame):
    snap = frame.sides[1]
    internal = re.compile(r"\b[a-z]+_[a-z_]+\b")  # satisfaction_overall, least_heard, in_use ...
    for cell in ("h0", "s0", f"s{snap.lilong.n_sites - 1}"):
        for lang in ("en", "zh"):
            for label, value in views.inspect(snap, cell, lang):
                assert not internal.search(label + " " + value), (label, value)
    for lang in ("en", "zh"):
        for mode in ("rung", "satisfaction"):
            for title, items in views.legend(mode, lang):
                assert not internal.search(title + " ".join(i.label for i in items))


def test_cards_say_right_minus_left_in_points_and_what_a_score_means(frame):
    en = {c["metric"]: c for c in views.cards(frame, "en")}
    left, right = frame.sides[0].metrics, frame.sides[1].metrics
    engaged = en["involved_share"]
    assert engaged["diff"] == f"{100 * (right['involved_share'] - left['involved_share']):+.0f} points"
    assert engaged["diff_note"] == "Planner + platform minus Top-down"
    assert en["satisfaction_overall"]["scale_note"] == "0 = lowest, 1 = highest"
    assert re.fullmatch(r"0\.\d\d \((very low|low|middling|high|very high)\)", en["satisfaction_overall"]["left"])
    zh = {c["metric"]: c for c in views.cards(frame, "zh")}
    assert zh["involved_share"]["diff"].endswith("个百分点")
    assert zh["involved_share"]["diff_note"] == "规划师+议事平台减自上而下"
    assert zh["involved_share"]["label"] == "参与及以上户比例"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_log_lines_are_complete_in_each_language(frame, lang):
    snap = frame.sides[1]
    lines = views.event_lines(snap, lang, last=100)
    assert {"proposed", "designed", "approved", "built"} <= {e["event"] for e in snap.events}
    assert lines and not any("{" in line or "None" in line or "_" in line for line in lines)
    assert all(line.startswith("第" if lang == "zh" else "week ") for line in lines)


def test_an_unknown_event_kind_gets_a_generic_translated_line():
    worn = {"week": 40, "event": "worn_out", "site": 3, "site_kind": "attic", "improvement": None,
            "alley": 2, "detail": "", "cost_yuan": 0.0}
    moved = {"week": 41, "event": "moved", "household": 17}
    novel = {"week": 42, "event": "festival_held", "detail": "mid_autumn"}
    assert views.event_line(worn, "en") == "week 40: a space wore out and needs renewal again (attic, alley 2)"
    worn_room = {**worn, "improvement": "reading_room"}
    assert views.event_line(worn_room, "zh") == "第40周：2号弄的阅览室磨损失效，需要再次更新"
    assert views.event_line(moved, "zh") == "第41周：一户迁出，新住户迁入"
    assert views.event_line(novel, "en") == "week 42: Festival held (Mid autumn)"
    assert views.event_line({"event": "proposed", "detail": "platform", "week": 3, "alley": 1, "site_kind": "attic",
                             "improvement": "plaza"}, "en").startswith("week 3:")


def test_charts_have_readable_axes_even_when_empty():
    session = Session([Settings.from_scenario("top_down"), Settings.from_scenario("planner")])
    for lang in ("en", "zh"):
        for svg in views.workshop_charts(session.frame, lang) + views.explorer_charts(session.frame.sides[1], lang):
            assert not re.search(r"\de[-+]\d", svg) and ">nan<" not in svg.lower()
    spent = views.line_chart_svg("budget_spent_yuan", [("a", np.array([0.0]), np.array([0.0]))], "en")
    assert ">100k<" in spent


def test_two_lines_are_told_apart_by_colour_dash_and_key(frame):
    chart = views.workshop_charts(frame, "en")[0]
    assert chart.count("<polyline") == 2 and 'stroke-dasharray="7 4"' in chart
    assert chart.count('class="key"') == 2 and "Top-down" in chart and "Planner + platform" in chart


def test_saved_scenarios_reproduce_both_sides_anywhere(tmp_path):
    sides = [Settings("top_down", "hengfu_heritage", False, 16.0, "least_heard", 300_000.0, 2**63 - 1),
             Settings("planner", "hengfu_heritage", True, 9.0, "nearest", 450_000.0, 2**63 - 1)]
    paths = save_scenarios(sides, tmp_path / "workshop", "20260101-000000")
    assert [p.name for p in paths] == ["workshop-20260101-000000-left-top_down.toml",
                                       "workshop-20260101-000000-right-planner.toml"]
    for path, s in zip(paths, sides, strict=True):
        text = path.read_text()
        assert "extends" not in text and str(ROOT) not in text.split("Re-run")[0]
        assert 'preset = "hengfu_heritage"' in text and f"seed = {2**63 - 1}" in text  # as keys
        moved = tmp_path / "elsewhere" / path.name  # another machine, another folder
        moved.parent.mkdir(exist_ok=True)
        moved.write_text(text)
        for preset in (None, "hengfu_heritage"):
            got = load_scenario(moved, preset)
            assert got.seed == 2**63 - 1
            assert dataclasses.replace(got, seed=None).replace({"name": s.params().name}) == s.params()
    # sim validate and sim run take them, from another working directory
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "sim", "validate", *map(str, paths)], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    run = subprocess.run([sys.executable, "-m", "sim", "run", str(paths[1]), "--steps", "2", "--out",
                          str(tmp_path / "run")], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"preset hengfu_heritage, seed {2**63 - 1}" in run.stdout  # taken from the file


def test_files_go_to_the_repository_results_folder_wherever_the_server_starts(monkeypatch, tmp_path):
    monkeypatch.delenv("SIM_APP_RESULTS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings.results_dir() == ROOT / "results"


def test_report_names_both_scenarios_settings_in_words_and_no_planner_hours_without_a_planner(frame):
    report = views.report_html(frame, "zh")
    assert name("top_down", "zh") in report and name("planner_platform", "zh") in report
    assert "<svg" in report and t("report_title", "zh") in report
    assert "planner_hours" not in report and "least_heard" not in report
    rows = dict(views.settings_rows(frame.sides[0].settings, "en"))
    assert rows["Planner hours per week"] == "no planner" and rows["Community planner in post"] == "no"


def _fake_comparison(folder: Path, preset: str, seeds: int, created: str, scenarios=("top_down", "planner"),
                     old_manifest: bool = False) -> None:
    """A `sim compare` folder as the app reads it (manifest as `sim compare` writes it now, or before)."""
    from sim.integrity import sha256_file

    folder.mkdir(parents=True)
    pd.DataFrame([{"scenario": s, "metric": "involved_share", "mean": 0.1 * k, "ci_low": 0.1 * k - 0.01,
                   "ci_high": 0.1 * k + 0.01, "n": seeds} for k, s in enumerate(scenarios)]).to_csv(
        folder / "summary.csv", index=False)
    manifest = {"preset": preset, "seeds": list(range(seeds)), "created": created,
                "files": {"summary.csv": sha256_file(folder / "summary.csv")}}
    if old_manifest:
        manifest = {"preset": {"path": f"/x/scenarios/presets/{preset}.toml", "sha256": "0"},
                    "seeds": list(range(seeds)), "created": created}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_instant_answers_come_from_the_matching_comparison_with_enough_seeds(tmp_path):
    _fake_comparison(tmp_path / "main", "guizhou_west", 30, "2026-01-01T00:00:00")
    _fake_comparison(tmp_path / "heritage", "hengfu_heritage", 40, "2026-01-02T00:00:00", old_manifest=True)
    _fake_comparison(tmp_path / "mini", "guizhou_west", 5, "2026-01-03T00:00:00")  # newest, too few seeds
    _fake_comparison(tmp_path / "other", "guizhou_west", 50, "2026-01-04T00:00:00", ("consultation", "planner"))
    _fake_comparison(tmp_path / "damaged", "guizhou_west", 60, "2026-01-05T00:00:00")
    with (tmp_path / "damaged" / "summary.csv").open("a") as summary:
        summary.write("top_down,satisfaction_overall,0.9,0.8,1.0,60\n")  # changed after the run
    found = answers.find_comparison(("top_down", "planner"), "guizhou_west", tmp_path)
    assert found.folder.name == "main" and found.seeds == 30
    assert {r["scenario"] for r in found.rows} == {"top_down", "planner"}
    assert answers.find_comparison(("top_down", "planner"), "hengfu_heritage", tmp_path).folder.name == "heritage"
    assert answers.find_comparison(("top_down", "planner_platform"), "guizhou_west", tmp_path) is None
    text = t("compare_source", "en", folder=found.folder.name, seeds=found.seeds, preset=name("guizhou_west"),
             window=t("final_year"))
    assert "The average of 30 runs (one per seed) from main, on Guizhou West lilong" in text


def test_one_run_against_the_average_of_many(frame):
    left, right = (s.settings.scenario for s in frame.sides)
    run = frame.sides[1].metrics["involved_share"] - frame.sides[0].metrics["involved_share"]
    assert run > 0
    same = [{"scenario": left, "metric": "involved_share", "mean": 0.1},
            {"scenario": right, "metric": "involved_share", "mean": 0.3}]
    assert views.run_against_average(frame, same) == []
    other_way = [{**same[0], "mean": 0.3}, {**same[1], "mean": 0.1}]
    assert views.run_against_average(frame, other_way) == ["involved_share"]
    assert views.run_against_average(frame, other_way[:1]) == []  # one side missing: nothing to say


def test_sweep_bands_answer_what_ifs_from_an_analysed_store(tmp_path):
    from sim import sweep

    exp = sweep.load_experiment(scenario_path("top_down").parent / "experiments" / "budget_planner_presets.toml")
    store = tmp_path / "results" / "sweeps" / exp.name
    sweep.run(exp.reduced(replications=2, weeks=20), store=store, executor="sequential", quiet=True)
    sweep.analyse(store, quiet=True)
    rows = answers.sweep_bands(("top_down", "planner"), "hengfu_heritage", results=tmp_path / "results")
    assert {r["scenario"] for r in rows} == {"top_down", "planner"}
    points = {views.sweep_point(r["point"], "en") for r in rows}
    assert "Capital budget for micro-renewal works (yuan/year) = 200,000" in points
    assert "街道微更新年度资本预算（元/年） = 200,000" in {views.sweep_point(r["point"], "zh") for r in rows}
    assert all(r["ci_low"] <= r["mean"] <= r["ci_high"] for r in rows)


def test_i18n_module_has_no_unused_description_keys():
    assert set(i18n.DESCRIPTIONS_ZH) <= set(scenario_files()) | set(settings.preset_files())


def test_the_event_log_never_repeats_a_line(frame):
    """Two houses' washrooms on one alley opening in one week made the same line twice (issue 19, item 11)."""
    built = {"week": 100, "event": "built", "site_kind": "house_bathroom", "improvement": "sanitation", "alley": 2,
             "detail": "", "cost_yuan": 12000.0}
    events = ({**built, "week": 99, "site": 1}, {**built, "site": 2}, {**built, "site": 3, "alley": 1},
              {**built, "site": 4})
    snap = dataclasses.replace(frame.sides[0], events=events)
    assert views.event_lines(snap, "en") == ["week 100: the sanitation on alley 2 opened (in 2 places)",
                                             "week 100: the sanitation on alley 1 opened",
                                             "week 99: the sanitation on alley 2 opened"]
    assert views.event_lines(snap, "zh")[0] == "第100周：2号弄的卫生设施建成启用（共2处）"
    assert views.event_lines(snap, "en", last=1) == ["week 100: the sanitation on alley 2 opened (in 2 places)"]
    for side in frame.sides:
        for lang in ("en", "zh"):
            lines = views.event_lines(side, lang, last=40)
            assert len(lines) >= 30 and len(set(lines)) == len(lines)  # a long log, and no line twice


def _varied_parameters() -> set[str]:
    """Every parameter a shipped sweep, robustness or calibration file varies: what instant answers may name."""
    import tomllib

    keys = set()
    for path in scenarios_dir().rglob("*.toml"):
        keys |= set(tomllib.loads(path.read_text()).get("parameters") or {})
    return keys


def test_parameters_reach_the_room_in_plain_words_in_both_languages():
    """`observation.engagement_window_weeks` reached the page (issue 19, item 12)."""
    from sim.params import SECTIONS

    varied = _varied_parameters() | {"observation.engagement_window_weeks"}
    assert varied and varied <= set(i18n.PARAMETER_ZH), sorted(varied - set(i18n.PARAMETER_ZH))
    for key in sorted(varied):
        for lang in ("en", "zh"):
            label = i18n.parameter_label(key, lang)
            assert key not in label and "_" not in label and label.strip(), (key, lang, label)
    for key in (f"{s}.{f.name}" for s, cls in SECTIONS.items() for f in dataclasses.fields(cls)):
        assert key not in i18n.parameter_label(key, "zh")  # any other parameter: its English meaning
    point = (("observation.engagement_window_weeks", 26), ("planner.outreach_strategy", "least_heard"))
    assert views.sweep_point(point, "en") == ("An act counts toward the reported ladder for this long (weeks) = 26; "
                                              "Who the planner visits first = the least heard")
    assert views.sweep_point(point, "zh") == "参与窗口期（周） = 26；规划师优先走访 = 最少发声者优先"


def test_paths_shown_in_the_room_are_relative_to_the_project(tmp_path, monkeypatch):
    """'Saved to' showed the machine's absolute path (issue 19, item 12)."""
    from sim.app.workshop import failure

    monkeypatch.setenv("SIM_APP_RESULTS", str(tmp_path / "results"))
    inside = tmp_path / "results" / "workshop" / "report-1.html"
    assert settings.shown_path(inside) == "results/workshop/report-1.html"
    assert settings.shown_path(ROOT / "results" / "workshop" / "a.toml") == "results/workshop/a.toml"
    assert settings.shown_path("/somewhere/else/b.toml") == "b.toml"
    paths = save_scenarios([Settings.from_scenario("top_down"), Settings.from_scenario("planner")],
                           tmp_path / "results" / "workshop", "20260101-000000")
    assert settings.run_command(paths[0], Settings()) == ("sim run results/workshop/"
                                                          "workshop-20260101-000000-left-top_down.toml")
    full = OSError(28, "No space left on device", str(inside))
    assert failure(full, "en") == "Could not save results/workshop/report-1.html: No space left on device"
    assert str(tmp_path) not in failure(RuntimeError(f"{inside} does not reproduce the session"), "zh")


def test_a_saved_file_has_the_top_level_keys_docs_app_md_names(tmp_path):
    """docs/app.md said the preset and seed were not written as keys; they were (issue 19, item 13)."""
    import tomllib

    doc = " ".join((ROOT / "docs" / "app.md").read_text().split())
    listed = re.search(r"The file's top-level keys are (.*?), then one table per section", doc)
    assert listed and "not as keys" not in doc
    named = set(re.findall(r"`(\w+)`", listed.group(1)))
    side = Settings.from_scenario("planner", "hengfu_heritage", 7)
    path = save_scenarios([Settings.from_scenario("top_down"), side], tmp_path, "20260101-000000")[1]
    data = tomllib.loads(path.read_text())
    assert {k for k, v in data.items() if not isinstance(v, dict)} == named == {"name", "description", "preset",
                                                                                  "seed"}
    assert (data["preset"], data["seed"]) == ("hengfu_heritage", 7)
    assert set(data) - named <= set(SECTIONS)  # then one table per section
