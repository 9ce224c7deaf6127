"""The session owns its models: renders read frames, Play never queues and stops within one frame."""

from __future__ import annotations

import threading
import time

import pytest

from sim.app.session import Player, Session
from sim.app.settings import Settings
from sim.app.views import cards, map_cells, workshop_charts


def _pair(seed: int = 1) -> list[Settings]:
    return [Settings.from_scenario("top_down", seed=seed), Settings.from_scenario("planner_platform", seed=seed)]


def _models(session: Session) -> list:
    return [m for _, m in session._models]  # the test looks behind the owner, to compare with its frames


def _join_players() -> None:
    for thread in [t for t in threading.enumerate() if t.name == "sim-app-player"]:
        thread.join(5)
        assert not thread.is_alive()


def test_frames_are_consistent_while_a_player_steps():
    """Readers render every frame while the player steps: no error, every frame shows one week of both models."""
    session = Session(_pair())
    published = threading.Event()
    player = Player(session, publish=published.set)
    errors, seen = [], []

    def read() -> None:
        try:
            while player.playing:
                frame = session.frame
                assert frame.sides[0].week == frame.sides[1].week == len(frame.sides[0].history) - 1
                cards(frame, "zh")
                workshop_charts(frame, "en")
                map_cells(frame.sides[1], "satisfaction", "en")
                seen.append(frame.week)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    player.start(rate=50)
    readers = [threading.Thread(target=read) for _ in range(2)]
    for r in readers:
        r.start()
    deadline = time.monotonic() + 120
    while (session.frame.week < 20 or len(set(seen)) < 3) and time.monotonic() < deadline:
        published.wait(5)
        published.clear()
    player.stop()
    for r in readers:
        r.join(10)
    assert not errors, errors
    assert len(set(seen)) >= 3
    _join_players()
    assert session.frame.week == _models(session)[0].week == _models(session)[1].week


def test_pause_takes_effect_within_one_frame():
    """After stop() returns, at most the frame in progress is published; then nothing steps."""
    session = Session(_pair())
    count = {"after_stop": 0}
    stopped = threading.Event()
    four = threading.Event()

    def publish() -> None:
        if stopped.is_set():
            count["after_stop"] += 1
        if session.frame.week >= 4:
            four.set()

    player = Player(session, publish)
    player.start(rate=20)
    assert four.wait(10)
    stopped.set()
    player.stop()
    week_at_stop = session.frame.week
    _join_players()
    assert count["after_stop"] <= 1
    assert session.frame.week - week_at_stop <= 1 + round(20 / 2)  # at most one frame's weeks
    assert [m.week for m in _models(session)] == [session.frame.week] * 2


def test_a_slow_screen_makes_the_player_skip_frames_not_queue_them():
    """Each publish takes 0.25 s at 20 weeks/s: frames carry several weeks, the rate holds, no backlog."""
    session = Session(_pair())
    done = threading.Event()

    def slow_publish() -> None:
        done.wait(0.25)  # a render that takes a quarter of a second
        if session.frame.week >= 40:
            done.set()

    player = Player(session, slow_publish)
    player.start(rate=20)
    assert done.wait(20)
    player.stop()
    _join_players()
    assert player.frames < player.weeks / 2  # several weeks per frame
    assert player.weeks >= 40


def test_rebuild_resets_the_week_and_reset_keeps_the_settings():
    session = Session(_pair(3))
    session.step(5)
    assert session.frame.week == 5
    generation = session.frame.generation
    frame = session.rebuild(_pair(4))
    assert frame.week == 0 and frame.generation == generation + 1
    assert [s.settings.seed for s in frame.sides] == [4, 4]
    session.step(2)
    assert session.reset().week == 0 and session.settings == tuple(_pair(4))


def test_a_failed_rebuild_changes_nothing():
    session = Session(_pair())
    session.step(3)
    with pytest.raises(ValueError):
        session.rebuild([Settings.from_scenario("top_down", seed=-5)])
    assert session.frame.week == 3


def test_play_stops_when_nobody_watches():
    """A dropped connection keeps the page's session on the server for hours: Play must not run on."""
    session = Session(_pair())
    watching = threading.Event()
    watching.set()
    stopped = []
    ended = threading.Event()

    def on_stop(exc: BaseException | None) -> None:
        stopped.append(exc)
        ended.set()

    player = Player(session, publish=lambda: None, on_stop=on_stop, watched=watching.is_set)
    player.start(rate=20)
    while session.frame.week < 3:
        ended.wait(0.05)
    watching.clear()
    assert ended.wait(5) and stopped == [None] and not player.playing
    week = session.frame.week
    _join_players()
    assert session.frame.week == week


def test_play_stops_at_the_horizon():
    """Left running, Play reached week 3,626 (issue 19, item 9): it stops at the scenario's end or the facilitator's."""
    session = Session(_pair())
    assert session.horizon == 312 and session.frame.horizon == 312  # the scenarios' [run] weeks
    session.set_horizon(6)
    ended = threading.Event()
    stopped = []
    player = Player(session, publish=lambda: None, on_stop=lambda exc: (stopped.append(exc), ended.set()))
    player.start(rate=50)
    assert ended.wait(30) and stopped == [None] and not player.playing
    _join_players()
    assert session.frame.week == 6 and session.frame.at_end
    session.step(3)  # Step goes no further either
    assert session.frame.week == 6
    session.rebuild(_pair(2))  # the facilitator's horizon outlives a rebuild
    assert session.frame.horizon == 6 and session.frame.week == 0
    session.set_horizon(None)
    assert session.frame.horizon == 312 and not session.frame.at_end
