"""One owner for each browser session's models.

A :class:`Session` holds the models of one page (one in the explorer, two in the workshop) and
is the only thing that touches them: it builds and steps them under one lock and, still under
the lock, copies what the page shows into an immutable :class:`Frame`. Renders read frames, never
models, so no render can see a model mid-step, and every part of one render (counter, cards,
maps, charts) shows the same week of every model.

A :class:`Player` steps a session at a requested rate in its own thread. It never queues work:
each frame it advances by the weeks that are due by the clock (skipping frames the screen could
not show in time), and it stops within one frame of :meth:`Player.stop`.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.agents import Site
from sim.app.settings import Settings
from sim.metrics import observed_rungs
from sim.params import Params

if TYPE_CHECKING:
    from sim.model import LilongModel
    from sim.space import Lilong


@dataclass(frozen=True)
class Snapshot:
    """What the app shows of one model at one week; copies, safe to read while the model steps on."""

    settings: Settings
    params: Params  # frozen: safe to share
    week: int
    history: pd.DataFrame  # one row per week so far, every metric
    metrics: dict[str, float]  # this week
    events: tuple[dict, ...]
    lilong: Lilong  # geometry: fixed once the model is built
    rung: np.ndarray  # per household: deepest act within the engagement window
    satisfaction: np.ndarray
    trust_government: np.ndarray
    age_group: np.ndarray
    renter: np.ndarray
    sites: tuple[dict, ...]  # Site.state() per site
    planner_cell: tuple[int, int] | None

    @classmethod
    def of(cls, settings: Settings, model: LilongModel) -> Snapshot:
        h = model.households
        planner = None if model.planner is None else tuple(int(c) for c in model.planner.cell.coordinate)
        return cls(settings=settings, params=model.params, week=int(model.week), history=model.dataframe(),
                   metrics=dict(model.metrics),
                   events=tuple(dict(e) for e in model.events), lilong=model.lilong,
                   rung=observed_rungs(model).copy(), satisfaction=h.satisfaction_overall.copy(),
                   trust_government=h.trust_government.copy(), age_group=h.age_group.copy(),
                   renter=h.renter.copy(), sites=tuple(s.state() for s in model.agents_by_type[Site]),
                   planner_cell=planner)


@dataclass(frozen=True)
class Frame:
    """All of a session's models at one moment. ``seq`` grows with every step and rebuild."""

    seq: int
    generation: int  # grows with every rebuild
    sides: tuple[Snapshot, ...]
    horizon: int = 0  # the week the run ends: Step and Play go no further

    @property
    def week(self) -> int:
        return self.sides[0].week

    @property
    def at_end(self) -> bool:
        return self.week >= self.horizon


class Session:
    """Builds and steps one page's models; the only code that touches them."""

    def __init__(self, settings: Sequence[Settings]) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._generation = 0
        self._models: list[tuple[Settings, LilongModel]] = []
        self._horizon_set: int | None = None  # the facilitator's end, else the scenarios' own
        self.frame: Frame  # the latest frame; replaced whole, never changed
        self.rebuild(settings)

    @property
    def horizon(self) -> int:
        """The week the run stops: the one the facilitator set, else the shortest scenario's ``[run] weeks``."""
        if self._horizon_set is not None:
            return self._horizon_set
        return min(int(m.params.run.weeks) for _, m in self._models)

    @property
    def horizon_is_set(self) -> bool:
        return self._horizon_set is not None

    def set_horizon(self, weeks: int | None) -> Frame:
        """End the run at ``weeks`` (None: at the scenarios' own horizon); kept across rebuilds."""
        with self._lock:
            self._horizon_set = None if weeks is None else int(weeks)
            return self._publish()

    def _publish(self) -> Frame:
        self._seq += 1
        self.frame = Frame(self._seq, self._generation, tuple(Snapshot.of(s, m) for s, m in self._models),
                           self.horizon)
        return self.frame

    def rebuild(self, settings: Sequence[Settings]) -> Frame:
        """New models from ``settings`` (validated before they get here), at week 0."""
        models = [(s, s.model()) for s in settings]  # built outside the lock: a failure changes nothing
        with self._lock:
            self._models = models
            self._generation += 1
            return self._publish()

    def reset(self) -> Frame:
        """The same settings again from week 0."""
        return self.rebuild([s for s, _ in self._models])

    @property
    def settings(self) -> tuple[Settings, ...]:
        return tuple(s for s, _ in self._models)

    def step(self, weeks: int = 1, keep_going: Callable[[], bool] = lambda: True) -> Frame:
        """Advance every model ``weeks`` weeks together (stopping early once ``keep_going`` says no, and at
        the horizon)."""
        with self._lock:
            for _ in range(weeks):
                if int(self._models[0][1].week) >= self.horizon:
                    break
                for _, model in self._models:
                    model.step()
                if not keep_going():
                    break
            return self._publish()


class Player:
    """Plays a session at ``rate`` weeks per second in a thread; ``publish`` shows the latest frame.

    ``publish`` may render (and so take longer than a week's interval): the next frame then
    advances by every week that fell due meanwhile, up to half a second of weeks, and drops the
    rest rather than queueing it. :meth:`stop` returns at once; the frame in progress stops
    between two weeks and is published, and nothing steps after it. Play stops by itself at the
    session's horizon (``on_stop(None)``), after publishing the last week.
    """

    def __init__(self, session: Session, publish: Callable[[], None],
                 on_stop: Callable[[BaseException | None], None] | None = None,
                 watched: Callable[[], bool] = lambda: True) -> None:
        self.session = session
        self.publish = publish
        self.on_stop = on_stop  # called when play stops by itself: an error, or nobody watching
        self.watched = watched  # False once the page's browser is gone: stop rather than play on for nobody
        self.rate = 4.0
        self._stop: threading.Event | None = None
        self.frames = 0  # frames published since the last start (for measurements)
        self.weeks = 0  # weeks stepped since the last start

    @property
    def playing(self) -> bool:
        return self._stop is not None and not self._stop.is_set()

    def start(self, rate: float | None = None) -> None:
        if rate is not None:
            self.rate = float(rate)
        if self.playing:
            return
        self._stop = stop = threading.Event()
        self.frames = self.weeks = 0
        threading.Thread(target=self._run, args=(stop,), daemon=True, name="sim-app-player").start()

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def _run(self, stop: threading.Event) -> None:
        rate, start, done = self.rate, time.monotonic(), 0
        try:
            while not stop.is_set():
                if not self.watched():
                    stop.set()
                    if self.on_stop is not None:
                        self.on_stop(None)
                    return
                if self.rate != rate:  # the speed changed: count from now at the new rate
                    rate, start, done = self.rate, time.monotonic(), 0
                due = int((time.monotonic() - start) * rate) + 1 - done
                if due > 0:
                    most = max(1, round(rate / 2))
                    if due > most:  # the screen fell behind: drop the backlog instead of queueing it
                        start += (due - most) / rate
                        due = most
                    before = self.session.frame.week
                    frame = self.session.step(due, keep_going=lambda: not stop.is_set())
                    done += due
                    self.weeks += frame.week - before
                    self.frames += 1
                    self.publish()
                    if frame.at_end:  # the run's end: stop, as a run of `sim run` would
                        stop.set()
                        if self.on_stop is not None:
                            self.on_stop(None)
                        return
                stop.wait(max(0.0, start + done / rate - time.monotonic()))
        except Exception as exc:  # shown on the page; the log keeps the traceback for a developer
            traceback.print_exc()
            stop.set()
            if self.on_stop is not None:
                self.on_stop(exc)
