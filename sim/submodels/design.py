"""Submodel 4, design fit and adjustment during construction.

Fit (0-1) is how well a built project matches the needs of the households who
would use it: the match of its *type* to their needs, times the quality of its
*details*, which depends on design skill and on whose needs were heard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.submodels.voice import heard_share

if TYPE_CHECKING:
    from sim.model import LilongModel

DESIGN_HOURS_PER_PROJECT = 2.0  # planner hours per week that one project in design needs
FEEDBACK_QUORUM = 3.0  # catchment-weighted attendees that make a full feedback session


def planner_design_coverage(model: LilongModel, n_in_design: int) -> float:
    """Share of design work the planner covers (0 without a planner)."""
    if model.planner is None or n_in_design == 0:
        return 0.0
    return min(1.0, model.planner.design_hours / (DESIGN_HOURS_PER_PROJECT * n_in_design))


def type_match(model: LilongModel, sites: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Catchment's mean need for the chosen type relative to the best type the site allows."""
    mean_need = model.site_mean_need[sites]
    best = np.where(model.site_allowed[sites], mean_need, 0.0).max(axis=1)
    return mean_need[np.arange(len(sites)), types] / np.maximum(best, 1e-9)


def design_fit(model: LilongModel, sites: np.ndarray, n_in_design: int) -> float:
    """Finish the designs of ``sites``: set quality, fit and cost. Returns the planner's coverage."""
    pb, office = model.projects, model.office
    coverage = planner_design_coverage(model, n_in_design)
    skill = model.planner.params.design_skill if model.planner is not None else office.params.design_quality
    quality = office.params.design_quality + (skill - office.params.design_quality) * coverage
    heard = heard_share(model)[sites]
    detail = quality * (0.4 + 0.6 * heard)
    pb.design_quality[sites] = quality
    pb.heard_share[sites] = heard
    pb.fit[sites] = type_match(model, sites, pb.type[sites]) * (0.3 + 0.7 * detail)
    saving = model.params.projects.minimal_intervention_saving * coverage * skill
    pb.cost_yuan[sites] = model.site_base_cost[sites] * (1 - saving)
    return coverage


def adjust_during_construction(model: LilongModel, sites: np.ndarray) -> None:
    """Feedback from residents at on-site sessions moves the design toward their needs."""
    if model.planner is None or len(sites) == 0:
        return
    pb = model.projects
    feedback = np.minimum(1.0, model.workshop_feedback[sites] / FEEDBACK_QUORUM)
    pb.fit[sites] += model.planner.params.design_adjust_rate * feedback * (1 - pb.fit[sites])
