"""Reporters: every metric collected each week, for the whole population and by group."""

from __future__ import annotations

import numpy as np

from sim.population import AGE_NAMES, LADDER, TENURE_NAMES, Rung
from sim.projects import Status

HEADLINE = ("engaged_3m", "satisfaction_overall", "satisfaction_overall_p10", "satisfaction_living",
            "satisfaction_process", "belonging", "trust_government", "trust_planner", "external_efficacy",
            "core_share", "projects_built", "mean_fit_built", "mean_condition", "budget_spent_yuan",
            "satisfaction_per_10k_yuan")


def _groups(h) -> dict[str, np.ndarray]:
    groups = {name: h.age_group == k for k, name in enumerate(AGE_NAMES)}
    groups.update({name: h.renter == bool(k) for k, name in enumerate(TENURE_NAMES)})
    return groups


def collect(model) -> dict[str, float]:
    """All metrics for the current week."""
    h, pb = model.households, model.projects
    engaged = h.rung >= Rung.CONSULTED
    out: dict[str, float] = {"engaged_3m": engaged.mean()}
    counts = np.bincount(h.rung, minlength=len(LADDER)) / h.n
    out.update({f"ladder_{name}": counts[k] for k, name in enumerate(LADDER)})
    total_voice = h.voice_recent.sum()
    for name, mask in _groups(h).items():
        share = mask.mean()
        out[f"engaged_3m__{name}"] = engaged[mask].mean() if mask.any() else np.nan
        out[f"satisfaction_overall__{name}"] = h.satisfaction_overall[mask].mean() if mask.any() else np.nan
        voice_share = h.voice_recent[mask].sum() / total_voice if total_voice > 0 else np.nan
        out[f"voice_representation__{name}"] = voice_share / share if share > 0 else np.nan
    core = h.volunteer | h.leader
    out["leaders"] = int(h.leader.sum())
    out["volunteers"] = int(h.volunteer.sum())
    out["core_share"] = core.mean()
    week_work = h.work_hours - model.work_hours_last_week
    model.work_hours_last_week = h.work_hours.copy()
    total = week_work.sum()
    out["work_hours_week"] = total
    out["core_work_share"] = week_work[core].sum() / total if total > 0 else np.nan
    work = h.work_hours.sum()
    top = max(1, h.n // 20)
    out["top5_work_share"] = np.partition(h.work_hours, h.n - top)[h.n - top:].sum() / work if work > 0 else np.nan
    for name in ("satisfaction_living", "satisfaction_process", "satisfaction_overall", "belonging",
                 "trust_government", "trust_planner", "external_efficacy", "expectation", "delivered"):
        out[name] = getattr(h, name).mean()
    out["satisfaction_overall_p10"] = np.percentile(h.satisfaction_overall, 10)
    built = pb.status == Status.IN_USE
    out["projects_proposed"] = pb.reached(Status.PROPOSED)
    out["projects_approved"] = pb.reached(Status.APPROVED)
    out["projects_built"] = int(built.sum())
    out["mean_fit_built"] = pb.fit[built].mean() if built.any() else np.nan
    out["mean_condition"] = pb.condition[built].mean() if built.any() else np.nan
    out["spaces_with_rules"] = int((built & pb.rules).sum())
    spent = model.office.spent_yuan
    out["budget_spent_yuan"] = spent
    gained = (h.satisfaction_overall - model.initial_satisfaction).sum()
    out["satisfaction_per_10k_yuan"] = gained / (spent / 10_000) if spent > 0 else np.nan
    return {k: float(v) for k, v in out.items()}
