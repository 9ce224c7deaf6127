"""Institutional agents (planner, street office, residents' committee) and site handles.

These hold each institution's parameters and the quantities derived from them; the
weekly mechanisms in ``sim.submodels`` read them. Households are in ``sim.population``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import Cell, CellAgent, FixedAgent

from sim.params import IMPROVEMENT_TYPES
from sim.params import Committee as CommitteeParams
from sim.params import Planner as PlannerParams
from sim.params import Platform as PlatformParams
from sim.params import StreetOffice as StreetOfficeParams
from sim.projects import STATUS_NAMES
from sim.space import SITE_KIND_NAMES

if TYPE_CHECKING:
    from sim.model import LilongModel


class Planner(CellAgent):
    """A community planner: a bridge who recruits, listens, designs and coordinates."""

    def __init__(self, model: LilongModel, cell: Cell, params: PlannerParams) -> None:
        super().__init__(model)
        self.cell = cell
        self.params = params

    def _hours(self, share: float) -> float:
        return self.params.hours_per_week * share

    @property
    def outreach_hours(self) -> float:
        return self._hours(self.params.share_outreach)

    @property
    def workshop_hours(self) -> float:
        return self._hours(self.params.share_workshops)

    @property
    def design_hours(self) -> float:
        return self._hours(self.params.share_design)

    @property
    def coordination_hours(self) -> float:
        return self._hours(self.params.share_coordination)

    @property
    def alignment(self) -> float:
        """0-1: how far coordination brings the office's priorities toward voiced needs."""
        h = self.coordination_hours
        return h / (h + self.params.coordination_half_hours)

    @property
    def workshop_capacity(self) -> float:
        """0-1: how fully the planner's workshop hours let it work with residents (talent spotting, and
        facilitating the platform's meetings)."""
        return min(1.0, self.workshop_hours / self.params.talent_spotting_full_hours)

    @property
    def talent_spotting(self) -> float:
        """0-1: the planner's capacity to notice and grow governance talents."""
        return self.workshop_capacity * self.params.facilitation_skill

    @property
    def hours_per_visit(self) -> float:
        """Time one visit takes: shorter where residents drop in at a workstation."""
        saving = self.params.workstation_visit_saving if self.params.workstation else 0.0
        return self.params.hours_per_visit * (1 - saving)

    @property
    def venue_capacity(self) -> int:
        """Seats at one workshop: the workstation's, or a borrowed room's."""
        return self.params.workstation_capacity if self.params.workstation else self.params.workshop_capacity


class StreetOffice(Agent):
    """The street office: holds the budget, reviews and approves projects."""

    def __init__(self, model: LilongModel, params: StreetOfficeParams) -> None:
        super().__init__(model)
        self.params = params
        self.priorities = np.array([params.priorities[t] for t in IMPROVEMENT_TYPES])
        self.budget_left_yuan = params.budget_yuan_per_year
        self.spent_yuan = 0.0

    def new_year(self) -> None:
        self.budget_left_yuan = self.params.budget_yuan_per_year

    def spend(self, yuan: float) -> None:
        """Commit ``yuan`` of this year's budget (counted in this week's spending)."""
        self.budget_left_yuan -= yuan
        self.spent_yuan += yuan
        self.model.flows["spent_yuan"] += yuan


class ResidentsCommittee(Agent):
    """The residents' committee: posts notices, runs surveys and meetings, hosts the platform."""

    def __init__(self, model: LilongModel, params: CommitteeParams, platform: PlatformParams) -> None:
        super().__init__(model)
        self.params = params
        self.platform = platform


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
