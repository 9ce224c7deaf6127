"""Submodel 5d, heritage volunteers: protected spaces inspected, decay found and repaired early.

Protected historic fabric weathers whatever residents' upkeep does (submodel 5), capping a
protected space's condition. Where a team of heritage volunteers exists (Hengfu's "heritage
woodpeckers"), each week it inspects a share of the protected spaces in use; a space found
below ``early_repair_condition`` is repaired by the street office at a fraction of the cost of
renewing it, if this year's budget allows. Without inspections, the weathering goes unnoticed
until the space wears out and needs full renewal (with heritage approval).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.projects import Status
from sim.submodels.common import uniform

if TYPE_CHECKING:
    from sim.model import LilongModel


def inspections(model: LilongModel, rng: np.random.Generator) -> None:
    """Heritage volunteers inspect protected spaces in use; early repairs where decay is found."""
    plat, pb = model.committee.platform, model.projects
    draw = uniform(rng, model.lilong.n_sites)  # every week, whatever the scenario: aligned streams
    if not plat.heritage_volunteers:
        return
    found = np.flatnonzero((pb.status == Status.IN_USE) & model.lilong.site_protected
                           & (draw < plat.inspections_per_week)
                           & (pb.condition < model.params.projects.early_repair_condition))
    office = model.office
    for s in found:
        cost = office.params.repair_cost_share * model.site_base_cost[s]
        if cost <= office.budget_left_yuan:
            office.spend(cost)
            pb.condition[s] = pb.fabric[s] = 1.0
            model.log("repaired", site=int(s))
