"""The opportunities to take part that each institution creates (inputs to submodel 1).

Every scenario has the committee's notices and residents' complaints. A survey and a
public meeting exist where the committee runs them; visits and workshops where a
planner works; platform meetings where a deliberation platform stands; invitations
from leaders wherever leaders have emerged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import Households, Rung
from sim.submodels.common import links_of, pick
from sim.submodels.participation import choose, invited_now, propensity

if TYPE_CHECKING:
    from sim.model import LilongModel

INVITATION_WEEKS = 8  # a personal invitation is remembered this long
REVISIT_WEEKS = 26  # the planner does not revisit a household within half a year
LEADER_HOURS = 3.0  # weekly organising hours of a leader


def _whole_plus_chance(x: float, rng: np.random.Generator) -> int:
    """Integer part of ``x`` plus one with probability of its fractional part."""
    whole = int(x)
    return whole + int(rng.random() < x - whole)


def engage(model: LilongModel, idx: np.ndarray, depth: int, voice: float = 0.0, hours: float = 0.0) -> None:
    """Households ``idx`` take part at ``depth``, giving ``voice`` and ``hours`` of organising work."""
    h = model.households
    h.take_part(idx, depth, model.week)
    h.voice[idx] += voice
    h.work_hours_week[idx] += hours


def notices(model: LilongModel, rng: np.random.Generator) -> None:
    """The committee posts notices; some households read them and become informed."""
    h = model.households
    reach = model.committee.params.notice_reach_per_week * model.params.behaviour.notice_read_rate
    read = rng.random(h.n) < reach * (0.5 + h.interest)
    h.take_part(read, Rung.INFORMED, model.week)


def complaints(model: LilongModel, rng: np.random.Generator) -> None:
    """Any household may complain to the committee about an unmet need (voice, shallow)."""
    h = model.households
    p = model.params.behaviour.complaint_rate * propensity(model, Rung.CONSULTED, h.trust_government)
    engage(model, np.flatnonzero(rng.random(h.n) < p), Rung.CONSULTED, voice=1.0)


def survey(model: LilongModel, rng: np.random.Generator) -> None:
    """The committee's needs survey: everyone is asked; the willing answer."""
    interval = model.committee.params.survey_interval_weeks
    if interval == 0 or model.week % interval != interval - 1:
        return
    h = model.households
    prob = propensity(model, Rung.CONSULTED, h.trust_government, invited=0.5)
    engage(model, choose(model, np.ones(h.n, bool), prob, h.n, rng), Rung.CONSULTED, voice=1.0)


def public_meeting(model: LilongModel, rng: np.random.Generator) -> None:
    """A public meeting the week before each project review, open to the informed."""
    review = model.office.params.review_interval_weeks
    if not model.committee.params.public_meeting or model.week % review != review - 1:
        return
    h = model.households
    prob = propensity(model, Rung.CONSULTED, h.trust_government, invited=0.5)
    idx = choose(model, h.rung >= Rung.INFORMED, prob, model.committee.params.meeting_capacity, rng)
    engage(model, idx, Rung.CONSULTED, voice=2.0)


def _trust_in_planner_channel(h: Households) -> np.ndarray:
    """Trust behind a planner's invitation: in the planner and in the government it works with."""
    return 0.5 * (h.trust_government + h.trust_planner)


def _visit_order(model: LilongModel, candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scores for the planner's outreach strategy (higher is visited first)."""
    h = model.households
    tiebreak = rng.random(h.n) * 1e-3
    strategy = model.planner.params.outreach_strategy
    if strategy == "nearest":
        score = -model.distance_to_planner
    elif strategy == "most_in_need":
        score = model.largest_need * (1.0 - h.delivered)
    else:  # least_heard
        score = -h.voice_recent
    return np.where(candidates, score + tiebreak, -np.inf)


def planner_visits(model: LilongModel, rng: np.random.Generator) -> None:
    """Door-to-door outreach: inform, teach, build trust, invite, and listen."""
    planner = model.planner
    if planner is None or planner.outreach_hours <= 0:
        return
    h, b, pp = model.households, model.params.behaviour, planner.params
    n_visits = _whole_plus_chance(planner.outreach_hours / pp.hours_per_visit, rng)
    candidates = model.week - h.last_visit >= REVISIT_WEEKS
    n_visits = min(n_visits, int(candidates.sum()))
    if n_visits == 0:
        return
    score = _visit_order(model, candidates, rng)
    visited = np.argpartition(-score, n_visits - 1)[:n_visits]
    h.last_visit[visited] = model.week
    h.knowledge[visited] += b.knowledge_gain * pp.facilitation_skill * (1 - h.knowledge[visited])
    h.trust_planner[visited] += b.trust_gain * pp.facilitation_skill * (1 - h.trust_planner[visited])
    h.invited_until[visited] = model.week + INVITATION_WEEKS
    h.take_part(visited, Rung.INFORMED, model.week)
    trust = _trust_in_planner_channel(h)
    prob = propensity(model, Rung.CONSULTED, trust, invited=1.0)[visited]
    engage(model, visited[rng.random(n_visits) < prob], Rung.CONSULTED, voice=1.0)


def planner_workshops(model: LilongModel, rng: np.random.Generator) -> None:
    """Workshops and on-site feedback sessions for the invited and the already engaged."""
    h = model.households
    model.workshop_feedback = np.zeros(model.lilong.n_sites)
    planner = model.planner
    if planner is None or planner.workshop_hours <= 0:
        return
    pp = planner.params
    seats = _whole_plus_chance(planner.workshop_hours / pp.hours_per_workshop, rng) * pp.workshop_capacity
    if seats == 0:
        return
    invited = invited_now(model)
    eligible = (invited > 0) | (h.rung >= Rung.CONSULTED) | h.leader
    trust = _trust_in_planner_channel(h)
    prob = propensity(model, Rung.INVOLVED, trust, invited) * (0.5 + 0.5 * pp.facilitation_skill)
    idx = choose(model, eligible, prob, seats, rng)
    engage(model, idx, Rung.INVOLVED, voice=3.0)
    b = model.params.behaviour
    h.knowledge[idx] += b.knowledge_gain * pp.facilitation_skill * (1 - h.knowledge[idx])
    h.internal_efficacy[idx] += 0.5 * b.knowledge_gain * (1 - h.internal_efficacy[idx])
    c = model.catchment
    links = links_of(c, idx)
    model.workshop_feedback = np.bincount(c.site[links], weights=c.weight[links], minlength=model.lilong.n_sites)


def platform_meeting(model: LilongModel, rng: np.random.Generator) -> None:
    """The standing deliberation platform: residents, committee, office and planner deliberate."""
    plat = model.committee.platform
    if not plat.deliberation or model.week % plat.meeting_interval_weeks != 0:
        return
    h = model.households
    eligible = (h.rung >= Rung.INVOLVED) | h.leader | h.volunteer
    prob = propensity(model, Rung.COLLABORATING, h.trust_government, invited=1.0)
    idx = choose(model, eligible, prob, plat.meeting_capacity, rng)
    engage(model, idx, Rung.COLLABORATING, voice=4.0)


def leaders_recruit(model: LilongModel, rng: np.random.Generator) -> None:
    """Leaders organise and invite neighbours to take part."""
    h = model.households
    leaders = np.flatnonzero(h.leader)
    if len(leaders) == 0:
        return
    engage(model, leaders, Rung.LEADING, hours=LEADER_HOURS)
    edges = pick(h.leader[model.net_src], len(leaders) * model.params.behaviour.leader_invites_per_week, rng)
    h.invited_until[model.net_dst[edges]] = model.week + INVITATION_WEEKS


CHANNELS = (notices, complaints, survey, public_meeting, planner_visits, planner_workshops,
            platform_meeting, leaders_recruit)
