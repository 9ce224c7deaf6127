"""The workshop room's pages: make a room (``/room/new``), join from a phone (``/room/join``), a seat
(``/room/seat?code=…&token=…``: the address brings a reloaded phone back to its seat) and the
facilitator's console (``/room/console?code=…&key=…``) and its debrief (``/room/debrief?code=…&key=…``).

Each page watches its room from a thread of its own (started in the page's session): when the room
changes it redraws, and it tells the room whether its browser is still connected, so the console
shows who is here and a phone that sleeps or reloads is "away", then back, in the same seat.
"""

from __future__ import annotations

import html
import sys
import threading
import traceback
from collections.abc import Callable
from urllib.parse import parse_qs, quote

import numpy as np
import solara

from sim.app.components import Charts, EventLog, MapView, language
from sim.app.i18n import name
from sim.app.room_forms import ChoiceForm, Tick, default_choice
from sim.app.room_i18n import refusal, rt
from sim.app.room_views import (
    compare_table,
    debrief_choices_html,
    debrief_metrics_html,
    frame_of,
    last_round,
    neighbourhood_line,
    people_counts,
    qr_svg,
    round_cards,
    run_charts,
    run_label,
    seat_cards,
    seat_label,
    site_lines,
    situation,
    snapshot_of,
)
from sim.app.settings import SEED, preset_files, results_dir, scenario_files
from sim.app.widgets import SeatMemory
from sim.room.branch import branch_point
from sim.room.debrief import choice_rows, metric_rows
from sim.room.engine import ROUND_WEEKS, RoomConfig
from sim.room.errors import RoomError
from sim.room.export import export_session
from sim.room.registry import ROOMS
from sim.room.room import Room
from sim.room.seats import DEFAULT_LIMITS, OFFICE, Seat

CSS = """
.room-page { padding: 8px 12px 40px; max-width: 100%; box-sizing: border-box; }
.room-code { font-size: 3rem; font-weight: bold; letter-spacing: 0.2em; }
.room-qr svg { width: 220px; height: 220px; }
.room-message { color: #b00020; font-weight: bold; }
.room-ok { color: #006d2c; }
.seat-cards, .round-cards { display: flex; flex-wrap: wrap; gap: 8px; }
.seat-card { min-width: 180px; max-width: 260px; }
.seat-card.seat-connected { border-left: 6px solid #1a9850; }
.seat-card.seat-away { border-left: 6px solid #fdae61; }
.seat-card.seat-agents { border-left: 6px solid #bbb; color: #555; }
.round-card { max-width: 520px; }
.round-card ul { margin: 2px 0 0 16px; padding: 0; }
.room-compare td, .room-compare th { padding: 2px 8px; text-align: left; }
.room-runs { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.seat-page { max-width: 640px; }
.seat-page .v-input--checkbox { margin-top: 0; }
.design-row { flex-wrap: wrap; align-items: center; }
"""


def query(router: object) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(getattr(router, "search", None) or "").items()}


def _page_state() -> tuple[Callable[[], bool], Callable[[], bool]]:
    """(here, closed) for this page's session: whether a browser is connected to it now, and whether the
    session has closed, the page gone for good (outside a server: always here, never closed)."""
    from solara.server import kernel_context

    if not kernel_context.has_current_context():
        return (lambda: True), (lambda: False)
    context = kernel_context.get_current_context()
    closed = context.closed_event.is_set
    return (lambda: not closed() and kernel_context.PageStatus.CONNECTED in tuple(context.page_status.values())), closed


def _report(room: Room, what: str) -> None:
    """An error in a page's watcher, with its traceback, to the server's log (stderr)."""
    print(f"room {room.code}: {what} failed; the page goes on watching the room", file=sys.stderr)
    traceback.print_exc()


class _Watch:
    """A page's watch of its room, from a thread of its own (:func:`use_room`): it redraws the page when what
    the page draws from changes, keeps the seconds left, and tells the room whether the page's browser is here.
    An error in the page's view or in a redraw is logged with its traceback and the watch goes on (the page
    would otherwise stop updating for good); only the page going away ends it, quietly."""

    def __init__(self, room: Room, view: Callable[[Room], object] | None, tick: solara.Reactive,
                 seconds: solara.Reactive, presence: Callable[[bool], None] | None, drawn_at: int,
                 live: tuple[Callable[[Room], object], solara.Reactive] | None = None) -> None:
        self.room, self.view, self.tick, self.seconds, self.presence = room, view, tick, seconds, presence
        self.live = live  # (what a small part of the page shows, the reactive value it reads)
        self.drawn_at = drawn_at  # the room's version the page's render drew from
        self.stop = threading.Event()
        self.here_now, self.closed = _page_state()  # read in the page's session (the effect), used in the thread
        self.seen, self.here, self.drawn = room.version, True, None
        self.failed = ""  # the view's last error: logged once, until the view works again
        self.failed_redraw = ""  # likewise a redraw's

    def shown(self) -> object:
        """What the page draws from now. A view that fails is logged and is unlike anything drawn: the page
        redraws from the room itself."""
        if self.view is None:
            return self.room.version
        try:
            with self.room.lock:
                now = self.view(self.room)
        except Exception as exc:
            if repr(exc) != self.failed:
                self.failed = repr(exc)
                _report(self.room, "a page's view")
            return object()
        self.failed = ""
        return now

    def run(self) -> None:
        self.seen, self.drawn = self.room.version, self.shown()
        try:
            if self._guarded(self.begin):
                while not self.stop.is_set() and self._guarded(self.step):
                    pass
        finally:
            if self.presence is not None and self.here:
                self.presence(False)

    def begin(self) -> None:
        self.show_seconds()
        self.show_live()
        if self.seen != self.drawn_at:  # the room changed between the render and this thread's start: draw it
            self.tick.value += 1
        if self.presence is not None:
            self.presence(True)
        self.failed_redraw = ""

    def step(self) -> None:
        """Wait for a change (half a second at most), then tell presence, the seconds and a redraw."""
        version = self.room.wait_change(self.seen, 0.5)
        changed, self.seen = version != self.seen, version
        now_here = self.here_now()
        if self.presence is not None and now_here != self.here:
            self.presence(now_here)
            self.here = now_here
        self.show_seconds()
        if changed:
            self.show_live()
            now = self.shown()
            if now != self.drawn:
                self.drawn = now
                self.tick.value += 1
            self.failed_redraw = ""  # a change drawn: the next error is news

    def show_seconds(self) -> None:
        secs = self.room.seconds_left()
        secs = None if secs is None else int(secs)
        if secs != self.seconds.value:
            self.seconds.value = secs

    def show_live(self) -> None:
        """Put what the live part of the page shows in its reactive value (only its reader redraws)."""
        if self.live is None:
            return
        what, value = self.live
        with self.room.lock:
            now = what(self.room)
        if now != value.value:
            value.value = now

    def _guarded(self, part: Callable[[], None]) -> bool:
        """Run ``part``: False if it failed because the page went away (the watch ends quietly); any other
        error is logged (once while it repeats) and the watch goes on."""
        try:
            part()
        except Exception as exc:
            if self.stop.is_set() or self.closed():
                return False  # the page went away mid-update: nothing left to draw
            if repr(exc) != self.failed_redraw:  # once, not every half second while it lasts
                self.failed_redraw = repr(exc)
                _report(self.room, "a page's redraw")
        return True


def use_room(room: Room | None, presence: Callable[[bool], None] | None = None,
             view: Callable[[Room], object] | None = None,
             live: Callable[[Room], object] | None = None) -> tuple[int, solara.Reactive, solara.Reactive]:
    """Redraw when ``room`` changes what this page shows: ``view(room)`` (read under the room's lock) is
    what the page draws from, and a change of the room that leaves it as it was redraws nothing (``None``:
    any change redraws). ``presence`` hears whether this page's browser is here. Returns a number that
    changes with every redraw it asks for, and the seconds left in the round (``None``: no timer) as a
    reactive value: only a component that reads it (:func:`TimeLeft`) redraws each second, not the page.
    Likewise ``live(room)`` (read under the lock at every change; ``None`` until first read) as a third,
    reactive, value: a part of the page that changes often redraws alone (a waiting phone's count of who
    has chosen). With 30 phones, a choice redraws only the pages it changes (the console), and the count on
    the phones that wait.
    The watch runs in a thread of its own (:class:`_Watch`) until the page goes away."""
    tick = solara.use_reactive(0)
    seconds = solara.use_reactive(None)
    live_value = solara.use_reactive(None)
    drawn_at = room.version if room is not None else -1  # the room this render drew from

    def watch() -> Callable[[], None] | None:
        if room is None:
            return None
        watcher = _Watch(room, view, tick, seconds, presence, drawn_at,
                         None if live is None else (live, live_value))
        threading.Thread(target=watcher.run, daemon=True, name="room-page-watch").start()
        return watcher.stop.set

    solara.use_effect(watch, [room])
    return tick.value, seconds, live_value


@solara.component
def TimeLeft(seconds: solara.Reactive, classes: list[str], none_text: str = "") -> None:
    """The round's seconds left; this component alone redraws as they count down."""
    secs = seconds.value
    if secs is not None:
        solara.Text(rt("time_left", language.value, s=secs), classes=classes)
    elif none_text:
        solara.Text(none_text, classes=classes)


@solara.component
def Message(text: str, ok: bool = False) -> None:
    if text:
        solara.Text(text, classes=["room-ok" if ok else "room-message"])


# ---------------------------------------------------------------- /room/new


@solara.component
def RoomNew() -> None:
    lang = language.value
    router = solara.use_router()
    scenarios = solara.use_memo(scenario_files, [])
    presets = solara.use_memo(preset_files, [])
    scenario, set_scenario = solara.use_state("planner_platform")
    preset, set_preset = solara.use_state("guizhou_west")
    seed, set_seed = solara.use_state("0")
    weeks, set_weeks = solara.use_state(ROUND_WEEKS)
    seconds, set_seconds = solara.use_state(0)
    limits, set_limits = solara.use_state(dict(DEFAULT_LIMITS))
    problem, set_problem = solara.use_state("")
    busy, set_busy = solara.use_state(False)

    def make() -> None:
        try:
            value = int(SEED.parse(seed))
        except ValueError:
            set_problem(rt("err_bad_config", lang, why=rt("seed", lang)))
            return
        set_busy(True)
        try:
            room = ROOMS.create(RoomConfig(scenario, preset, value, dict(limits), int(weeks), int(seconds)))
        except RoomError as exc:
            set_problem(refusal(exc.key, lang, **exc.values))
            set_busy(False)
            return
        except ValueError as exc:
            set_problem(rt("err_bad_config", lang, why=str(exc)))
            set_busy(False)
            return
        ROOMS.start_timer()
        router.push(f"/room/console?code={room.code}&key={quote(room.facilitator_key)}")

    solara.Style(CSS)
    with solara.Column(classes=["room-page", "room-new"], gap="8px"):
        solara.Text(rt("new_room", lang), style="font-size:1.6rem;font-weight:bold")
        solara.v.Select(label=rt("scenario", lang), v_model=scenario, on_v_model=set_scenario, class_="room-scenario",
                        items=[{"text": name(s, lang), "value": s} for s in scenarios])
        solara.v.Select(label=rt("preset", lang), v_model=preset, on_v_model=set_preset, class_="room-preset",
                        items=[{"text": name(p, lang), "value": p} for p in presets])
        solara.InputText(rt("seed", lang), value=seed, on_value=set_seed, classes=["room-seed"])
        solara.InputInt(rt("round_weeks", lang), value=weeks, on_value=lambda v: set_weeks(v or ROUND_WEEKS),
                        classes=["room-weeks"])
        solara.InputInt(rt("round_seconds", lang), value=seconds, on_value=lambda v: set_seconds(v or 0),
                        classes=["room-seconds"])
        solara.Text(rt("seats_heading", lang), style="font-weight:bold")
        with solara.Row(style="flex-wrap:wrap"):
            for kind, n in limits.items():
                solara.InputInt(rt(kind, lang), value=n, on_value=lambda v, k=kind: set_limits({**limits, k: v or 0}),
                                classes=[f"limit-{kind}"], style="max-width:260px")
        Message(problem)
        solara.Button(rt("make_room", lang), on_click=make, color="primary", disabled=busy, classes=["make-room"])


# ---------------------------------------------------------------- /room/join


@solara.component
def RoomJoin() -> None:
    lang = language.value
    router = solara.use_router()
    given = query(router).get("code", "")
    code, set_code = solara.use_state(given)
    room, set_room = solara.use_state(None)
    problem, set_problem = solara.use_state("")
    use_room(room)

    def find(text: str | None = None) -> None:
        try:
            set_room(ROOMS.get(text if text is not None else code))
            set_problem("")
        except RoomError as exc:
            set_problem(refusal(exc.key, lang))

    solara.use_effect(lambda: find(given) if given else None, [])

    def take(seat_id: str) -> None:
        try:
            token = room.join(seat_id, lang)
        except RoomError as exc:
            set_problem(refusal(exc.key, lang))
            return
        router.push(f"/room/seat?code={room.code}&token={quote(token)}")

    stored, set_stored = solara.use_state("")  # a token this browser kept for the room (its local storage)
    mine = _held_seat(room, stored)

    solara.Style(CSS)
    with solara.Column(classes=["room-page", "room-join"], gap="8px"):
        solara.Text(rt("join_title", lang), style="font-size:1.4rem;font-weight:bold")
        with solara.Row():
            solara.InputText(rt("room_code", lang), value=code, on_value=set_code, continuous_update=True,
                             classes=["code-input"])
            solara.Button(rt("find_room", lang), on_click=lambda: find(), color="primary", classes=["find-room"])
        Message(problem)
        if room is not None:
            SeatMemory.element(code=room.code, token="", on_stored=set_stored)
            if mine is not None:
                with solara.Column(gap="2px", classes=["seat-back"]):
                    solara.Text(rt("seat_back", lang, seat=seat_label(mine, lang)), style="font-weight:bold")
                    with solara.Link(f"/room/seat?code={room.code}&token={quote(stored)}"):
                        solara.Button(rt("seat_back_button", lang), color="primary", classes=["seat-back-button"])
            solara.Text(rt("pick_seat", lang), style="font-weight:bold")
            with room.lock:
                seats = [(s, s.id in room.holder) for s in room.seats]
            for seat, held in seats:
                with solara.Row(classes=["seat-choice", f"seat-{seat.id}"]):
                    solara.Button(f"{seat_label(seat, lang)} · {rt('seat_held' if held else 'seat_free', lang)}",
                                  on_click=lambda s=seat.id: take(s), disabled=held, outlined=True,
                                  classes=["take-seat"])


# ---------------------------------------------------------------- /room/seat


@solara.component
def RoomSeat() -> None:
    lang = language.value
    router = solara.use_router()
    q = query(router)
    found = solara.use_memo(lambda: _seat_of(q.get("code"), q.get("token")), [q.get("code"), q.get("token")])
    room, seat_id, problem0 = found
    problem, set_problem = solara.use_state("")
    token = q.get("token", "")

    def presence(here: bool) -> None:
        try:
            room.connect(token) if here else room.disconnect(token)
        except RoomError:
            pass

    _, seconds, counts = use_room(room, presence if room is not None else None, _seat_view(seat_id),
                                  _seat_counts(seat_id))
    solara.Style(CSS)
    with solara.Column(classes=["room-page", "seat-page"], gap="6px"):
        if room is None:
            Message(refusal(problem0, lang))
            with solara.Link("/room/join"):
                solara.Button(rt("join_title", lang), outlined=True)
            return
        with room.lock:
            seat = room.run.by_id[seat_id]
            round_no, week, paused = room.round, int(room.run.model.week), room.paused
            mine = room.pending.get(seat_id)
            chosen, people = people_counts(room)
            lines, near_line = situation(room, seat_id, lang), neighbourhood_line(room, lang)
            happened = last_round(room, lang)
            options = room.run.options(seat_id)
            initial = default_choice(seat, options, room.run.model.params)
            designs = site_lines(room.run, options, lang)

        def submit(choice: dict) -> None:
            try:
                room.submit(token, round_no, choice)
                set_problem("")
            except RoomError as exc:
                set_problem(refusal(exc.key, lang, **exc.values))

        solara.Text(rt("your_seat", lang, seat=seat_label(seat, lang)), classes=["seat-title"],
                    style="font-size:1.3rem;font-weight:bold")
        solara.Text(rt("round_n", lang, round=round_no, week=week), classes=["seat-round"])
        TimeLeft(seconds, ["seat-timer"])
        if paused:
            solara.Text(rt("paused_note", lang), classes=["seat-paused"])
        solara.Text(rt("situation", lang), style="font-weight:bold")
        solara.HTML(tag="ul", unsafe_innerHTML="".join(f"<li>{_esc(x)}</li>" for x in [*lines, near_line]),
                    classes=["seat-situation"])
        solara.Text(rt("last_round", lang), style="font-weight:bold")
        solara.HTML(tag="ul", unsafe_innerHTML="".join(f"<li>{_esc(x)}</li>" for x in happened),
                    classes=["seat-last-round"])
        solara.Text(rt("this_round", lang), style="font-weight:bold")
        if mine is not None:
            WaitingCount(counts, (chosen, people))
        else:
            ChoiceForm(seat, options, initial, designs, submit).key(f"{seat_id}-{round_no}-{lang}")
        Message(problem)
        solara.Text(rt("keep_address", lang), style="font-size:0.8em;color:#555")
        SeatMemory.element(code=room.code, token=token)


def _seat_view(seat_id: str) -> Callable[[Room], tuple]:
    """What a seat's page draws from: the round, the model's week, a pause, and whether the seat has chosen.
    Another seat's choice leaves it as it was (the count a waiting seat shows is :func:`_seat_counts`)."""
    def view(room: Room) -> tuple:
        return room.round, int(room.run.model.week), room.paused, seat_id in room.pending
    return view


def _seat_counts(seat_id: str) -> Callable[[Room], tuple[int, int] | None]:
    """How many have chosen, of how many people, while the seat waits (``None`` while it chooses)."""
    def counts(room: Room) -> tuple[int, int] | None:
        return people_counts(room) if seat_id in room.pending else None
    return counts


@solara.component
def WaitingCount(counts: solara.Reactive, drawn: tuple[int, int]) -> None:
    """A waiting seat's "n of m have chosen": redraws alone as others choose (``drawn``: the counts when the
    page was drawn, shown until the page's watch has read them)."""
    n, m = counts.value or drawn
    solara.Text(rt("chosen_wait", language.value, n=n, m=m), classes=["seat-waiting"])


def _held_seat(room: Room | None, token: str) -> Seat | None:
    """The seat ``token`` holds in ``room`` (None: no room, no token, or not this room's)."""
    if room is None or not token:
        return None
    try:
        return room.seat_of(token)
    except RoomError:
        return None


def _esc(text: str) -> str:
    return html.escape(text)


def _seat_of(code: str | None, token: str | None) -> tuple[Room | None, str, str]:
    try:
        room, seat_id = ROOMS.seat(code, token)
    except RoomError as exc:
        return None, "", exc.key
    return room, seat_id, ""


# ---------------------------------------------------------------- /room/console


@solara.component
def RoomConsole() -> None:
    lang = language.value
    room, key, problem0 = use_console()
    tick, seconds, _ = use_room(room)
    message, set_message = solara.use_state(("", True))
    drawn = None
    if room is not None:
        with room.lock:
            drawn = _runs_state(room)
    # The maps, charts and table change only when a run does (a round, a branch), not with every choice.
    shown = solara.use_memo(lambda: _frame(room, tick) if room is not None else None, [drawn, room])
    charts = solara.use_memo(lambda: _charts(room, shown, lang) if shown is not None else [], [drawn, room, lang])
    solara.Style(CSS)
    with solara.Column(classes=["room-page", "console-page"], gap="8px"):
        if room is None or shown is None:
            Message(refusal(problem0, lang))
            return
        frame, labels = shown
        with room.lock:
            seat_html, round_html = _seat_cards_html(room, lang), _round_cards_html(room, lang)
            round_no, played, paused = room.round, room.run.round, room.paused
            names = [run_label(room, k, lang) for k in labels]
            seat_ids = [s.id for s in room.seats]
        host = _host()
        join_url = f"http://{host}/room/join?code={room.code}"

        def act(fn: Callable[[], object], done: str = "") -> None:
            try:
                fn()
                set_message((done, True))
            except RoomError as exc:
                set_message((refusal(exc.key, lang, **exc.values), False))

        def export() -> None:
            try:
                path = export_session(room, results_dir() / "rooms")
            except OSError as exc:
                set_message((str(exc), False))
                return
            set_message((rt("exported", lang, path=path), True))

        with solara.Row(style="align-items:center;gap:16px"):
            solara.Text(rt("console_title", lang, code=room.code), style="font-size:1.5rem;font-weight:bold")
            with solara.Link(f"/room/debrief?code={room.code}&key={quote(key)}"):
                solara.Button(rt("debrief", lang), outlined=True, classes=["debrief-link"])
        with solara.Row(classes=["console-top"], style="flex-wrap:wrap;gap:16px"):
            with solara.Column(gap="2px"):
                solara.Text(room.code, classes=["room-code"])
                solara.Text(rt("join_here", lang, url=f"http://{host}/room/join", code=room.code),
                            classes=["join-address"])
                solara.HTML(tag="div", unsafe_innerHTML=qr_svg(join_url), classes=["room-qr"],
                            attributes={"title": rt("qr_label", lang), "data-url": join_url})
                solara.Text(rt("console_link_note", lang), style="font-size:0.8em;color:#555")
            with solara.Column(gap="4px"):
                solara.Text(rt("round_n", lang, round=round_no, week=frame.sides[0].week), classes=["console-round"])
                TimeLeft(seconds, ["console-timer"], rt("no_timer", lang))
                with solara.Row():
                    if paused:
                        solara.Button(rt("resume", lang), on_click=lambda: act(lambda: room.resume(key)),
                                      classes=["resume-button"], outlined=True)
                    else:
                        solara.Button(rt("pause", lang), on_click=lambda: act(lambda: room.pause(key)),
                                      classes=["pause-button"], outlined=True)
                    solara.Button(rt("advance", lang), on_click=lambda: act(lambda: room.advance(key)),
                                  color="primary", classes=["advance-button"])
                    solara.Button(rt("export", lang), on_click=export, outlined=True, classes=["export-button"])
                Message(message[0], ok=message[1])
        solara.Text(rt("cards_seats", lang), style="font-weight:bold")
        solara.HTML(tag="div", unsafe_innerHTML=seat_html, classes=["cards", "seat-cards"])
        if round_html:
            solara.Text(rt("cards_round", lang), style="font-weight:bold")
            solara.HTML(tag="div", unsafe_innerHTML=round_html, classes=["cards", "round-cards"])
        solara.HTML(tag="div", unsafe_innerHTML=compare_table(frame, names, lang), classes=["compare-box"])
        with solara.Div(classes=["room-runs"]):
            for index, snap in enumerate(frame.sides):
                with solara.Column(gap="4px", classes=[f"run-{labels[index]}"]):
                    solara.Text(names[index], style="font-weight:bold")
                    MapView(snap, 1, frame.seq * 10 + index, show_inspector=False)
                    EventLog(snap, last=6)
        Charts(charts)
        ReplayPanel(room, key, played)
        BranchPanel(room, key, played, seat_ids)


def _seat_cards_html(room: Room, lang: str) -> str:
    return "".join(
        f'<div class="indicator-card seat-card seat-{c["state"].removeprefix("st_")}" data-seat="{_esc(c["seat"])}" '
        f'data-chosen="{c["done"]}"><b>{_esc(c["label"])}</b><br>{_esc(c["who"])} · {_esc(c["status"])}'
        + (f"<br>{_esc(c['chosen'])}" if c["chosen"] else "") + "</div>" for c in seat_cards(room, lang))


def _round_cards_html(room: Room, lang: str) -> str:
    return "".join(f'<div class="indicator-card round-card" data-run="{_esc(str(c["run"]))}"><b>{_esc(str(c["title"]))}'
                   "</b><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in c["lines"]) + "</ul></div>"
                   for c in round_cards(room, lang))


def _runs_state(room: Room) -> tuple:
    """What the runs the console draws are at: the session's round and week, each branch's (call under the
    room's lock)."""
    return (room.run.round, int(room.run.model.week),
            tuple((b.name, b.run.round, int(b.run.model.week)) for b in room.branches))


def _charts(room: Room, shown: tuple, lang: str) -> list[str]:
    frame, labels = shown
    with room.lock:
        names = [run_label(room, k, lang) for k in labels]
    return run_charts(frame, names, lang)


def _frame(room: Room, tick: int) -> tuple:
    with room.lock:
        return frame_of(room, tick + 1)


def use_console() -> tuple[Room | None, str, str]:
    """The room the address's code and facilitator key open (the console's and the debrief's), the key, and
    the refusal's key if they open none."""
    q = query(solara.use_router())
    room, problem = solara.use_memo(lambda: _console_of(q.get("code"), q.get("key")), [q.get("code"), q.get("key")])
    return room, q.get("key", ""), problem


def _console_of(code: str | None, key: str | None) -> tuple[Room | None, str]:
    try:
        return ROOMS.console(code, key), ""
    except RoomError as exc:
        return None, exc.key


def _host() -> str:
    """The address the facilitator's browser used (phones on the same network use it too)."""
    try:
        headers = solara.lab.headers.value or {}
    except Exception:
        headers = {}
    host = (headers.get("host") or headers.get("Host") or ["127.0.0.1:8765"])[0]
    return host


@solara.component
def ReplayPanel(room: Room, key: str, played: int) -> None:
    lang = language.value
    upto, set_upto = solara.use_state(played)
    result, set_result = solara.use_state("")
    shown, set_shown = solara.use_state(None)  # the replayed run's snapshot, for its map

    def run() -> None:
        try:
            again = room.replay_to(key, int(upto))
        except RoomError as exc:
            set_result(refusal(exc.key, lang))
            return
        with room.lock:
            live = room.run.model.weekly_table()[:, : again.model.week + 1]
        same = np.array_equal(again.model.weekly_table(), live, equal_nan=True)
        set_result(rt("replayed", lang, week=again.model.week, same=rt("yes" if same else "no", lang)))
        set_shown(snapshot_of(room, again.model))

    with solara.Row(classes=["replay-panel"], style="align-items:center;flex-wrap:wrap"):
        solara.v.Select(label=rt("replay", lang), v_model=min(upto, played), on_v_model=set_upto,
                        items=list(range(played + 1)), class_="replay-round", style_="max-width:220px")
        solara.Button(rt("replay_show", lang), on_click=run, outlined=True, classes=["replay-button"])
        solara.Text(result, classes=["replay-result"])
    if shown is not None:
        with solara.Column(gap="4px", classes=["replay-map", f"replay-week-{shown.week}"]):
            solara.Text(rt("replay_map", lang, week=shown.week), style="font-weight:bold")
            MapView(shown, 2, shown.week, show_inspector=False)


@solara.component
def BranchPanel(room: Room, key: str, played: int, seat_ids: list[str]) -> None:
    lang = language.value
    start, set_start = solara.use_state(max(0, played - 1))
    seat_id, set_seat = solara.use_state(OFFICE if OFFICE in seat_ids else seat_ids[0])
    agents, set_agents = solara.use_state(False)
    problem, set_problem = solara.use_state(("", True))
    start = min(start, max(0, played - 1))
    point = solara.use_memo(lambda: branch_point(room.config, list(room.run.history), start) if played else None,
                            [start, played])

    def make(choice: dict | None) -> None:
        try:
            b = room.branch(key, int(start), seat_id, None if agents else choice)
            set_problem((b.name, True))
        except RoomError as exc:
            set_problem((refusal(exc.key, lang, **exc.values), False))

    solara.Text(rt("branch_heading", lang), style="font-weight:bold")
    if not played or point is None:
        solara.Text(rt("err_no_such_round", lang))
        return
    seat = point.by_id[seat_id]
    options = point.options(seat_id)
    # The form's classes name what it is for, so a click can wait for the form the choices above have built.
    ready = [f"branch-from-{start}", "branch-seat-" + "".join(c if c.isalnum() else "-" for c in seat_id)]
    with solara.Column(classes=["branch-panel", *ready], gap="4px"):
        with solara.Row(style="flex-wrap:wrap"):
            solara.v.Select(label=rt("branch_from", lang), v_model=start, on_v_model=set_start,
                            items=list(range(played)), class_="branch-round", style_="max-width:220px")
            solara.v.Select(label=rt("branch_seat", lang), v_model=seat_id, on_v_model=set_seat,
                            items=[{"text": seat_label(point.by_id[s], lang), "value": s} for s in seat_ids],
                            class_="branch-seat", style_="max-width:320px")
            Tick(label=rt("branch_agents", lang), value=agents, on_value=set_agents,
                            classes=["branch-agents"])
        designs = site_lines(point, options, lang)
        ChoiceForm(seat, options, default_choice(seat, options, point.model.params), designs, make,
                   label=rt("branch_make", lang)).key(f"branch-{seat_id}-{start}-{lang}")
        Message(problem[0], ok=problem[1])


# ---------------------------------------------------------------- /room/debrief


@solara.component
def RoomDebrief() -> None:
    lang = language.value
    room, key, problem0 = use_console()
    use_room(room)
    played = -1 if room is None else room.run.round
    branches = 0 if room is None else len(room.branches)
    scenarios = solara.use_memo(lambda: list(scenario_files()), [])
    # the shipped scenarios' runs take seconds: in a thread, the page says so meanwhile
    numbers = solara.use_thread(lambda: metric_rows(room, scenarios) if room is not None else [],
                                dependencies=[played, branches], intrusive_cancel=False)
    solara.Style(CSS)
    with solara.Column(classes=["room-page", "debrief-page"], gap="8px"):
        if room is None:
            Message(refusal(problem0, lang))
            return
        rows = choice_rows(room)
        with solara.Row(style="align-items:center;gap:16px"):
            solara.Text(rt("debrief_title", lang, code=room.code, rounds=played),
                        style="font-size:1.5rem;font-weight:bold")
            with solara.Link(f"/room/console?code={room.code}&key={quote(key)}"):
                solara.Button(rt("debrief_back", lang), outlined=True, classes=["console-link"])
        solara.Text(rt("debrief_runs", lang), style="font-weight:bold")
        if numbers.state == solara.ResultState.FINISHED:
            solara.HTML(tag="div", unsafe_innerHTML=debrief_metrics_html(room, numbers.value, lang),
                        classes=["debrief-metrics-box"])
        elif numbers.state == solara.ResultState.ERROR:
            Message(str(numbers.error))
        else:
            solara.Text(rt("debrief_working", lang), classes=["debrief-working"])
        solara.Text(rt("debrief_intro", lang), style="font-weight:bold")
        with room.lock:
            choices = debrief_choices_html(room, rows, lang)
        solara.HTML(tag="div", unsafe_innerHTML=choices, classes=["debrief-choices-box"])
