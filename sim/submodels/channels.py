"""The opportunities to take part that each institution creates (inputs to submodel 1).

Every scenario has the committee's notices, residents' complaints, residents' own
initiatives (proposals made with neighbours, no planner needed) and, wherever leaders have
emerged, their organising and invitations. A survey and a public meeting exist where the
committee runs them; visits and workshops where a planner works; platform meetings where
the street office runs a deliberation platform (Neighbourhood Hub), with or without a planner.

Each channel draws from its own random stream (``model.streams``, the channel's name), one number
per household (or per contact edge, for invitations) each time it runs, whoever is eligible, so
that events an institution does not touch stay identical across scenarios on the same seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.neighbourhoods import expand, segment_top
from sim.population import ExpectationSource, Households, Rung
from sim.submodels.common import links_of, positions_of
from sim.submodels.decision import expect_from_links, pipeline_links
from sim.submodels.participation import choose, invited_now, learn, propensity

if TYPE_CHECKING:
    from sim.model import LilongModel


def _whole_plus_chance(x: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """Per neighbourhood: the integer part of ``x`` plus one with probability of its fractional part."""
    whole = np.floor(x)
    return (whole + (draw < x - whole)).astype(np.int64)


def engage(model: LilongModel, idx: np.ndarray, depth: int, voice: float = 0.0,
           hours: np.ndarray | float = 0.0) -> None:
    """Households ``idx`` take part at ``depth``, giving ``voice`` and ``hours`` of organising work (one per
    household of ``idx``, or one for all)."""
    h = model.households
    h.take_part(idx, depth, model.week)
    h.voice[idx] += voice
    h.work_hours_week[idx] += hours


def invite_neighbours(model: LilongModel, inviters: np.ndarray, per_inviter: np.ndarray, stream: str) -> np.ndarray:
    """The inviters (sorted indices) together invite up to ``per_inviter[k]`` neighbours each (per
    neighbourhood k), chosen at random among all their contacts; returns who was invited.

    ``stream`` is the inviting mechanism's own: a neighbourhood draws one number per contact edge of its
    inviters.
    """
    if len(inviters) == 0:
        return np.zeros(0, dtype=np.int64)
    edges = positions_of(model.net_src, inviters)  # grouped by inviter, so by neighbourhood
    nb = model.edge_seg.of[edges]
    keys = model.streams.uniform(stream, np.bincount(nb, minlength=model.k))
    limit = model.hseg.counts_of(inviters) * per_inviter
    edges = edges[segment_top(keys, nb, limit)]
    invited = model.net_dst[edges]
    model.households.invited_until[invited] = model.week + model.per_household.behaviour.invitation_weeks[invited]
    return invited


def notices(model: LilongModel) -> None:
    """The committee posts notices; some households read them and become informed."""
    h, hp = model.households, model.per_household
    reach = hp.committee.notice_reach_per_week * hp.behaviour.notice_read_rate
    read = model.streams.uniform_over("notices", model.hseg) < reach * (0.5 + h.interest)
    h.take_part(read, Rung.INFORMED, model.week)


def complaints(model: LilongModel) -> None:
    """Any household may complain to the committee about an unmet need (voice, shallow)."""
    h = model.households
    p = model.per_household.behaviour.complaint_rate * propensity(model, Rung.CONSULTED, h.trust_government)
    complain = model.decisions.take_up("complain", None, model.streams.uniform_over("complaints", model.hseg) < p)
    engage(model, np.flatnonzero(complain), Rung.CONSULTED, voice=1.0)


def initiatives(model: LilongModel) -> None:
    """Residents propose improvements on their own, collecting neighbours' support (involved; no planner)."""
    h, b = model.households, model.per_household.behaviour
    p = b.initiative_rate * propensity(model, Rung.INVOLVED, h.trust_government, invited_now(model))
    starters = np.flatnonzero(model.decisions.take_up("initiative", None,
                                                      model.streams.uniform_over("initiatives", model.hseg) < p))
    engage(model, starters, Rung.INVOLVED, voice=3.0, hours=2.0)
    learn(model, starters, model.columns.committee.facilitation_skill)
    invite_neighbours(model, starters, model.columns.behaviour.initiative_invites_per_week, "invitations")


def _households_of(model: LilongModel, active: np.ndarray) -> np.ndarray:
    """The households of the ``active`` neighbourhoods, as sorted indices."""
    return np.flatnonzero(expand(active, model.hseg))


def survey(model: LilongModel) -> None:
    """The committee's needs survey: everyone is asked; the willing answer."""
    interval = model.columns.committee.survey_interval_weeks
    active = (interval > 0) & (model.week % np.maximum(interval, 1) == interval - 1)
    if not active.any():
        return
    h = model.households
    take = model.streams.uniform_over("survey", model.hseg, active)
    who = _households_of(model, active)
    prob = propensity(model, Rung.CONSULTED, h.trust_government, invited=0.5, who=who)
    engage(model, choose(model, who, prob, None, take, choice="survey"), Rung.CONSULTED, voice=1.0)


def public_meeting(model: LilongModel) -> None:
    """A public meeting the week before each project review, open to the informed."""
    review = model.columns.street_office.review_interval_weeks
    cc = model.columns.committee
    active = cc.public_meeting & (model.week % review == review - 1)
    if not active.any():
        return
    h = model.households
    take = model.streams.uniform_over("public_meeting", model.hseg, active)
    priority = model.streams.uniform_over("public_meeting", model.hseg, active)
    informed = np.flatnonzero(((h.rung >= Rung.INFORMED) | model.decisions.wants("public_meeting"))
                              & expand(active, model.hseg))
    prob = propensity(model, Rung.CONSULTED, h.trust_government, invited=0.5, evening_share=cc.meeting_evening_share,
                      who=informed)
    engage(model, choose(model, informed, prob, cc.meeting_capacity, take, priority, choice="public_meeting"),
           Rung.CONSULTED, voice=2.0)


def _trust_in_planner_channel(h: Households) -> np.ndarray:
    """Trust behind a planner's invitation: in the planner and in the government it works with."""
    return 0.5 * (h.trust_government + h.trust_planner)


def _visit_score(model: LilongModel, who: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Scores for each neighbourhood's planner's outreach strategy, for households ``who`` (higher is
    visited first)."""
    h = model.households
    strategies = model.columns.planner.outreach_strategy
    scores = {"nearest": lambda w: -model.distance_to_planner[w],
              "most_in_need": lambda w: model.largest_need[w] * (1.0 - h.delivered[w]),
              "least_heard": lambda w: -h.voice_recent[w]}
    if len(set(strategies)) == 1:  # one strategy everywhere (one neighbourhood, an ensemble): score only by it
        score = scores[strategies[0]](who)
    else:
        strategy = np.asarray(strategies)[model.hseg.of[who]]
        score = np.empty(len(who))
        for name, by in scores.items():
            mine = strategy == name
            score[mine] = by(who[mine])
    return score + tiebreak[who] * 1e-3


def planner_visits(model: LilongModel) -> None:
    """Door-to-door outreach: inform, teach, build trust, invite, and listen.

    A visit is not itself taking part: it informs and invites; a household willing to talk
    about its needs is consulted (voice).
    """
    inst = model.institutions
    active = inst.planner_on & (inst.outreach_hours > 0)
    if not active.any():
        return
    h, hp, pl = model.households, model.per_household, model.columns.planner
    streams = model.streams
    n_visits = _whole_plus_chance(inst.outreach_hours / inst.hours_per_visit,
                                  streams.uniform_each("planner_visits", active)) * active
    tiebreak = streams.uniform_over("planner_visits", model.hseg, active)
    talk = streams.uniform_over("planner_visits", model.hseg, active)
    candidates = np.flatnonzero((model.week - h.last_visit >= hp.planner.revisit_weeks) & expand(active, model.hseg))
    score = _visit_score(model, candidates, tiebreak)
    first = model.decisions.visit_first
    if len(first):  # whom the planner's person chose to visit comes first, in the order chosen
        rank = np.full(h.n, np.nan)
        rank[first] = np.arange(len(first))
        chosen = ~np.isnan(rank[candidates])
        score = np.where(chosen, 1e9 - rank[candidates], score)
    visited = candidates[segment_top(-score, model.hseg.of[candidates], n_visits)]
    if len(visited) == 0:
        return
    h.last_visit[visited] = model.week
    learn(model, visited, pl.facilitation_skill)
    gain = hp.behaviour.trust_gain[visited] * hp.planner.facilitation_skill[visited]
    h.trust_planner[visited] += gain * (1 - h.trust_planner[visited])
    h.invited_until[visited] = model.week + hp.behaviour.invitation_weeks[visited]
    h.take_part(visited, Rung.INFORMED, model.week)
    trust = _trust_in_planner_channel(h)
    prob = propensity(model, Rung.CONSULTED, trust, invited=1.0, who=visited)
    engage(model, visited[talk[visited] < prob], Rung.CONSULTED, voice=1.0)


def planner_workshops(model: LilongModel) -> None:
    """Workshops and on-site feedback sessions for the invited, the already engaged, and drop-ins.

    Seats and reach depend on the meeting place: a borrowed room, or the planner's workstation
    (governance parlour), where people living nearby can drop in uninvited.
    """
    h, inst = model.households, model.institutions
    model.workshop_feedback = np.zeros(model.lilong.n_sites)
    model.workshop_attendees = np.zeros(0, dtype=np.int64)
    active = inst.planner_on & (inst.workshop_hours > 0)
    if not active.any():
        return
    pl, hp, streams = model.columns.planner, model.per_household, model.streams
    sessions = _whole_plus_chance(inst.workshop_hours / pl.hours_per_workshop,
                                  streams.uniform_each("planner_workshops", active))
    seats = sessions * inst.venue_capacity * active
    active = seats > 0
    if not active.any():
        return
    take = streams.uniform_over("planner_workshops", model.hseg, active)
    priority = streams.uniform_over("planner_workshops", model.hseg, active)
    invited = invited_now(model)
    eligible = (((invited > 0) | (h.rung >= Rung.CONSULTED) | h.leader | model.in_workstation_reach
                 | model.decisions.wants("workshop")) & expand(active, model.hseg))
    trust = _trust_in_planner_channel(h)
    who = np.flatnonzero(eligible)
    take_up = (propensity(model, Rung.INVOLVED, trust, invited, evening_share=pl.evening_share, who=who)
               * (0.5 + 0.5 * hp.planner.facilitation_skill[who]))
    # Workshops recur weekly: ``take_up`` is the chance of coming at all while the invitation (or
    # one's recent engagement) lasts, spread as a weekly hazard over that period.
    b = hp.behaviour
    period = np.where(invited[who] > 0, b.invitation_weeks[who], b.activity_memory_weeks[who])
    idx = choose(model, who, 1 - (1 - take_up) ** (1 / period), seats, take, priority, choice="workshop")
    engage(model, idx, Rung.INVOLVED, voice=3.0)
    learn(model, idx, pl.facilitation_skill)
    # They worked on the projects near them.
    expect_from_links(model, pipeline_links(model, idx), ExpectationSource.WORKSHOP)
    h.invited_until[idx] = model.week + b.invitation_weeks[idx]  # the planner follows up with those who came
    model.workshop_attendees = idx
    c = model.catchment
    links = links_of(c, idx)
    model.workshop_feedback = np.bincount(c.site[links], weights=c.weight[links], minlength=model.lilong.n_sites)


def platform_meeting(model: LilongModel) -> None:
    """The standing deliberation platform run by the street office: residents deliberate with officials.

    Seats go to the involved, the core and representatives the committee invites from those
    who voiced needs recently; so the platform works with or without a planner.
    """
    plat = model.columns.platform
    active = plat.deliberation & (model.week % plat.meeting_interval_weeks == 0)
    if not active.any():
        return
    h, streams, seg = model.households, model.streams, model.hseg
    tiebreak = streams.uniform_over("platform_meeting", seg, active)
    take = streams.uniform_over("platform_meeting", seg, active)
    priority = streams.uniform_over("platform_meeting", seg, active)
    here = expand(active, seg)
    eligible = ((h.rung >= Rung.INVOLVED) | h.leader | h.volunteer | model.decisions.wants("platform")) & here
    voiced = np.flatnonzero(~eligible & here & (h.voice_recent > 0))
    representatives = voiced[segment_top(-(h.voice_recent[voiced] + tiebreak[voiced] * 1e-6), seg.of[voiced],
                                         plat.representatives_per_meeting)]
    eligible[representatives] = True
    who = np.flatnonzero(eligible)
    prob = propensity(model, Rung.COLLABORATING, h.trust_government, invited=1.0, evening_share=plat.evening_share,
                      who=who)
    idx = choose(model, who, prob, plat.meeting_capacity, take, priority, choice="platform")
    engage(model, idx, Rung.COLLABORATING, voice=4.0)
    # Officials run the meeting; a planner working with residents lifts its facilitation, as far as
    # the planner's workshop hours allow (a planner with no hours adds nothing).
    facilitation = model.columns.committee.facilitation_skill
    planner_skill = np.where(model.institutions.planner_on, model.columns.planner.facilitation_skill, facilitation)
    learn(model, idx, facilitation + (planner_skill - facilitation) * model.institutions.workshop_capacity)


def leaders_recruit(model: LilongModel) -> None:
    """Leaders organise and invite neighbours to take part (and, through volunteering, to join the core)."""
    h = model.households
    leaders = np.flatnonzero(h.leader)
    engage(model, leaders, Rung.LEADING, hours=model.per_household.behaviour.leader_hours_per_week[leaders])
    model.leader_invitees = invite_neighbours(model, leaders, model.columns.behaviour.leader_invites_per_week,
                                              "leaders_recruit")


CHANNELS = (notices, complaints, initiatives, survey, public_meeting, planner_visits, planner_workshops,
            platform_meeting, leaders_recruit)
