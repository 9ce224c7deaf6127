"""The facilitator's debrief: the room's choices against the agents', and the room's run against the
shipped scenarios.

- Per round and seat a person chose in: their choice and what the model's own rule chose for that seat on
  the same state (``RoomRun.agents``: for households the rule's outcome at each take-up during the round,
  recorded by ``Decisions.watch``; the planner and committee as the scenario has them; the office's rule
  approving the designs whose approval delay runs out in the round). ``same`` compares what the choice
  does, not how it is written (an office that leaves every design to its rule chose what the rule chose).
- The session's (and each branch's) headline numbers at its last week against each shipped scenario run
  alone (nobody in the room) on the same neighbourhood, seed and number of weeks. The room's own scenario
  run alone is the run the room would have been with nobody in it (bit for bit, ``tests/test_room.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.model import LilongModel
from sim.params import load_scenario, scenario_path
from sim.room.room import Room
from sim.room.seats import HOUSEHOLD, OFFICE

DEBRIEF_METRICS = ("involved_share", "satisfaction_overall", "trust_government", "spaces_built")


@dataclass(frozen=True)
class ChoiceRow:
    round: int
    seat: str
    person: dict[str, Any]
    agents: dict[str, Any]
    same: bool


def effect(role: str, choice: Mapping[str, Any], rule: Mapping[str, Any]) -> Any:
    """What a choice does, comparable across the ways of writing it."""
    if role == HOUSEHOLD:
        return (frozenset(choice["actions"]) - {"stay_home"},
                *(frozenset(choice.get(k, [])) for k in ("vote_for", "vote_against", "withdraw")))
    if role == OFFICE:  # what the office approves this round: the rule's due designs, with the person's changes
        return (frozenset(rule["approve"]) | frozenset(choice["approve"])) - frozenset(choice["hold"])
    return tuple(sorted(choice.items()))


def choice_rows(room: Room) -> list[ChoiceRow]:
    """Every person's choice in every played round, with the agents' on the same state (under the lock)."""
    with room.lock:
        history, agents, by_id = list(room.run.history), list(room.run.agents), room.run.by_id
    rows = []
    for r, (played, rule) in enumerate(zip(history, agents, strict=True), start=1):
        for sid, choice in played.items():
            role = by_id[sid].role
            rows.append(ChoiceRow(r, sid, dict(choice), dict(rule[sid]),
                                  effect(role, choice, rule[sid]) == effect(role, rule[sid], rule[sid])))
    return rows


def headline(model: LilongModel) -> dict[str, float]:
    """The debrief's numbers of a run now: engagement, satisfaction, trust, and spaces built so far."""
    m = model.metrics
    built = sum(e["event"] == "built" for e in model.events)
    return {"involved_share": float(m["involved_share"]), "satisfaction_overall": float(m["satisfaction_overall"]),
            "trust_government": float(m["trust_government"]), "spaces_built": float(built)}


_ALONE: OrderedDict[tuple[str, str, int], LilongModel] = OrderedDict()  # shipped scenarios run alone, kept
_ALONE_LOCK = threading.Lock()
KEPT_RUNS = 32  # the server keeps this many (a few MiB each), the least recently used dropped first


def scenario_headline(scenario: str, preset: str, seed: int, weeks: int) -> tuple[tuple[str, float], ...]:
    """A shipped scenario run alone (nobody in a room) for ``weeks`` weeks: its headline numbers. Its model is
    kept and stepped on to the next debrief's week (the same numbers as a run of that many weeks at once), so a
    debrief each round runs each scenario's new weeks only."""
    key = (scenario, preset, seed)
    with _ALONE_LOCK:
        model = _ALONE.pop(key, None)
        if model is None or model.week > weeks:
            model = LilongModel(load_scenario(scenario_path(scenario), preset), seed)
        model.run_weeks(weeks - model.week)
        _ALONE[key] = model
        while len(_ALONE) > KEPT_RUNS:
            _ALONE.popitem(last=False)
        return tuple(headline(model).items())


def metric_rows(room: Room, scenarios: Sequence[str]) -> list[tuple[str, dict[str, float]]]:
    """(run, numbers): the session, each branch, then each of ``scenarios`` alone at the same seed and week."""
    with room.lock:
        runs = [("session", headline(room.run.model))] + [(b.name, headline(b.run.model)) for b in room.branches]
        weeks, cfg = int(room.run.model.week), room.config
    return runs + [(f"scenario:{s}", dict(scenario_headline(s, cfg.preset, cfg.seed, weeks))) for s in scenarios]
