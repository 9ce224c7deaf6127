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


ASSUMED = "assumption, calibrated so the default run reproduces the brief's patterns"


@dataclass(frozen=True)
class Neighbourhood:
    households: int = p(700, 20, 50_000, unit="households", doc="Households in the lilong",
                        source="Guizhou West: 700+ households [Jiefang Daily]")
    households_per_house: int = p(4, 1, 20, unit="households/house",
                                  doc="Households sharing one shikumen house",
                                  source="'seventy-two tenants' crowding in the brief; assumption")
    main_alleys: int = p(3, 1, 60, unit="alleys", doc="Main alleys (one lilong strip each)",
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
    catchment_radius_cells: float = p(6.0, 1, 50, unit="grid cells",
                                      doc="Walking radius within which a household uses a site; "
                                          "weight falls linearly to zero at the radius",
                                      source=ASSUMED)
    heritage_protected_share: float = p(0.0, 0, 1, unit="share of sites",
                                        doc="Candidate sites under heritage protection that may not change",
                                        source="Hengfu: over a thousand protected buildings (brief)")
    heritage_cost_multiplier: float = p(1.0, 1, 5, unit="x",
                                        doc="Cost multiplier for works in a heritage area",
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
    trust_in_government_mean: float = p(0.5, 0.0, 1.0, unit="0-1 scale",
                                        doc="Initial mean trust in the street office", source=ASSUMED)
    external_efficacy_mean: float = p(0.35, 0.0, 1.0, unit="0-1 scale",
                                      doc="Initial mean belief that officials respond",
                                      source="participation mostly passive (brief); assumed")
    threshold_mean: float = p(0.3, 0.0, 1.0, unit="share of contacts",
                              doc="Mean social threshold: share of contacts (or of a space's users) "
                                  "taking part before one joins",
                              source="Granovetter 1978; set so the default does not tip "
                                     "(it tips from a spread of ~0.2: pattern 4)")
    threshold_sd: float = p(0.1, 0.0, 0.5, unit="share of contacts",
                            doc="Spread of social thresholds across households",
                            source="Granovetter 1978; value assumed")
    conditional_cooperator_share: float = p(0.5, 0.0, 1.0, unit="share of households",
                                            doc="Conditional cooperators in upkeep",
                                            source="Fischbacher & Gachter 2010: about half")
    free_rider_share: float = p(0.3, 0.0, 1.0, unit="share of households",
                                doc="Free riders in upkeep (the rest contribute at random)",
                                source="Fischbacher & Gachter 2010: about a third")


@dataclass(frozen=True)
class Behaviour:
    base_logit: float = p(-5.0, -10, 5, unit="logit", doc="Intercept of the participation choice",
                          source=ASSUMED)
    weight_time: float = p(4.0, 0, 10, unit="logit per unit", doc="Effect of free time (0-1)",
                           source="civic voluntarism: resources (Verba et al. 1995)")
    weight_health: float = p(0.5, 0, 10, unit="logit per unit", doc="Effect of health (0-1)",
                             source="civic voluntarism: resources")
    weight_need: float = p(0.8, 0, 10, unit="logit per unit", doc="Effect of the largest unmet need",
                           source="civic voluntarism: motivation")
    weight_interest: float = p(1.0, 0, 10, unit="logit per unit", doc="Effect of interest",
                               source="civic voluntarism: motivation")
    weight_efficacy: float = p(3.0, 0, 10, unit="logit per unit",
                               doc="Effect of external efficacy (belief that officials respond)",
                               source="civic voluntarism; Finkel 1985")
    weight_trust: float = p(0.8, 0, 10, unit="logit per unit",
                            doc="Effect of trust in whoever invites", source="civic voluntarism")
    weight_invitation: float = p(1.8, 0, 10, unit="logit",
                                 doc="Effect of a personal invitation (recruitment)",
                                 source="civic voluntarism: recruitment")
    weight_social: float = p(1.2, 0, 10, unit="logit",
                             doc="Effect of contacts taking part above one's threshold",
                             source="Granovetter 1978; Oliver et al. 1985")
    depth_cost: float = p(0.9, 0, 5, unit="logit per rung",
                          doc="Extra cost of each rung above 'consulted'", source=ASSUMED)
    complaint_rate: float = p(0.01, 0, 1, unit="per week",
                              doc="Weekly chance a willing household files a complaint", source=ASSUMED)
    notice_read_rate: float = p(0.5, 0, 1, unit="probability",
                                doc="Chance a household reaches a posted notice reads it", source=ASSUMED)
    efficacy_gain: float = p(0.15, 0, 1, unit="share of gap per event",
                             doc="Rise of external efficacy when voice is answered",
                             source="Finkel 1985; value assumed")
    efficacy_loss: float = p(0.3, 0, 1, unit="share of level per event",
                             doc="Fall of external efficacy when voice is ignored (larger than gain)",
                             source="trust asymmetry, Slovic 1993; value assumed")
    trust_gain: float = p(0.1, 0, 1, unit="share of gap per event",
                          doc="Rise of trust when voice is answered", source="Slovic 1993")
    trust_loss: float = p(0.25, 0, 1, unit="share of level per event",
                          doc="Fall of trust when voice is ignored", source="Slovic 1993")
    response_window_weeks: int = p(52, 1, 156, unit="weeks",
                                   doc="How long a household waits for a response before feeling ignored",
                                   source=ASSUMED)
    promise_rate: float = p(0.3, 0, 1, unit="share of gap per week",
                            doc="How fast expectations rise toward what a proposed project promises",
                            source="expectation-disconfirmation, Van Ryzin 2004")
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
    satisfaction_rate: float = p(0.1, 0, 1, unit="share of gap per week",
                                 doc="How fast satisfaction moves toward its target", source=ASSUMED)
    disruption_penalty: float = p(0.2, 0, 1, unit="satisfaction",
                                  doc="Living-satisfaction loss while works run next door", source=ASSUMED)
    tie_rate: float = p(0.02, 0, 1, unit="ties per use-week",
                        doc="New ties formed per week of using a shared space", source=ASSUMED)
    knowledge_gain: float = p(0.1, 0, 1, unit="share of gap per contact",
                              doc="Planning knowledge gained per planner contact", source=ASSUMED)
    leader_rate: float = p(0.02, 0, 1, unit="per week",
                           doc="Chance an eligible collaborator becomes a leader (governance talent)",
                           source="brief: planners spot and grow talents")
    leader_invites_per_week: int = p(2, 0, 50, unit="households/week",
                                     doc="Neighbours each leader invites per week", source=ASSUMED)


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
                                  doc="How well the planner draws people in", source=ASSUMED)
    outreach_strategy: str = p("least_heard", unit="choice", doc="Who the planner visits first",
                               source="issue 2", choices=OUTREACH_STRATEGIES)
    hours_per_visit: float = p(0.5, 0.1, 8, unit="hours", doc="Time for one door-to-door visit",
                               source=ASSUMED)
    hours_per_workshop: float = p(3.0, 0.5, 20, unit="hours", doc="Time to prepare and run a workshop",
                                  source=ASSUMED)
    workshop_capacity: int = p(15, 1, 200, unit="households", doc="Seats at one workshop",
                               source=ASSUMED)
    design_adjust_rate: float = p(0.1, 0, 1, unit="share of gap per week",
                                  doc="Fit gained per week of construction feedback",
                                  source="'adjust while building' (seed article)")
    coordination_half_hours: float = p(2.0, 0.1, 40, unit="hours/week",
                                       doc="Coordination hours giving half the maximum alignment",
                                       source=ASSUMED)
    workstation: bool = p(False, unit="flag", doc="A planner workstation / governance parlour on site",
                          source="Hengfu: 66 Wutong Court (seed article)")


@dataclass(frozen=True)
class StreetOffice:
    budget_yuan_per_year: float = p(600_000.0, 0, 1e9, unit="yuan/year",
                                    doc="Capital budget for micro-renewal works", source=ASSUMED)
    review_interval_weeks: int = p(13, 1, 52, unit="weeks", doc="Weeks between project reviews",
                                   source=ASSUMED)
    projects_per_review: int = p(2, 1, 50, unit="projects", doc="Most projects started per review",
                                 source=ASSUMED)
    approval_delay_weeks: float = p(16.0, 0, 104, unit="weeks",
                                    doc="Approval delay without coordination", source=ASSUMED)
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


@dataclass(frozen=True)
class Platform:
    deliberation: bool = p(False, unit="flag",
                           doc="A standing deliberation platform (Neighbourhood Hub)",
                           source="Hengfu: Neighbourhood Hub (seed article)")
    meeting_interval_weeks: int = p(4, 1, 52, unit="weeks", doc="Weeks between platform meetings",
                                    source=ASSUMED)
    meeting_capacity: int = p(25, 1, 500, unit="households", doc="Seats at a platform meeting",
                              source=ASSUMED)
    volunteer_team: bool = p(False, unit="flag", doc="An organised volunteer team",
                             source="Hengfu 'heritage woodpeckers'; Guizhou West 11-person team")
    volunteer_target_share: float = p(0.015, 0, 0.2, unit="share of households",
                                      doc="Size the volunteer team recruits toward",
                                      source="Guizhou West: 11 of 700+ households (~1.5%)")
    self_management_rules: bool = p(False, unit="flag",
                                    doc="Finished spaces get resident maintenance rules when a core exists",
                                    source="Ostrom 1990; Jiangyin Rd rota (brief)")


@dataclass(frozen=True)
class Projects:
    cost_yuan_per_m2: float = p(3000.0, 100, 50_000, unit="yuan/m2",
                                doc="Cost of micro-renewal works per square metre", source=ASSUMED)
    minimal_intervention_saving: float = p(0.3, 0, 0.9, unit="share of cost",
                                           doc="Cost saved by a skilled design reusing idle space",
                                           source="minimal intervention principle (seed article)")
    design_weeks: int = p(8, 1, 52, unit="weeks", doc="Design stage length", source=ASSUMED)
    construction_weeks: int = p(10, 1, 104, unit="weeks", doc="Construction length", source=ASSUMED)
    decay_per_week: float = p(0.015, 0, 0.2, unit="condition/week",
                              doc="Condition lost each week in use", source=ASSUMED)
    upkeep_hours_per_m2: float = p(0.2, 0, 1, unit="hours/m2/week",
                                   doc="Volunteer hours per week that fully offset decay", source=ASSUMED)
    volunteer_hours_per_week: float = p(6.0, 0, 40, unit="hours/week",
                                        doc="Upkeep hours one contributing household gives", source=ASSUMED)
    rules_cooperation_boost: float = p(0.5, 0, 1, unit="share",
                                       doc="Rise in conditional cooperation under rules with monitoring",
                                       source="Ostrom 1990; Fischbacher & Gachter 2010")


@dataclass(frozen=True)
class Observation:
    """How participation is observed and reported (measurement, not behaviour)."""

    engagement_window_weeks: int = p(13, 1, 104, unit="weeks",
                                     doc="An act counts toward the reported ladder for this long",
                                     source="'took part in the last three months'; varied in the robustness table")
    informed_memory_weeks: int = p(52, 1, 208, unit="weeks",
                                   doc="Being informed (a notice, a visit) counts for this long",
                                   source="assumption: a notice is remembered for a year")


@dataclass(frozen=True)
class Run:
    weeks: int = p(156, 1, 1040, unit="weeks", doc="Simulated horizon", source="issue 2: three years")


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


def _check_value(section: str, key: str, value: Any, f: dataclasses.Field, origin: str) -> Any:
    meta = f.metadata
    where = f"{origin}: [{section}] {key}"
    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
    allowed = _range_text(meta)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ScenarioError(f"{where} = {value!r}: expected true or false")
        return value
    if isinstance(default, str):
        if value not in meta["choices"]:
            raise ScenarioError(f"{where} = {value!r}: allowed: {allowed}")
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ScenarioError(f"{where}: expected a table of improvement types")
        merged = dict(default)
        for k, v in value.items():
            if k not in IMPROVEMENT_TYPES:
                raise ScenarioError(f"{where}.{k}: unknown improvement type; allowed: "
                                    + ", ".join(IMPROVEMENT_TYPES))
            merged[k] = _number(where + "." + k, v, float, meta)
        return merged
    return _number(where, value, type(default), meta)


def _number(where: str, value: Any, kind: type, meta: dict) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{where} = {value!r}: expected a number, {_range_text(meta)}")
    if kind is int and not float(value).is_integer():
        raise ScenarioError(f"{where} = {value!r}: expected a whole number, {_range_text(meta)}")
    if not (meta["lo"] <= value <= meta["hi"]):
        raise ScenarioError(f"{where} = {value!r} is out of range; allowed: {_range_text(meta)}")
    return kind(value)


def _apply(params: Params, nested: dict[str, Any], origin: str) -> Params:
    changes: dict[str, Any] = {}
    for section, values in nested.items():
        if section == "name":
            from sim.paths import check_name

            changes["name"] = check_name(values, f"{origin}: name", ScenarioError)
            continue
        if section not in SECTIONS:
            raise ScenarioError(f"{origin}: unknown section [{section}]; allowed: " + ", ".join(SECTIONS))
        if not isinstance(values, dict):
            raise ScenarioError(f"{origin}: [{section}] must be a table of keys")
        current = getattr(params, section)
        fields = {f.name: f for f in dataclasses.fields(current)}
        updates = {}
        for key, value in values.items():
            if key not in fields:
                raise ScenarioError(f"{origin}: unknown key [{section}] {key}; allowed keys: "
                                    + ", ".join(fields))
            updates[key] = _check_value(section, key, value, fields[key], origin)
        changes[section] = dataclasses.replace(current, **updates)
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

    data = read_input_toml(path, ScenarioError, "scenario file")[1]
    if not data:
        raise ScenarioError(f"{path}: empty scenario file; a scenario needs at least a name or a key")
    return data


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
    if parent is not None:
        if not isinstance(parent, str) or not parent:
            raise ScenarioError(f"{path}: extends = {parent!r}: expected a file name")
        chain = _resolve_chain(path.parent / parent, seen + (path,))
    return chain + [(path, data)]


def scenario_inputs(path: str | Path, preset: str | Path | None = None) -> list[tuple[str, Path]]:
    """(role, resolved file) of every file a scenario load reads: the preset's and the scenario's chains."""
    files = [("preset", f) for f, _ in _resolve_chain(resolve_preset(preset))] if preset is not None else []
    return files + [("scenario", f) for f, _ in _resolve_chain(Path(path))]


def load_scenario(path: str | Path, preset: str | Path | None = None) -> Params:
    """Load a scenario file (following ``extends``), optionally on top of a preset file.

    Order of precedence: defaults < preset < scenario chain. Raises ScenarioError.
    """
    params = Params()
    files: list[tuple[Path, dict[str, Any]]] = []
    if preset is not None:
        files += _resolve_chain(resolve_preset(preset))
    files += _resolve_chain(Path(path))
    for file, data in files:
        data = dict(data)
        data.pop("description", None)
        params = _apply(params, data, str(file))
    from sim.paths import check_name

    name = files[-1][1].get("name", Path(path).stem)
    where = f"{files[-1][0]}: name" + ("" if "name" in files[-1][1] else " (from the file name)")
    return dataclasses.replace(params, name=check_name(name, where, ScenarioError))


DEFAULT_SCENARIOS = ("top_down", "consultation", "planner", "planner_platform")


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
    """One row per parameter: section, key, unit, default, range, meaning, source."""
    rows = []
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            if isinstance(default, dict):
                default = ", ".join(f"{k} {v:g}" for k, v in default.items())
            rows.append({"section": section, "key": f.name, "unit": f.metadata["unit"],
                         "default": str(default).lower() if isinstance(default, bool) else str(default),
                         "range": _range_text(f.metadata), "meaning": f.metadata["doc"],
                         "source": f.metadata["source"]})
    return rows


def parameter_table_markdown() -> str:
    """The parameter table as Markdown, as embedded in docs/ODD.md."""
    lines = ["| section | key | unit | default | range | meaning | source or rationale |",
             "|---|---|---|---|---|---|---|"]
    for r in parameter_rows():
        lines.append(f"| {r['section']} | `{r['key']}` | {r['unit']} | {r['default']} | {r['range']} "
                     f"| {r['meaning']} | {r['source']} |")
    return "\n".join(lines) + "\n"
