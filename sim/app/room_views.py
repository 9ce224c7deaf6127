"""What the room's pages show, as plain strings and data (no Solara): a seat's situation in plain
language, the console's seat list, the runs side by side, the QR code. Read under the room's lock."""

from __future__ import annotations

import html
import io

import numpy as np
import segno

from sim.app.i18n import improvement_a, metric_label, name
from sim.app.room_i18n import rt
from sim.app.session import Frame, Snapshot
from sim.app.settings import Settings
from sim.app.views import WORKSHOP_CHARTS, event_line, fmt_value, line_chart_svg, scale_word
from sim.metrics import observed_rungs
from sim.params import IMPROVEMENT_TYPES
from sim.population import LADDER
from sim.projects import STATUS_NAMES, Status
from sim.room.choices import HOURS, household_alleys
from sim.room.engine import RoomRun
from sim.room.room import Room
from sim.room.seats import HOUSEHOLD, OFFICE, PLANNER, Seat

COMPARED = ("involved_share", "satisfaction_overall", "trust_government", "spaces_in_use", "budget_spent_yuan")


def seat_label(seat: Seat, lang: str = "en") -> str:
    label = rt(seat.kind, lang)
    return f"{label} {seat.id.rsplit('-', 1)[1]}" if seat.role == HOUSEHOLD else label


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG element (segno: pure Python)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def _yuan(x: float) -> str:
    return f"{x:,.0f}"


def neighbourhood_line(room: Room, lang: str = "en") -> str:
    m = room.run.model.metrics
    return rt("neighbourhood", lang, involved=fmt_value("involved_share", m["involved_share"], lang),
              sat=scale_word(m["satisfaction_overall"], lang), spaces=int(m["spaces_in_use"]))


def situation(room: Room, seat_id: str, lang: str = "en") -> list[str]:
    """The seat's own situation now, in plain sentences."""
    model, seat = room.run.model, room.run.by_id[seat_id]
    if seat.role == HOUSEHOLD:
        i, h = seat.household, model.households
        house = int(model.lilong.household_house[i]) + 1
        lines = [rt("hh_where", lang, house=house, alley=int(household_alleys(model)[i])),
                 rt("hh_need", lang, need=name(IMPROVEMENT_TYPES[int(np.argmax(h.need[i]))], lang)),
                 rt("hh_time", lang, weekday=scale_word(float(h.time_weekday[i]), lang),
                    evening=scale_word(float(h.time_evening[i]), lang)),
                 rt("hh_feel", lang, sat=scale_word(float(h.satisfaction_overall[i]), lang),
                    trust=scale_word(float(h.trust_government[i]), lang)),
                 rt("hh_part", lang, rung=name(LADDER[int(observed_rungs(model)[i])], lang))]
        c = model.catchment
        near = np.unique(c.site[c.household == i])
        near = near[model.projects.status[near] > Status.IDLE]
        if len(near):
            sites = [rt("near_site", lang, what=improvement_a(IMPROVEMENT_TYPES[int(model.projects.type[s])], lang),
                        stage=name(STATUS_NAMES[int(model.projects.status[s])], lang)) for s in near[:4]]
            lines.append(rt("hh_near", lang, sites=", ".join(sites)))
        else:
            lines.append(rt("hh_near_none", lang))
        if h.volunteer[i]:
            lines.append(rt("volunteering", lang))
        return lines
    p = model.params
    if seat.role == PLANNER:
        shares = {k: round(100 * getattr(p.planner, f"share_{k}")) for k in HOURS}
        return [rt("planner_now", lang, hours=f"{p.planner.hours_per_week:g}", **shares),
                rt("planner_people", lang, n=len(model.workshop_attendees))]
    if seat.role == OFFICE:
        waiting = int((model.projects.status == Status.DESIGNED).sum())
        return [rt("office_budget", lang, yuan=_yuan(float(model.institutions.budget_left_yuan[0]))),
                rt("office_waiting", lang, n=waiting)]
    c, pb = p.committee, model.projects
    in_use = pb.status == Status.IN_USE
    return [rt("committee_now", lang, reach=f"{100 * c.notice_reach_per_week:g}",
               survey=rt("yes" if c.survey_interval_weeks else "no", lang),
               meeting=rt("yes" if c.public_meeting else "no", lang),
               rota=rt("yes" if p.platform.self_management_rules else "no", lang)),
            rt("committee_rules", lang, n=int((pb.rules & in_use).sum()), m=int(in_use.sum()))]


def _site_words(run: RoomRun, site: int, lang: str) -> dict[str, object]:
    """What a project is and which alley it is on."""
    model = run.model
    x = model.lilong.site_box[site, 0]
    return {"what": improvement_a(IMPROVEMENT_TYPES[int(model.projects.type[site])], lang),
            "alley": int(x // model.lilongs[0].strip_width + 1)}


def design_line(run: RoomRun, site: int, lang: str = "en") -> str:
    """A finished design waiting for approval, in words (what, where, what it costs)."""
    return rt("design_line", lang, **_site_words(run, site, lang),
              yuan=_yuan(float(run.model.projects.cost_yuan[site])))


def vote_line(run: RoomRun, site: int, lang: str = "en") -> str:
    """A design a household may vote on, in words (what, where, its stage, the votes standing)."""
    line = rt("vote_line", lang, **_site_words(run, site, lang),
              stage=name(STATUS_NAMES[int(run.model.projects.status[site])], lang))
    votes = list(run.standing.get(site, {}).values())
    return f"{line} · {rt('votes_standing', lang, yes=votes.count(1), no=votes.count(-1))}" if votes else line


def site_lines(run: RoomRun, options: dict, lang: str = "en") -> dict[int, str]:
    """The words for each site a form offers: designs for the office, designs to vote on for a household."""
    return {**{s: design_line(run, s, lang) for s in options.get("sites", [])},
            **{s: vote_line(run, s, lang) for s in options.get("votes", [])}}


def last_round(room: Room, lang: str = "en", last: int = 6) -> list[str]:
    """The model's events of the round just played, newest first."""
    if room.run.round == 0:
        return [rt("nothing_yet", lang)]
    start = room.run.model.week - room.config.round_weeks
    events = [e for e in room.run.model.events if e["week"] > start]
    return [event_line(e, lang) for e in reversed(events[-last:])] or [neighbourhood_line(room, lang)]


def seat_status(room: Room, seat_id: str) -> str:
    """connected / away / agents, for the console."""
    if seat_id not in room.holder:
        return "st_agents"
    return "st_connected" if room.connected.get(seat_id, 0) > 0 else "st_away"


def people_counts(room: Room) -> tuple[int, int]:
    """(chosen, people seated) this round."""
    return len(room.pending), len(room.holder)


def frame_of(room: Room, seq: int) -> tuple[Frame, list[str]]:
    """The session and its branches as one frame (for maps, charts and the comparison), and their labels."""
    cfg = room.config
    settings = Settings(scenario=cfg.scenario, preset=cfg.preset, seed=cfg.seed)
    runs = [room.run] + [b.run for b in room.branches]
    frame = Frame(seq, 1, tuple(Snapshot.of(settings, r.model) for r in runs))
    return frame, ["session"] + [b.name for b in room.branches]


def run_label(room: Room, key: str, lang: str = "en") -> str:
    if key == "session":
        return rt("session_run", lang)
    b = next(b for b in room.branches if b.name == key)
    how = rt("branch_how_agents" if b.choice is None else "branch_how_person", lang)
    return rt("branch_name", lang, name=b.name, round=b.from_round, seat=seat_label(room.run.by_id[b.seat], lang),
              how=how)


def run_charts(frame: Frame, labels: list[str], lang: str = "en") -> list[str]:
    return [line_chart_svg(column, [(label, s.history["week"].to_numpy(float), s.history[column].to_numpy(float))
                                    for label, s in zip(labels, frame.sides, strict=True)], lang)
            for column in WORKSHOP_CHARTS]


def compare_table(frame: Frame, labels: list[str], lang: str = "en") -> str:
    """The runs side by side: one row per metric, one column per run (HTML)."""
    head = "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    rows = "".join(f"<tr><td>{html.escape(metric_label(m, lang))}</td>"
                   + "".join(f"<td>{html.escape(fmt_value(m, float(s.metrics[m]), lang))}</td>" for s in frame.sides)
                   + "</tr>" for m in COMPARED)
    return (f'<table class="room-compare"><thead><tr><th>{rt("metric_col", lang)}</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")

