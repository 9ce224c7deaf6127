"""Household state as numpy arrays, and the thin Resident handle that reads them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
from mesa.discrete_space import Cell, CellAgent
from scipy.special import ndtri

from sim.kernels import deepest_recent
from sim.params import IMPROVEMENT_TYPES

if TYPE_CHECKING:
    from sim.model import LilongModel

LADDER = ("unaware", "informed", "consulted", "involved", "collaborating", "leading")
N_RUNGS = len(LADDER)
NEVER = -100_000  # "week" of an event that never happened
INITIAL_PLANNER_TRUST = 0.5  # trust in a planner one has not met


class Rung(IntEnum):
    UNAWARE = 0
    INFORMED = 1
    CONSULTED = 2
    INVOLVED = 3
    COLLABORATING = 4
    LEADING = 5


class ExpectationSource(IntEnum):
    """What a pending expectation comes from (the latest project-specific one, if any)."""

    VOICE = 0  # voice alone: any project meeting a main need
    ANNOUNCED = 1  # a project announced near the household
    WORKSHOP = 2  # a project the household worked on at a workshop


class AgeGroup(IntEnum):
    YOUNG = 0
    WORKING = 1
    RETIRED = 2


class CoopType(IntEnum):
    CONDITIONAL = 0
    FREE_RIDER = 1
    OTHER = 2


AGE_NAMES = ("young", "working", "retired")
RUNG_MAJOR = ("last_at_rung", "acts_week")  # (N_RUNGS, n) arrays: a household is a column
TENURE_NAMES = ("long_term", "renter")


@dataclass
class Households:
    """One row per household; every mechanism updates whole arrays at once."""

    age_group: np.ndarray
    renter: np.ndarray
    shared_kitchen: np.ndarray
    no_bathroom: np.ndarray
    health: np.ndarray
    time_weekday: np.ndarray  # free time in office hours
    time_evening: np.ndarray  # free time in evenings and at weekends
    time_available: np.ndarray  # mean of the two: for using and keeping up shared spaces
    need: np.ndarray  # (n, n_types)
    interest: np.ndarray
    internal_efficacy: np.ndarray
    external_efficacy: np.ndarray
    trust_government: np.ndarray
    trust_disposition: np.ndarray  # the level trust in government returns to as experience fades
    efficacy_disposition: np.ndarray  # likewise for external efficacy
    trust_planner: np.ndarray
    knowledge: np.ndarray
    threshold: np.ndarray
    coop_type: np.ndarray
    coop_belief: np.ndarray
    baseline_living: np.ndarray
    expectation: np.ndarray  # the reference value delivery is judged against
    promised_value: np.ndarray  # value expected from voice given or a project announced, not yet due
    promised_due: np.ndarray  # week by which it is expected (NEVER: nothing pending)
    promised_site: np.ndarray  # the site the expectation is tied to (-1: any project meeting a main need)
    promised_base: np.ndarray  # delivered value when the expectation formed
    promised_source: np.ndarray  # what it comes from (an ExpectationSource; -1: nothing pending)
    promised_since: np.ndarray  # week it formed
    delivered: np.ndarray
    satisfaction_living: np.ndarray
    satisfaction_process: np.ndarray
    satisfaction_overall: np.ndarray
    belonging: np.ndarray
    last_at_rung: np.ndarray  # (N_RUNGS, n) week of the last activity at each rung
    rung: np.ndarray
    invited_until: np.ndarray
    last_visit: np.ndarray
    voice: np.ndarray  # voice given this week (weight by depth)
    voice_recent: np.ndarray  # decaying sum of voice
    awaiting_since: np.ndarray  # week voice was first given and not yet answered (NEVER: none)
    answered_recent: np.ndarray
    ignored_recent: np.ndarray
    meeting_ties: np.ndarray
    use: np.ndarray  # use of shared spaces this week
    disruption: np.ndarray
    volunteer: np.ndarray
    leader: np.ndarray
    work_hours_week: np.ndarray  # organising + upkeep hours this week
    upkeep_hours_week: np.ndarray  # of which upkeep
    work_hours_year: np.ndarray  # the same, summed over about the past year (exponentially weighted)
    acts_week: np.ndarray  # (N_RUNGS, n) acts at each depth this week
    contributed: np.ndarray  # gave upkeep this week
    in_activity: np.ndarray  # took part in a self-organised activity this week

    @property
    def n(self) -> int:
        return len(self.age_group)

    def take_part(self, who: np.ndarray, depth: int, week: int) -> None:
        """Record activity at ``depth`` (a Rung) for the households in ``who`` (bool mask or indices).

        Taking part at any depth also means being informed.
        """
        if who.dtype == bool:
            who = np.flatnonzero(who)  # few take part: index assignment beats three full-length masks
        self.last_at_rung[depth, who] = week
        self.last_at_rung[Rung.INFORMED, who] = week
        self.acts_week[depth, who] += 1

    def deepest_recent_rung(self, week: int, informed_weeks: np.ndarray, deeper_weeks: np.ndarray) -> np.ndarray:
        """Each household's deepest rung with an act less than its window ago (``informed_weeks``
        for being informed, ``deeper_weeks`` for consulted and deeper; one per household), as int8
        (0: unaware)."""
        # week - last < window  <=>  last >= floor(week - window) + 1, for integer weeks
        return deepest_recent(self.last_at_rung, np.floor(week - informed_weeks).astype(np.int64) + 1,
                              np.floor(week - deeper_weeks).astype(np.int64) + 1)

    @classmethod
    def concat(cls, parts: list[Households]) -> Households:
        """Several neighbourhoods' households as one set of arrays, in order."""
        if len(parts) == 1:
            return parts[0]
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts], axis=1 if f.name in RUNG_MAJOR
                                             else 0) for f in fields(cls)})

    def replace_rows(self, rows: np.ndarray, newcomers: Households) -> None:
        """Newcomers take the places (rows) of households that moved out."""
        for f in fields(self):
            array = getattr(self, f.name)
            if f.name in RUNG_MAJOR:
                array[:, rows] = getattr(newcomers, f.name)
            else:
                array[rows] = getattr(newcomers, f.name)


# Needs for each improvement type (0-1) before individual noise: a structural description of
# the neighbourhood's problems (seed article: shared kitchens, missing bathrooms, no public
# space, ageing), not a behaviour. Columns follow IMPROVEMENT_TYPES.
NEED_NOISE_SD = 0.1


def _needs(shared_kitchen: np.ndarray, no_bathroom: np.ndarray, age: np.ndarray, health: np.ndarray,
           noise: np.ndarray) -> np.ndarray:
    retired, young = age == AgeGroup.RETIRED, age == AgeGroup.YOUNG
    t = {name: i for i, name in enumerate(IMPROVEMENT_TYPES)}
    need = np.empty((len(age), len(IMPROVEMENT_TYPES)))
    need[:, t["shared_kitchen"]] = np.where(shared_kitchen, 0.8, 0.15)
    need[:, t["sanitation"]] = np.where(no_bathroom, 0.9, 0.1)
    need[:, t["living_room"]] = 0.55
    need[:, t["reading_room"]] = np.where(young, 0.6, 0.35)
    need[:, t["plaza"]] = np.where(retired, 0.55, 0.35)
    need[:, t["drying_space"]] = 0.55
    need[:, t["greenery"]] = 0.3
    need[:, t["elder_care"]] = np.where(retired, 0.3 + 0.5 * (1 - health), 0.05)
    need[:, t["childrens_play"]] = np.select([young, retired], [0.65, 0.05], 0.3)
    return np.clip(need + NEED_NOISE_SD * noise, 0, 1)


# The uniform numbers one household's attributes are drawn from (columns of generate_households' ``u``).
DRAWS = ("age", "renter", "shared_kitchen", "no_bathroom", "health", "time_weekday", "time_evening",
         *(f"need_{t}" for t in IMPROVEMENT_TYPES), "interest", "internal_efficacy", "external_efficacy",
         "trust_government", "threshold", "coop_type", "baseline_living", "informed", "informed_week", "knowledge",
         "coop_belief", "belonging")
_COL = {name: i for i, name in enumerate(DRAWS)}
_TINY = 2.0 ** -25  # keeps a float32 uniform of 0 (or 1) off the normal distribution's infinite tails


def generate_households(pop: Any, u: np.ndarray, informed_share: float = 0.4,
                        units: dict[str, np.ndarray] | None = None) -> Households:
    """Households drawn from the uniform numbers ``u`` (one row per household, columns :data:`DRAWS`;
    normal noise by the inverse normal distribution function).

    ``pop`` holds the population parameters, each one value or one per household (a neighbourhood's
    :class:`~sim.params.Population`, or the model's per-household view). ``units`` fixes the attributes
    of the dwelling rather than of the people (``renter``, ``shared_kitchen``, ``no_bathroom``):
    newcomers moving into a vacated room keep them. ``informed_share`` of them start informed (a notice
    within the last 40 weeks).
    """
    n = len(u)

    def col(name: str) -> np.ndarray:
        return u[:, _COL[name]].astype(np.float64)

    def normal(name: str) -> np.ndarray:
        return ndtri(np.clip(col(name), _TINY, 1 - _TINY))

    a = col("age")
    age = np.where(a < pop.retired_share, AgeGroup.RETIRED,
                   np.where(a < pop.retired_share + pop.young_share, AgeGroup.YOUNG, AgeGroup.WORKING))
    age = age.astype(np.int8)
    retired = age == AgeGroup.RETIRED
    drawn = {"renter": col("renter") < pop.renter_share,
             "shared_kitchen": col("shared_kitchen") < pop.shared_kitchen_share,
             "no_bathroom": col("no_bathroom") < pop.no_bathroom_share}
    drawn.update(units or {})
    renter, shared_kitchen, no_bathroom = drawn["renter"], drawn["shared_kitchen"], drawn["no_bathroom"]

    def noisy(mean: np.ndarray | float, sd: float, name: str) -> np.ndarray:
        return np.clip(mean + sd * normal(name), 0.0, 1.0)

    def by_age(young: np.ndarray | float, working: np.ndarray | float, retired_value: np.ndarray | float) -> np.ndarray:
        return np.select([age == AgeGroup.YOUNG, age == AgeGroup.WORKING], [young, working], retired_value)

    renter_time = np.where(renter, pop.renter_time_factor, 1.0)
    health = noisy(np.where(retired, pop.health_retired, pop.health_others), 0.12, "health")
    time_weekday = noisy(by_age(pop.weekday_time_young, pop.weekday_time_working, pop.weekday_time_retired)
                         * renter_time, 0.1, "time_weekday")
    time_evening = noisy(by_age(pop.evening_time_young, pop.evening_time_working, pop.evening_time_retired)
                         * renter_time, 0.1, "time_evening")
    noise = np.stack([normal(f"need_{t}") for t in IMPROVEMENT_TYPES], axis=1)
    need = _needs(shared_kitchen, no_bathroom, age, health, noise)
    interest = noisy(by_age(pop.interest_young, pop.interest_working, pop.interest_retired)
                     + pop.renter_interest_shift * renter, 0.15, "interest")
    internal_efficacy = noisy(by_age(pop.internal_efficacy_young, pop.internal_efficacy_working,
                                     pop.internal_efficacy_retired), 0.15, "internal_efficacy")
    external_efficacy = noisy(pop.external_efficacy_mean, 0.12, "external_efficacy")
    trust_government = noisy(pop.trust_in_government_mean + pop.retired_trust_shift * retired
                             + pop.renter_trust_shift * renter, 0.15, "trust_government")
    threshold = np.clip(pop.threshold_mean + pop.threshold_sd * normal("threshold"), 0.0, 1.0)
    v = col("coop_type")
    coop_type = np.where(v < pop.conditional_cooperator_share, CoopType.CONDITIONAL,
                         np.where(v < pop.conditional_cooperator_share + pop.free_rider_share,
                                  CoopType.FREE_RIDER, CoopType.OTHER)).astype(np.int8)
    baseline_living = noisy(0.6 - 0.15 * shared_kitchen - 0.15 * no_bathroom, 0.08, "baseline_living")
    last_at_rung = np.full((len(LADDER), n), NEVER, dtype=np.int32)
    informed = col("informed") < informed_share
    last_at_rung[Rung.INFORMED, informed] = -np.floor(col("informed_week")[informed] * 40).astype(np.int32)
    zeros = np.zeros(n)
    never = np.full(n, NEVER, dtype=np.int32)
    return Households(
        age_group=age, renter=renter, shared_kitchen=shared_kitchen, no_bathroom=no_bathroom,
        health=health, time_weekday=time_weekday, time_evening=time_evening,
        time_available=(time_weekday + time_evening) / 2, need=need, interest=interest,
        internal_efficacy=internal_efficacy, external_efficacy=external_efficacy,
        trust_government=trust_government, trust_disposition=trust_government.copy(),
        efficacy_disposition=external_efficacy.copy(), trust_planner=np.full(n, INITIAL_PLANNER_TRUST),
        knowledge=noisy(0.1, 0.05, "knowledge"),
        threshold=threshold, coop_type=coop_type, coop_belief=noisy(0.3, 0.1, "coop_belief"),
        baseline_living=baseline_living, expectation=zeros.copy(), promised_value=zeros.copy(),
        promised_due=never.copy(), promised_site=np.full(n, -1, dtype=np.int64),
        promised_base=zeros.copy(), promised_source=np.full(n, -1, dtype=np.int8), promised_since=never.copy(),
        delivered=zeros.copy(),
        satisfaction_living=baseline_living.copy(), satisfaction_process=np.full(n, 0.35),
        satisfaction_overall=zeros.copy(), belonging=noisy(0.3 + 0.1 * ~renter, 0.1, "belonging"),
        last_at_rung=last_at_rung, rung=np.where(informed, Rung.INFORMED, Rung.UNAWARE).astype(np.int8),
        invited_until=never.copy(), last_visit=never.copy(),
        voice=zeros.copy(), voice_recent=zeros.copy(), awaiting_since=never.copy(),
        answered_recent=zeros.copy(), ignored_recent=zeros.copy(),
        meeting_ties=np.zeros(n, dtype=np.int32), use=zeros.copy(), disruption=zeros.copy(),
        volunteer=np.zeros(n, dtype=bool), leader=np.zeros(n, dtype=bool),
        work_hours_week=zeros.copy(), upkeep_hours_week=zeros.copy(), work_hours_year=zeros.copy(),
        acts_week=np.zeros((len(LADDER), n), dtype=np.int16),
        contributed=np.zeros(n, dtype=bool), in_activity=np.zeros(n, dtype=bool),
    )


HOUSEHOLD_FIELDS = tuple(f.name for f in fields(Households))


class Resident(CellAgent):
    """A household, as a Mesa agent: a handle whose attributes read the model's arrays.

    ``resident.rung``, ``resident.satisfaction_overall`` and every other field of
    :class:`Households` are live views of row ``index``; there is no second copy.
    """

    def __init__(self, model: LilongModel, cell: Cell, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def ladder_rung(self) -> str:
        return LADDER[int(self.model.households.rung[self.index])]

    def state(self) -> dict[str, object]:
        """All of this household's state as a plain dict (for tooltips and inspection)."""
        h = self.model.households
        out = {name: getattr(self, name) for name in HOUSEHOLD_FIELDS if name not in ("need", *RUNG_MAJOR)}
        out.update({f"need_{t}": h.need[self.index, k] for k, t in enumerate(IMPROVEMENT_TYPES)})
        out.update({f"last_week_{r}": h.last_at_rung[k, self.index] for k, r in enumerate(LADDER)})
        out.update({f"acts_this_week_{r}": h.acts_week[k, self.index] for k, r in enumerate(LADDER)})
        out["ladder_rung"] = self.ladder_rung
        return out


def _field_view(name: str) -> property:
    if name in RUNG_MAJOR:  # stored rung-major for speed
        return property(lambda self: getattr(self.model.households, name)[:, self.index],
                        doc=f"This household's `{name}`, one value per rung.")
    return property(lambda self: getattr(self.model.households, name)[self.index],
                    doc=f"This household's `{name}` (a view of the model's array).")


for _name in HOUSEHOLD_FIELDS:
    setattr(Resident, _name, _field_view(_name))
