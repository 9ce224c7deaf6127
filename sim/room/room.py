"""One workshop room: its seats and who holds them, the round being chosen, the timer, the session log.

Every change goes through the room's lock and bumps ``version``; pages wait on :meth:`Room.wait_change`
and redraw. Every act is an event in ``log``; the people's choices in it, with the config, replay the
session exactly (:func:`rounds_from_log`). A person acts only through the token of the seat they took,
the facilitator only through the room's facilitator key; anything else is a :class:`RoomError`.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sim.room.branch import Branch, branch_point
from sim.room.engine import MAX_ROUNDS, RoomConfig, RoomRun, replay
from sim.room.errors import RoomError
from sim.room.seats import Seat

MAX_BRANCHES = 6
LANGS = ("en", "zh")


def new_token() -> str:
    return secrets.token_urlsafe(16)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class Room:
    """A room's state. ``clock`` is the timer's clock (tests pass their own)."""

    def __init__(self, code: str, config: RoomConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.code = code
        self.config = config
        self.facilitator_key = new_token()
        self.clock = clock
        self.run = RoomRun(config)
        self.seats: tuple[Seat, ...] = self.run.seats
        self.holder: dict[str, str] = {}  # seat id -> token
        self.token_seat: dict[str, str] = {}  # token -> seat id
        self.lang: dict[str, str] = {}  # token -> language
        self.connected: dict[str, int] = {}  # seat id -> open pages
        self.console_pages = 0
        self.pending: dict[str, dict[str, Any]] = {}  # seat id -> choice, this round
        self.log: list[dict[str, Any]] = []
        self.branches: list[Branch] = []
        self.paused = False
        self.deadline: float | None = None
        self.remaining: float | None = None  # seconds left while paused
        self.version = 0
        self._cond = threading.Condition(threading.RLock())
        self._open_round()
        self._event("room_made", config=config.to_dict())

    # ------------------------------------------------------------ bookkeeping

    @property
    def lock(self) -> threading.Condition:
        return self._cond

    @property
    def round(self) -> int:
        """The round being chosen now (1 for the first)."""
        return self.run.round + 1

    def _event(self, event: str, seat: str = "", **data: Any) -> None:
        self.log.append({"seq": len(self.log), "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                         "round": self.round, "week": int(self.run.model.week), "seat": seat, "event": event,
                         **data})

    def _changed(self) -> None:
        self.version += 1
        self._cond.notify_all()

    def wait_change(self, seen: int, timeout: float) -> int:
        """Block until ``version`` passes ``seen`` (or ``timeout`` seconds); the version now."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen, timeout)
            return self.version

    def _open_round(self) -> None:
        self.pending = {}
        seconds = self.config.round_seconds
        if seconds:
            if self.paused:
                self.deadline, self.remaining = None, float(seconds)
            else:
                self.deadline, self.remaining = self.clock() + seconds, None

    def seconds_left(self) -> float | None:
        with self._cond:
            if self.remaining is not None:
                return self.remaining
            return None if self.deadline is None else max(0.0, self.deadline - self.clock())

    def _check_key(self, key: object) -> None:
        if not isinstance(key, str) or not _same(key, self.facilitator_key):
            raise RoomError("not_facilitator")

    def seat_of(self, token: object) -> Seat:
        """The seat ``token`` holds (RoomError "bad_token" for any other string)."""
        if not isinstance(token, str):
            raise RoomError("bad_token")
        with self._cond:
            for t, sid in self.token_seat.items():
                if _same(t, token):
                    return self.run.by_id[sid]
        raise RoomError("bad_token")

    # ------------------------------------------------------------ people

    def join(self, seat_id: object, lang: str = "en") -> str:
        """Take the free seat ``seat_id``: its token (keep it to come back)."""
        with self._cond:
            if seat_id not in self.run.by_id:
                raise RoomError("no_such_seat")
            if seat_id in self.holder:
                raise RoomError("seat_taken")
            token = new_token()
            self.holder[seat_id] = token
            self.token_seat[token] = seat_id
            self.lang[token] = lang if lang in LANGS else "en"
            self._event("joined", seat_id)
            self._changed()
            return token

    def connect(self, token: str) -> Seat:
        """A page of the seat opened (a reload or a phone back from sleep: the same seat, the same choices)."""
        seat = self.seat_of(token)
        with self._cond:
            self.connected[seat.id] = self.connected.get(seat.id, 0) + 1
            self._event("connected", seat.id)
            self._changed()
        return seat

    def disconnect(self, token: str) -> None:
        seat = self.seat_of(token)
        with self._cond:
            self.connected[seat.id] = max(0, self.connected.get(seat.id, 0) - 1)
            self._event("disconnected", seat.id)
            self._changed()
            self._advance_if_everyone_chose()

    def set_language(self, token: str, lang: str) -> None:
        self.seat_of(token)
        if lang in LANGS:
            with self._cond:
                self.lang[token] = lang

    def submit(self, token: object, round_no: object, raw: object) -> None:
        """The seat's choice for round ``round_no`` (the round its page showed)."""
        seat = self.seat_of(token)
        with self._cond:
            if self.run.round >= MAX_ROUNDS:
                raise RoomError("session_over")
            if round_no != self.round:
                raise RoomError("stale_round", round=self.round)
            if seat.id in self.pending:
                raise RoomError("already_chosen")
            choice = self.run.check(seat.id, raw)
            self.pending[seat.id] = choice
            self._event("chose", seat.id, choice=choice)
            for key, vote in (("vote_for", "for"), ("vote_against", "against"), ("withdraw", "withdrawn")):
                for site in choice.get(key, []):  # each vote its own event too (replay reads the choice)
                    self._event("voted", seat.id, site=site, vote=vote)
            self._changed()
            self._advance_if_everyone_chose()

    def _advance_if_everyone_chose(self) -> None:
        here = [sid for sid in self.holder if self.connected.get(sid, 0) > 0 or sid in self.pending]
        if here and not self.paused and all(sid in self.pending for sid in here):
            self._advance("everyone")

    # ------------------------------------------------------------ the facilitator

    def check_facilitator(self, key: object) -> None:
        self._check_key(key)

    def advance(self, key: object) -> None:
        self._check_key(key)
        with self._cond:
            if self.run.round >= MAX_ROUNDS:
                raise RoomError("session_over")
            self._advance("facilitator")

    def _advance(self, by: str) -> None:
        choices = dict(self.pending)
        self._event("advanced", by=by, seats=sorted(choices))
        self.run.play_round(choices)
        for b in self.branches:
            b.catch_up(self.run.history)
        self._open_round()
        self._changed()

    def pause(self, key: object) -> None:
        self._check_key(key)
        with self._cond:
            if not self.paused:
                self.paused = True
                if self.deadline is not None:
                    self.remaining, self.deadline = max(0.0, self.deadline - self.clock()), None
                self._event("paused")
                self._changed()

    def resume(self, key: object) -> None:
        self._check_key(key)
        with self._cond:
            if self.paused:
                self.paused = False
                if self.remaining is not None:
                    self.deadline, self.remaining = self.clock() + self.remaining, None
                self._event("resumed")
                self._changed()
                self._advance_if_everyone_chose()

    def tick(self) -> bool:
        """Advance if the round's timer ran out (the agents choose for the seats that did not)."""
        with self._cond:
            if self.paused or self.deadline is None or self.clock() < self.deadline:
                return False
            if self.run.round >= MAX_ROUNDS:
                self.deadline = None
                return False
            self._advance("timer")
            return True

    def branch(self, key: object, from_round: object, seat_id: object, raw: object | None) -> Branch:
        """A branch from the end of round ``from_round``: in the next round ``seat_id`` chooses ``raw``
        (None: the agents choose for it), every other choice as played."""
        self._check_key(key)
        with self._cond:
            if not isinstance(from_round, int) or isinstance(from_round, bool) or not 0 <= from_round < self.run.round:
                raise RoomError("no_such_round")
            if seat_id not in self.run.by_id:
                raise RoomError("no_such_seat")
            if len(self.branches) >= MAX_BRANCHES:
                raise RoomError("too_many_branches", most=MAX_BRANCHES)
            run = branch_point(self.config, self.run.history, from_round)
            choice = None if raw is None else run.check(seat_id, raw)
            b = Branch(f"B{len(self.branches) + 1}", from_round, seat_id, choice, run)
            b.catch_up(self.run.history)
            self.branches.append(b)
            self._event("branched", seat_id, branch=b.name, from_round=from_round, choice=choice)
            self._changed()
            return b

    def replay_to(self, key: object, round_no: object) -> RoomRun:
        """The session replayed from its seed and log to the end of round ``round_no``."""
        self._check_key(key)
        with self._cond:
            if not isinstance(round_no, int) or isinstance(round_no, bool) or not 0 <= round_no <= self.run.round:
                raise RoomError("no_such_round")
            rounds = rounds_from_log(self.log)[:round_no]
        return replay(self.config, rounds)


def rounds_from_log(log: Sequence[dict[str, Any]]) -> list[dict[str, dict[str, Any]]]:
    """Each played round's choices, read from a session log alone."""
    chosen: dict[int, dict[str, dict[str, Any]]] = {}
    rounds = []
    for e in log:
        if e["event"] == "chose":
            chosen.setdefault(e["round"], {})[e["seat"]] = e["choice"]
        elif e["event"] == "advanced":
            rounds.append(chosen.get(e["round"], {}))
    return rounds
