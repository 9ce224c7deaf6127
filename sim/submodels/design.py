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

def planner_design_coverage(model: LilongModel, n_in_design: int) -> float:
    """Share of design work the planner covers (0 without a planner)."""
    if model.planner is None or n_in_design == 0:
        return 0.0
    return min(1.0, model.planner.design_hours / (model.planner.params.design_hours_per_project * n_in_design))


def type_match(model: LilongModel, sites: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Catchment's mean need for the chosen type relative to the best type the site allows."""
    mean_need = model.site_mean_need()[sites]
    best = np.where(model.site_allowed[sites], mean_need, 0.0).max(axis=1)
    return mean_need[np.arange(len(sites)), types] / np.maximum(best, 1e-9)


def design_fit(model: LilongModel, sites: np.ndarray, n_in_design: int) -> float:
    """Finish the designs of ``sites``: set quality, fit and cost. Returns the planner's coverage."""
    pb, office = model.projects, model.office
    coverage = planner_design_coverage(model, n_in_design)
    skill = model.planner.params.design_skill if model.planner is not None else office.params.design_quality
    quality = office.params.design_quality + (skill - office.params.design_quality) * coverage
    heard = heard_share(model)[sites]
    hw = model.params.projects.heard_fit_weight
    detail = quality * ((1 - hw) + hw * heard)
    pb.design_quality[sites] = quality
    pb.heard_share[sites] = heard
    pb.type_match[sites] = type_match(model, sites, pb.type[sites])
    pb.fit[sites] = 0.3 + 0.7 * detail
    saving = model.params.projects.minimal_intervention_saving * coverage * skill
    pb.cost_yuan[sites] = model.site_base_cost[sites] * (1 - saving)
    return coverage


def adjust_during_construction(model: LilongModel, sites: np.ndarray) -> None:
    """Feedback from residents at on-site sessions moves the design toward their needs."""
    if model.planner is None or len(sites) == 0:
        return
    pb = model.projects
    feedback = np.minimum(1.0, model.workshop_feedback[sites] / model.planner.params.feedback_quorum)
    pb.fit[sites] += model.planner.params.design_adjust_rate * feedback * (1 - pb.fit[sites])
