"""Reporters: every metric collected each week, for the whole population and by group."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import AGE_NAMES, LADDER, TENURE_NAMES, Rung
from sim.projects import Status

if TYPE_CHECKING:
    from sim.model import LilongModel

HEADLINE = ("engaged_3m", "satisfaction_overall", "satisfaction_overall_p10", "satisfaction_living",
            "satisfaction_process", "belonging", "trust_government", "trust_planner", "external_efficacy",
            "core_share", "projects_built", "mean_fit_built", "mean_condition", "budget_spent_yuan",
            "satisfaction_per_10k_yuan")


def _group_means(model: LilongModel, values: np.ndarray) -> dict[str, float]:
    """Mean of ``values`` within each age group and tenure (one bincount over age x tenure cells)."""
    cells = np.bincount(model.group_code, weights=values, minlength=6).reshape(3, 2)
    counts = model.group_counts
    out = {}
    for sums, n, names in ((cells.sum(axis=1), counts.sum(axis=1), AGE_NAMES),
                           (cells.sum(axis=0), counts.sum(axis=0), TENURE_NAMES)):
        out.update({name: sums[k] / n[k] if n[k] else np.nan for k, name in enumerate(names)})
    return out


def collect(model: LilongModel) -> dict[str, float]:
    """All metrics for the current week."""
    h, pb = model.households, model.projects
    engaged = h.rung >= Rung.CONSULTED
    out: dict[str, float] = {"engaged_3m": engaged.mean()}
    counts = np.bincount(h.rung, minlength=len(LADDER)) / h.n
    out.update({f"ladder_{name}": counts[k] for k, name in enumerate(LADDER)})
    total_voice = h.voice_recent.sum()
    voice_share = _group_means(model, h.voice_recent / total_voice * h.n) if total_voice > 0 else None
    for prefix, values in (("engaged_3m", engaged.astype(float)), ("satisfaction_overall", h.satisfaction_overall)):
        out.update({f"{prefix}__{g}": v for g, v in _group_means(model, values).items()})
    for g in AGE_NAMES + TENURE_NAMES:
        # Group's share of recent voice divided by its share of households (1 = proportionate).
        out[f"voice_representation__{g}"] = voice_share[g] if voice_share else np.nan
    core = h.volunteer | h.leader
    out["leaders"] = int(h.leader.sum())
    out["volunteers"] = int(h.volunteer.sum())
    out["core_share"] = core.mean()
    out["activity_share"] = h.in_activity.mean()
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
    out["satisfaction_overall_p10"] = np.partition(h.satisfaction_overall, h.n // 10)[h.n // 10]
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
