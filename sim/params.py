"""Scenario schema: typed parameters, TOML loading with inheritance, validation.

Every parameter carries its unit, allowed range, meaning and source in field
metadata; `docs/ODD.md` holds a table generated from it (``sim params --markdown``)
and a test keeps the two in step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IMPROVEMENT_TYPES: tuple[str, ...] = (
    "shared_kitchen",
    "sanitation",
    "living_room",
    "reading_room",
    "plaza",
    "drying_space",
    "greenery",
    "elder_care",
    "childrens_play",
)
OUTREACH_STRATEGIES: tuple[str, ...] = ("nearest", "most_in_need", "least_heard")
VOICE_SCOPES: tuple[str, ...] = ("renewable", "any")  # what voice expects (Behaviour.voice_expects)


class ScenarioError(ValueError):
    """A scenario file or parameter is invalid; the message names file, key and range."""


def p(
    default: Any,
    lo: float | None = None,
    hi: float | None = None,
    *,
    unit: str,
    doc: str,
    source: str,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a parameter with its documentation (a dataclass field)."""
    meta = {"lo": lo, "hi": hi, "unit": unit, "doc": doc, "source": source, "choices": choices}
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)


ASSUMED = "assumption (not measured); a robustness or sensitivity sweep can vary it"
TUNED = "assumption, set by hand so the default runs show the brief's patterns (not fitted)"
POSTERIOR_MEAN = ("posterior mean (3 significant figures) of the shipped calibration guizhou_west "
                  "(scenarios/calibration/guizhou_west.posterior.csv; docs/calibration.md)")


@dataclass(frozen=True)
class Neighbourhood:
    households: int = p(700, 20, 100_000, unit="households", doc="Households in the lilong",
                        source="Guizhou West: 700+ households [Jiefang Daily]")
    households_per_house: int = p(4, 1, 20, unit="households/house",
                                  doc="Households sharing one shikumen house",
                                  source="'seventy-two tenants' crowding in the brief; assumption")
    main_alleys: int = p(3, 1, 300, unit="alleys", doc="Main alleys (one lilong strip each)",
                         source="three main alleys became living rooms (seed article)")
    houses_per_branch_side: int = p(3, 1, 10, unit="houses",
                                    doc="Houses on each side of a main alley per branch-alley row",
                                    source="typical lilong layout; assumption")
    activity_rooms_per_1000: float = p(1.5, 0, 20, unit="sites/1000 households",
                                       doc="Cluttered activity rooms (indoor candidate sites)",
                                       source="one activity room at Guizhou West")
    attics_per_1000: float = p(1.5, 0, 20, unit="sites/1000 households",
                               doc="Attics that can open as rooms", source="one attic at Guizhou West")
    open_plots_per_1000: float = p(1.5, 0, 20, unit="sites/1000 households",
                                   doc="Large open plots", source="one central plot at Guizhou West")
    corners_per_1000: float = p(6.0, 0, 50, unit="sites/1000 households",
                                doc="Scattered corners (small outdoor sites)",
                                source="'scattered corners' at Guizhou West; count assumed")
    activity_room_m2: float = p(30.0, 5, 500, unit="m2", doc="Size of an activity room", source=ASSUMED)
    attic_m2: float = p(20.0, 5, 500, unit="m2", doc="Size of an attic", source=ASSUMED)
    open_plot_m2: float = p(120.0, 10, 5000, unit="m2", doc="Size of an open plot", source=ASSUMED)
    corner_m2: float = p(10.0, 2, 200, unit="m2", doc="Size of a corner", source=ASSUMED)
    alley_segment_m2: float = p(60.0, 10, 1000, unit="m2",
                                doc="Usable area of a main-alley segment", source=ASSUMED)
    house_kitchen_m2: float = p(6.0, 1, 50, unit="m2",
                                doc="Shared kitchen of one house (a site in every house whose households share "
                                    "a kitchen)",
                                source="60% of households share a kitchen (seed article); size assumed")
    house_bathroom_m2: float = p(4.0, 1, 50, unit="m2",
                                 doc="Shared washroom of one house (a site in every house with households "
                                     "lacking a private bathroom)",
                                 source="40% without a private bathroom (seed article); Jiangyin Rd 72's "
                                        "shared bathroom; size assumed")
    catchment_radius_cells: float = p(6.0, 1, 50, unit="grid cells",
                                      doc="Walking radius within which a household uses a neighbourhood site; "
                                          "weight falls linearly to zero at the radius (house sites serve "
                                          "their own house)",
                                      source=ASSUMED)
    heritage_protected_share: float = p(0.0, 0, 1, unit="share of sites",
                                        doc="Neighbourhood sites under heritage protection: works on them need "
                                            "heritage approval (a delay) and cost more",
                                        source="Hengfu: over a thousand protected buildings (brief)")
    heritage_cost_multiplier: float = p(1.0, 1, 5, unit="x",
                                        doc="Cost multiplier for works on protected sites",
                                        source="Hengfu case; multiplier assumed")


@dataclass(frozen=True)
class Population:
    retired_share: float = p(0.55, 0.0, 1.0, unit="share of households",
                             doc="Households headed by a retired person (60+)",
                             source="Shanghai 60+: 34.4% (2018); lilongs older, Jiangyin Rd ~80%")
    young_share: float = p(0.2, 0.0, 1.0, unit="share of households",
                           doc="Households headed by a young adult (18-39); rest are working age",
                           source=ASSUMED)
    renter_share: float = p(0.3, 0.0, 1.0, unit="share of households",
                            doc="Private renters (the rest are long-term public tenants or owners)",
                            source=ASSUMED)
    shared_kitchen_share: float = p(0.6, 0.0, 1.0, unit="share of households",
                                    doc="Households using a shared kitchen",
                                    source="Guizhou West: 60% (seed article)")
    no_bathroom_share: float = p(0.4, 0.0, 1.0, unit="share of households",
                                 doc="Households without a private bathroom",
                                 source="Guizhou West: 40% (seed article)")
    weekday_time_young: float = p(0.12, 0, 1, unit="0-1 scale",
                                  doc="Free time on weekdays (office hours), young households",
                                  source="civic voluntarism: time as a resource (Verba et al. 1995); value assumed")
    weekday_time_working: float = p(0.15, 0, 1, unit="0-1 scale",
                                    doc="Free time on weekdays (office hours), working-age households",
                                    source="working hours; value assumed")
    weekday_time_retired: float = p(0.75, 0, 1, unit="0-1 scale",
                                    doc="Free time on weekdays (office hours), retired households",
                                    source="retirees have time (brief); value assumed")
    evening_time_young: float = p(0.3, 0, 1, unit="0-1 scale",
                                  doc="Free time in evenings and at weekends, young households",
                                  source="young families: childcare; value assumed")
    evening_time_working: float = p(0.45, 0, 1, unit="0-1 scale",
                                    doc="Free time in evenings and at weekends, working-age households",
                                    source=ASSUMED)
    evening_time_retired: float = p(0.7, 0, 1, unit="0-1 scale",
                                    doc="Free time in evenings and at weekends, retired households",
                                    source=ASSUMED)
    renter_time_factor: float = p(0.8, 0, 1, unit="x",
                                  doc="Renters' free time relative to others of their age (longer hours, "
                                      "second jobs)", source=ASSUMED)
    interest_young: float = p(0.187, 0, 1, unit="0-1 scale",
                              doc="Mean interest in neighbourhood affairs, young households",
                              source=POSTERIOR_MEAN + "; fitted to turnout by age 13.8% / 55.7% / 77.7% "
                                                      "(Shanghai survey, brief)")
    interest_working: float = p(0.570, 0, 1, unit="0-1 scale",
                                doc="Mean interest in neighbourhood affairs, working-age households",
                                source=POSTERIOR_MEAN + " (as interest_young)")
    interest_retired: float = p(0.760, 0, 1, unit="0-1 scale",
                                doc="Mean interest in neighbourhood affairs, retired households",
                                source=POSTERIOR_MEAN + " (as interest_young)")
    renter_interest_shift: float = p(-0.1, -1, 1, unit="0-1 scale",
                                     doc="Renters' interest relative to long-term residents",
                                     source="shorter tenure, weaker attachment; value assumed")
    health_retired: float = p(0.6, 0, 1, unit="0-1 scale", doc="Mean health of retired households",
                              source="strongly ageing population (seed article); value assumed")
    health_others: float = p(0.9, 0, 1, unit="0-1 scale", doc="Mean health of young and working households",
                             source=ASSUMED)
    internal_efficacy_young: float = p(0.5, 0, 1, unit="0-1 scale",
                                       doc="Mean confidence in one's own ability to take part, young households",
                                       source="education: younger cohorts (civic voluntarism: skills); assumed")
    internal_efficacy_working: float = p(0.4, 0, 1, unit="0-1 scale",
                                         doc="Mean confidence in one's own ability to take part, working households",
                                         source=ASSUMED)
    internal_efficacy_retired: float = p(0.35, 0, 1, unit="0-1 scale",
                                         doc="Mean confidence in one's own ability to take part, retired households",
                                         source=ASSUMED)
    trust_in_government_mean: float = p(0.5, 0.0, 1.0, unit="0-1 scale",
                                        doc="Initial mean trust in the street office", source=ASSUMED)
    retired_trust_shift: float = p(0.05, -1, 1, unit="0-1 scale",
                                   doc="Retired households' initial trust relative to the mean", source=ASSUMED)
    renter_trust_shift: float = p(-0.1, -1, 1, unit="0-1 scale",
                                  doc="Renters' initial trust relative to the mean",
                                  source="renters: weaker ties to the committee; value assumed")
    external_efficacy_mean: float = p(0.35, 0.0, 1.0, unit="0-1 scale",
                                      doc="Initial mean belief that officials respond",
                                      source="participation mostly passive (brief); assumed")
    threshold_mean: float = p(0.3, 0.0, 1.0, unit="share of contacts",
                              doc="Mean social threshold: share of contacts (or of a space's users) "
                                  "taking part before one joins",
                              source="Granovetter 1978; value assumed (pattern 4 varies its spread)")
    threshold_sd: float = p(0.1, 0.0, 0.5, unit="share of contacts",
                            doc="Spread of social thresholds across households",
                            source="Granovetter 1978; value assumed")
    conditional_cooperator_share: float = p(0.5, 0.0, 1.0, unit="share of households",
                                            doc="Conditional cooperators in upkeep",
                                            source="Fischbacher & Gachter 2010: about half")
    free_rider_share: float = p(0.3, 0.0, 1.0, unit="share of households",
                                doc="Free riders in upkeep (the rest contribute at random)",
                                source="Fischbacher & Gachter 2010: about a third")
    conditional_match: float = p(0.8, 0, 1.5, unit="x",
                                 doc="How much conditional cooperators give relative to what they believe others "
                                     "give (below 1: imperfect conditional cooperation, so cooperation unravels "
                                     "without rules)",
                                 source="Fischbacher & Gachter 2010: contributions below the diagonal")
    renter_moves_per_year: float = p(0.25, 0, 1, unit="share of renters/year",
                                     doc="Renter households moving out each year (replaced by newcomers)",
                                     source="short tenancies of private renters; value assumed")
    long_term_moves_per_year: float = p(0.03, 0, 1, unit="share/year",
                                        doc="Long-term households moving out (or dying) each year",
                                        source="ageing, stable tenancies; value assumed")


@dataclass(frozen=True)
class Behaviour:
    base_logit: float = p(-8.96, -10, 5, unit="logit", doc="Intercept of the participation choice",
                          source=POSTERIOR_MEAN + "; fitted to turnout by age")
    weight_time: float = p(3.0, 0, 10, unit="logit per unit",
                           doc="Effect of free time (0-1) at the time the opportunity is held",
                           source="civic voluntarism: resources (Verba et al. 1995)")
    shallow_time_share: float = p(0.3, 0, 1, unit="share",
                                  doc="Share of the time effect that applies to consulted-level acts (a survey "
                                      "or a complaint takes minutes; workshops take hours)",
                                  source="civic voluntarism; value assumed")
    weight_health: float = p(0.5, 0, 10, unit="logit per unit", doc="Effect of health (0-1)",
                             source="civic voluntarism: resources")
    weight_need: float = p(0.8, 0, 10, unit="logit per unit", doc="Effect of the largest unmet need",
                           source="civic voluntarism: motivation")
    weight_interest: float = p(6.0, 0, 10, unit="logit per unit", doc="Effect of interest",
                               source="civic voluntarism: motivation")
    weight_efficacy: float = p(4.0, 0, 10, unit="logit per unit",
                               doc="Effect of external efficacy (belief that officials respond)",
                               source="civic voluntarism; Finkel 1985")
    weight_internal_efficacy: float = p(1.0, 0, 10, unit="logit per unit",
                                        doc="Effect of internal efficacy (skills, confidence)",
                                        source="civic voluntarism; value assumed")
    weight_trust: float = p(0.8, 0, 10, unit="logit per unit",
                            doc="Effect of trust in whoever invites", source="civic voluntarism")
    weight_invitation: float = p(1.8, 0, 10, unit="logit",
                                 doc="Effect of a personal invitation (recruitment)",
                                 source="civic voluntarism: recruitment")
    weight_social: float = p(1.2, 0, 10, unit="logit",
                             doc="Effect of contacts taking part above one's threshold",
                             source="Granovetter 1978; Oliver et al. 1985")
    depth_cost: float = p(2.5, 0, 5, unit="logit per rung",
                          doc="Extra cost of each rung above 'consulted'", source=TUNED)
    activity_memory_weeks: int = p(13, 1, 104, unit="weeks",
                                   doc="How long an act keeps a household counted as taking part by its "
                                       "neighbours and by organisers (eligibility, social exposure)",
                                   source=ASSUMED)
    informed_memory_weeks: int = p(52, 1, 208, unit="weeks",
                                   doc="Being informed (a notice, a visit) is remembered this long",
                                   source="assumption: a notice is remembered for a year")
    invitation_weeks: int = p(8, 1, 52, unit="weeks", doc="How long a personal invitation is remembered",
                              source=ASSUMED)
    complaint_rate: float = p(0.01, 0, 1, unit="per week",
                              doc="Weekly chance a willing household files a complaint", source=TUNED)
    initiative_rate: float = p(0.003, 0, 1, unit="per week",
                               doc="Weekly chance a willing household starts an initiative of its own (proposes "
                                   "an improvement with its neighbours: involved, no planner needed)",
                               source="residents self-organise through neighbours (issue 7); value assumed")
    initiative_invites_per_week: int = p(2, 0, 50, unit="households/week",
                                         doc="Neighbours a household starting an initiative invites to join it",
                                         source=ASSUMED)
    notice_read_rate: float = p(0.5, 0, 1, unit="probability",
                                doc="Chance a household reaches a posted notice reads it", source=ASSUMED)
    knowledge_gain: float = p(0.1, 0, 1, unit="share of gap per contact",
                              doc="Planning knowledge gained per facilitated contact, at full facilitation skill",
                              source=ASSUMED)
    efficacy_gain: float = p(0.15, 0, 1, unit="share of gap per event",
                             doc="Rise of external efficacy when voice is answered by delivery",
                             source="Finkel 1985; value assumed")
    efficacy_loss: float = p(0.3, 0, 1, unit="share of level per event",
                             doc="Fall of external efficacy when voice is ignored (larger than gain)",
                             source="trust asymmetry, Slovic 1993; value assumed")
    vicarious_gain: float = p(0.05, 0, 1, unit="share of gap per event",
                              doc="Rise of external efficacy and trust in households who see a project that "
                                  "answers voiced needs delivered near them (not their own voice)",
                              source="external efficacy is perceived responsiveness (Finkel 1985); value assumed")
    trust_gain: float = p(0.1, 0, 1, unit="share of gap per event",
                          doc="Rise of trust when voice is answered", source="Slovic 1993")
    trust_loss: float = p(0.25, 0, 1, unit="share of level per event",
                          doc="Fall of trust when voice is ignored", source="Slovic 1993")
    disposition_reversion_per_week: float = p(
        0.01, 0, 0.5, unit="share of gap per week",
        doc="Share of the gap between a household's trust in government (and external efficacy) and its "
            "dispositional level closed each week: experience of being answered or ignored fades",
        source="partial anchoring on a dispositional level (Friedkin & Johnsen 1990; McKnight et al. 1998: "
               "disposition to trust); value assumed (memory of about two years)")
    planner_blame_share: float = p(0.5, 0, 1, unit="share",
                                   doc="Share of the trust loss that falls on the planner when voice relayed "
                                       "through the planner is ignored (a bridge, blamed less)", source=ASSUMED)
    voice_expects: str = p("renewable", unit="choice",
                           doc="What voice expects: 'renewable', works where a space near the household that could "
                               "meet one of its main needs is not yet renewed; 'any', works for its largest main "
                               "need whether or not the spaces near it already serve it (the rule before issue 15, "
                               "which left residents waiting for works that could not come)",
                           source="expectations form from what residents can see is possible (Van Ryzin 2004); "
                                  "structural assumption", choices=VOICE_SCOPES)
    response_window_weeks: int = p(52, 1, 260, unit="weeks",
                                   doc="How long a household waits for delivery after giving voice before "
                                       "feeling ignored (longer while a project for it is visibly in the "
                                       "pipeline)", source=ASSUMED)
    voice_expectation: float = p(0.5, 0, 1, unit="share of unmet need",
                                 doc="Value a household expects once it has voiced a need, as a share of its "
                                     "largest unmet need",
                                 source="expectation formation, Van Ryzin 2004; value assumed")
    expected_fit: float = p(0.8, 0, 1, unit="share of full value",
                            doc="Value residents expect from a project announced near them, as a share of what "
                                "it would give at full fit and condition",
                            source="expectation-disconfirmation, Van Ryzin 2004; value assumed")
    expected_delivery_weeks: int = p(52, 1, 260, unit="weeks",
                                     doc="How soon residents expect an announced project to be delivered",
                                     source=ASSUMED)
    expectation_adapt_rate: float = p(0.02, 0, 1, unit="share of gap per week",
                                      doc="How fast expectations drift toward what is delivered",
                                      source="Van Ryzin 2004; value assumed")
    delivery_weight: float = p(0.5, 0, 2, unit="satisfaction per unit",
                               doc="Weight of delivered value in living satisfaction", source=ASSUMED)
    disconfirmation_weight: float = p(0.6, 0, 2, unit="satisfaction per unit",
                                      doc="Weight of delivery minus expectation in living satisfaction",
                                      source="Van Ryzin 2004, 2006")
    procedural_weight: float = p(0.6, 0, 1, unit="share",
                                 doc="Weight of process satisfaction in overall, scaled by trust",
                                 source="Tyler; Wu & Wu 2015")
    process_base: float = p(0.3, 0, 1, unit="satisfaction",
                            doc="Process satisfaction of someone never heard, answered or ignored",
                            source="procedural justice (Tyler); value assumed")
    process_heard: float = p(0.2, 0, 1, unit="satisfaction", doc="Added to process satisfaction when heard recently",
                             source="procedural justice (Tyler): voice; value assumed")
    process_answered: float = p(0.35, 0, 1, unit="satisfaction",
                                doc="Added to process satisfaction after a recent answer (delivery)",
                                source="procedural justice; value assumed")
    process_ignored: float = p(0.35, 0, 1, unit="satisfaction",
                               doc="Removed from process satisfaction after being recently ignored",
                               source="procedural justice; value assumed")
    satisfaction_rate: float = p(0.1, 0, 1, unit="share of gap per week",
                                 doc="How fast satisfaction moves toward its target", source=ASSUMED)
    disruption_penalty: float = p(0.2, 0, 1, unit="satisfaction",
                                  doc="Living-satisfaction loss while works run next door", source=ASSUMED)
    tie_rate: float = p(0.02, 0, 1, unit="ties per use-week",
                        doc="New ties formed per week of using a shared space (doubled in self-organised "
                            "activities)", source=ASSUMED)
    belonging_rate: float = p(0.02, 0, 1, unit="share of gap per week",
                              doc="How fast belonging moves toward its target", source=ASSUMED)
    leader_rate: float = p(0.001, 0, 1, unit="per week",
                           doc="Chance an eligible collaborator becomes a leader (governance talent), "
                               "at full talent spotting",
                           source="brief: planners spot and grow talents")
    leader_base_factor: float = p(0.2, 0, 1, unit="share",
                                  doc="Leaders emerge at this share of leader_rate where nobody spots talent",
                                  source=ASSUMED)
    leader_step_down_per_week: float = p(0.005, 0, 1, unit="per week", doc="Chance a leader steps down",
                                         source="about 4 years as a leader on average; assumed")
    leader_hours_per_week: float = p(3.0, 0, 40, unit="hours/week", doc="Organising hours of a leader",
                                     source=ASSUMED)
    leader_invites_per_week: int = p(2, 0, 50, unit="households/week",
                                     doc="Neighbours each leader invites to take part, or asks to volunteer, "
                                         "each week",
                                     source=ASSUMED)
    volunteer_commitment_cost: float = p(1.03, 0, 10, unit="logit",
                                         doc="Extra cost of saying yes to volunteering: a standing weekly "
                                             "commitment, not a single act",
                                         source=POSTERIOR_MEAN + "; fitted to Guizhou West's volunteer core")
    volunteer_quit_per_week: float = p(0.0205, 0, 1, unit="per week",
                                       doc="Chance a volunteer (not a leader) stops; up to ten times higher when "
                                           "the volunteer believes officials do not respond",
                                       source=POSTERIOR_MEAN + "; fitted to Guizhou West's volunteer core (weakly "
                                                               "identified: contraction 0.24)")
    spontaneous_volunteer_per_week: float = p(0.005, 0, 1, unit="per week",
                                              doc="Chance a committed, involved user of a shared space starts "
                                                  "to volunteer without being asked", source=ASSUMED)


@dataclass(frozen=True)
class Planner:
    enabled: bool = p(False, unit="flag", doc="A community planner is in post",
                      source="Shanghai system since 2018 (brief)")
    hours_per_week: float = p(16.0, 0, 60, unit="hours/week",
                              doc="Planner's weekly hours in the neighbourhood",
                              source="Yangpu: one part-time planner per street (brief); hours assumed")
    share_outreach: float = p(0.35, 0, 1, unit="share of hours", doc="Door-to-door outreach",
                              source=ASSUMED)
    share_workshops: float = p(0.25, 0, 1, unit="share of hours",
                               doc="Workshops, deliberation, construction feedback", source=ASSUMED)
    share_design: float = p(0.25, 0, 1, unit="share of hours", doc="Design work", source=ASSUMED)
    share_coordination: float = p(0.15, 0, 1, unit="share of hours",
                                  doc="Coordination with officials", source=ASSUMED)
    design_skill: float = p(0.85, 0, 1, unit="0-1 scale",
                            doc="Quality of the planner's designs", source="professional planners")
    facilitation_skill: float = p(0.7, 0, 1, unit="0-1 scale",
                                  doc="How well the planner draws people in and teaches", source=ASSUMED)
    outreach_strategy: str = p("least_heard", unit="choice", doc="Who the planner visits first",
                               source="issue 2", choices=OUTREACH_STRATEGIES)
    hours_per_visit: float = p(0.5, 0.1, 8, unit="hours", doc="Time for one door-to-door visit",
                               source=ASSUMED)
    revisit_weeks: int = p(26, 1, 260, unit="weeks", doc="The planner does not revisit a household sooner",
                           source=ASSUMED)
    hours_per_workshop: float = p(3.0, 0.5, 20, unit="hours", doc="Time to prepare and run a workshop",
                                  source=ASSUMED)
    workshop_capacity: int = p(15, 1, 200, unit="households",
                               doc="Seats at one workshop in a borrowed room (no workstation)",
                               source=ASSUMED)
    evening_share: float = p(0.3, 0, 1, unit="share of workshops",
                             doc="Workshops held in evenings or at weekends (working households can come)",
                             source="issue 7: evening workshops; value assumed")
    design_adjust_rate: float = p(0.1, 0, 1, unit="share of gap per week",
                                  doc="Fit gained per week of construction feedback",
                                  source="'adjust while building' (seed article)")
    design_hours_per_project: float = p(2.0, 0.1, 40, unit="hours/week",
                                        doc="Planner design hours one project in design needs each week",
                                        source=ASSUMED)
    feedback_quorum: float = p(3.0, 0.1, 100, unit="households",
                               doc="Catchment-weighted attendees that make a full on-site feedback session",
                               source=ASSUMED)
    coordination_half_hours: float = p(2.0, 0.1, 40, unit="hours/week",
                                       doc="Coordination hours giving half the maximum alignment",
                                       source=ASSUMED)
    heritage_negotiation_share: float = p(0.5, 0, 1, unit="share",
                                          doc="Share of the heritage approval delay the planner's coordination "
                                              "removes at full alignment",
                                          source="planners coordinate with departments (brief); value assumed")
    talent_spotting_full_hours: float = p(4.0, 0.1, 60, unit="hours/week",
                                          doc="Workshop hours at which the planner works with residents at full "
                                              "capacity: spots and grows talents, and lifts the platform's "
                                              "facilitation", source=ASSUMED)
    rules_per_week: float = p(0.1, 0, 1, unit="per week",
                              doc="Weekly chance, at full talent spotting, that the planner helps the users of a "
                                  "space set maintenance rules",
                              source="the planner set down maintenance rules (seed article); value assumed")
    volunteer_asks_per_week: int = p(3, 0, 100, unit="households/week",
                                     doc="Workshop attendees the planner asks to volunteer each week, at full "
                                         "talent spotting", source="planners grow governance talents (brief)")
    workstation: bool = p(False, unit="flag",
                          doc="A planner workstation / governance parlour on site: more seats, drop-ins, shorter "
                              "visits", source="Hengfu: 66 Wutong Court, the governance parlour (seed article)")
    workstation_capacity: int = p(30, 1, 500, unit="households",
                                  doc="Seats at a workshop held in the workstation", source=ASSUMED)
    workstation_reach_cells: float = p(8.0, 0, 100, unit="grid cells",
                                       doc="Households living this close to the workstation may drop in to "
                                           "workshops without an invitation", source=ASSUMED)
    workstation_visit_saving: float = p(0.25, 0, 0.9, unit="share of visit time",
                                        doc="Visit time saved because residents drop in at the workstation",
                                        source=ASSUMED)


@dataclass(frozen=True)
class StreetOffice:
    budget_yuan_per_year: float = p(600_000.0, 0, 1e9, unit="yuan/year",
                                    doc="Capital budget for micro-renewal works", source=ASSUMED)
    review_interval_weeks: int = p(13, 1, 52, unit="weeks", doc="Weeks between project reviews",
                                   source=ASSUMED)
    projects_per_review: int = p(10, 1, 500, unit="projects",
                                 doc="Most projects the office can start per review (its capacity to manage works)",
                                 source="assumption: high enough that the budget, not the count, binds by default")
    approval_delay_weeks: float = p(16.0, 0, 104, unit="weeks",
                                    doc="Approval delay without coordination", source=ASSUMED)
    coordination_delay_cut: float = p(0.6, 0, 1, unit="share",
                                      doc="Share of the approval delay that full alignment removes",
                                      source="coordination speeds approval; value assumed")
    heritage_approval_weeks: float = p(26.0, 0, 208, unit="weeks",
                                       doc="Extra approval delay for works on protected sites",
                                       source="heritage departments approve (brief); value assumed")
    own_priority_weight: float = p(0.8, 0, 1, unit="share",
                                   doc="Weight of the office's own priorities against voiced needs",
                                   source="priorities can differ from needs (issue 2)")
    priorities: dict = p({"shared_kitchen": 0.2, "sanitation": 0.3, "living_room": 0.4,
                          "reading_room": 0.5, "plaza": 0.9, "drying_space": 0.2,
                          "greenery": 1.0, "elder_care": 0.4, "childrens_play": 0.3},
                         0, 1, unit="0-1 per type",
                         doc="The office's own priority for each improvement type",
                         source="visible works favoured; assumption")
    design_quality: float = p(0.45, 0, 1, unit="0-1 scale",
                              doc="Quality of a contractor design without a planner", source=ASSUMED)
    baseline_upkeep: float = p(0.002, 0, 0.1, unit="condition/week",
                               doc="Condition restored each week by government baseline upkeep",
                               source="baseline upkeep far below market rate (Guizhou West)")
    repair_cost_share: float = p(0.1, 0, 1, unit="share of works cost",
                                 doc="Cost of an early repair of a protected space, as a share of renewing it",
                                 source=ASSUMED)


@dataclass(frozen=True)
class Committee:
    notice_reach_per_week: float = p(0.05, 0, 1, unit="share of households/week",
                                     doc="Households a posted notice reaches each week",
                                     source="committee mobilises in every scenario (brief)")
    survey_interval_weeks: int = p(0, 0, 156, unit="weeks",
                                   doc="Weeks between needs surveys (0: no survey)", source=ASSUMED)
    public_meeting: bool = p(False, unit="flag", doc="A public meeting before each project review",
                             source=ASSUMED)
    meeting_capacity: int = p(40, 1, 1000, unit="households", doc="Seats at a public meeting",
                              source=ASSUMED)
    meeting_evening_share: float = p(0.5, 0, 1, unit="share of meetings",
                                     doc="Public meetings held in evenings or at weekends", source=ASSUMED)
    facilitation_skill: float = p(0.3, 0, 1, unit="0-1 scale",
                                  doc="How well committee and office staff teach at meetings they run",
                                  source="no professional facilitation; value assumed")


@dataclass(frozen=True)
class Platform:
    deliberation: bool = p(False, unit="flag",
                           doc="A standing deliberation platform (Neighbourhood Hub) run by the street office",
                           source="Hengfu: Neighbourhood Hub (seed article)")
    meeting_interval_weeks: int = p(4, 1, 52, unit="weeks", doc="Weeks between platform meetings",
                                    source=ASSUMED)
    meeting_capacity: int = p(25, 1, 500, unit="households", doc="Seats at a platform meeting",
                              source=ASSUMED)
    evening_share: float = p(0.0, 0, 1, unit="share of meetings",
                             doc="Platform meetings held in evenings or at weekends (officials keep office hours)",
                             source=ASSUMED)
    representatives_per_meeting: int = p(10, 0, 500, unit="households",
                                         doc="Residents who voiced needs recently that the committee invites to "
                                             "each platform meeting as representatives", source=ASSUMED)
    alignment_share: float = p(0.3, 0, 1, unit="share",
                               doc="Share of the gap between the office's priorities and voiced needs that "
                                   "officials deliberating with residents close", source=ASSUMED)
    volunteer_team: bool = p(False, unit="flag", doc="An organised volunteer team that recruits",
                             source="Hengfu 'heritage woodpeckers'; Guizhou West 11-person team")
    team_asks_per_week: int = p(2, 0, 100, unit="households/week",
                                doc="Involved users of shared spaces the volunteer team asks to join each week",
                                source=ASSUMED)
    self_management_rules: bool = p(False, unit="flag",
                                    doc="The committee helps users of each finished space set maintenance rules "
                                        "(self-management)",
                                    source="Ostrom 1990; Jiangyin Rd rota (brief)")
    rules_per_week: float = p(0.3, 0, 1, unit="per week",
                              doc="Weekly chance, under self-management, that a space in use without rules gets "
                                  "them", source=ASSUMED)
    heritage_volunteers: bool = p(False, unit="flag",
                                  doc="Heritage volunteers inspect protected spaces and report decay early",
                                  source="Hengfu 'heritage woodpeckers' (seed article)")
    inspections_per_week: float = p(0.25, 0, 1, unit="share of protected spaces/week",
                                    doc="Protected spaces in use the heritage volunteers inspect each week",
                                    source=ASSUMED)


@dataclass(frozen=True)
class Projects:
    cost_yuan_per_m2: float = p(3000.0, 100, 50_000, unit="yuan/m2",
                                doc="Cost of micro-renewal works per square metre", source=ASSUMED)
    minimal_intervention_saving: float = p(0.3, 0, 0.9, unit="share of cost",
                                           doc="Cost saved by a skilled design reusing idle space",
                                           source="minimal intervention principle (seed article)")
    heard_fit_weight: float = p(0.6, 0, 1, unit="share",
                                doc="Share of a design's detail quality that depends on whose needs were heard "
                                    "(the rest is design skill alone)",
                                source="needs-fit better where residents were heard (brief, pattern 9); value assumed")
    design_weeks: int = p(8, 1, 52, unit="weeks", doc="Design stage length", source=ASSUMED)
    construction_weeks: int = p(10, 1, 104, unit="weeks", doc="Construction length", source=ASSUMED)
    decay_per_week: float = p(0.01, 0, 0.2, unit="condition/week",
                              doc="Condition lost each week in use without upkeep", source=ASSUMED)
    upkeep_hours_per_m2: float = p(0.1, 0, 1, unit="hours/m2/week",
                                   doc="Full upkeep of a space per m2 and week (two-thirds of it offsets decay; "
                                       "more restores condition)", source=ASSUMED)
    user_upkeep_hours_per_week: float = p(0.3, 0, 10, unit="hours/week",
                                          doc="Upkeep one contributing user gives to the spaces it uses (a rota "
                                              "turn, cleaning up)",
                                          source="Jiangyin Rd 72: one family a day keeps the shared bathroom")
    volunteer_hours_per_week: float = p(7.13, 0, 40, unit="hours/week",
                                        doc="Upkeep hours one volunteer or leader gives",
                                        source=POSTERIOR_MEAN + "; fitted to Guizhou West's upkeep hours")
    free_rider_base: float = p(0.02, 0, 1, unit="probability",
                               doc="Weekly chance a free rider contributes without rules",
                               source="Fischbacher & Gachter 2010 (shape); value assumed")
    other_contribution: float = p(0.3, 0, 1, unit="probability",
                                  doc="Weekly chance a household of neither type contributes",
                                  source="Fischbacher & Gachter 2010 (shape); value assumed")
    rules_cooperation_boost: float = p(0.5, 0, 1, unit="share",
                                       doc="Rise in the chance of contributing under rules with monitoring",
                                       source="Ostrom 1990; Fischbacher & Gachter 2010")
    core_rules_per_week: float = p(0.005, 0, 1, unit="per week",
                                   doc="Weekly chance the core at a space sets rules on its own", source=ASSUMED)
    rules_lapse_per_week: float = p(0.02, 0, 1, unit="per week",
                                    doc="Weekly chance rules lapse at a space no core member uses (nobody "
                                        "monitors)", source="Ostrom 1990: monitoring; value assumed")
    heritage_decay_per_week: float = p(0.003, 0, 0.1, unit="condition/week",
                                       doc="Extra weathering of protected historic fabric that residents' upkeep "
                                           "cannot offset (only a professional repair restores it)",
                                       source="protected buildings need specialist repair (brief: Hengfu); value "
                                              "assumed")
    worn_out_condition: float = p(0.3, 0, 1, unit="0-1 scale",
                                  doc="Condition at which a space goes out of use and needs renewal again",
                                  source=ASSUMED)
    early_repair_condition: float = p(0.8, 0, 1, unit="0-1 scale",
                                      doc="Condition below which an inspected protected space is repaired early",
                                      source=ASSUMED)


@dataclass(frozen=True)
class Observation:
    """How participation is observed and reported (measurement, not behaviour)."""

    engagement_window_weeks: int = p(13, 1, 104, unit="weeks",
                                     doc="An act counts toward the reported ladder for this long",
                                     source="'took part in the last three months'; varied in the robustness table")


@dataclass(frozen=True)
class Run:
    weeks: int = p(312, 1, 1040, unit="weeks", doc="Simulated horizon",
                   source="two 3-year planner terms (Yangpu: 3-year terms); see the ODD on transient and steady state")

SECTIONS: dict[str, type] = {
    "neighbourhood": Neighbourhood,
    "population": Population,
    "behaviour": Behaviour,
    "planner": Planner,
    "street_office": StreetOffice,
    "committee": Committee,
    "platform": Platform,
    "projects": Projects,
    "observation": Observation,
    "run": Run,
}


@dataclass(frozen=True)
class Params:
    """All model parameters, grouped as in the scenario files."""

    neighbourhood: Neighbourhood = field(default_factory=Neighbourhood)
    population: Population = field(default_factory=Population)
    behaviour: Behaviour = field(default_factory=Behaviour)
    planner: Planner = field(default_factory=Planner)
    street_office: StreetOffice = field(default_factory=StreetOffice)
    committee: Committee = field(default_factory=Committee)
    platform: Platform = field(default_factory=Platform)
    projects: Projects = field(default_factory=Projects)
    observation: Observation = field(default_factory=Observation)
    run: Run = field(default_factory=Run)
    name: str = "default"
    seed: int | None = None  # the seed a saved scenario was run with (None: not given)

    def replace(self, overrides: dict[str, Any], origin: str = "override") -> Params:
        """Return a copy with ``{"section.key": value}`` or nested overrides applied and validated."""
        nested: dict[str, Any] = {}
        for key, value in overrides.items():
            if "." in key:
                section, sub = key.split(".", 1)
                nested.setdefault(section, {})[sub] = value
            else:
                nested[key] = value
        return _apply(self, nested, origin)

    def to_dict(self) -> dict[str, Any]:
        """Nested plain dict (for manifests and scenario export)."""
        return dataclasses.asdict(self)


def _range_text(meta: dict) -> str:
    if meta["choices"]:
        return "one of " + ", ".join(meta["choices"])
    lo, hi = meta["lo"], meta["hi"]
    if lo is None:
        return "true or false"
    return f"{lo:g} to {hi:g}"


def _value(value: Any, default: Any) -> Any:
    """A checked value in the field's own type (a whole float for an int field; a table merged over the default)."""
    if isinstance(default, dict):
        return {**default, **{k: float(v) for k, v in value.items()}}
    if isinstance(default, bool) or isinstance(default, str):
        return value
    return type(default)(value)


def _apply(params: Params, nested: dict[str, Any], origin: str) -> Params:
    """``params`` with ``{"section": {"key": value}}`` (and ``name``) applied, after checking them against the
    scenario schema (sim/schemas.py) and the consistency rules."""
    from sim.schemas import scenario
    from sim.validation import check

    check(nested, scenario(), origin, ScenarioError)
    changes: dict[str, Any] = {}
    for section, values in nested.items():
        if section == "name":
            changes["name"] = values
            continue
        if section not in SECTIONS:  # description, extends, preset, seed: not parameters
            continue
        current = getattr(params, section)
        fields = {f.name: f for f in dataclasses.fields(current)}
        updates = {key: _value(value, getattr(current, key)) for key, value in values.items()}
        changes[section] = dataclasses.replace(current, **{k: v for k, v in updates.items() if k in fields})
    new = dataclasses.replace(params, **changes)
    _check_consistency(new, origin)
    return new


def _check_consistency(params: Params, origin: str) -> None:
    pl = params.planner
    total = pl.share_outreach + pl.share_workshops + pl.share_design + pl.share_coordination
    if abs(total - 1.0) > 1e-6:
        raise ScenarioError(f"{origin}: [planner] share_outreach + share_workshops + share_design + "
                            f"share_coordination = {total:g}; they must add up to 1")
    pop = params.population
    if pop.retired_share + pop.young_share > 1 + 1e-9:
        raise ScenarioError(f"{origin}: [population] retired_share + young_share = "
                            f"{pop.retired_share + pop.young_share:g}; must be at most 1")
    if pop.conditional_cooperator_share + pop.free_rider_share > 1 + 1e-9:
        raise ScenarioError(f"{origin}: [population] conditional_cooperator_share + free_rider_share "
                            "must be at most 1")


def _read_toml(path: Path) -> dict[str, Any]:
    from sim.inputs import read_input_toml
    from sim.schemas import scenario
    from sim.validation import check

    data = read_input_toml(path, ScenarioError, "scenario file")[1]
    if not data:
        raise ScenarioError(f"{path}: empty scenario file; a scenario needs at least a name or a key")
    return check(data, scenario(), str(path), ScenarioError)  # every key of every file of a chain, presets too


MAX_EXTENDS_DEPTH = 32


def _resolve_chain(path: Path, seen: tuple[Path, ...] = ()) -> list[tuple[Path, dict[str, Any]]]:
    """Files from the root of the ``extends`` chain down to ``path``."""
    try:
        path = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic-link loop (Python 3.12)
        raise ScenarioError(f"{path}: symbolic-link loop; expected a scenario file") from None
    if path in seen:
        raise ScenarioError(f"{path}: 'extends' forms a cycle")
    if len(seen) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(f"{path}: 'extends' chain longer than {MAX_EXTENDS_DEPTH} files")
    data = _read_toml(path)
    parent = data.pop("extends", None)
    chain: list[tuple[Path, dict[str, Any]]] = []
    if parent is not None:  # a non-empty string (the scenario schema)
        try:
            chain = _resolve_chain(path.parent / parent, seen + (path,))
        except ScenarioError as exc:  # say which file's extends led there
            message = str(exc)
            raise ScenarioError(message if message.startswith(f"{path}: extends") else
                                f"{path}: extends = {parent!r}: {message}") from None
    return chain + [(path, data)]


SESSION_KEYS = ("preset", "seed")  # top-level keys that say how a saved scenario was run


def session_keys(chain: list[tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    """A scenario chain's ``preset`` (a preset name) and ``seed`` (a whole number), checked; the last file wins."""
    found: dict[str, Any] = {}
    for file, data in chain:  # types and ranges are checked on reading (the scenario schema)
        if "preset" in data:
            if not resolve_preset(data["preset"]).is_file():
                raise ScenarioError(f"{file}: preset = {data['preset']!r}: expected the name of a file in "
                                    "scenarios/presets")
            found["preset"] = data["preset"]
        if "seed" in data:
            found["seed"] = int(data["seed"])
    return found


def own_preset(path: str | Path) -> str | None:
    """The preset a scenario file names for itself (saved sessions do), or None."""
    return session_keys(_resolve_chain(Path(path))).get("preset")


def scenario_inputs(path: str | Path, preset: str | Path | None = None) -> list[tuple[str, Path]]:
    """(role, resolved file) of every file a scenario load reads: the preset's and the scenario's chains."""
    chain = _resolve_chain(Path(path))
    preset = preset if preset is not None else session_keys(chain).get("preset")
    files = [("preset", f) for f, _ in _resolve_chain(resolve_preset(preset))] if preset is not None else []
    return files + [("scenario", f) for f, _ in chain]


def load_scenario(path: str | Path, preset: str | Path | None = None) -> Params:
    """Load a scenario file (following ``extends``), optionally on top of a preset file.

    Order of precedence: defaults < preset < scenario chain. A scenario file may name its own
    ``preset`` (used when none is given here) and ``seed`` (in the result's ``seed``; ``sim run``
    uses it when no ``--seed`` is given): saved workshop sessions carry both. Raises ScenarioError.
    """
    params = Params()
    chain = _resolve_chain(Path(path))
    session = session_keys(chain)
    preset = preset if preset is not None else session.get("preset")
    files = (_resolve_chain(resolve_preset(preset)) if preset is not None else []) + chain
    for file, data in files:
        data = {k: v for k, v in data.items() if k not in ("description", *SESSION_KEYS)}
        params = _apply(params, data, str(file))
    params = dataclasses.replace(params, seed=session.get("seed"))
    from sim.paths import check_name

    if "name" in files[-1][1]:  # checked with the file (the scenario schema)
        return dataclasses.replace(params, name=files[-1][1]["name"])
    where = f"{files[-1][0]}: name (from the file name)"
    return dataclasses.replace(params, name=check_name(Path(path).stem, where, ScenarioError))


DEFAULT_SCENARIOS = ("top_down", "consultation", "platform", "planner", "planner_platform")


def scenario_path(name_or_path: str | Path) -> Path:
    """``planner`` -> scenarios/planner.toml; a path (``x.toml``, or anything with a slash) as it is."""
    p = Path(name_or_path)
    return p if p.suffix == ".toml" or len(p.parts) > 1 else scenarios_dir() / f"{name_or_path}.toml"


def resolve_preset(preset: str | Path) -> Path:
    """A preset given by name (``hengfu_heritage``) or by path."""
    candidate = Path(preset)
    if candidate.suffix == ".toml":
        return candidate
    return scenarios_dir() / "presets" / f"{preset}.toml"


def scenarios_dir() -> Path:
    """The repository's ``scenarios/`` folder."""
    return Path(__file__).resolve().parent.parent / "scenarios"


def parameter_rows() -> list[dict[str, str]]:
    """One row per parameter: section, key, unit, default, range, meaning, source, status (measured,
    calibrated to which targets, or assumed: read from the shipped calibrations by sim/calibration/status.py)."""
    from sim.calibration.status import status

    rows = []
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            if isinstance(default, dict):
                default = ", ".join(f"{k} {v:g}" for k, v in default.items())
            rows.append({"section": section, "key": f.name, "unit": f.metadata["unit"],
                         "default": str(default).lower() if isinstance(default, bool) else str(default),
                         "range": _range_text(f.metadata), "meaning": f.metadata["doc"],
                         "source": f.metadata["source"], "status": status(section, f.name)})
    return rows


def parameter_table_markdown() -> str:
    """The parameter table as Markdown, as embedded in docs/ODD.md."""
    lines = ["| section | key | unit | default | range | meaning | source or rationale | status |",
             "|---|---|---|---|---|---|---|---|"]
    for r in parameter_rows():
        lines.append(f"| {r['section']} | `{r['key']}` | {r['unit']} | {r['default']} | {r['range']} "
                     f"| {r['meaning']} | {r['source']} | {r['status']} |")
    return "\n".join(lines) + "\n"
