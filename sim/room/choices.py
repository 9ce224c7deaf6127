"""What each seat may choose in a round, checking a submitted choice, and putting it into the model.

A choice is plain JSON-like data (it goes into the session log as it is):

- household: ``{"actions": [...], "vote_for": [site, ...], "vote_against": [site, ...], "withdraw": [site, ...]}``:
  actions from ``HOUSEHOLD_ACTIONS`` ("stay_home" alone, or any of the others), votes on designs near it (in
  design or designed, awaiting approval) and the designs whose standing vote it takes back; a vote stands until
  the design is approved, the household votes again or it withdraws the vote (a site in none of the lists:
  its vote, if any, stands);
- office: ``{"approve": [site, ...], "hold": [site, ...]}``: finished designs (sites numbered as in the
  model); a design in neither list is left to the office's own rule;
- planner: ``{"outreach": %, "workshops": %, "design": %, "coordination": %, "visit": "model" | "room" |
  "alley:N"}``: the planner's hours in whole percent (summing to 100), and whom it visits first;
- committee: ``{"notices": "few" | "usual" | "many", "survey": bool, "meeting": bool, "rules": "usual" |
  "rota" | "none"}``: ``rules`` "rota" helps the users of every space in use set an upkeep rota (the
  platform's self-management rules), "none" does not, "usual" as the scenario has it.

Households', their votes' and the office's choices go into ``model.decisions`` (sim/decisions.py); the planner's and
the committee's are that round's parameters (``LilongModel.change_params``), set only when they differ
from what the model has, so a round nobody chose in runs exactly as without people.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.projects import Status
from sim.room.errors import RoomError
from sim.room.seats import COMMITTEE, HOUSEHOLD, OFFICE, PLANNER, Seat
from sim.submodels.voice import NEAR_WEIGHT

if TYPE_CHECKING:
    from sim.model import LilongModel
    from sim.params import Params

# a household's actions -> the decision points they decide (sim/decisions.py)
HOUSEHOLD_ACTIONS: dict[str, tuple[str, ...]] = {
    "workshop": ("workshop",),
    "speak_up": ("complain",),
    "propose": ("initiative",),
    "meeting": ("public_meeting", "platform"),
    "survey": ("survey",),
    "volunteer": ("volunteer",),
    "stay_home": (),
}
ONCE_A_ROUND = ("complain", "initiative")  # said once, in the round's first week; the other weeks no
HOURS = ("outreach", "workshops", "design", "coordination")
NOTICES = {"few": 0.02, "many": 0.15}  # "usual": the scenario's own reach
RULES = {"rota": True, "none": False}  # "usual": the scenario's own (platform.self_management_rules)
VOTABLE = (Status.PROPOSED, Status.DESIGNED)  # in design, or designed and awaiting approval
# every parameter a seat can set (its value in rounds nobody set it is the scenario's)
CONTROLLED = ("planner.share_outreach", "planner.share_workshops", "planner.share_design",
              "planner.share_coordination", "committee.notice_reach_per_week", "committee.survey_interval_weeks",
              "committee.public_meeting", "platform.self_management_rules")


def param_value(params: Params, key: str) -> Any:
    section, name = key.split(".")
    return getattr(getattr(params, section), name)


def alleys(model: LilongModel) -> int:
    return int(model.lilongs[0].width // model.lilongs[0].strip_width) if model.k == 1 else 0


def household_alleys(model: LilongModel) -> np.ndarray:
    """Each household's alley, numbered from 1 as the map and the event log number them."""
    return model.lilong.house_x[model.lilong.household_house] // model.lilongs[0].strip_width + 1


def votable(model: LilongModel, household: int) -> list[int]:
    """Sites near ``household`` (catchment weight above NEAR_WEIGHT) whose design it may vote on."""
    c = model.catchment
    near = np.unique(c.site[(c.household == household) & (c.weight > NEAR_WEIGHT)])
    return [int(s) for s in near[np.isin(model.projects.status[near], VOTABLE)]]


def options(seat: Seat, model: LilongModel, standing: Mapping[int, Mapping[str, int]] | None = None) -> dict[str, Any]:
    """What ``seat`` may choose now (the model at the start of the round; ``standing``: the votes standing,
    site -> seat id -> +1 for, -1 against). A household's ``standing`` is its own votes that stand, which it
    may withdraw: site -> +1 or -1."""
    if seat.role == HOUSEHOLD:
        acts = [a for a in HOUSEHOLD_ACTIONS if a != "workshop" or model.params.planner.enabled]
        votes = votable(model, seat.household)
        return {"actions": acts, "votes": votes, "standing": own_votes(standing or {}, seat.id, votes)}
    if seat.role == OFFICE:
        designed = np.flatnonzero(model.projects.status == Status.DESIGNED)
        return {"sites": [int(s) for s in designed]}
    if seat.role == PLANNER:
        return {"hours": list(HOURS), "visit": ["model", "room", *(f"alley:{a}" for a in range(1, alleys(model) + 1))]}
    return {"notices": ["few", "usual", "many"], "survey": [False, True], "meeting": [False, True],
            "rules": ["usual", "rota", "none"]}


def normalise(seat: Seat, raw: object, allowed: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` checked against ``allowed`` (from :func:`options`) and put in one canonical form, or
    RoomError("not_allowed")."""
    if not isinstance(raw, Mapping):
        raise RoomError("not_allowed")
    try:
        if seat.role == HOUSEHOLD:
            acts = raw.get("actions")
            if not isinstance(acts, (list, tuple)) or not acts or any(a not in allowed["actions"] for a in acts):
                raise RoomError("not_allowed")
            acts = sorted(set(acts))
            if "stay_home" in acts and len(acts) > 1:
                raise RoomError("not_allowed")
            vote_for, vote_against = _sites(raw, "vote_for"), _sites(raw, "vote_against")
            withdraw = _sites(raw, "withdraw")
            if set(vote_for) & set(vote_against) or any(s not in allowed["votes"] for s in vote_for + vote_against):
                raise RoomError("not_allowed")
            if set(withdraw) & set(vote_for + vote_against) or any(s not in allowed.get("standing", {})
                                                                    for s in withdraw):
                raise RoomError("not_allowed")  # only a vote that stands can be withdrawn
            return {"actions": acts, "vote_for": vote_for, "vote_against": vote_against, "withdraw": withdraw}
        if seat.role == OFFICE:
            approve, hold = _sites(raw, "approve"), _sites(raw, "hold")
            if set(approve) & set(hold) or any(s not in allowed["sites"] for s in approve + hold):
                raise RoomError("not_allowed")
            return {"approve": approve, "hold": hold}
        if seat.role == PLANNER:
            hours = {k: raw.get(k) for k in HOURS}
            if any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 100 for v in hours.values()):
                raise RoomError("not_allowed")
            if sum(hours.values()) != 100 or raw.get("visit") not in allowed["visit"]:
                raise RoomError("hours_sum")
            return {**hours, "visit": raw["visit"]}
        if seat.role == COMMITTEE:
            notices, survey, meeting = raw.get("notices"), raw.get("survey"), raw.get("meeting")
            rules = raw.get("rules", "usual")
            if (notices not in allowed["notices"] or not isinstance(survey, bool) or not isinstance(meeting, bool)
                    or rules not in allowed["rules"]):
                raise RoomError("not_allowed")
            return {"notices": notices, "survey": survey, "meeting": meeting, "rules": rules}
    except (TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, RoomError):
            raise
        raise RoomError("not_allowed") from None
    raise RoomError("not_allowed")


def _sites(raw: Mapping[str, Any], key: str) -> list[int]:
    """``raw[key]`` as sorted distinct site numbers (whole numbers only; missing: none)."""
    sites = raw.get(key, [])
    if not isinstance(sites, (list, tuple)) or any(not isinstance(s, int) or isinstance(s, bool) for s in sites):
        raise RoomError("not_allowed")
    return sorted(set(sites))


def round_params(base: Params, choices: Mapping[Seat, Mapping[str, Any]], round_weeks: int) -> dict[str, Any]:
    """Every CONTROLLED parameter for a round: the scenario's value unless a seat chose otherwise."""
    values = {key: param_value(base, key) for key in CONTROLLED}
    for seat, choice in choices.items():
        if seat.role == PLANNER:
            for k in HOURS:
                values[f"planner.share_{k}"] = choice[k] / 100
        elif seat.role == COMMITTEE:
            if choice["notices"] in NOTICES:
                values["committee.notice_reach_per_week"] = NOTICES[choice["notices"]]
            # a survey: the scenario's own, or one this round where the scenario has none
            usual = param_value(base, "committee.survey_interval_weeks")
            values["committee.survey_interval_weeks"] = (usual or round_weeks) if choice["survey"] else 0
            values["committee.public_meeting"] = choice["meeting"]
            if choice.get("rules", "usual") in RULES:
                values["platform.self_management_rules"] = RULES[choice["rules"]]
    return values


def agents_choice(seat: Seat, model: LilongModel, base: Params, seen: Mapping[str, bool],
                  round_weeks: int) -> dict[str, Any]:
    """What the model's own rule chooses for ``seat`` in a round, in the form a person's choice takes.

    ``model`` is the run at the round's start; ``seen`` (households) is what the model's rule decided for the
    household on the run's state during the round (``Decisions.watch``): an action is taken if its rule said
    yes in any week. The agents never vote; the planner and the committee follow the scenario; the office's
    rule approves the designs whose approval delay runs out within the round (if the budget allows)."""
    if seat.role == HOUSEHOLD:
        acts = [a for a, points in HOUSEHOLD_ACTIONS.items() if any(seen.get(c, False) for c in points)]
        return {"actions": acts or ["stay_home"], "vote_for": [], "vote_against": [], "withdraw": []}
    if seat.role == OFFICE:
        from sim.submodels.decision import approval_delay

        designed = np.flatnonzero(model.projects.status == Status.DESIGNED)
        due = model.projects.since[designed] + approval_delay(model, designed) <= model.week + round_weeks
        return {"approve": [int(s) for s in designed[due]], "hold": []}
    return scenario_choice(seat, base)


def scenario_choice(seat: Seat, params: Params) -> dict[str, Any]:
    """The planner's or the committee's choice that is the scenario ``params`` as it is."""
    if seat.role == PLANNER:
        return {**{k: round(100 * getattr(params.planner, f"share_{k}")) for k in HOURS}, "visit": "model"}
    return {"notices": "usual", "survey": bool(params.committee.survey_interval_weeks),
            "meeting": bool(params.committee.public_meeting), "rules": "usual"}


def set_params(model: LilongModel, values: Mapping[str, Any]) -> None:
    """``values`` into the model, only if something differs (else the model is not touched at all)."""
    if any(param_value(model.params, k) != v for k, v in values.items()):
        model.change_params(dict(values))


def cast_votes(standing: dict[int, dict[str, int]], choices: Mapping[Seat, Mapping[str, Any]]) -> np.ndarray:
    """This round's votes added to the ``standing`` ones (site -> seat id -> +1 for, -1 against; a seat's new
    vote on a site replaces its old one) and its withdrawn votes taken out, in place; the households who voted
    this round (withdrawing a vote is not casting one)."""
    voters = []
    for seat, choice in choices.items():
        if seat.role != HOUSEHOLD:
            continue
        for site in choice.get("withdraw", []):  # a vote this run does not hold (in a branch): nothing to take
            if site in standing:
                standing[site].pop(seat.id, None)
                if not standing[site]:
                    del standing[site]
        if choice.get("vote_for") or choice.get("vote_against"):
            voters.append(seat.household)
            for value, key in ((1, "vote_for"), (-1, "vote_against")):
                for site in choice.get(key, []):
                    standing.setdefault(site, {})[seat.id] = value
    return np.array(sorted(voters), dtype=np.int64)


def own_votes(standing: Mapping[int, Mapping[str, int]], seat_id: str, sites: list[int]) -> dict[int, int]:
    """The votes of ``seat_id`` that stand on ``sites``: site -> +1 for, -1 against."""
    return {s: standing[s][seat_id] for s in sites if seat_id in standing.get(s, {})}


def vote_changes(shown: Mapping[str, Any], standing: Mapping[int, int]) -> dict[str, list[int]]:
    """A household's votes as its form shows them (``vote_for``, ``vote_against``: how each design's vote should
    stand; a design in neither, no vote) as the choice that makes them so from its ``standing`` votes (site ->
    +1 or -1): the new votes, and the standing ones withdrawn. A vote left as it stands is not cast again."""
    vote_for = sorted(s for s in shown.get("vote_for", []) if standing.get(s) != 1)
    vote_against = sorted(s for s in shown.get("vote_against", []) if standing.get(s) != -1)
    kept = {*shown.get("vote_for", []), *shown.get("vote_against", [])}
    return {"vote_for": vote_for, "vote_against": vote_against,
            "withdraw": sorted(s for s in standing if s not in kept)}


def net_votes(standing: Mapping[int, Mapping[str, int]], n_sites: int) -> np.ndarray:
    """For minus against, per site."""
    net = np.zeros(n_sites, dtype=np.int64)
    for site, votes in standing.items():
        net[site] = sum(votes.values())
    return net


def drop_settled(standing: dict[int, dict[str, int]], model: LilongModel) -> None:
    """Votes on designs no longer in design or awaiting approval are settled: dropped."""
    for site in [s for s in standing if model.projects.status[s] not in VOTABLE]:
        del standing[site]


def set_decisions(model: LilongModel, choices: Mapping[Seat, Mapping[str, Any]], first_week: bool,
                  room_households: np.ndarray, votes: np.ndarray | None = None,
                  voters: np.ndarray | None = None) -> None:
    """The people's choices for one week of the round into ``model.decisions`` (``votes``: net votes per
    site; ``voters``: who voted this round, consulted in its first week)."""
    d = model.decisions
    if votes is not None:
        d.votes[:] = votes
    if first_week and voters is not None:
        d.voters = voters
    for seat, choice in choices.items():
        if seat.role == HOUSEHOLD:
            who = np.array([seat.household])
            chosen = {c for a in choice["actions"] for c in HOUSEHOLD_ACTIONS[a]}
            for c in d.household:
                d.force(c, who, int(c in chosen and (first_week or c not in ONCE_A_ROUND)))
        elif seat.role == OFFICE:
            d.approve[choice["approve"]] = 1
            d.approve[choice["hold"]] = 0
        elif seat.role == PLANNER and choice["visit"] != "model":
            if choice["visit"] == "room":
                d.visit_first = room_households
            else:
                alley = int(choice["visit"].split(":")[1])
                d.visit_first = np.flatnonzero(household_alleys(model) == alley)
