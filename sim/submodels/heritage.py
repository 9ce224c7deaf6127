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

if TYPE_CHECKING:
    from sim.model import LilongModel


def inspections(model: LilongModel) -> None:
    """Heritage volunteers inspect protected spaces in use; early repairs where decay is found."""
    pb, sp, inst = model.projects, model.per_site, model.institutions
    draw = model.streams.uniform_over("heritage", model.sseg)  # every week, whatever the scenario: aligned streams
    found = np.flatnonzero(sp.platform.heritage_volunteers & (pb.status == Status.IN_USE) & model.lilong.site_protected
                           & (draw < sp.platform.inspections_per_week)
                           & (pb.condition < sp.projects.early_repair_condition))
    for s in found:
        k = int(model.sseg.of[s])
        cost = sp.street_office.repair_cost_share[s] * model.site_base_cost[s]
        if cost <= inst.budget_left_yuan[k]:
            inst.spend(k, cost)
            pb.condition[s] = pb.fabric[s] = 1.0
            model.log("repaired", np.array([s]))
