"""Workshop rooms without a browser: seats, tokens, rounds, replay, branches, isolation, bad input, export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from waiting import wait_for

from sim import LilongModel
from sim.projects import Status
from sim.room.engine import RoomConfig, RoomRun, replay
from sim.room.errors import RoomError
from sim.room.export import TABLES, export_session
from sim.room.registry import Rooms
from sim.room.room import rounds_from_log

CONFIG = RoomConfig(scenario="planner_platform", seed=3, round_weeks=13)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def same_run(a: LilongModel, b: LilongModel) -> bool:
    ha, hb = a.households, b.households
    return (np.array_equal(a.weekly_table(), b.weekly_table(), equal_nan=True)
            and all(np.array_equal(getattr(ha, f), getattr(hb, f), equal_nan=True)
                    for f in ("rung", "trust_government", "satisfaction_overall", "volunteer"))
            and np.array_equal(a.projects.status, b.projects.status) and a.events == b.events)


def play(room, tokens: dict[str, str], choices: dict[str, dict]) -> None:
    for seat, choice in choices.items():
        room.submit(tokens[seat], room.round, choice)


def test_with_nobody_in_the_room_the_run_is_the_plain_run():
    room = Rooms().create(CONFIG)
    for _ in range(4):
        room.advance(room.facilitator_key)
    plain = LilongModel(CONFIG.params(), CONFIG.seed)
    plain.run_weeks(4 * 13)
    assert same_run(room.run.model, plain)
    assert len(room.run.agents) == 4  # the agents' choices were recorded each round, and that changed nothing


def test_seats_are_households_of_their_kind_and_institutions():
    run = RoomRun(CONFIG)
    h = run.model.households
    ids = [s.id for s in run.seats]
    assert ids == ["retired_tenant-1", "retired_tenant-2", "working_renter-1", "working_renter-2",
                   "young_family-1", "young_family-2", "planner", "office", "committee"]
    retired = [s.household for s in run.seats if s.kind == "retired_tenant"]
    assert all(h.age_group[i] == 2 and not h.renter[i] and h.shared_kitchen[i] for i in retired)
    assert len({s.household for s in run.seats if s.household >= 0}) == 6
    with pytest.raises(ValueError, match="no planner"):
        RoomRun(RoomConfig(scenario="top_down", limits={"planner": 1}))
    with pytest.raises(ValueError, match="unknown seat kind"):
        RoomRun(RoomConfig(limits={"mayor": 1}))


def session(clock: Clock | None = None):
    rooms = Rooms(clock or Clock())
    room = rooms.create(CONFIG)
    tokens = {sid: room.join(sid) for sid in ("retired_tenant-1", "working_renter-1", "office", "planner",
                                               "committee")}
    for token in tokens.values():
        room.connect(token)
    return rooms, room, tokens


ROUND_CHOICES = [
    {"retired_tenant-1": {"actions": ["workshop", "speak_up"]}, "working_renter-1": {"actions": ["stay_home"]},
     "planner": {"outreach": 20, "workshops": 50, "design": 20, "coordination": 10, "visit": "room"},
     "committee": {"notices": "many", "survey": True, "meeting": True}, "office": {"approve": [], "hold": []}},
    {"retired_tenant-1": {"actions": ["volunteer", "meeting"]}, "working_renter-1": {"actions": ["propose"]},
     "planner": {"outreach": 60, "workshops": 10, "design": 20, "coordination": 10, "visit": "alley:2"},
     "committee": {"notices": "few", "survey": False, "meeting": False}, "office": {"approve": [], "hold": []}},
]


def office_choice(room) -> dict:
    sites = room.run.options("office")["sites"]
    return {"approve": sites[:1], "hold": sites[1:2]}


def test_everyone_choosing_advances_the_round_and_replay_equals_the_live_run():
    _, room, tokens = session()
    for r in range(4):
        choices = dict(ROUND_CHOICES[r % 2])
        choices["office"] = office_choice(room)
        assert room.round == r + 1
        play(room, tokens, choices)
        assert room.round == r + 2  # the last choice advanced the round
    again = replay(CONFIG, rounds_from_log(room.log))
    assert same_run(again.model, room.run.model)
    assert room.replay_to(room.facilitator_key, 2).model.week == 26
    # the people's choices moved the run away from the agents' run
    assert not same_run(replay(CONFIG, [{}] * 4).model, room.run.model)


def test_a_person_who_leaves_and_rejoins_keeps_seat_and_choices_and_an_empty_seat_is_the_agents():
    _, room, tokens = session()
    play(room, tokens, {s: c for s, c in ROUND_CHOICES[0].items() if s != "working_renter-1"})
    assert room.round == 1  # the renter is here and has not chosen: the round waits
    room.disconnect(tokens["working_renter-1"])  # phone asleep: everyone still here has chosen
    assert room.round == 2
    assert room.seat_of(tokens["working_renter-1"]).id == "working_renter-1"
    room.connect(tokens["working_renter-1"])  # rejoins with its token
    with pytest.raises(RoomError) as e:
        room.join("working_renter-1")
    assert e.value.key == "seat_taken"
    assert [e["seat"] for e in room.log if e["event"] == "chose" and e["round"] == 1].count("working_renter-1") == 0
    room.advance(room.facilitator_key)  # nobody chose round 2: the agents play every seat
    assert rounds_from_log(room.log)[1] == {}


def test_a_branch_is_the_replay_to_its_round_then_other_choices():
    _, room, tokens = session()
    for r in range(4):
        choices = dict(ROUND_CHOICES[r % 2])
        choices["office"] = office_choice(room)
        play(room, tokens, choices)
    key = room.facilitator_key
    other = {"outreach": 100, "workshops": 0, "design": 0, "coordination": 0, "visit": "model"}
    b = room.branch(key, 2, "planner", other)
    rounds = rounds_from_log(room.log)
    expected = rounds[:2] + [{**rounds[2], "planner": other}] + rounds[3:]
    assert same_run(b.run.model, replay(CONFIG, expected).model)
    assert b.run.round == 4 and not same_run(b.run.model, room.run.model)
    agents = room.branch(key, 2, "planner", None)  # what the agents would have done in round 3
    assert same_run(agents.run.model, replay(CONFIG, rounds[:2] + [
        {s: c for s, c in rounds[2].items() if s != "planner"}] + rounds[3:]).model)
    play(room, tokens, ROUND_CHOICES[0] | {"office": office_choice(room)})  # the session goes on; so do branches
    assert b.run.round == agents.run.round == 5
    assert same_run(b.run.model, replay(CONFIG, expected + [rounds_from_log(room.log)[4]]).model)


def test_bad_input_gets_a_plain_refusal():
    _, room, tokens = session()
    t = tokens["retired_tenant-1"]
    cases = [
        (lambda: room.submit(t, 2, {"actions": ["workshop"]}), "stale_round"),
        (lambda: room.submit(t, 1, {"actions": ["fly"]}), "not_allowed"),
        (lambda: room.submit(t, 1, {"actions": ["stay_home", "workshop"]}), "not_allowed"),
        (lambda: room.submit(t, 1, "workshop"), "not_allowed"),
        (lambda: room.submit(t, 1, {"actions": []}), "not_allowed"),
        (lambda: room.submit(tokens["planner"], 1, {"outreach": 90, "workshops": 90, "design": 0,
                                                    "coordination": 0, "visit": "model"}), "hours_sum"),
        (lambda: room.submit(tokens["planner"], 1, {"outreach": "a"}), "not_allowed"),
        (lambda: room.submit(tokens["office"], 1, {"approve": [99999], "hold": []}), "not_allowed"),
        (lambda: room.submit(tokens["office"], 1, {"approve": "x"}), "not_allowed"),
        (lambda: room.submit(tokens["committee"], 1, {"notices": "all", "survey": 1, "meeting": 0}), "not_allowed"),
        (lambda: room.submit("forged", 1, {"actions": ["workshop"]}), "bad_token"),
        (lambda: room.submit(None, 1, {"actions": ["workshop"]}), "bad_token"),
        (lambda: room.join("nobody"), "no_such_seat"),
        (lambda: room.advance("guess"), "not_facilitator"),
        (lambda: room.branch(room.facilitator_key, 5, "office", None), "no_such_round"),
    ]
    for act, key in cases:
        with pytest.raises(RoomError) as e:
            act()
        assert e.value.key == key
    room.submit(t, 1, {"actions": ["workshop"]})
    with pytest.raises(RoomError) as e:
        room.submit(t, 1, {"actions": ["workshop"]})  # a double tap
    assert e.value.key == "already_chosen"
    assert room.round == 1 and sum(e["event"] == "chose" for e in room.log) == 1


def test_rooms_are_apart_and_nobody_acts_in_another_seat_or_room():
    rooms = Rooms(Clock())
    a, b = rooms.create(CONFIG), rooms.create(CONFIG)
    assert a.code != b.code and a.facilitator_key != b.facilitator_key
    ta = a.join("office")
    tb = b.join("office")
    for act in (lambda: b.submit(ta, 1, {"approve": [], "hold": []}), lambda: b.seat_of(ta),
                lambda: rooms.seat(b.code, ta), lambda: rooms.console(b.code, a.facilitator_key),
                lambda: b.advance(a.facilitator_key), lambda: rooms.get("ZZZZZ9")):
        with pytest.raises(RoomError):
            act()
    a_tenant = a.join("retired_tenant-1")
    assert a.seat_of(a_tenant).id == "retired_tenant-1"  # a token is its own seat's, never another's
    assert rooms.seat(b.code.lower(), tb) == (b, "office")  # codes are typed in any case
    a.submit(a_tenant, 1, {"actions": ["workshop"]})  # the only person here chose: room a advances
    assert a.run.round == 1 and b.run.round == 0 and b.run.model.week == 0 and not b.log[-1]["event"] == "chose"


def test_the_timer_advances_a_round_and_pause_stops_it():
    clock = Clock()
    room = Rooms(clock).create(RoomConfig(seed=3, round_seconds=60))
    assert room.seconds_left() == 60 and not room.tick()
    clock.now = 30
    room.pause(room.facilitator_key)
    clock.now = 500
    assert not room.tick() and room.seconds_left() == 30
    room.resume(room.facilitator_key)
    clock.now = 529
    assert not room.tick()
    clock.now = 531
    assert room.tick() and room.round == 2 and room.seconds_left() == 60
    assert [e["by"] for e in room.log if e["event"] == "advanced"] == ["timer"]


def test_office_hold_and_approve_reach_the_model():
    room = Rooms().create(CONFIG)
    token = room.join("office")
    room.connect(token)
    while not room.run.options("office")["sites"]:
        room.advance(room.facilitator_key)
    sites = room.run.options("office")["sites"]
    room.submit(token, room.round, {"approve": [], "hold": sites})
    assert all(room.run.model.projects.status[s] == Status.DESIGNED for s in sites)


def test_export_writes_tables_pandas_reads(tmp_path):
    _, room, tokens = session()
    play(room, tokens, ROUND_CHOICES[0])
    room.branch(room.facilitator_key, 0, "office", None)
    folder = export_session(room, tmp_path)
    assert folder.parent == tmp_path and not [p for p in tmp_path.iterdir() if p != folder]
    for table in TABLES:
        csv, parquet = pd.read_csv(folder / f"{table}.csv"), pd.read_parquet(folder / f"{table}.parquet")
        assert len(csv) == len(parquet) > 0
    weekly = pd.read_parquet(folder / "weekly.parquet")
    assert set(weekly["run"]) == {"session", "B1"} and weekly["week"].max() == 13
    choices = pd.read_csv(folder / "choices.csv")
    assert set(choices["seat"]) == set(ROUND_CHOICES[0])
    assert (folder / "manifest.json").exists()


# ---------------------------------------------------------------- votes on designs, committee rules

VOTERS = ("retired_tenant-1", "working_renter-1")  # both live near site 7 (greenery), in design in round 4


def events_of(run: RoomRun, site: int, event: str) -> list[int]:
    return [e["week"] for e in run.model.events if e["event"] == event and e["site"] == site]


def test_votes_for_a_design_speed_its_approval_and_votes_against_hold_it():
    def with_votes(key: str | None) -> RoomRun:
        votes = {} if key is None else {s: {"actions": ["stay_home"], key: [7]} for s in VOTERS}
        return replay(CONFIG, [{}] * 3 + [votes, {}, {}, {}])

    agents, yes, no = with_votes(None), with_votes("vote_for"), with_votes("vote_against")
    assert events_of(yes, 7, "designed") == events_of(agents, 7, "designed")  # votes do not touch design
    assert events_of(yes, 7, "approved")[0] < events_of(agents, 7, "approved")[0]  # half the approval delay
    assert events_of(no, 7, "approved") == [] and no.model.projects.status[7] == Status.DESIGNED
    assert no.standing == {7: {s: -1 for s in VOTERS}} and yes.standing == {}  # settled once approved
    h = yes.model.households
    voters = [yes.by_id[s].household for s in VOTERS]
    assert (h.last_at_rung[2, voters] >= 3 * 13 + 1).all()  # voters were consulted in the round they voted
    # a person at the office may still approve a design residents voted against (if the budget allows)
    office = replay(CONFIG, [{}] * 3 + [{s: {"actions": ["stay_home"], "vote_against": [7]} for s in VOTERS},
                                        {"office": {"approve": [7], "hold": []}}])
    assert events_of(office, 7, "approved") == [4 * 13 + 1]


def test_a_vote_is_a_logged_choice_that_replays_and_branches():
    _, room, tokens = session()
    for _ in range(3):
        room.advance(room.facilitator_key)
    assert room.run.options(VOTERS[0])["votes"] == [7]
    with pytest.raises(RoomError) as e:
        room.submit(tokens[VOTERS[0]], 4, {"actions": ["stay_home"], "vote_for": [8]})  # not near it
    assert e.value.key == "not_allowed"
    with pytest.raises(RoomError) as e:
        room.submit(tokens[VOTERS[0]], 4, {"actions": ["stay_home"], "vote_for": [7], "vote_against": [7]})
    assert e.value.key == "not_allowed"
    room.submit(tokens[VOTERS[0]], 4, {"actions": ["stay_home"], "vote_against": [7]})
    room.submit(tokens[VOTERS[1]], 4, {"actions": ["workshop"], "vote_against": [7]})
    room.advance(room.facilitator_key)
    room.advance(room.facilitator_key)
    voted = [(e["round"], e["seat"], e["site"], e["vote"]) for e in room.log if e["event"] == "voted"]
    assert voted == [(4, VOTERS[0], 7, "against"), (4, VOTERS[1], 7, "against")]
    assert same_run(replay(CONFIG, rounds_from_log(room.log)).model, room.run.model)
    b = room.branch(room.facilitator_key, 3, VOTERS[0], {"actions": ["stay_home"], "vote_for": [7]})
    rounds = rounds_from_log(room.log)
    expected = rounds[:3] + [{**rounds[3], VOTERS[0]: b.choice}] + rounds[4:]
    assert same_run(b.run.model, replay(CONFIG, expected).model) and not same_run(b.run.model, room.run.model)
    # a tie (one for, one against) leaves the design to the office's own rule and delay
    assert events_of(b.run, 7, "approved") == events_of(replay(CONFIG, [{}] * 5), 7, "approved") != []


def test_the_committee_sets_upkeep_rules_through_the_platforms_parameter():
    rota = {"notices": "usual", "survey": False, "meeting": False, "rules": "rota"}
    plain = RoomConfig(scenario="planner", seed=3, round_weeks=13)  # the planner scenario has no self-management
    assert not plain.params().platform.self_management_rules
    agents, ruled = replay(plain, [{}] * 8), replay(plain, [{}] * 4 + [{"committee": rota}] * 4)
    assert ruled.model.params.platform.self_management_rules
    assert ruled.model.projects.rules.sum() > agents.model.projects.rules.sum()
    assert replay(plain, [{}] * 4 + [{"committee": rota}] * 3 + [{}]).model.params.platform.self_management_rules \
        is False  # a round nobody set it in is the scenario's again
    assert same_run(ruled.model, replay(plain, [{}] * 4 + [{"committee": rota}] * 4).model)
    run = RoomRun(plain)
    with pytest.raises(RoomError):
        run.check("committee", {**rota, "rules": "always"})
    assert run.check("committee", {k: v for k, v in rota.items() if k != "rules"})["rules"] == "usual"


def test_the_agents_choices_are_recorded_on_the_runs_own_state():
    _, room, tokens = session()
    for r in range(3):
        play(room, tokens, {s: c for s, c in ROUND_CHOICES[r % 2].items() if s != "office"})
        if room.round == r + 1:
            room.advance(room.facilitator_key)
    agents = room.run.agents
    assert len(agents) == 3 and set(agents[0]) == {s.id for s in room.seats}
    assert agents[0]["planner"] == {"outreach": 35, "workshops": 25, "design": 25, "coordination": 15,
                                    "visit": "model"}
    assert all(set(a["retired_tenant-1"]["actions"]) <= {"workshop", "speak_up", "propose", "meeting", "survey",
                                                         "volunteer", "stay_home"} for a in agents)
    assert any(a[s]["actions"] != ["stay_home"] for a in agents for s in a if "-" in s)
    assert room.run.agents == replay(CONFIG, rounds_from_log(room.log)).agents  # replayed exactly too


def test_the_debrief_sets_the_rooms_choices_against_the_agents_and_the_shipped_scenarios():
    from sim.app.room_views import debrief_choices_html, debrief_metrics_html
    from sim.room.debrief import choice_rows, headline, metric_rows

    _, room, tokens = session()
    agents_planner = {"outreach": 35, "workshops": 25, "design": 25, "coordination": 15, "visit": "model"}
    play(room, tokens, {"planner": agents_planner, "committee": ROUND_CHOICES[0]["committee"],
                        "retired_tenant-1": {"actions": ["stay_home"]}})
    room.advance(room.facilitator_key)
    rows = {(r.round, r.seat): r for r in choice_rows(room)}
    assert set(rows) == {(1, "planner"), (1, "committee"), (1, "retired_tenant-1")}
    assert rows[1, "planner"].same and not rows[1, "committee"].same  # the scenario's hours; many notices
    assert rows[1, "retired_tenant-1"].agents == room.run.agents[0]["retired_tenant-1"]
    numbers = dict(metric_rows(room, ["top_down", CONFIG.scenario]))
    assert list(numbers) == ["session", "scenario:top_down", f"scenario:{CONFIG.scenario}"]
    assert numbers[f"scenario:{CONFIG.scenario}"] == headline(replay(CONFIG, [{}]).model)  # nobody in the room
    for lang, words in (("en", ("Round 1", "the same", "nobody in the room", "Spaces built")),
                        ("zh", ("第1轮", "相同", "无人参与", "建成空间"))):
        text = debrief_choices_html(room, list(rows.values()), lang) + debrief_metrics_html(room, list(
            numbers.items()), lang)
        assert all(w in text for w in words)


def test_the_consoles_cards_say_who_plays_each_seat_and_what_the_last_round_did():
    from sim.app.room_views import round_cards, seat_cards

    _, room, tokens = session()
    room.disconnect(tokens["working_renter-1"])
    room.submit(tokens["office"], 1, {"approve": [], "hold": []})
    cards = {c["seat"]: c for c in seat_cards(room)}
    assert cards["office"]["who"] == "a person" and cards["office"]["done"] == "1"
    assert cards["working_renter-1"]["status"] == "away" and cards["young_family-2"]["who"] == "the agents"
    assert round_cards(room) == []  # nothing played yet
    for _ in range(3):
        room.advance(room.facilitator_key)
    room.branch(room.facilitator_key, 1, "office", None)
    made = round_cards(room, "zh")
    assert [c["run"] for c in made] == ["session", "B1"]
    assert any("参与" in line for line in made[0]["lines"])


def test_a_choice_changes_only_the_count_the_waiting_seats_show():
    """A phone's page draws from its seat's view: another seat's choice redraws no page of another seat; the
    count on the seats that wait moves (their live part) and those still choosing have none; a round's advance
    changes every seat's view."""
    from sim.app.room_pages import _seat_counts, _seat_view

    room = Rooms().create(CONFIG)
    tokens = {s: room.join(s) for s in ("retired_tenant-1", "working_renter-1", "young_family-1")}
    for token in tokens.values():
        room.connect(token)
    views, counts = {s: _seat_view(s) for s in tokens}, {s: _seat_counts(s) for s in tokens}
    play(room, tokens, {"retired_tenant-1": {"actions": ["workshop"]}})
    before = {s: views[s](room) for s in tokens}
    assert counts["retired_tenant-1"](room) == (1, 3)
    play(room, tokens, {"working_renter-1": {"actions": ["stay_home"]}})
    after = {s: views[s](room) for s in tokens}
    assert after["young_family-1"] == before["young_family-1"]  # still choosing: nothing to redraw
    assert after["retired_tenant-1"] == before["retired_tenant-1"]  # waiting: only its count moves
    assert counts["retired_tenant-1"](room) == (2, 3) and counts["young_family-1"](room) is None
    play(room, tokens, {"young_family-1": {"actions": ["stay_home"]}})  # the last choice: the round advances
    assert all(views[s](room) != after[s] for s in tokens)


def test_a_committee_that_keeps_the_survey_keeps_the_scenario_s():
    """Ticking "survey" in a scenario that has one keeps its interval (it did set one a round, doubling it);
    where the scenario has none, it is one this round."""
    from sim.room.choices import round_params, scenario_choice
    from sim.room.seats import COMMITTEE

    committee = next(s for s in RoomRun(CONFIG).seats if s.role == COMMITTEE)
    for scenario in ("consultation", "top_down"):
        base = RoomConfig(scenario=scenario).params()
        keep = scenario_choice(committee, base)
        values = round_params(base, {committee: {**keep, "survey": True}}, 13)
        usual = base.committee.survey_interval_weeks
        assert values["committee.survey_interval_weeks"] == (usual or 13)
        assert round_params(base, {committee: keep}, 13) == round_params(base, {}, 13)  # as usual: untouched


def test_a_shipped_scenario_stepped_on_between_debriefs_is_the_run_of_that_many_weeks():
    from sim.params import load_scenario, scenario_path
    from sim.room.debrief import _ALONE, headline, scenario_headline

    early = scenario_headline("top_down", "guizhou_west", 5, 13)
    model = _ALONE[("top_down", "guizhou_west", 5)]
    later = scenario_headline("top_down", "guizhou_west", 5, 26)
    assert _ALONE[("top_down", "guizhou_west", 5)] is model and model.week == 26  # stepped on, not run again
    fresh = LilongModel(load_scenario(scenario_path("top_down"), "guizhou_west"), 5)
    fresh.run_weeks(26)
    assert dict(later) == headline(fresh) and early != later


def test_a_token_kept_for_one_room_offers_no_seat_in_another():
    from sim.app.room_pages import _held_seat

    rooms = Rooms()
    a, b = rooms.create(CONFIG), rooms.create(CONFIG)
    token = a.join("young_family-1")
    assert _held_seat(a, token).id == "young_family-1"
    assert _held_seat(b, token) is None and _held_seat(a, "") is None and _held_seat(None, token) is None


def test_no_vote_on_a_design_the_seat_voted_on_withdraws_its_vote_and_replays():
    """The form shows the seat's vote that stands; left as shown it stands (not cast again), "no vote" withdraws
    it: a logged event, the design no longer held by it, and replay and branches reproduce the session."""
    from sim.app.room_forms import default_choice, submitted

    _, room, tokens = session()
    key, voter = room.facilitator_key, VOTERS[0]
    for _ in range(3):
        room.advance(key)
    room.submit(tokens[voter], 4, {"actions": ["stay_home"], "vote_against": [7]})
    room.advance(key)
    seat, options = room.run.by_id[voter], room.run.options(voter)
    assert options["standing"] == {7: -1}
    shown = default_choice(seat, options, room.run.model.params)
    assert shown["vote_against"] == [7]  # the form shows the vote that stands
    assert submitted(seat, options, shown) == {"actions": ["stay_home"], "vote_for": [], "vote_against": [],
                                               "withdraw": []}  # left as shown: it stands, nothing cast again
    withdrawn = submitted(seat, options, {**shown, "vote_against": []})  # "no vote"
    assert withdrawn["withdraw"] == [7]
    room.submit(tokens[voter], 5, withdrawn)
    room.advance(key)
    assert room.run.standing == {} and room.run.options(voter)["standing"] == {}
    with pytest.raises(RoomError) as e:  # no vote stands now: nothing to withdraw
        room.submit(tokens[voter], 6, {"actions": ["stay_home"], "withdraw": [7]})
    assert e.value.key == "not_allowed"
    for _ in range(3):
        room.advance(key)
    voted = [(e["round"], e["seat"], e["site"], e["vote"]) for e in room.log if e["event"] == "voted"]
    assert voted == [(4, voter, 7, "against"), (5, voter, 7, "withdrawn")]
    rounds = rounds_from_log(room.log)
    assert same_run(replay(CONFIG, rounds).model, room.run.model)
    kept = replay(CONFIG, rounds[:4] + [{}] * 4)  # the vote against left standing holds the design
    assert events_of(kept, 7, "approved") == [] and events_of(room.run, 7, "approved") != []
    b = room.branch(key, 3, VOTERS[1], {"actions": ["workshop"]})  # the withdrawal replays in a branch too
    expected = rounds[:3] + [{**rounds[3], VOTERS[1]: b.choice}] + rounds[4:]
    assert same_run(b.run.model, replay(CONFIG, expected).model)


def test_an_error_in_a_pages_view_is_logged_and_the_page_goes_on_redrawing(capsys):
    """A page's watcher outlives an error in the page's view: the traceback goes to the server's log (stderr),
    and the room's next change redraws the page (the watcher used to end silently: the page froze for good)."""
    import solara

    from sim.app.room_pages import use_room

    room = Rooms().create(CONFIG)
    broken, draws, here, err = [False], [], [], []

    def view(r) -> int:
        if broken[0]:
            raise ValueError("a broken view")
        return r.version

    @solara.component
    def Page():
        tick, _, _ = use_room(room, here.append, view)
        draws.append(tick)
        solara.Text(str(tick))

    _, rc = solara.render(Page(), handle_error=False)
    try:
        wait_for(lambda: here == [True], 30, "the page's watcher to start")
        broken[0] = True
        room.pause(room.facilitator_key)
        wait_for(lambda: err.append(capsys.readouterr().err) or "ValueError: a broken view" in "".join(err), 30,
                 "the view's traceback in the log")
        assert "Traceback" in "".join(err)
        wait_for(lambda: draws[-1] == 1, 30, "a redraw from the room itself")
        broken[0] = False
        room.resume(room.facilitator_key)
        wait_for(lambda: draws[-1] == 2, 30, "the next change redrawn")
        assert here == [True]  # still watching: the page is still here
    finally:
        rc.close()


def test_a_pages_live_part_redraws_alone():
    """use_room's live value: a change of the room that moves it and not the page's view redraws only the
    component that reads it, not the page (a waiting phone's count as others choose)."""
    import solara

    from sim.app.room_pages import use_room

    room = Rooms().create(CONFIG)
    page_draws, part_draws = [], []

    @solara.component
    def Part(live):
        part_draws.append(live.value)
        solara.Text(str(live.value))

    @solara.component
    def Page():
        page_draws.append(1)
        _, _, live = use_room(room, None, lambda r: r.round, lambda r: r.paused)
        Part(live)

    _, rc = solara.render(Page(), handle_error=False)
    try:
        wait_for(lambda: part_draws[-1] is False, 30, "the live value read by the page's watcher")
        drawn = len(page_draws)
        room.pause(room.facilitator_key)
        wait_for(lambda: part_draws[-1] is True, 30, "the live part redrawn")
        room.resume(room.facilitator_key)
        wait_for(lambda: part_draws[-1] is False, 30, "the live part redrawn again")
        assert len(page_draws) == drawn  # the page itself was not redrawn
    finally:
        rc.close()


def test_a_redraw_error_that_repeats_is_logged_once_and_the_watch_goes_on(capsys):
    """An error in a redraw (here the live part's) is logged once while it repeats, not at every change, and
    the page's watch goes on: once the error is gone the next change is drawn."""
    import solara

    from sim.app.room_pages import use_room

    room = Rooms().create(CONFIG)
    broken, seen, failed = [False], [], []

    def live(r) -> bool:
        if broken[0]:
            failed.append(1)
            raise ValueError("a broken live part")
        return r.paused

    @solara.component
    def Page():
        _, _, value = use_room(room, None, lambda r: r.round, live)
        seen.append(value.value)
        solara.Text(str(value.value))

    _, rc = solara.render(Page(), handle_error=False)
    try:
        wait_for(lambda: seen[-1] is False, 30, "the live value read")
        broken[0] = True
        for n, change in enumerate([room.pause, room.resume, room.pause, room.resume], 1):
            change(room.facilitator_key)
            wait_for(lambda n=n: len(failed) >= n, 30, "the watch to meet the error again")
        room.pause(room.facilitator_key)
        broken[0] = False
        room.resume(room.facilitator_key)
        room.pause(room.facilitator_key)
        wait_for(lambda: seen[-1] is True, 30, "the next change drawn once the error is gone")
        assert capsys.readouterr().err.count("a page's redraw failed") == 1
    finally:
        rc.close()
