"""Submodel 0, households moving: renters often, long-term residents rarely.

Each week some households move out (or die) and newcomers take their rooms. A newcomer keeps
the room's attributes (rented or not, shared kitchen, no private bathroom) and draws
everything else afresh from the population: its age, needs, time, trust and efficacy; it
knows nothing of renewal yet, has no ties, no voice, no promises, and is not in the core.
Who moves depends only on tenure and the seed, so it is the same in every scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import generate_households

if TYPE_CHECKING:
    from sim.model import LilongModel

WEEKS_PER_YEAR = 52


def move(model: LilongModel, rng: np.random.Generator) -> None:
    """Households moving out this week are replaced by newcomers in the same rooms."""
    h, pop = model.households, model.params.population
    weekly = np.where(h.renter, pop.renter_moves_per_year, pop.long_term_moves_per_year) / WEEKS_PER_YEAR
    rows = np.flatnonzero(rng.random(h.n) < weekly)
    if len(rows) == 0:
        return
    units = {"renter": h.renter[rows], "shared_kitchen": h.shared_kitchen[rows], "no_bathroom": h.no_bathroom[rows]}
    newcomers = generate_households(pop, len(rows), rng, informed_share=0.0, units=units)
    h.replace_rows(rows, newcomers)
    model.households_changed(rows)
    model.flows["moved_in"] += len(rows)
