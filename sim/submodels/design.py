"""Submodel 4, design fit and adjustment during construction.

Fit (0-1) is how well a built project's *details* match the needs of the households
who use it: it depends on design skill and on whose needs were heard at design, and
rises during construction where residents give feedback on site. Whether the *type* was
the right one is separate (``type_match``): a household's value from a space is
fit x condition x its need for that type, so type choice already counts there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.submodels.voice import heard_share

if TYPE_CHECKING:
    from sim.model import LilongModel

def planner_design_coverage(model: LilongModel, n_in_design: np.ndarray) -> np.ndarray:
    """Per neighbourhood: the share of design work its planner covers (0 without a planner)."""
    inst, pl = model.institutions, model.columns.planner
    need = pl.design_hours_per_project * n_in_design
    covered = np.minimum(1.0, np.divide(inst.design_hours, need, out=np.zeros(model.k), where=need > 0))
    return np.where(inst.planner_on & (n_in_design > 0), covered, 0.0)


def type_match(model: LilongModel, sites: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Catchment's mean need for the chosen type relative to the best type the site allows."""
    mean_need = model.site_mean_need()[sites]
    best = np.where(model.site_allowed[sites], mean_need, 0.0).max(axis=1)
    return mean_need[np.arange(len(sites)), types] / np.maximum(best, 1e-9)


def design_fit(model: LilongModel, sites: np.ndarray, n_in_design: np.ndarray) -> np.ndarray:
    """Finish the designs of ``sites``: set quality, fit and cost. Returns each neighbourhood's planner
    coverage (``n_in_design``: projects in design in each)."""
    pb, so = model.projects, model.columns.street_office
    coverage = planner_design_coverage(model, n_in_design)
    skill = np.where(model.institutions.planner_on, model.columns.planner.design_skill, so.design_quality)
    quality = (so.design_quality + (skill - so.design_quality) * coverage)[model.sseg.of[sites]]
    heard = heard_share(model)[sites]
    hw = model.per_site.projects.heard_fit_weight[sites]
    detail = quality * ((1 - hw) + hw * heard)
    pb.design_quality[sites] = quality
    pb.heard_share[sites] = heard
    pb.type_match[sites] = type_match(model, sites, pb.type[sites])
    pb.fit[sites] = 0.3 + 0.7 * detail
    saving = (model.columns.projects.minimal_intervention_saving * coverage * skill)[model.sseg.of[sites]]
    pb.cost_yuan[sites] = model.site_base_cost[sites] * (1 - saving)
    return coverage


def adjust_during_construction(model: LilongModel, sites: np.ndarray) -> None:
    """Feedback from residents at on-site sessions moves the design toward their needs."""
    sites = sites[model.institutions.planner_on[model.sseg.of[sites]]]
    if len(sites) == 0:
        return
    pb, pl = model.projects, model.per_site.planner
    feedback = np.minimum(1.0, model.workshop_feedback[sites] / pl.feedback_quorum[sites])
    pb.fit[sites] += pl.design_adjust_rate[sites] * feedback * (1 - pb.fit[sites])
