"""Steady state, measured (docs/ODD.md, "Transient and steady state"): twenty years of the five scenarios.

Each headline metric's trend over years 16-20 (least-squares slope of yearly values, per run, averaged over
seeds, with its 95% CI) must stay within a stated bound: two points of a 0-1 scale over five years, or a
quarter of the level for counts and rates. A household metric fails if its five-year change is beyond the
bound with 95% confidence, or beyond twice the bound at all; a metric of the stock of renewed spaces only
if beyond the bound with 95% confidence (without a planner the stock is small, 30-40 spaces, and moves in
waves of building and wearing out, which eight seeds cannot average away). Self-organised activity tips or
does not, and a run may tip late: its share jumps, and the tipping probability is what summary.md reports.
With a planner, what leaders drive keeps rising for about twenty years (LEADER_DRIVEN, checked with leaders
switched off). The stock of renewed spaces stops where wear-outs balance completions. Trust and efficacy
settle within ten years; under the mechanism before issue 15 (voice expecting works that cannot come, no
fading of experience) trust under a planner was still falling in years 11-15.
"""

from __future__ import annotations

import pytest

from sim.analysis import trend, window_values
from sim.execution.runs import RunSpec, run_many
from sim.metrics import HEADLINE, REGISTRY, WEEKS_PER_YEAR
from sim.params import DEFAULT_SCENARIOS, load_scenario, scenario_path

pytestmark = pytest.mark.slow

YEARS = 20
LAST = (16, 20)
SEEDS = list(range(40, 48))
SCALE_BOUND = 0.02  # five-year change of a 0-1 metric
LEVEL_BOUND = 0.25  # five-year change of a count or rate, as a share of its level
OLD_MECHANISM = {"behaviour.voice_expects": "any", "behaviour.disposition_reversion_per_week": 0.0}
# Still moving with a planner, by design of the ODD's account: governance talents (leaders) emerge for about
# twenty years, since becoming one takes ties made in shared spaces and planning knowledge, which accumulate
# over a decade, and each leader draws neighbours in. Checked below with leaders switched off.
LEADER_DRIVEN = ("involved_share", "consulted_share", "acts_per_household_year", "core_share")
STOCK = ("spaces_in_use", "spaces_completed_per_year", "mean_fit_in_use", "type_match_in_use", "mean_condition",
         "upkeep_coverage", "spending_yuan_per_year")
TIPPING = ("activity_share",)
PLANNER_SCENARIOS = ("planner", "planner_platform")
NO_LEADERS = {"behaviour.leader_rate": 0.0}


def bound(metric: str, level: float) -> float:
    return SCALE_BOUND if REGISTRY[metric].hi == 1.0 else LEVEL_BOUND * abs(level)


@pytest.fixture(scope="module")
def long_runs():
    def params(name: str, **overrides: object):
        return load_scenario(scenario_path(name)).replace({"run.weeks": YEARS * WEEKS_PER_YEAR, **overrides})

    specs = [RunSpec(name, params(name), seed) for name in DEFAULT_SCENARIOS for seed in SEEDS]
    specs += [RunSpec("planner_old_mechanism", params("planner", **OLD_MECHANISM), seed) for seed in SEEDS]
    specs += [RunSpec(f"{name}_no_leaders", params(name, **NO_LEADERS), seed) for name in PLANNER_SCENARIOS
              for seed in SEEDS]
    steps, _ = run_many(specs, workers=2, progress=False)
    return steps


def moving(trends, years: tuple[int, int] = LAST) -> list[str]:
    """The metrics whose five-year change is beyond the bound with 95% confidence, or beyond twice the bound."""
    out = []
    span = years[1] - years[0] + 1
    for r in trends.dropna(subset=["slope_per_year"]).itertuples():
        change, low, high, b = r.slope_per_year * span, r.ci_low * span, r.ci_high * span, bound(r.metric, r.level)
        if low > b or high < -b or (abs(change) > 2 * b and r.metric not in STOCK):
            out.append(f"{r.scenario} {r.metric}: {change:+.4f} [{low:+.4f}, {high:+.4f}] over five years "
                       f"(level {r.level:.3f}, bound {b:.3f})")
    return out


def shipped(steps):
    return steps[steps.scenario.isin(DEFAULT_SCENARIOS)]


def test_headline_metrics_settle_within_twenty_years(long_runs):
    found = moving(trend(shipped(long_runs), tuple(m for m in HEADLINE if m not in TIPPING), *LAST))
    exempt = [f"{s} {m}:" for s in PLANNER_SCENARIOS for m in LEADER_DRIVEN]
    assert not [m for m in found if not any(m.startswith(e) for e in exempt)]


def test_what_still_moves_with_a_planner_is_leaders_emerging(long_runs):
    """The ODD's account of what keeps moving: without leaders, the leader-driven metrics settle by years
    16-20 under a planner; with them, involvement rises more over those years than without."""
    off = long_runs[long_runs.scenario.str.endswith("_no_leaders")]
    assert not moving(trend(off, LEADER_DRIVEN, *LAST))
    on = trend(long_runs[long_runs.scenario.isin(PLANNER_SCENARIOS)], ("involved_share",), *LAST)
    without = trend(off, ("involved_share",), *LAST)
    assert on.slope_per_year.mean() > without.slope_per_year.mean() + 0.001


def test_renewed_stock_stops_where_wear_outs_balance_completions(long_runs):
    steps = shipped(long_runs)
    last = window_values(steps, ("spaces_completed_per_year", "spaces_worn_out_per_year"),
                         WEEKS_PER_YEAR * (LAST[0] - 1) + 1, WEEKS_PER_YEAR * LAST[1])
    for name, g in last.groupby("scenario"):
        built, worn = g.spaces_completed_per_year.mean(), g.spaces_worn_out_per_year.mean()
        assert abs(built - worn) < 0.15 * built, (name, built, worn)


TRUST_SETTLED = (11, 15)  # trust and efficacy settle within ten years (docs/ODD.md, submodel 7)


def test_trust_and_efficacy_settle_within_ten_years_and_did_not_before(long_runs):
    """Trust and external efficacy are within the bound over years 11-15 in every scenario. The cause removed:
    with voice expecting works that cannot come and no fading (the mechanism before issue 15), trust under a
    planner is still falling in those years, beyond the bound with 95% confidence."""
    metrics = ("trust_government", "external_efficacy")
    now = shipped(long_runs)
    assert not moving(trend(now, metrics, *TRUST_SETTLED), TRUST_SETTLED)
    old = long_runs[long_runs.scenario == "planner_old_mechanism"]
    found = moving(trend(old, metrics, *TRUST_SETTLED), TRUST_SETTLED)
    assert any("trust_government" in m for m in found), found
