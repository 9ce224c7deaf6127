"""A room's run: the model, its seats, and rounds played with the people's choices.

Everything that decides the run is in :class:`RoomConfig` (scenario, preset, seed, seats, round length)
and in the choices of each round, so a session replays exactly from its config and its log
(:func:`replay`), and a branch is a replay to some round followed by other choices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.model import LilongModel
from sim.params import Params, load_scenario, scenario_path
from sim.room.choices import (
    agents_choice,
    cast_votes,
    drop_settled,
    net_votes,
    normalise,
    options,
    round_params,
    set_decisions,
    set_params,
)
from sim.room.seats import DEFAULT_LIMITS, HOUSEHOLD, make_seats

ROUND_WEEKS = 13  # a season
MAX_ROUNDS = 40

RoundChoices = Mapping[str, Mapping[str, Any]]  # seat id -> its (normalised) choice


@dataclass(frozen=True)
class RoomConfig:
    """What a facilitator picks when making a room."""

    scenario: str = "planner_platform"
    preset: str = "guizhou_west"
    seed: int = 0
    limits: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    round_weeks: int = ROUND_WEEKS
    round_seconds: int = 0  # the round timer (0: no timer; the facilitator advances)

    def params(self) -> Params:
        return load_scenario(scenario_path(self.scenario), self.preset)

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "preset": self.preset, "seed": self.seed, "limits": dict(self.limits),
                "round_weeks": self.round_weeks, "round_seconds": self.round_seconds}


class RoomRun:
    """The model of a room (or of one of its branches) and the rounds played so far."""

    def __init__(self, config: RoomConfig) -> None:
        if not 1 <= config.round_weeks <= 52:
            raise ValueError("a round is 1 to 52 weeks")
        self.config = config
        self.base = config.params()
        self.model = LilongModel(self.base, config.seed)
        self.seats = make_seats(config.limits, self.model.households, self.base.planner.enabled)
        self.by_id = {s.id: s for s in self.seats}
        self.round = 0  # rounds played
        self.history: list[dict[str, dict[str, Any]]] = []  # each played round's choices
        self.agents: list[dict[str, dict[str, Any]]] = []  # each round, what the model's rule chose for each seat
        self.standing: dict[int, dict[str, int]] = {}  # votes on designs not yet settled: site -> seat -> +-1

    def options(self, seat_id: str) -> dict[str, Any]:
        """What ``seat_id`` may choose this round (a household: with its own votes that stand)."""
        return options(self.by_id[seat_id], self.model, self.standing)

    def check(self, seat_id: str, raw: object) -> dict[str, Any]:
        """``raw`` as the canonical choice of ``seat_id`` this round (RoomError if not allowed)."""
        return normalise(self.by_id[seat_id], raw, self.options(seat_id))

    def room_households(self) -> np.ndarray:
        return np.array([s.household for s in self.seats if s.role == HOUSEHOLD], dtype=np.int64)

    def play_round(self, choices: RoundChoices) -> None:
        """One round: ``choices`` (seat id -> canonical choice; a seat not in it is played by the agents)."""
        chosen = {self.by_id[sid]: dict(c) for sid, c in choices.items()}
        model, weeks = self.model, self.config.round_weeks
        set_params(model, round_params(self.base, chosen, weeks))
        people = self.room_households()
        voters = cast_votes(self.standing, chosen)
        votes = net_votes(self.standing, model.decisions.n_sites) if self.standing else None
        rule = {s.id: agents_choice(s, model, self.base, {}, weeks) for s in self.seats if s.role != HOUSEHOLD}
        model.decisions.watch(people)
        for week in range(weeks):
            if chosen or votes is not None:
                set_decisions(model, chosen, week == 0, people, votes, voters)
            model.step()
        seen = model.decisions.seen
        for n, s in enumerate(s for s in self.seats if s.role == HOUSEHOLD):
            rule[s.id] = agents_choice(s, model, self.base, {c: bool(v[n]) for c, v in seen.items()}, weeks)
        model.decisions.watch(None)
        if chosen or votes is not None:
            model.decisions.clear()
        drop_settled(self.standing, model)
        self.agents.append(rule)
        self.round += 1
        self.history.append({sid: dict(c) for sid, c in choices.items()})


def replay(config: RoomConfig, rounds: Sequence[RoundChoices]) -> RoomRun:
    """A fresh run of ``config`` with each round's choices as given (the session log's)."""
    run = RoomRun(config)
    for choices in rounds:
        run.play_round(choices)
    return run
