"""Submodel 0, households moving: renters often, long-term residents rarely.

Every four weeks some households move out (or die) and newcomers take their rooms. A newcomer keeps
the room's attributes (rented or not, shared kitchen, no private bathroom) and draws
everything else afresh from the population: its age, needs, time, trust and efficacy; it
knows nothing of renewal yet, has no ties, no voice, no promises, and is not in the core.
Who moves depends only on tenure and the seed, so it is the same in every scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import generate_households
from sim.submodels.common import uniform
from sim.submodels.upkeep import delivered_to
from sim.submodels.voice import Ledger

if TYPE_CHECKING:
    from sim.model import LilongModel

WEEKS_PER_YEAR = 52


MONTH_WEEKS = 4  # rooms change hands at the end of a (four-week) month


def move(model: LilongModel, rng: np.random.Generator) -> None:
    """At each month's end, households moving out are replaced by newcomers in the same rooms."""
    if model.week % MONTH_WEEKS:
        return
    h, pop = model.households, model.params.population
    yearly = np.where(h.renter, pop.renter_moves_per_year, pop.long_term_moves_per_year)
    rows = np.flatnonzero(uniform(rng, h.n) < 1 - (1 - yearly) ** (MONTH_WEEKS / WEEKS_PER_YEAR))
    if len(rows) == 0:
        return
    source = h.promised_source[rows]
    model.ledger[:, Ledger.MOVED_OUT] += np.bincount(source[source >= 0], minlength=len(model.ledger))
    units = {"renter": h.renter[rows], "shared_kitchen": h.shared_kitchen[rows], "no_bathroom": h.no_bathroom[rows]}
    newcomers = generate_households(pop, len(rows), rng, informed_share=0.0, units=units)
    h.replace_rows(rows, newcomers)
    # A newcomer gets what the spaces near its room give from the start (not only once use is
    # next computed), so that what it says this week is weighed against what it already has.
    h.delivered[rows] = delivered_to(model, rows)
    model.households_changed(rows)
    model.flows["moved_in"] += len(rows)
