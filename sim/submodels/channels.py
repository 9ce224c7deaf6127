"""The opportunities to take part that each institution creates (inputs to submodel 1).

Every scenario has the committee's notices, residents' complaints, residents' own
initiatives (proposals made with neighbours, no planner needed) and, wherever leaders have
emerged, their organising and invitations. A survey and a public meeting exist where the
committee runs them; visits and workshops where a planner works; platform meetings where
the street office runs a deliberation platform (Neighbourhood Hub), with or without a planner.

Each channel draws from its own random stream (``model.streams[channel name]``), and draws
the same numbers whatever the scenario, so that events an institution does not touch stay
identical across scenarios on the same seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import ExpectationSource, Households, Rung
from sim.submodels.common import links_of, pick, positions_of, uniform
from sim.submodels.decision import expect_from_links, pipeline_links
from sim.submodels.participation import choose, invited_now, learn, propensity

if TYPE_CHECKING:
    from sim.model import LilongModel


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


def invite_neighbours(model: LilongModel, inviters: np.ndarray, per_inviter: int,
                      rng: np.random.Generator) -> np.ndarray:
    """The inviters (sorted indices) together invite up to ``per_inviter`` neighbours each, chosen at
    random among all their contacts; returns who was invited.

    ``rng`` is a stream of the inviting mechanism's own: how many numbers it needs depends on who
    invites, so it must not be the stream a channel keeps aligned across scenarios.
    """
    edges = pick(positions_of(model.net_src, inviters), len(inviters) * per_inviter, rng)
    invited = model.net_dst[edges]
    model.households.invited_until[invited] = model.week + model.params.behaviour.invitation_weeks
    return invited


def notices(model: LilongModel, rng: np.random.Generator) -> None:
    """The committee posts notices; some households read them and become informed."""
    h = model.households
    reach = model.committee.params.notice_reach_per_week * model.params.behaviour.notice_read_rate
    read = uniform(rng, h.n) < reach * (0.5 + h.interest)
    h.take_part(read, Rung.INFORMED, model.week)


def complaints(model: LilongModel, rng: np.random.Generator) -> None:
    """Any household may complain to the committee about an unmet need (voice, shallow)."""
    h = model.households
    p = model.params.behaviour.complaint_rate * propensity(model, Rung.CONSULTED, h.trust_government)
    engage(model, np.flatnonzero(uniform(rng, h.n) < p), Rung.CONSULTED, voice=1.0)


def initiatives(model: LilongModel, rng: np.random.Generator) -> None:
    """Residents propose improvements on their own, collecting neighbours' support (involved; no planner)."""
    h, b = model.households, model.params.behaviour
    p = b.initiative_rate * propensity(model, Rung.INVOLVED, h.trust_government, invited_now(model))
    starters = np.flatnonzero(uniform(rng, h.n) < p)
    engage(model, starters, Rung.INVOLVED, voice=3.0, hours=2.0)
    learn(model, starters, model.committee.params.facilitation_skill)
    invite_neighbours(model, starters, b.initiative_invites_per_week, model.streams["invitations"])


def survey(model: LilongModel, rng: np.random.Generator) -> None:
    """The committee's needs survey: everyone is asked; the willing answer."""
    interval = model.committee.params.survey_interval_weeks
    if interval == 0 or model.week % interval != interval - 1:
        return
    h = model.households
    prob = propensity(model, Rung.CONSULTED, h.trust_government, invited=0.5)
    engage(model, choose(h.n, np.arange(h.n), prob, h.n, rng), Rung.CONSULTED, voice=1.0)


def public_meeting(model: LilongModel, rng: np.random.Generator) -> None:
    """A public meeting the week before each project review, open to the informed."""
    review = model.office.params.review_interval_weeks
    cp = model.committee.params
    if not cp.public_meeting or model.week % review != review - 1:
        return
    h = model.households
    informed = np.flatnonzero(h.rung >= Rung.INFORMED)
    prob = propensity(model, Rung.CONSULTED, h.trust_government, invited=0.5, evening_share=cp.meeting_evening_share,
                      who=informed)
    idx = choose(h.n, informed, prob, cp.meeting_capacity, rng)
    engage(model, idx, Rung.CONSULTED, voice=2.0)


def _trust_in_planner_channel(h: Households) -> np.ndarray:
    """Trust behind a planner's invitation: in the planner and in the government it works with."""
    return 0.5 * (h.trust_government + h.trust_planner)


def _visit_order(model: LilongModel, candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scores for the planner's outreach strategy (higher is visited first)."""
    h = model.households
    tiebreak = uniform(rng, h.n) * 1e-3
    strategy = model.planner.params.outreach_strategy
    if strategy == "nearest":
        score = -model.distance_to_planner
    elif strategy == "most_in_need":
        score = model.largest_need * (1.0 - h.delivered)
    else:  # least_heard
        score = -h.voice_recent
    return np.where(candidates, score + tiebreak, -np.inf)


def planner_visits(model: LilongModel, rng: np.random.Generator) -> None:
    """Door-to-door outreach: inform, teach, build trust, invite, and listen.

    A visit is not itself taking part: it informs and invites; a household willing to talk
    about its needs is consulted (voice).
    """
    planner = model.planner
    if planner is None or planner.outreach_hours <= 0:
        return
    h, b, pp = model.households, model.params.behaviour, planner.params
    n_visits = _whole_plus_chance(planner.outreach_hours / planner.hours_per_visit, rng)
    candidates = model.week - h.last_visit >= pp.revisit_weeks
    n_visits = min(n_visits, int(candidates.sum()))
    if n_visits == 0:
        return
    score = _visit_order(model, candidates, rng)
    visited = np.argpartition(-score, n_visits - 1)[:n_visits]
    h.last_visit[visited] = model.week
    learn(model, visited, pp.facilitation_skill)
    h.trust_planner[visited] += b.trust_gain * pp.facilitation_skill * (1 - h.trust_planner[visited])
    h.invited_until[visited] = model.week + b.invitation_weeks
    h.take_part(visited, Rung.INFORMED, model.week)
    trust = _trust_in_planner_channel(h)
    prob = propensity(model, Rung.CONSULTED, trust, invited=1.0, who=visited)
    engage(model, visited[uniform(rng, n_visits) < prob], Rung.CONSULTED, voice=1.0)


def planner_workshops(model: LilongModel, rng: np.random.Generator) -> None:
    """Workshops and on-site feedback sessions for the invited, the already engaged, and drop-ins.

    Seats and reach depend on the meeting place: a borrowed room, or the planner's workstation
    (governance parlour), where people living nearby can drop in uninvited.
    """
    h = model.households
    model.workshop_feedback = np.zeros(model.lilong.n_sites)
    model.workshop_attendees = np.zeros(0, dtype=np.int64)
    planner = model.planner
    if planner is None or planner.workshop_hours <= 0:
        return
    pp = planner.params
    seats = _whole_plus_chance(planner.workshop_hours / pp.hours_per_workshop, rng) * planner.venue_capacity
    if seats == 0:
        return
    invited = invited_now(model)
    eligible = (invited > 0) | (h.rung >= Rung.CONSULTED) | h.leader | model.in_workstation_reach
    trust = _trust_in_planner_channel(h)
    who = np.flatnonzero(eligible)
    take_up = (propensity(model, Rung.INVOLVED, trust, invited, evening_share=pp.evening_share, who=who)
               * (0.5 + 0.5 * pp.facilitation_skill))
    # Workshops recur weekly: ``take_up`` is the chance of coming at all while the invitation (or
    # one's recent engagement) lasts, spread as a weekly hazard over that period.
    b = model.params.behaviour
    period = np.where(invited[who] > 0, b.invitation_weeks, b.activity_memory_weeks)
    idx = choose(h.n, who, 1 - (1 - take_up) ** (1 / period), seats, rng)
    engage(model, idx, Rung.INVOLVED, voice=3.0)
    learn(model, idx, pp.facilitation_skill)
    # They worked on the projects near them.
    expect_from_links(model, pipeline_links(model, idx), ExpectationSource.WORKSHOP)
    h.invited_until[idx] = model.week + b.invitation_weeks  # the planner follows up with those who came
    model.workshop_attendees = idx
    c = model.catchment
    links = links_of(c, idx)
    model.workshop_feedback = np.bincount(c.site[links], weights=c.weight[links], minlength=model.lilong.n_sites)


def platform_meeting(model: LilongModel, rng: np.random.Generator) -> None:
    """The standing deliberation platform run by the street office: residents deliberate with officials.

    Seats go to the involved, the core and representatives the committee invites from those
    who voiced needs recently; so the platform works with or without a planner.
    """
    plat = model.committee.platform
    if not plat.deliberation or model.week % plat.meeting_interval_weeks != 0:
        return
    h = model.households
    eligible = (h.rung >= Rung.INVOLVED) | h.leader | h.volunteer
    voiced = np.where(~eligible & (h.voice_recent > 0), h.voice_recent + uniform(rng, h.n) * 1e-6, -np.inf)
    k = min(plat.representatives_per_meeting, int(np.isfinite(voiced).sum()))
    if k > 0:
        eligible[np.argpartition(-voiced, k - 1)[:k]] = True
    who = np.flatnonzero(eligible)
    prob = propensity(model, Rung.COLLABORATING, h.trust_government, invited=1.0, evening_share=plat.evening_share,
                      who=who)
    idx = choose(h.n, who, prob, plat.meeting_capacity, rng)
    engage(model, idx, Rung.COLLABORATING, voice=4.0)
    # Officials run the meeting; a planner working with residents lifts its facilitation, as far as
    # the planner's workshop hours allow (a planner with no hours adds nothing).
    facilitation = model.committee.params.facilitation_skill
    if model.planner is not None:
        facilitation += (model.planner.params.facilitation_skill - facilitation) * model.planner.workshop_capacity
    learn(model, idx, facilitation)


def leaders_recruit(model: LilongModel, rng: np.random.Generator) -> None:
    """Leaders organise and invite neighbours to take part (and, through volunteering, to join the core)."""
    h = model.households
    model.leader_invitees = np.zeros(0, dtype=np.int64)
    if not h.leader.any():
        return
    b = model.params.behaviour
    leaders = np.flatnonzero(h.leader)
    engage(model, leaders, Rung.LEADING, hours=b.leader_hours_per_week)
    model.leader_invitees = invite_neighbours(model, leaders, b.leader_invites_per_week, rng)


CHANNELS = (notices, complaints, initiatives, survey, public_meeting, planner_visits, planner_workshops,
            platform_meeting, leaders_recruit)
