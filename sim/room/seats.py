"""Seats of a workshop room: kinds of households, the planner, the street office and the committee.

A household seat is one household of the model, picked by its attributes when the room is made
(the same households for the same scenario, preset and seed). Each kind has a limit: how many
people may play it. An empty seat is played by the model's own agents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.population import AgeGroup, Households

HOUSEHOLD = "household"
PLANNER, OFFICE, COMMITTEE = "planner", "office", "committee"
ROLES = (HOUSEHOLD, PLANNER, OFFICE, COMMITTEE)


@dataclass(frozen=True)
class HouseholdKind:
    """A kind of household a person can play, and which of the model's households are of that kind."""

    name: str
    select: Callable[[Households], np.ndarray]  # bool per household


HOUSEHOLD_KINDS: dict[str, HouseholdKind] = {k.name: k for k in (
    HouseholdKind("retired_tenant", lambda h: (h.age_group == AgeGroup.RETIRED) & ~h.renter & h.shared_kitchen),
    HouseholdKind("working_renter", lambda h: (h.age_group == AgeGroup.WORKING) & h.renter),
    HouseholdKind("young_family", lambda h: h.age_group == AgeGroup.YOUNG),
)}
INSTITUTION_KINDS = (PLANNER, OFFICE, COMMITTEE)
SEAT_KINDS = (*HOUSEHOLD_KINDS, *INSTITUTION_KINDS)
DEFAULT_LIMITS: dict[str, int] = {"retired_tenant": 2, "working_renter": 2, "young_family": 2,
                                  PLANNER: 1, OFFICE: 1, COMMITTEE: 1}
MAX_PER_KIND = 40


@dataclass(frozen=True)
class Seat:
    """One place a person can take: ``id`` is stable ("retired_tenant-2", "office")."""

    id: str
    kind: str
    role: str
    household: int = -1  # the model's household (household seats), else -1


def make_seats(limits: Mapping[str, int], households: Households, planner_in_post: bool) -> tuple[Seat, ...]:
    """The room's seats: ``limits[kind]`` of each kind; households spread evenly over those of the kind.

    Raises ValueError naming the kind when the limits ask for what is not there (an unknown kind, a
    planner seat where there is no planner, more households of a kind than live in the lilong).
    """
    seats: list[Seat] = []
    taken: set[int] = set()
    for kind, limit in limits.items():
        if kind not in SEAT_KINDS:
            raise ValueError(f"unknown seat kind {kind!r}; known: {', '.join(SEAT_KINDS)}")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= MAX_PER_KIND:
            raise ValueError(f"seat limit for {kind} must be a whole number from 0 to {MAX_PER_KIND}")
        if kind in INSTITUTION_KINDS:
            if limit > 1:
                raise ValueError(f"there is one {kind} seat at most")
            if kind == PLANNER and limit and not planner_in_post:
                raise ValueError("this scenario has no planner in post: no planner seat")
            if limit:
                seats.append(Seat(kind, kind, kind))
            continue
        pool = np.flatnonzero(HOUSEHOLD_KINDS[kind].select(households))
        pool = np.array([i for i in pool.tolist() if i not in taken], dtype=np.int64)
        if limit > len(pool):
            raise ValueError(f"only {len(pool)} households of kind {kind} live here")
        if limit:
            picked = pool[np.linspace(0, len(pool) - 1, limit).round().astype(int)]
            for n, i in enumerate(picked.tolist(), start=1):
                taken.add(i)
                seats.append(Seat(f"{kind}-{n}", kind, HOUSEHOLD, int(i)))
    return tuple(seats)
