"""What the room's pages show, as plain strings and data (no Solara): a seat's situation in plain
language, the console's seat list, the runs side by side, the QR code. Read under the room's lock."""

from __future__ import annotations

import functools
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
from sim.model import LilongModel
from sim.params import IMPROVEMENT_TYPES
from sim.population import LADDER
from sim.projects import STATUS_NAMES, Status
from sim.room.choices import HOURS, household_alleys
from sim.room.debrief import DEBRIEF_METRICS, ChoiceRow
from sim.room.engine import RoomRun
from sim.room.room import Room
from sim.room.seats import COMMITTEE, HOUSEHOLD, OFFICE, PLANNER, Seat

COMPARED = ("involved_share", "satisfaction_overall", "trust_government", "spaces_in_use", "budget_spent_yuan")


def seat_label(seat: Seat, lang: str = "en") -> str:
    label = rt(seat.kind, lang)
    return f"{label} {seat.id.rsplit('-', 1)[1]}" if seat.role == HOUSEHOLD else label


@functools.lru_cache(maxsize=64)
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


CARD_EVENTS = ("proposed", "designed", "approved", "built", "rules", "worn_out", "repaired")


def seat_cards(room: Room, lang: str = "en") -> list[dict[str, str]]:
    """One card per seat: who plays it, connected or not, chosen this round or not."""
    cards = []
    for s in room.seats:
        held = s.id in room.holder
        state = seat_status(room, s.id)
        cards.append({"seat": s.id, "label": seat_label(s, lang),
                      "who": rt("card_person" if held else "card_agents", lang), "status": rt(state, lang),
                      "state": state,
                      "chosen": (rt("st_chosen" if s.id in room.pending else "st_choosing", lang) if held else ""),
                      "done": "1" if s.id in room.pending else "0"})
    return cards


def round_cards(room: Room, lang: str = "en") -> list[dict[str, object]]:
    """One card per neighbourhood run (the session's and each branch's) for the round just played: how many
    of each kind of event, how engagement and satisfaction moved, the votes cast, the latest events."""
    if room.run.round == 0:
        return []
    weeks = room.config.round_weeks
    runs = [("session", room.run)] + [(b.name, b.run) for b in room.branches]
    cards = []
    for key, run in runs:
        model = run.model
        start = model.week - weeks
        events = [e for e in model.events if e["week"] > start]
        counts = [rt(f"card_ev_{kind}", lang, n=n) for kind in CARD_EVENTS
                  if (n := sum(e["event"] == kind for e in events))]
        lines = [rt("list_sep", lang).join(counts) if counts else rt("card_quiet", lang)]
        for metric in ("involved_share", "satisfaction_overall"):
            col = list(model.metric_names).index(metric)
            was, now = float(model.recorded[start][0][col]), float(model.recorded[model.week][0][col])
            lines.append(rt("card_moved", lang, what=metric_label(metric, lang), was=fmt_value(metric, was, lang),
                            now=fmt_value(metric, now, lang)))
        yes, no = (sum(len(c.get(k, [])) for c in run.history[-1].values()) for k in ("vote_for", "vote_against"))
        if yes or no:
            lines.append(rt("card_votes", lang, yes=yes, no=no))
        lines += [event_line(e, lang) for e in reversed(events[-3:])]
        cards.append({"run": key, "title": run_label(room, key, lang), "lines": lines})
    return cards


def seat_status(room: Room, seat_id: str) -> str:
    """connected / away / agents, for the console."""
    if seat_id not in room.holder:
        return "st_agents"
    return "st_connected" if room.connected.get(seat_id, 0) > 0 else "st_away"


def people_counts(room: Room) -> tuple[int, int]:
    """(chosen, people seated) this round."""
    return len(room.pending), len(room.holder)


def snapshot_of(room: Room, model: LilongModel) -> Snapshot:
    """What a map and the charts show of ``model``, a run of ``room``."""
    cfg = room.config
    return Snapshot.of(Settings(scenario=cfg.scenario, preset=cfg.preset, seed=cfg.seed), model)


def frame_of(room: Room, seq: int) -> tuple[Frame, list[str]]:
    """The session and its branches as one frame (for maps, charts and the comparison), and their labels."""
    runs = [room.run] + [b.run for b in room.branches]
    frame = Frame(seq, 1, tuple(snapshot_of(room, r.model) for r in runs))
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



# ---------------------------------------------------------------- the debrief


def _sites_words(run: RoomRun, sites: list[int], lang: str) -> str:
    return ", ".join(rt("site_words", lang, **_site_words(run, s, lang)) for s in sites)


def choice_words(seat: Seat, choice: dict, run: RoomRun, lang: str = "en") -> str:
    """A choice (a person's or the agents') in plain words."""
    parts: list[str] = []
    if seat.role == HOUSEHOLD:
        parts.append("; ".join(rt(f"act_{a}", lang) for a in choice["actions"]))
        for key in ("vote_for", "vote_against", "withdraw"):
            if choice.get(key):
                parts.append(rt(f"said_{key}", lang, sites=_sites_words(run, choice[key], lang)))
    elif seat.role == OFFICE:
        for key in ("approve", "hold"):
            if choice[key]:
                parts.append(rt(f"said_{key}", lang, sites=_sites_words(run, choice[key], lang)))
        parts = parts or [rt("said_rule", lang)]
    elif seat.role == PLANNER:
        visit = choice["visit"]
        whom = (rt("visit_model", lang) if visit == "model" else rt("visit_room", lang) if visit == "room"
                else rt("visit_alley", lang, alley=visit.split(":")[1]))
        parts.append(rt("said_hours", lang, whom=whom, **{k: choice[k] for k in HOURS}))
    elif seat.role == COMMITTEE:
        parts.append(rt("said_committee", lang, notices=rt(f"notices_{choice['notices']}", lang),
                        survey=rt("yes" if choice["survey"] else "no", lang),
                        meeting=rt("yes" if choice["meeting"] else "no", lang),
                        rules=rt(f"rules_{choice.get('rules', 'usual')}", lang)))
    return "; ".join(p for p in parts if p)


def debrief_choices_html(room: Room, rows: list[ChoiceRow], lang: str = "en") -> str:
    """Per round, each person's choice against the agents' on the same state (HTML)."""
    if not rows:
        return f"<p>{html.escape(rt('debrief_no_choices', lang))}</p>"
    out = []
    for r in sorted({row.round for row in rows}):
        mine = [row for row in rows if row.round == r]
        differ = sum(not row.same for row in mine)
        out.append(f'<h3 class="debrief-round" data-round="{r}">'
                   f"{html.escape(rt('debrief_round', lang, round=r, n=differ, m=len(mine)))}</h3>")
        body = "".join(
            f'<tr class="debrief-row" data-seat="{row.seat}" data-same="{int(row.same)}">'
            f"<td>{html.escape(seat_label(room.run.by_id[row.seat], lang))}</td>"
            f"<td>{html.escape(choice_words(room.run.by_id[row.seat], row.person, room.run, lang))}</td>"
            f"<td>{html.escape(choice_words(room.run.by_id[row.seat], row.agents, room.run, lang))}</td>"
            f"<td>{html.escape(rt('same' if row.same else 'different', lang))}</td></tr>" for row in mine)
        head = "".join(f"<th>{html.escape(rt(k, lang))}</th>"
                       for k in ("debrief_seat", "debrief_person", "debrief_agents", "debrief_same"))
        out.append(f'<table class="room-compare debrief-choices"><thead><tr>{head}</tr></thead>'
                   f"<tbody>{body}</tbody></table>")
    return "".join(out)


def debrief_run_label(room: Room, key: str, lang: str = "en") -> str:
    if key.startswith("scenario:"):
        scenario = key.split(":", 1)[1]
        label = name(scenario, lang)
        return rt("debrief_alone_own", lang, scenario=label) if scenario == room.config.scenario else label
    return run_label(room, key, lang)


def _debrief_value(metric: str, value: float, lang: str) -> str:
    return str(int(value)) if metric == "spaces_built" else fmt_value(metric, value, lang)


def debrief_metrics_html(room: Room, rows: list[tuple[str, dict[str, float]]], lang: str = "en") -> str:
    """The room's runs and the shipped scenarios alone, side by side (HTML), with one plain sentence."""
    head = "".join(f"<th>{html.escape(rt(f'debrief_{m}', lang))}</th>" for m in DEBRIEF_METRICS)
    body = "".join(
        f'<tr class="debrief-run" data-run="{html.escape(key)}"><td>{html.escape(debrief_run_label(room, key, lang))}'
        "</td>" + "".join(f"<td>{html.escape(_debrief_value(m, v[m], lang))}</td>" for m in DEBRIEF_METRICS)
        + "</tr>" for key, v in rows)
    table = (f'<table class="room-compare debrief-metrics"><thead><tr><th>{rt("debrief_run", lang)}</th>{head}'
             f"</tr></thead><tbody>{body}</tbody></table>")
    values = dict(rows)
    alone = values.get(f"scenario:{room.config.scenario}")
    if alone is None:
        return table
    s = values["session"]
    sentence = rt("debrief_sentence", lang, involved=fmt_value("involved_share", s["involved_share"], lang),
                  involved0=fmt_value("involved_share", alone["involved_share"], lang),
                  sat=fmt_value("satisfaction_overall", s["satisfaction_overall"], lang),
                  sat0=fmt_value("satisfaction_overall", alone["satisfaction_overall"], lang),
                  built=int(s["spaces_built"]), built0=int(alone["spaces_built"]),
                  scenario=name(room.config.scenario, lang))
    return f'<p class="debrief-sentence">{html.escape(sentence)}</p>{table}'
