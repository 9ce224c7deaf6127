"""Institutional agents (planner, street office, residents' committee) and site handles.

These hold each institution's parameters and the quantities derived from them; the
weekly mechanisms in ``sim.submodels`` read them. Households are in ``sim.population``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import Cell, CellAgent, FixedAgent

from sim.neighbourhoods import ParamColumns
from sim.params import IMPROVEMENT_TYPES
from sim.params import Committee as CommitteeParams
from sim.params import Planner as PlannerParams
from sim.params import Platform as PlatformParams
from sim.params import StreetOffice as StreetOfficeParams
from sim.projects import STATUS_NAMES
from sim.space import SITE_KIND_NAMES

if TYPE_CHECKING:
    from sim.model import LilongModel


class Institutions:
    """Each neighbourhood's planner, street office and residents' committee as arrays (one entry per
    neighbourhood): what the weekly mechanisms read. The Mesa agents below are handles onto them."""

    def __init__(self, columns: ParamColumns, flows: dict[str, np.ndarray]) -> None:
        pl = columns.planner
        self.planner_on = pl.enabled.astype(bool)
        hours = np.where(self.planner_on, pl.hours_per_week, 0.0)
        self.outreach_hours = hours * pl.share_outreach
        self.workshop_hours = hours * pl.share_workshops
        self.design_hours = hours * pl.share_design
        self.coordination_hours = hours * pl.share_coordination
        # How far coordination brings the office's priorities toward voiced needs (0 without a planner).
        self.alignment = np.where(self.planner_on, self.coordination_hours
                                  / (self.coordination_hours + pl.coordination_half_hours), 0.0)
        # How fully the workshop hours let the planner work with residents (talent spotting, and
        # facilitating the platform's meetings), and its capacity to spot and grow governance talents.
        self.workshop_capacity = np.minimum(1.0, self.workshop_hours / pl.talent_spotting_full_hours)
        self.talent_spotting = self.workshop_capacity * pl.facilitation_skill
        # One visit is shorter where residents drop in at a workstation; a workshop there has more seats.
        self.hours_per_visit = pl.hours_per_visit * (1 - np.where(pl.workstation, pl.workstation_visit_saving, 0.0))
        self.venue_capacity = np.where(pl.workstation, pl.workstation_capacity, pl.workshop_capacity)
        office = columns.street_office
        self.priorities = office.priorities  # (K, improvement types)
        self.budget_yuan = office.budget_yuan_per_year.astype(float)  # this year's allocation
        self.budget_left_yuan = self.budget_yuan.copy()
        self.spent_yuan = np.zeros(len(self.planner_on))
        self._flows = flows
        self.allocate: Callable[[], np.ndarray] | None = None  # a street office's rule for sharing its budget

    def new_year(self) -> None:
        """Each neighbourhood's budget renews: its own, or its share of a street office's."""
        if self.allocate is not None:
            self.budget_yuan = self.allocate()
        self.budget_left_yuan = self.budget_yuan.copy()

    def spend(self, k: int, yuan: float) -> None:
        """Neighbourhood ``k`` commits ``yuan`` of this year's budget (counted in this week's spending)."""
        self.budget_left_yuan[k] -= yuan
        self.spent_yuan[k] += yuan
        self._flows["spent_yuan"][k] += yuan


class Planner(CellAgent):
    """A community planner in neighbourhood ``nb``: a bridge who recruits, listens, designs and coordinates."""

    def __init__(self, model: LilongModel, cell: Cell, nb: int) -> None:
        super().__init__(model)
        self.cell = cell
        self.nb = nb
        self.params: PlannerParams = model.members[nb].planner

    def _of(self, name: str) -> float:
        return float(getattr(self.model.institutions, name)[self.nb])

    outreach_hours = property(lambda self: self._of("outreach_hours"))
    workshop_hours = property(lambda self: self._of("workshop_hours"))
    design_hours = property(lambda self: self._of("design_hours"))
    coordination_hours = property(lambda self: self._of("coordination_hours"))
    alignment = property(lambda self: self._of("alignment"), doc="0-1: coordination's pull toward voiced needs")
    workshop_capacity = property(lambda self: self._of("workshop_capacity"))
    talent_spotting = property(lambda self: self._of("talent_spotting"))
    hours_per_visit = property(lambda self: self._of("hours_per_visit"))
    venue_capacity = property(lambda self: int(self._of("venue_capacity")))


class StreetOffice(Agent):
    """The street office of neighbourhood ``nb``: holds its budget, reviews and approves projects."""

    def __init__(self, model: LilongModel, nb: int) -> None:
        super().__init__(model)
        self.nb = nb
        self.params: StreetOfficeParams = model.members[nb].street_office
        self.priorities = model.institutions.priorities[nb]

    @property
    def budget_left_yuan(self) -> float:
        return float(self.model.institutions.budget_left_yuan[self.nb])

    @property
    def spent_yuan(self) -> float:
        return float(self.model.institutions.spent_yuan[self.nb])


class ResidentsCommittee(Agent):
    """The residents' committee of neighbourhood ``nb``: posts notices, runs surveys and meetings, hosts the
    platform."""

    def __init__(self, model: LilongModel, nb: int) -> None:
        super().__init__(model)
        self.nb = nb
        self.params: CommitteeParams = model.members[nb].committee
        self.platform: PlatformParams = model.members[nb].platform


class Site(FixedAgent):
    """A candidate site, as a Mesa agent on its cell: a handle onto the project arrays."""

    def __init__(self, model: LilongModel, cell: Cell, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def kind(self) -> str:
        return SITE_KIND_NAMES[int(self.model.lilong.site_kind[self.index])]

    @property
    def status(self) -> str:
        return STATUS_NAMES[int(self.model.projects.status[self.index])]

    @property
    def improvement(self) -> str | None:
        t = int(self.model.projects.type[self.index])
        return None if t < 0 else IMPROVEMENT_TYPES[t]

    def state(self) -> dict[str, object]:
        pb = self.model.projects
        i = self.index
        return {"kind": self.kind, "status": self.status, "improvement": self.improvement,
                "m2": float(self.model.lilong.site_m2[i]), "fit": float(pb.fit[i]),
                "condition": float(pb.condition[i]), "rules": bool(pb.rules[i]),
                "heritage_protected": bool(self.model.lilong.site_protected[i]),
                "cost_yuan": float(pb.cost_yuan[i])}
