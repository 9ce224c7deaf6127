"""Submodel 2, voice and its aggregation into what officials and the planner hear.

Voice given this week (weighted by depth: a complaint 1, a workshop 3, a platform
meeting 4) accumulates in ``voice_recent``, which fades with a half-life of about
eight months. Whose needs are heard is the catchment-weighted sum of needs, each
household counted by its recent voice: those who speak more are over-represented.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from sim.population import NEVER, ExpectationSource
from sim.projects import Status
from sim.submodels.common import links_of, max_by_household, to_sites

if TYPE_CHECKING:
    from sim.model import LilongModel

VOICE_RETENTION = 0.98  # per week; half-life ~ 34 weeks
HEARD_LEVEL = 0.5  # recent voice above this counts as "heard"
MIN_UNMET_NEED = 0.1  # voice about a need met this far already awaits no response
NEAR_WEIGHT = 0.3  # catchment weight above which a household lives "near" a site (is notified, is served)
MAIN_NEED_SHARE = 0.5  # a need at least this share of one's largest need is a main need


class Ledger(IntEnum):
    """Columns of ``model.ledger``, one row per ExpectationSource (what formed the expectation), since week 0:
    expectations formed, kept and broken; the weeks the kept ones waited, summed (for the mean time to an
    answer); those formed by voice alone that later became tied to a project (announced, or worked on); and those
    still pending when their household moved out. Formed = kept + broken + moved out + pending now."""

    FORMED = 0
    KEPT = 1
    BROKEN = 2
    KEPT_WEEKS = 3
    TIED = 4
    MOVED_OUT = 5  # still pending when the household moved out


def aggregate_voice(model: LilongModel) -> None:
    """Fold this week's voice into recent voice; those who spoke start waiting for a response.

    Voicing a need creates an expectation (Van Ryzin 2004) of what renewal could still bring: a
    share of one's largest *renewable* unmet need, due within the response window. A need is
    renewable where a space near the household that allows it is not yet renewed (idle); voice
    about needs the spaces near one already serve, as far as they can, waits for no new works
    (with ``voice_expects = "any"``, every main need counts, served or not).
    """
    h, b = model.households, model.per_household.behaviour
    h.voice_recent *= VOICE_RETENTION
    h.voice_recent += h.voice
    speakers = np.flatnonzero((h.voice > 0) & (h.awaiting_since == NEVER))
    need = np.where(b.voice_expects[speakers] == "renewable", renewable_need(model, speakers),
                    model.largest_need[speakers])
    unmet = need * (1.0 - h.delivered[speakers])
    expects = unmet >= MIN_UNMET_NEED
    starts = speakers[expects]
    h.awaiting_since[starts] = model.week
    promise(model, starts, b.voice_expectation[starts] * unmet[expects], model.week + b.response_window_weeks[starts],
            ExpectationSource.VOICE)


def renewable_need(model: LilongModel, households: np.ndarray) -> np.ndarray:
    """Per household of ``households`` (sorted indices): its largest main need that an idle space near
    it allows (0 where every space near it that could meet a main need is renewed or under way)."""
    h, c = model.households, model.catchment
    links = links_of(c, households)
    site = c.site[links]
    links = links[(c.weight[links] > NEAR_WEIGHT) & (model.projects.status[site] == Status.IDLE)]
    hh, site = c.household[links], c.site[links]
    need = h.need[hh]
    main = need >= MAIN_NEED_SHARE * model.largest_need[hh, None]
    best = np.where(model.site_allowed[site] & main, need, 0.0).max(axis=1, initial=0.0)
    return max_by_household(hh, best, h.n)[households]


def promise(model: LilongModel, who: np.ndarray, value: np.ndarray, due: np.ndarray | int,
            source: ExpectationSource, site: np.ndarray | int = -1) -> None:
    """Households ``who`` (unique indices) now expect ``value`` (one per household of ``who``) by ``due``
    (likewise, or one week for all), from ``source`` at ``site`` (likewise; -1: any fitting project).

    A household holds one expectation: the larger value, the earlier due week, and the site of its
    latest project-specific expectation if it has one; its source is what formed it. New expectations
    are counted in the model's ledger of expectations (``model.ledger``, per neighbourhood).
    """
    h = model.households
    new = h.promised_due[who] == NEVER
    h.promised_base[who] = np.where(new, h.delivered[who], h.promised_base[who])
    h.promised_since[who[new]] = model.week
    # The latest project-specific expectation (an announcement, a workshop) replaces a general one.
    specific = np.asarray(site) >= 0
    retied = who[specific & ~new & (h.promised_site[who] < 0)]
    np.add.at(model.ledger, (model.hseg.of[retied], h.promised_source[retied], Ledger.TIED), 1)
    h.promised_site[who] = np.where(specific, site, h.promised_site[who])
    h.promised_source[who[new]] = source
    h.promised_value[who] = np.maximum(h.promised_value[who], value)
    pending = h.promised_due[who] != NEVER
    h.promised_due[who] = np.where(pending, np.minimum(h.promised_due[who], due), due)
    model.ledger[:, source, Ledger.FORMED] += model.hseg.counts_of(who[new])


def heard_demand(model: LilongModel) -> np.ndarray:
    """(sites, types): needs voiced recently by each site's catchment, weighted by voice."""
    h = model.households
    return to_sites(model.catchment, h.need * h.voice_recent[:, None])


def heard_share(model: LilongModel) -> np.ndarray:
    """Per site: catchment-weighted share of households whose voice was heard recently."""
    heard = (model.households.voice_recent > HEARD_LEVEL).astype(float)
    return to_sites(model.catchment, heard) / model.site_reach
