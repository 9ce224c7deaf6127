"""Both pages rendered without a browser (solara.render): stepping, Play, language, inputs, rebuilds."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara

from sim.app.components import language
from sim.app.explorer import Explorer
from sim.app.i18n import t
from sim.app.widgets import LilongMap
from sim.app.workshop import Workshop


@pytest.fixture
def page(request, tmp_path, monkeypatch):
    """Render a page in English (results from a scratch folder holding one comparison); close it afterwards."""
    from test_app_views import _fake_comparison

    _fake_comparison(tmp_path / "main", "guizhou_west", 30, "2026-01-01T00:00:00", ("top_down", "planner_platform"))
    monkeypatch.setenv("SIM_APP_RESULTS", str(tmp_path))
    language.set("en")
    box, rc = solara.render(request.param(), handle_error=False)
    yield rc
    rc.close()
    language.set("en")


def _click(rc, cls: str) -> None:
    rc.find(v.Btn, class_=cls).widget.click()


def _week(rc, week: int, lang: str = "en") -> None:
    rc.find(v.Html, children=[t("week_n", lang, week=week)]).wait_for(timeout=10)


def _map_weeks(rc) -> list[int]:
    return [w.week for w in rc.find(LilongMap).widgets]


def _field(rc, cls: str):
    return rc.find(v.TextField, class_=f"field {cls}")


def _message(rc, cls: str, message: str) -> None:
    _field(rc, cls).widget  # noqa: B018 - exists
    rc.find(v.TextField, class_=f"field {cls}", error_messages=[message]).wait_for(timeout=5)


def _type(rc, cls: str, text: str) -> None:
    field = _field(rc, cls).widget
    field.v_model = text
    field.fire_event("change", text)


@pytest.mark.parametrize("page", [Workshop], indirect=True)
def test_workshop_steps_both_sides_switches_language_and_resets(page):
    _week(page, 0)
    _click(page, "step-button")
    _week(page, 1)
    assert _map_weeks(page) == [1, 1]
    language.set("zh")
    _week(page, 1, "zh")
    page.find(v.Html, children=["参与及以上户比例"]).assert_not_empty()
    _click(page, "reset-button")
    _week(page, 0, "zh")


@pytest.mark.parametrize("page", [Workshop], indirect=True)
def test_the_week_counter_follows_a_rebuild(page):
    """Changing the seed, a scenario or the neighbourhood shows week 0 at once (it used to stay at week 20)."""
    for _ in range(3):
        _click(page, "step-button")
    _week(page, 3)
    _type(page, "seed-input", "11")
    _week(page, 0)
    _click(page, "step-button")
    _week(page, 1)
    page.find(v.Select, class_="right-choice").widget.v_model = "consultation"
    _week(page, 0)
    _click(page, "step-button")
    page.find(v.Select, class_="preset-choice").widget.v_model = "hengfu_heritage"
    _week(page, 0)


@pytest.mark.parametrize("page", [Workshop], indirect=True)
@pytest.mark.parametrize("text", ["-5", str(2**63), "abc", ""])
def test_a_bad_seed_gives_a_translated_message_and_changes_nothing(page, text):
    _click(page, "step-button")
    _week(page, 1)
    language.set("zh")
    _type(page, "seed-input", text)
    _message(page, "seed-input", "请输入0到9,223,372,036,854,775,807之间的整数。")
    assert _field(page, "seed-input").widget.v_model == text  # the text stays, so the user sees what was wrong
    _week(page, 1, "zh")  # no rebuild
    _type(page, "seed-input", "12")
    _week(page, 0, "zh")
    assert not _field(page, "seed-input").widget.error_messages


@pytest.mark.parametrize("page", [Workshop], indirect=True)
def test_play_and_a_language_switch_during_play_then_pause(page):
    """The defect of issue 9: a render during Play read the model mid-step. Now renders read frames."""
    _click(page, "play-button")
    page.find(v.Btn, class_="play-button", children=["Pause"]).wait_for(timeout=5)
    for lang in ("zh", "en", "zh", "en"):
        language.set(lang)
        page.find(v.Html, class_="week-counter").wait_for(timeout=5)
    _click(page, "speed-20")
    _click(page, "play-button")
    page.find(v.Btn, class_="play-button", children=["Play"]).wait_for(timeout=5)
    counter = page.find(v.Html, class_="week-counter").widget.children[0]
    maps = _map_weeks(page)
    assert counter != "Week 0" and maps == [int(counter.split()[-1])] * 2


@pytest.mark.parametrize("page", [Explorer], indirect=True)
def test_explorer_shows_every_setting_and_applies_it_at_once(page):
    _click(page, "step-button")
    _week(page, 1)
    assert _field(page, "hours-input").widget.v_model == "16"
    _type(page, "hours-input", "8")
    _week(page, 0)  # a changed setting starts again at week 0, visibly
    assert _field(page, "hours-input").widget.v_model == "8"
    _type(page, "budget-input", "-1")
    _message(page, "budget-input", "Enter a number from 0 to 1,000,000,000.")
    page.find(v.Select, class_="scenario-choice").widget.v_model = "top_down"
    _week(page, 0)
    assert _field(page, "hours-input").widget.disabled  # no planner: no planner hours
    language.set("zh")
    items = page.find(v.Select, class_="scenario-choice").widget.items
    assert {i["text"] for i in items} >= {"自上而下", "规划师+议事平台"}


@pytest.mark.parametrize("page", [Workshop], indirect=True)
def test_instant_answers_say_which_comparison_and_how_many_seeds(page):
    page.find(v.Html, class_="compare-source",
              children=["The average of 30 runs (one per seed) from results/main, on Guizhou West lilong: mean "
                        "over the final year (running totals: at the end), with its 95% confidence "
                        "interval"]).wait_for(timeout=5)
    page.find(v.Html, class_="cards-source",
              children=["One run (seed 0), week 0: each side's value and right minus left"]).assert_single()


@pytest.mark.parametrize("page", [Workshop], indirect=True)
def test_play_stops_at_the_week_the_facilitator_sets_and_says_so(page):
    """Play had no end (issue 19, item 9)."""
    _type(page, "horizon-input", "3")
    _click(page, "speed-20")
    _click(page, "play-button")
    page.find(v.Html, class_="horizon-note").wait_for(timeout=30)
    _week(page, 3)
    note = page.find(v.Html, class_="horizon-note").widget.children[0]
    assert note.startswith("The run has reached its end: week 3, where it was set to stop.")
    assert page.find(v.Btn, class_="play-button").widget.disabled
    assert page.find(v.Btn, class_="step-button").widget.disabled
    _click(page, "reset-button")
    _week(page, 0)
    page.find(v.Html, class_="horizon-note").assert_empty()


@pytest.mark.parametrize("page", [Workshop], indirect=True)
def test_the_page_says_when_one_run_and_the_average_point_different_ways(page, tmp_path):
    """The live cards (one seed) and the thirty-seed answers could disagree without a word (issue 19, item 10)."""
    from test_app_views import _fake_comparison

    for _ in range(30):
        _click(page, "step-button")
    _week(page, 30)
    page.find(v.Html, class_="run-differs").assert_empty()  # the average's planner_platform is higher too
    _fake_comparison(tmp_path / "upside_down", "guizhou_west", 40, "2026-02-01T00:00:00",
                     ("planner_platform", "top_down"))  # now the average says top_down is higher
    page.find(v.Select, class_="left-choice").widget.v_model = "consultation"  # a new choice looks again
    page.find(v.Select, class_="left-choice").widget.v_model = "top_down"
    for _ in range(30):
        _click(page, "step-button")
    line = page.find(v.Html, class_="run-differs").wait_for(timeout=10).widget.children[0]
    assert line == ("This one run and the average of 40 runs point different ways on Involved or deeper (share): "
                    "one run can differ from the average of many.")
