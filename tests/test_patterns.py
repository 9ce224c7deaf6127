"""The brief's patterns, each checked against the mechanism that should produce it.

Every pattern test varies or switches off (ablates) its mechanism and checks the consequence
theory predicts: the pattern holds with the mechanism on and disappears with it off, so a
test cannot pass on structure or definitions alone. Comparisons are paired on common seeds
(tests/conftest.py) with 95% confidence intervals. Checks that read an input back are named
calibration checks, not patterns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis import final_year


def values(per_run: pd.DataFrame, scenario: str, metric: str) -> np.ndarray:
    return per_run[per_run.scenario == scenario].sort_values("seed")[metric].to_numpy(float)


def paired_ci(per_run: pd.DataFrame, a: str, b: str, metric: str, b_metric: str | None = None) -> tuple[float, float]:
    """95% CI of mean(a - b) over common seeds."""
    d = values(per_run, a, metric) - values(per_run, b, b_metric or metric)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean() - half, d.mean() + half


def assert_greater(per_run: pd.DataFrame, a: str, b: str, metric: str) -> None:
    lo, hi = paired_ci(per_run, a, b, metric)
    assert lo > 0, f"{metric}: {a} - {b} has 95% CI [{lo:.4f}, {hi:.4f}], which does not exclude zero"


def assert_no_difference(per_run: pd.DataFrame, a: str, b: str, metric: str, tolerance: float) -> None:
    """The paired difference's 95% CI lies within +-tolerance."""
    lo, hi = paired_ci(per_run, a, b, metric)
    assert -tolerance < lo and hi < tolerance, f"{metric}: {a} - {b} has 95% CI [{lo:.4f}, {hi:.4f}]"


def gradient(per_run: pd.DataFrame, scenario: str, metric: str, hi_group: str, lo_group: str) -> tuple[float, float]:
    """95% CI of the mean gap between two groups within one scenario."""
    g = per_run[per_run.scenario == scenario]
    d = (g[f"{metric}__{hi_group}"] - g[f"{metric}__{lo_group}"]).to_numpy(float)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean() - half, d.mean() + half


def test_planner_scenarios_raise_engagement_and_satisfaction(batch):
    _, per_run = batch
    for scenario in ("planner", "planner_platform"):
        assert_greater(per_run, scenario, "top_down", "involved_share")
        assert_greater(per_run, scenario, "top_down", "satisfaction_overall")
    assert_greater(per_run, "planner_platform", "planner", "involved_share")


def test_pattern1_participation_rises_with_age_through_time_and_interest(batch):
    """Older households take part more because they have time and interest; equalise both and it goes."""
    _, per_run = batch
    for scenario in ("top_down", "planner"):
        for metric in ("consulted_share", "involved_share"):
            assert gradient(per_run, scenario, metric, "retired", "working")[0] > 0, (scenario, metric)
            assert gradient(per_run, scenario, metric, "working", "young")[0] > 0, (scenario, metric)
        flat = f"{scenario}_flat_age"
        lo, hi = gradient(per_run, flat, "consulted_share", "retired", "young")
        assert lo < 0.02 and hi > -0.02, f"{flat}: age gap {lo:.3f}..{hi:.3f} without age differences"
    # The active core is old: retirees are over-represented among the deeply involved.
    pp = per_run[per_run.scenario == "planner"]
    assert (pp["involved_share__retired"] > 2 * pp["involved_share__young"]).all()


def test_calibration_age_gradient_of_consultation_near_shanghai_turnout(batch):
    """Calibration check (reads back what interest by age and the intercept were calibrated for, at their
    posterior means): consulted-or-deeper by age in the consultation scenario, against the 13.8% / 55.7% /
    77.7% turnout ratios (brief)."""
    _, per_run = batch
    g = per_run[per_run.scenario == "consultation"]
    young, working, retired = (g[f"consulted_share__{a}"].mean() for a in ("young", "working", "retired"))
    assert young < working < retired
    assert 0.1 < young / retired < 0.5  # Shanghai: 0.18
    assert 0.5 < working / retired < 0.95  # Shanghai: 0.72


def test_pattern2_without_a_facilitator_participation_stays_shallow(batch):
    """Without workshops (facilitation), acts stay at 'consulted'; a planner running them takes people deeper."""
    _, per_run = batch

    def depth(scenario: str) -> np.ndarray:
        return values(per_run, scenario, "involved_share") / values(per_run, scenario, "consulted_share")

    for shallow in ("top_down", "consultation"):
        assert depth(shallow).mean() < 0.25, shallow
        # Structural check, not the pattern: routes beyond 'consulted' exist without a planner.
        assert values(per_run, shallow, "involved_share").max() > 0
        assert (depth("planner") > depth(shallow)).all(), shallow
    # The same planner hours spent on outreach alone (no workshops) leave participation shallow.
    assert depth("planner_no_workshops").mean() < 0.25
    assert_greater(per_run, "planner", "planner_no_workshops", "involved_share")


def test_pattern3_a_tiny_core_recruited_by_others_does_most_of_the_work(batch):
    _, per_run = batch
    core = values(per_run, "planner_platform", "core_share")
    assert 0.01 <= core.mean() <= 0.10
    assert values(per_run, "planner_platform", "core_work_share").mean() > 0.5  # of this year's hours
    # Nobody asks (no team, planner or leader asks, no spontaneous volunteering): no core, no such split.
    assert values(per_run, "planner_platform_no_recruitment", "core_share").mean() < 0.01
    assert values(per_run, "planner_platform_no_recruitment", "core_work_share").mean() < 0.3
    # A core that gives no more hours than anyone else does not do most of the work.
    assert values(per_run, "planner_platform_equal_hours", "core_work_share").mean() < 0.5


def test_pattern5_rules_keep_spaces_up_through_conditional_cooperation(batch):
    """Rules raise contributions (monitoring keeps conditional cooperators giving); off, upkeep suffers.
    With the cooperation effect of rules switched off, having rules changes nothing."""
    _, per_run = batch
    assert_greater(per_run, "platform", "platform_no_rules", "upkeep_coverage")
    assert_greater(per_run, "platform", "platform_no_rules", "mean_condition")
    assert_greater(per_run, "platform_no_rules", "platform", "spaces_worn_out_per_year")
    for metric in ("upkeep_coverage", "mean_condition"):
        assert_no_difference(per_run, "platform_no_boost", "platform_no_boost_no_rules", metric, 0.01)
    assert values(per_run, "top_down", "mean_condition").mean() < values(per_run, "platform", "mean_condition").mean()


def test_pattern6_responsiveness_raises_efficacy_and_participation(batch):
    """Delivery answers voice and raises efficacy and later participation; with no budget both drain.
    With efficacy fixed (no feedback), the efficacy gap vanishes and the participation gap shrinks."""
    steps, per_run = batch
    assert_greater(per_run, "planner", "planner_no_budget", "external_efficacy")
    assert_greater(per_run, "planner", "planner_no_budget", "involved_share")
    start = steps[(steps.scenario == "planner_no_budget") & (steps.week == 0)]["external_efficacy"].mean()
    assert values(per_run, "planner_no_budget", "external_efficacy").mean() < start - 0.05  # drained

    def drop_out(scenario: str) -> np.ndarray:
        """Involvement in the second half of the first year minus in the last half year, per seed."""
        g = steps[steps.scenario == scenario]
        early = g[g.week.between(27, 52)].groupby("seed")["involved_share"].mean()
        late = g[g.week > g.week.max() - 26].groupby("seed")["involved_share"].mean()
        return (early - late).to_numpy()

    # People drop out when nothing comes of it, because their efficacy drains: without that feedback
    # the drop is smaller.
    d = drop_out("planner_no_budget") - drop_out("planner_no_budget_fixed_efficacy")
    assert d.mean() - stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)) > 0

    assert_no_difference(per_run, "planner_fixed_efficacy", "planner_no_budget_fixed_efficacy",
                         "external_efficacy", 1e-9)
    gap = (values(per_run, "planner", "involved_share") - values(per_run, "planner_no_budget", "involved_share"))
    fixed_gap = (values(per_run, "planner_fixed_efficacy", "involved_share")
                 - values(per_run, "planner_no_budget_fixed_efficacy", "involved_share"))
    assert fixed_gap.mean() < 0.6 * gap.mean()


def test_pattern7_satisfaction_follows_delivery_relative_to_expectation(batch):
    """Same delivery, higher expectations: lower satisfaction, but only through disconfirmation."""
    _, per_run = batch
    np.testing.assert_allclose(values(per_run, "planner_high_expectations", "delivered"),
                               values(per_run, "planner_low_expectations", "delivered"))
    assert_greater(per_run, "planner_low_expectations", "planner_high_expectations", "satisfaction_living")
    assert_no_difference(per_run, "planner_low_expectations_no_disconfirmation",
                         "planner_high_expectations_no_disconfirmation", "satisfaction_living", 0.005)


def test_unfunded_planner_ends_below_top_down(batch):
    """Expectation-disconfirmation: a planner who raises hopes and delivers nothing leaves residents less
    satisfied than top-down works, and less than no works without a planner."""
    _, per_run = batch
    assert_greater(per_run, "top_down", "planner_no_budget", "satisfaction_overall")  # the acceptance
    # The pattern: with the same (no) delivery, the planner's raised hopes cost living satisfaction,
    # through disconfirmation alone.
    assert_greater(per_run, "top_down_no_budget", "planner_no_budget", "satisfaction_living")
    assert_no_difference(per_run, "top_down_no_budget_no_disconfirmation", "planner_no_budget_no_disconfirmation",
                         "satisfaction_living", 0.005)


def test_pattern9_fit_is_better_where_residents_were_heard(batch):
    """Consultation hears more residents than top-down with the same contractors: better fit, unless
    fit does not depend on being heard (then only the choice of type differs)."""
    _, per_run = batch
    assert_greater(per_run, "planner", "top_down", "mean_fit_in_use")
    assert_greater(per_run, "consultation", "top_down", "mean_fit_in_use")
    heard_gap = paired_ci(per_run, "consultation", "top_down", "mean_fit_in_use")
    unheard_gap = paired_ci(per_run, "consultation_unheard_fit", "top_down_unheard_fit", "mean_fit_in_use")
    assert sum(unheard_gap) / 2 < 0.5 * sum(heard_gap) / 2


def test_no_scenario_runs_out_of_sites(batch):
    steps, _ = batch
    # Sites needing renewal remain in every run: the pipeline never empties.
    end = steps[steps.week == steps.week.max()]
    assert (end["spaces_in_use"] + end["spaces_in_pipeline"] < 300).all()
    last_year = steps[steps.week > steps.week.max() - 52]
    built = last_year.groupby(["scenario", "seed"])["spaces_completed_per_year"].mean()
    funded = [key for key in built.index if "no_budget" not in key[0]]
    assert (built[funded] > 0).all()


def test_pattern8_voice_softens_poor_outcomes_only_where_trust_is_high():
    """Among households who got little, being heard lifts overall satisfaction more where trust is high;
    with no procedural weight in overall satisfaction, trust makes no such difference."""
    from sim import LilongModel
    from sim.params import load_scenario, scenario_path
    from sim.submodels.voice import HEARD_LEVEL

    base = load_scenario(scenario_path("consultation")).replace({"run.weeks": 104})

    def trust_effect(params) -> np.ndarray:
        gaps = {}
        for trust in (0.2, 0.8):
            p = params.replace({"population.trust_in_government_mean": trust})
            per_seed = []
            for seed in range(6):
                m = LilongModel(p, seed)
                m.run_weeks(p.run.weeks)
                h = m.households
                poor = h.delivered < np.median(h.delivered) + 1e-9
                heard = h.voice_recent > HEARD_LEVEL
                per_seed.append(h.satisfaction_overall[poor & heard].mean()
                                - h.satisfaction_overall[poor & ~heard].mean())
            gaps[trust] = np.array(per_seed)
        return gaps[0.8] - gaps[0.2]

    d = trust_effect(base)
    assert d.mean() - stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)) > 0
    ablated = trust_effect(base.replace({"behaviour.procedural_weight": 0.0}))
    assert abs(ablated.mean()) < 0.3 * d.mean()


def test_pattern8_trust_falls_faster_than_it_rises():
    """Being ignored once costs more trust than being answered once gains (Slovic's asymmetry);
    with equal gain and loss rates the two are about the same size."""
    from sim import LilongModel, Params
    from sim.population import ExpectationSource
    from sim.submodels.feedback import responsiveness

    def change(params: Params, answered: bool) -> float:
        m = LilongModel(params, 1)
        h = m.households
        start = h.trust_government.copy()
        h.awaiting_since[:] = h.promised_due[:] = m.week  # everyone spoke and the answer is due now
        h.promised_source[:] = ExpectationSource.VOICE
        h.promised_base[:] = h.delivered - (1.0 if answered else 0.0)  # delivered, or nothing came
        responsiveness(m)
        return float((h.trust_government - start).mean())

    default = Params()
    assert -change(default, answered=False) > 1.5 * change(default, answered=True) > 0
    equal = default.replace({"behaviour.trust_loss": default.behaviour.trust_gain})
    ratio = -change(equal, answered=False) / change(equal, answered=True)
    assert 0.75 < ratio < 1.33


def _run(specs) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sim.execution.runs import run_many
    steps, _ = run_many(specs, workers=2, progress=False)
    return steps, final_year(steps, ("activity_share", "core_share", "involved_share"))


def test_pattern4_same_mean_willingness_tips_or_not_with_its_spread():
    """Same mean threshold; a narrow spread leaves activities to the core, a wide one tips them.
    Without a core (nobody starts), no spread tips anything."""
    from conftest import NO_RECRUITMENT

    from sim.execution.runs import RunSpec
    from sim.params import load_scenario, scenario_path

    base = load_scenario(scenario_path("planner_platform")).replace({"run.weeks": 156})
    cases = {}
    for sd in (0.02, 0.25):
        p = base.replace({"population.threshold_mean": 0.3, "population.threshold_sd": sd})
        cases[f"sd{sd}"] = p
        cases[f"sd{sd}_no_core"] = p.replace({**NO_RECRUITMENT, "behaviour.leader_rate": 0.0})
    steps, per_run = _run([RunSpec(name, p, seed) for name, p in cases.items() for seed in range(6)])
    narrow, wide = values(per_run, "sd0.02", "activity_share"), values(per_run, "sd0.25", "activity_share")
    assert narrow.mean() < 1.5 * values(per_run, "sd0.02", "core_share").mean() + 0.01  # only the core
    assert wide.mean() > 5 * narrow.mean() and wide.min() > narrow.max()
    for sd in ("sd0.02", "sd0.25"):
        assert values(per_run, f"{sd}_no_core", "activity_share").max() < 0.01


def test_pattern4_who_starts_decides_whether_it_tips():
    """The same thresholds, placed differently: a core among easily moved neighbours tips the spaces it
    uses; the same core among reluctant ones does not. Equal thresholds make the placement irrelevant."""
    from sim import LilongModel
    from sim.params import load_scenario, scenario_path
    from sim.projects import Status
    from sim.submodels import gatherings, upkeep

    def activity(placement: str, sd: float) -> float:
        m = LilongModel(load_scenario(scenario_path("planner_platform")), 3)
        pb, h = m.projects, m.households
        public = np.flatnonzero(m.lilong.site_house < 0)
        pb.status[public] = Status.IN_USE
        pb.type[public] = m.site_allowed[public].argmax(axis=1)
        pb.fit[public], pb.condition[public] = 1.0, 1.0
        upkeep.use_of_spaces(m)
        rng = np.random.default_rng(1)
        thresholds = np.sort(np.clip(rng.normal(0.3, sd, h.n), 0, 1))
        core = np.zeros(h.n, bool)
        core[rng.choice(h.n, size=h.n // 50, replace=False)] = True
        h.volunteer[:] = core
        # Rank households by how much they share spaces with the core; hand out thresholds in that order.
        hh, site, use = m.link_cache
        core_use = np.bincount(site, weights=use * core[hh], minlength=m.lilong.n_sites)
        closeness = np.bincount(hh, weights=use * core_use[site], minlength=h.n)
        order = np.argsort(-closeness if placement == "easy_first" else closeness, kind="stable")
        h.threshold[order] = thresholds
        for _ in range(30):
            upkeep.use_of_spaces(m)
            gatherings.gatherings(m)
        return float(h.in_activity.mean())

    assert activity("easy_first", 0.2) > activity("reluctant_first", 0.2) + 0.2
    assert abs(activity("easy_first", 0.0) - activity("reluctant_first", 0.0)) < 0.02
