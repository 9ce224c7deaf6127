"""Metrics: each defined once (the registry), and the weekly reporter that computes them all.

Every table, figure, label and glossary reads :data:`REGISTRY`. A metric's *kind* says how
it may be summarised over a window of weeks:

- ``state``: a level this week (a mean over households or spaces); summarised by its mean;
- ``share``: a share of households (or of spaces) this week; summarised by its mean;
- ``rate``: this week's flow, annualised (x 52), so its mean over any window is a per-year rate;
- ``running_total``: accumulated since week 0; summarised by its value at the end of the
  window, never by a mean (a mean of a running total measures timing, not outcome);
- ``count``: a number of things this week (spaces, people); summarised by its mean.

Metrics with ``groups`` are also reported by age group and tenure, as ``NAME__young`` etc.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numba
import numpy as np

from sim.group_sums import group_sums
from sim.kernels import positive_values, select
from sim.population import AGE_NAMES, LADDER, TENURE_NAMES, Rung
from sim.projects import Status

if TYPE_CHECKING:
    from sim.model import LilongModel

KINDS = ("state", "share", "rate", "running_total", "count")
GROUPS = AGE_NAMES + TENURE_NAMES
WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class Metric:
    """One reported quantity: what it is, in which unit, and how it may be summarised."""

    name: str
    label: str  # short human label for figures and tables
    definition: str  # one sentence a reader can check against the code
    unit: str
    kind: str  # one of KINDS
    groups: bool = False  # also reported by age group and tenure
    lo: float | None = 0.0  # valid range (for axes and bands); None: unbounded
    hi: float | None = 1.0

    @property
    def summary_statistic(self) -> str:
        """How a window of weeks is summarised: the value at its end, or the mean over it."""
        return "end" if self.kind == "running_total" else "mean"

    def columns(self) -> list[str]:
        """The metric's column and, if broken down, its group columns."""
        return [self.name] + ([f"{self.name}__{g}" for g in GROUPS] if self.groups else [])


_W = "observation.engagement_window_weeks"
_METRICS = (
    Metric("informed_share", "Informed (share)",
           "Share of households informed about renewal (a notice, a visit or any act) within the informed "
           "memory, or engaged more deeply within the engagement window.", "share of households", "share",
           groups=True),
    Metric("consulted_share", "Consulted or deeper (share)",
           f"Share of households whose deepest act within the engagement window ({_W}) is consulted "
           "(answered a survey, complained, spoke at a meeting or to the planner) or deeper.",
           "share of households", "share", groups=True),
    Metric("involved_share", "Involved or deeper (share)",
           f"Headline engagement: share of households who, within the engagement window ({_W}), took part at "
           "'involved' or deeper (a workshop, an initiative, the platform, volunteering or organised upkeep, "
           "leading).", "share of households", "share", groups=True),
    Metric("collaborating_share", "Collaborating or deeper (share)",
           f"Share of households who, within the engagement window ({_W}), worked with officials or the "
           "planner (platform, volunteer upkeep) or led.", "share of households", "share"),
    *(Metric(f"ladder_{rung}", f"Ladder: {rung} (share)",
             f"Share of households whose deepest act within the engagement window is exactly '{rung}' "
             "(informed: within the informed memory).", "share of households", "share")
      for rung in LADDER),
    Metric("acts_per_household_year", "Acts per household per year",
           "Participation acts at consulted depth or deeper this week (a household may act more than once), "
           "per household, times 52; the core's organised upkeep and leaders' organising count one act a week "
           "each.", "acts/household/year", "rate", groups=True, hi=None),
    Metric("deep_acts_per_household_year", "Involved acts per household per year",
           "Participation acts at involved depth or deeper this week, per household, times 52.",
           "acts/household/year", "rate", groups=True, hi=None),
    Metric("activity_share", "In self-organised activities (share)",
           "Share of households taking part this week in activities residents run themselves at shared "
           "spaces (thresholds; feeds belonging, not the engagement ladder).", "share of households", "share"),
    Metric("satisfaction_overall", "Overall satisfaction",
           "Mean overall satisfaction: living and process satisfaction, process weighted by trust in government.",
           "0-1 scale", "state", groups=True),
    Metric("satisfaction_overall_p10", "Overall satisfaction, 10th percentile",
           "10th percentile of overall satisfaction across households (the least satisfied).", "0-1 scale", "state"),
    Metric("satisfaction_living", "Living satisfaction",
           "Mean satisfaction with living conditions: baseline, delivered value and delivery relative to "
           "expectation.", "0-1 scale", "state", groups=True),
    Metric("satisfaction_process", "Process satisfaction",
           "Mean satisfaction with how decisions were made: heard, answered, ignored.", "0-1 scale", "state"),
    Metric("expectation", "Expectation", "Mean value households expect from renewal.", "0-1 scale", "state"),
    Metric("delivered", "Delivered value",
           "Mean value households get from shared spaces in use (fit x condition x need, within walking "
           "distance).", "0-1 scale", "state", groups=True),
    Metric("belonging", "Belonging", "Mean sense of belonging to the neighbourhood.", "0-1 scale", "state"),
    Metric("trust_government", "Trust in government", "Mean trust in the street office.", "0-1 scale", "state",
           groups=True),
    Metric("trust_planner", "Trust in the planner",
           "Mean trust in the community planner; missing where there is no planner.", "0-1 scale", "state"),
    Metric("external_efficacy", "External efficacy",
           "Mean belief that officials respond to residents.", "0-1 scale", "state", groups=True),
    *(Metric(f"voice_representation__{g}", f"Voice representation: {g.replace('_', ' ')}",
             f"The {g.replace('_', ' ')} group's share of recent voice divided by its share of households "
             "(1 = proportionate).", "ratio", "state", hi=None) for g in GROUPS),
    Metric("core_share", "Core (share)",
           "Share of households in the core: volunteers and leaders.", "share of households", "share"),
    Metric("volunteers", "Volunteers", "Households volunteering (leaders included).", "households", "count",
           hi=None),
    Metric("leaders", "Leaders", "Households leading (governance talents).", "households", "count", hi=None),
    Metric("core_work_share", "Core's share of the work",
           "Share of this week's organising and upkeep hours given by the core.", "share of hours", "share"),
    Metric("upkeep_hours_per_year", "Upkeep hours per year",
           "Upkeep hours all households gave to shared spaces this week, times 52.", "hours/year", "rate", hi=None),
    Metric("core_upkeep_hours_per_year", "Core's upkeep hours per year",
           "Upkeep hours volunteers and leaders gave to shared spaces this week, times 52 (what a market-rate "
           "upkeep contract would otherwise buy).", "hours/year", "rate", hi=None),
    Metric("planner_reach_share", "Visited by the planner in the past year",
           "Share of households the planner visited within the last 52 weeks; missing where there is no planner.",
           "share of households", "share"),
    Metric("top5_work_share", "Top 5%'s share of the work",
           "Share of the past year's organising and upkeep hours (exponentially weighted, 52-week memory) given "
           "by the 5% of households who gave most.", "share of hours", "share"),
    Metric("spaces_in_use", "Shared spaces in use", "Renewed shared spaces in use this week.", "spaces", "count",
           hi=None),
    Metric("spaces_in_pipeline", "Projects in the pipeline",
           "Projects proposed, in design, approved or under construction this week.", "projects", "count",
           hi=None),
    Metric("public_spaces_in_use_share", "Neighbourhood spaces in use (share)",
           "Share of the neighbourhood's candidate sites (activity rooms, attics, plots, corners, alley segments; "
           "not houses' kitchens and washrooms) in use this week.", "share of sites", "share"),
    Metric("area_renewed_m2_per_year", "Area renewed per year",
           "Floor area of the spaces that entered use after renewal this week, times 52 (a washroom and a plaza "
           "count by size, not as one each).", "m2/year", "rate", hi=None),
    Metric("spaces_completed_per_year", "Spaces completed per year",
           "Renewal projects finished this week (a space entering use), times 52.", "spaces/year", "rate", hi=None),
    Metric("spaces_worn_out_per_year", "Spaces worn out per year",
           "Spaces in use whose condition fell to the renewal threshold this week (back to the pool of sites "
           "needing renewal), times 52.", "spaces/year", "rate", hi=None),
    Metric("mean_fit_in_use", "Needs-fit of spaces in use",
           "Mean fit of the details of the spaces in use to their users' needs: design quality and whose needs "
           "were heard at design, adjusted during construction; missing with none.", "0-1 scale", "state"),
    Metric("type_match_in_use", "Type match of spaces in use",
           "Mean over spaces in use of the users' need for the type built relative to the best type the site "
           "allows (whether the right thing was built); missing with none.", "0-1 scale", "state"),
    Metric("mean_condition", "Condition of spaces in use",
           "Mean condition of the spaces in use (1 new, 0 unusable); missing with none.", "0-1 scale", "state"),
    Metric("upkeep_coverage", "Upkeep given / needed",
           "Mean over spaces in use of this week's upkeep hours given over the full upkeep they need "
           "(m2 x upkeep_hours_per_m2; two-thirds of it offsets decay), capped at 1; missing with none.",
           "0-1 scale", "state"),
    Metric("protected_condition", "Condition of protected spaces in use",
           "Mean condition of heritage-protected spaces in use; missing with none.", "0-1 scale", "state"),
    Metric("rules_share", "Spaces with maintenance rules",
           "Share of spaces in use that have resident maintenance rules; missing with none.", "share of spaces",
           "share"),
    Metric("spending_yuan_per_year", "Spending per year",
           "Capital spending on renewal works approved and early repairs of protected spaces this week, "
           "times 52.", "yuan/year", "rate", hi=None),
    Metric("budget_spent_yuan", "Spent since the start", "Capital spending since week 0.", "yuan",
           "running_total", hi=None),
    Metric("voice_answered_per_year", "Voice answered per year",
           "Households whose voice was answered this week (an expectation it created was met: its project "
           "delivered, or what shared spaces give it visibly risen), times 52.", "households/year", "rate", hi=None),
    Metric("voice_ignored_per_year", "Voice ignored per year",
           "Households whose voice was ignored this week (its expectation fell due with nothing delivered and "
           "nothing for it under way), times 52.", "households/year", "rate", hi=None),
    Metric("households_moved_in_per_year", "Households moving in per year",
           "Households that moved out and were replaced by newcomers this week, times 52.", "households/year",
           "rate", hi=None),
)
REGISTRY: dict[str, Metric] = {m.name: m for m in _METRICS}

HEADLINE = ("involved_share", "consulted_share", "acts_per_household_year", "satisfaction_overall",
            "satisfaction_overall_p10", "satisfaction_living", "satisfaction_process", "trust_government",
            "trust_planner", "external_efficacy", "belonging", "core_share", "spaces_in_use",
            "spaces_completed_per_year", "mean_fit_in_use", "type_match_in_use", "mean_condition", "upkeep_coverage",
            "spending_yuan_per_year", "activity_share")
GROUP_METRICS = tuple(m.name for m in _METRICS if m.groups)


def group_columns(names: tuple[str, ...] = GROUP_METRICS) -> tuple[str, ...]:
    """Every ``NAME__group`` column of the given grouped metrics."""
    return tuple(f"{n}__{g}" for n in names for g in GROUPS)


def label(name: str) -> str:
    """Human label of a metric or group column (``involved_share__retired`` -> "Involved ... : retired")."""
    base, _, group = name.partition("__")
    metric = REGISTRY.get(base) or REGISTRY.get(name)
    if metric is None:
        return name.replace("_", " ")
    if metric.name == name or not group:
        return metric.label
    return f"{metric.label}: {group.replace('_', ' ')}"


def glossary_markdown() -> str:
    """The metric glossary as a Markdown table (generated; docs and results/README.md embed it)."""
    lines = ["| metric | label | unit | kind (summarised by) | by group | definition |",
             "|---|---|---|---|---|---|"]
    for m in _METRICS:
        lines.append(f"| `{m.name}` | {m.label} | {m.unit} | {m.kind} ({m.summary_statistic}) | "
                     f"{'age, tenure' if m.groups else ''} | {m.definition} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the weekly reporter


def metric_columns() -> tuple[str, ...]:
    """Every reported column, in the order of the weekly table: each metric, then its group columns."""
    return tuple(c for m in _METRICS for c in m.columns())


def observed_rungs(model: LilongModel) -> np.ndarray:
    """Each household's deepest act within the engagement window (informed: the informed memory)."""
    hp = model.per_household
    return model.households.deepest_recent_rung(model.week, hp.behaviour.informed_memory_weeks,
                                                hp.observation.engagement_window_weeks)


# The rows of the reporter's grouped sums, in order, and each one's group columns.
_GROUPED = ("informed_share", "consulted_share", "involved_share", "acts_per_household_year",
            "deep_acts_per_household_year", "satisfaction_overall", "satisfaction_living", "delivered",
            "trust_government", "external_efficacy", "voice_representation")
_GROUP_COLUMNS = {name: [f"{name}__{g}" for g in GROUPS] for name in _GROUPED}


@numba.njit(cache=True, nogil=True)
def _household_totals(nb: np.ndarray, n_nb: int, process: np.ndarray, expectation: np.ndarray,
                      belonging: np.ndarray, trust_planner: np.ndarray, in_activity: np.ndarray,
                      volunteer: np.ndarray, leader: np.ndarray, work_week: np.ndarray, upkeep_week: np.ndarray,
                      last_visit: np.ndarray, visited_after: int) -> np.ndarray:
    """One pass over households (in order; ``nb``: each one's neighbourhood): per neighbourhood, sums of
    four states; households in activities, in the core, volunteering, leading and visited after week
    ``visited_after``; this week's work and upkeep hours, all and the core's."""
    out = np.zeros((n_nb, 13))
    for i in range(len(process)):
        k = nb[i]
        is_core = volunteer[i] or leader[i]
        out[k, 0] += process[i]
        out[k, 1] += expectation[i]
        out[k, 2] += belonging[i]
        out[k, 3] += trust_planner[i]
        out[k, 4] += 1.0 if in_activity[i] else 0.0
        out[k, 5] += 1.0 if is_core else 0.0
        out[k, 6] += 1.0 if volunteer[i] else 0.0
        out[k, 7] += 1.0 if leader[i] else 0.0
        out[k, 8] += work_week[i]
        out[k, 9] += work_week[i] if is_core else 0.0
        out[k, 10] += upkeep_week[i]
        out[k, 11] += upkeep_week[i] if is_core else 0.0
        out[k, 12] += 1.0 if last_visit[i] > visited_after else 0.0
    return out


@numba.njit(cache=True, nogil=True)
def _tenth_percentile(satisfaction: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per neighbourhood (households ``start[k]`` to ``start[k + 1]``): the tenth percentile of
    satisfaction (the value at position n // 10 in order)."""
    p10 = np.empty(len(start) - 1)
    for s in range(len(p10)):
        a, b = start[s], start[s + 1]
        p10[s] = select(satisfaction[a:b].copy(), (b - a) // 10)
    return p10


@numba.njit(cache=True, nogil=True)
def _top_work_share(work_year: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per neighbourhood: the share of the past year's work hours given by the top 5% of its households
    (n // 20, at least one) among those who gave any, their hours added smallest first. (A kernel of its
    own: with the percentile's selection in the same loop, numba made both about four times slower.)"""
    top5 = np.empty(len(start) - 1)
    for s in range(len(top5)):
        a, b = start[s], start[s + 1]
        top = max(1, (b - a) // 20)
        working = positive_values(work_year[a:b])  # most households give no hours: select among the rest
        total = working.sum()
        if len(working) > top:
            select(working, len(working) - top)  # the largest ``top`` now at the end, in some order
            top_work = np.sort(working[len(working) - top:]).sum()
        else:
            top_work = total
        top5[s] = top_work / total if total > 0 else np.nan
    return top5


def _site_means(model: LilongModel, values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Per neighbourhood: the mean of ``values`` over its sites ``where`` (missing where it has none)."""
    seg = model.sseg
    total = np.bincount(seg.of[where], weights=values[where], minlength=seg.k)
    count = np.bincount(seg.of[where], minlength=seg.k)
    return np.divide(total, count, out=np.full(seg.k, np.nan), where=count > 0)


def collect(model: LilongModel) -> np.ndarray:
    """All metrics for the current week: (neighbourhoods, metric_columns()) float64."""
    h, pb, seg = model.households, model.projects, model.hseg
    n = seg.sizes.astype(float)
    out: dict[str, np.ndarray] = {}
    rung = observed_rungs(model)
    values = (h.satisfaction_overall, h.satisfaction_living, h.delivered, h.trust_government, h.external_efficacy,
              h.voice_recent)  # the last rows of _GROUPED, in order
    ladder, acts, value_sums = group_sums(rung, h.acts_week, int(Rung.CONSULTED), values, model.household_cell,
                                          model.local_index, seg.k)  # (rows, K, 6 groups)
    at_least = ladder[::-1].cumsum(axis=0)[::-1]  # households at each rung or deeper
    acts_at_least = acts[::-1].cumsum(axis=0)[::-1]  # acts at consulted or deeper, involved or deeper, ...
    # A group's share of recent voice over its share of households (1 = proportionate).
    total_voice = value_sums[-1, :, 0]
    value_sums[-1] *= np.divide(n, total_voice, out=np.full(seg.k, np.nan), where=total_voice > 0)[:, None]
    sums = np.concatenate([at_least[[Rung.INFORMED, Rung.CONSULTED, Rung.INVOLVED]],
                           acts_at_least[:2] * WEEKS_PER_YEAR, value_sums])
    counts = ladder.sum(axis=0)  # (K, 6)
    table = np.divide(sums, counts, out=np.full_like(sums, np.nan), where=counts > 0)
    for row, name in enumerate(_GROUPED):
        if name != "voice_representation":  # a ratio to each group's share: no whole-population value
            out[name] = table[row, :, 0]
        for g, column in enumerate(_GROUP_COLUMNS[name]):
            out[column] = table[row, :, 1 + g]
    out["collaborating_share"] = at_least[Rung.COLLABORATING, :, 0] / n
    out.update({f"ladder_{name}": ladder[r, :, 0] / n for r, name in enumerate(LADDER)})
    totals = _household_totals(seg.of, seg.k, h.satisfaction_process, h.expectation, h.belonging, h.trust_planner,
                               h.in_activity, h.volunteer, h.leader, h.work_hours_week, h.upkeep_hours_week,
                               h.last_visit, model.week - WEEKS_PER_YEAR)
    (process, expectation, belonging, trust_planner, active, core, volunteers, leaders, week_work, core_week_work,
     upkeep_hours, core_upkeep_hours, visited) = totals.T
    planner = model.institutions.planner_on
    out["activity_share"] = active / n
    out["satisfaction_process"], out["expectation"], out["belonging"] = process / n, expectation / n, belonging / n
    out["trust_planner"] = np.where(planner, trust_planner / n, np.nan)
    out["core_share"] = core / n
    out["volunteers"] = volunteers
    out["leaders"] = leaders
    out["core_work_share"] = np.divide(core_week_work, week_work, out=np.full(seg.k, np.nan), where=week_work > 0)
    out["upkeep_hours_per_year"] = upkeep_hours * WEEKS_PER_YEAR
    out["core_upkeep_hours_per_year"] = core_upkeep_hours * WEEKS_PER_YEAR
    out["planner_reach_share"] = np.where(planner, visited / n, np.nan)  # in the last 52 weeks
    out["satisfaction_overall_p10"] = _tenth_percentile(h.satisfaction_overall, seg.start)
    out["top5_work_share"] = _top_work_share(h.work_hours_year, seg.start)

    sseg = model.sseg
    in_use = pb.status == Status.IN_USE
    public = model.lilong.site_house < 0
    out["spaces_in_use"] = sseg.counts(in_use).astype(float)
    out["spaces_in_pipeline"] = sseg.counts((pb.status >= Status.PROPOSED)
                                            & (pb.status <= Status.UNDER_CONSTRUCTION)).astype(float)
    n_public = sseg.counts(public)
    out["public_spaces_in_use_share"] = np.divide(sseg.counts(in_use & public), n_public,
                                                  out=np.full(seg.k, np.nan), where=n_public > 0)
    flows = model.flows
    out["area_renewed_m2_per_year"] = flows["completed_m2"] * WEEKS_PER_YEAR
    out["spaces_completed_per_year"] = flows["completed"] * WEEKS_PER_YEAR
    out["spaces_worn_out_per_year"] = flows["worn_out"] * WEEKS_PER_YEAR
    out["mean_fit_in_use"] = _site_means(model, pb.fit, in_use)
    out["type_match_in_use"] = _site_means(model, pb.type_match, in_use)
    out["mean_condition"] = _site_means(model, pb.condition, in_use)
    out["upkeep_coverage"] = _site_means(model, pb.upkeep_coverage, in_use)
    out["rules_share"] = _site_means(model, pb.rules.astype(float), in_use)
    out["protected_condition"] = _site_means(model, pb.condition, in_use & model.lilong.site_protected)
    out["spending_yuan_per_year"] = flows["spent_yuan"] * WEEKS_PER_YEAR
    out["budget_spent_yuan"] = model.institutions.spent_yuan.copy()
    out["households_moved_in_per_year"] = flows["moved_in"] * WEEKS_PER_YEAR
    out["voice_answered_per_year"] = flows["voice_answered"] * WEEKS_PER_YEAR
    out["voice_ignored_per_year"] = flows["voice_ignored"] * WEEKS_PER_YEAR
    return np.stack([np.asarray(out[c], dtype=float) for c in model.metric_names], axis=1)
