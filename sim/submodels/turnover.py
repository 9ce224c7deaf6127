"""Submodel 0, households moving: renters often, long-term residents rarely.

Every four weeks some households move out (or die) and newcomers take their rooms. A newcomer keeps
the room's attributes (rented or not, shared kitchen, no private bathroom) and draws
everything else afresh from the population: its age, needs, time, trust and efficacy; it
knows nothing of renewal yet, has no ties, no voice, no promises, and is not in the core.
Who moves depends only on tenure and the seed, so it is the same in every scenario.
"""

from __future__ import annotations

from dataclasses import fields
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from sim.params import Population
from sim.population import DRAWS, generate_households
from sim.submodels.upkeep import delivered_to
from sim.submodels.voice import Ledger

if TYPE_CHECKING:
    from sim.model import LilongModel

WEEKS_PER_YEAR = 52


MONTH_WEEKS = 4  # rooms change hands at the end of a (four-week) month
POPULATION_KEYS = tuple(f.name for f in fields(Population))


def move(model: LilongModel) -> None:
    """At each month's end, households moving out are replaced by newcomers in the same rooms."""
    if model.week % MONTH_WEEKS:
        return
    h, pop, seg = model.households, model.per_household.population, model.hseg
    yearly = np.where(h.renter, pop.renter_moves_per_year, pop.long_term_moves_per_year)
    draw = model.streams.uniform_over("turnover", seg)
    rows = np.flatnonzero(draw < 1 - (1 - yearly) ** (MONTH_WEEKS / WEEKS_PER_YEAR))
    if len(rows) == 0:
        return
    source = h.promised_source[rows]
    pending = rows[source >= 0]
    np.add.at(model.ledger, (seg.of[pending], h.promised_source[pending], Ledger.MOVED_OUT), 1)
    draws = model.streams.uniform("newcomers", seg.counts_of(rows) * len(DRAWS)).reshape(len(rows), len(DRAWS))
    pop = SimpleNamespace(**{key: getattr(model.per_household.population, key)[rows] for key in POPULATION_KEYS})
    units = {"renter": h.renter[rows], "shared_kitchen": h.shared_kitchen[rows], "no_bathroom": h.no_bathroom[rows]}
    h.replace_rows(rows, generate_households(pop, draws, informed_share=0.0, units=units))
    # A newcomer gets what the spaces near its room give from the start (not only once use is
    # next computed), so that what it says this week is weighed against what it already has.
    h.delivered[rows] = delivered_to(model, rows)
    model.households_changed(rows)
    model.flows["moved_in"] += seg.counts_of(rows)
