"""Both pages rendered without a browser (solara.render): stepping, Play, language, inputs, rebuilds."""

from __future__ import annotations

import dataclasses

import ipyvuetify as v
import pytest
import solara

from sim.app import workshop
from sim.app.components import SPEEDS, language
from sim.app.explorer import Explorer
from sim.app.i18n import t
from sim.app.session import Session
from sim.app.widgets import AddressBar, LilongMap
from sim.app.workshop import Workshop


@pytest.fixture
def page(request, tmp_path, monkeypatch):
    """Render a page in English (results from a scratch folder holding one comparison); close it afterwards."""
    from test_app_views import _fake_comparison

    _fake_comparison(tmp_path / "main", "guizhou_west", 30, "2026-01-01T00:00:00", ("top_down", "planner_platform"))
    monkeypatch.setenv("SIM_APP_RESULTS", str(tmp_path))
    forget()
    box, rc = solara.render(request.param(), handle_error=False)
    yield rc
    rc.close()
    forget()


def forget() -> None:
    """Without a server, Solara's per-page reactives are one set for the process: a new page starts afresh."""
    language.set("en")
    workshop.kept_session.set(None)
    workshop.kept_presenter.set(False)
    workshop.kept_speed.set(4)


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
              children=["One run (seed 0), week 0: each side's value, and Planner + platform minus "
                        "Top-down"]).assert_single()


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
    page.find(v.Btn, class_="play-button", disabled=True).wait_for(timeout=10)  # Play's thread ends, then the page
    page.find(v.Btn, class_="step-button", disabled=True).wait_for(timeout=10)
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


def test_the_workshop_keeps_its_run_when_the_page_is_left_and_found_again(tmp_path, monkeypatch):
    """Leaving the workshop (the header's Explorer link, Back) reset the run to week 0 (issue 19, item 7).

    Navigating within the app unmounts the page and mounts it again in the same browser page:
    here, two renders one after the other.
    """
    from sim.app.settings import PageState

    monkeypatch.setenv("SIM_APP_RESULTS", str(tmp_path))
    forget()
    _, rc = solara.render(Workshop(), handle_error=False)
    _type(rc, "seed-input", "5")
    _week(rc, 0)
    rc.find(v.Select, class_="right-choice").widget.v_model = "planner"
    for _ in range(3):
        _click(rc, "step-button")
    _week(rc, 3)
    rc.find(v.BtnToggle, class_="speeds").widget.v_model = SPEEDS.index(10)
    rc.find(v.Switch, class_="presenter-switch").widget.v_model = True
    rc.find(v.Btn, class_="presenter-off").wait_for(timeout=5)
    rc.close()  # to the explorer
    _, rc = solara.render(Workshop(), handle_error=False)  # and back
    _week(rc, 3)
    assert _map_weeks(rc) == [3, 3]
    rc.find(v.Btn, class_="presenter-off").assert_single()  # still presenting
    _click(rc, "presenter-off")
    assert _field(rc, "seed-input").widget.v_model == "5"
    assert rc.find(v.Select, class_="right-choice").widget.v_model == "planner"
    address = PageState.from_query(rc.find(AddressBar).widget.query)
    assert address == PageState("top_down", "planner", "guizhou_west", 5, 3, None, False, 10, "en")
    older = dataclasses.replace(address, week=1)  # an address further back in the history: the same run
    assert workshop.restore(older) is workshop.kept_session.value
    assert workshop.restore(dataclasses.replace(older, seed=6)).frame.week == 1  # another run: built anew
    rc.close()
    forget()


def test_a_reload_rebuilds_the_run_from_the_address():
    """The address holds the state; a new page (a reload) builds the same run at the same week."""
    from sim.app.settings import PageState

    forget()
    state = PageState("consultation", "planner", "hengfu_heritage", 9, 4, 30, True, 2, "zh")
    assert PageState.from_query(state.query()) == state
    session = workshop.restore(state)
    assert session.frame.week == 4 and session.horizon == 30
    assert [(s.scenario, s.preset, s.seed) for s in session.settings] == [("consultation", "hengfu_heritage", 9),
                                                                         ("planner", "hengfu_heritage", 9)]
    again = Session(state.sides())
    again.step(4)
    assert again.frame.sides[1].history.equals(session.frame.sides[1].history)  # the same weeks replayed
    bad = PageState.from_query("left=nope&right=planner&seed=-3&week=abc&stop=0&speed=7&lang=fr&kernelid=x")
    assert bad == PageState(right="planner")  # what the page could not have written falls back, never reaches a model
    assert PageState.from_query("") is None and PageState.from_query("lang=zh") is None


def test_a_reload_takes_the_closed_pages_session_instead_of_replaying_it(tmp_path, monkeypatch):
    """A reload opens a new server session; the page that closed parked its run for it (by browser)."""
    from sim.app.settings import PageState

    monkeypatch.setenv("SIM_APP_RESULTS", str(tmp_path))
    monkeypatch.setattr(workshop, "_browser", lambda: "browser-1")
    monkeypatch.setattr(workshop, "_parked", type(workshop._parked)())
    forget()
    _, rc = solara.render(Workshop(), handle_error=False)
    for _ in range(3):
        _click(rc, "step-button")
    _week(rc, 3)
    address = PageState.from_query(rc.find(AddressBar).widget.query)
    old = workshop.kept_session.value
    rc.close()  # the old page closes
    forget()  # the new page's server session keeps nothing
    assert workshop.unpark("browser-2", address) is None  # another browser's run is not taken
    assert workshop.unpark("browser-1", dataclasses.replace(address, week=2)) is None  # not the address's week
    assert workshop.restore(address) is old  # the same models, not a replay
    assert workshop.restore(address) is not old  # taken once: a second page replays its own
    forget()
