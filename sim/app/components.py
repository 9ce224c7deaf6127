"""Solara components shared by the explorer and the workshop: one of each, used by both pages.

:func:`use_live` gives a page its :class:`~sim.app.session.Session` and
:class:`~sim.app.session.Player`; the page reads ``live.frame()`` once per render and hands
snapshots down, so everything on screen shows the same week of every model.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import solara

from sim.app.i18n import LANGUAGES, describe, name, t
from sim.app.session import Frame, Player, Session, Snapshot
from sim.app.settings import SPEED_CHOICES, Field, InputError, Settings
from sim.app.views import event_lines, inspect, legend, map_cells, map_ground
from sim.app.widgets import LilongMap

language = solara.reactive("en")  # per browser session (Solara keeps reactives per connection)
SPEEDS = SPEED_CHOICES  # weeks per second offered by the speed buttons

CSS = """
.sim-app { font-size: 15px; }
.sim-app .app-header { flex-wrap: wrap; align-items: center !important; gap: 4px 16px; padding: 4px 16px;
  background: #1f3a5f !important; color: #fff; }
.app-header .app-title { font-size: 1.2rem; font-weight: 600; margin-right: auto; color: #fff; }
.app-header .v-btn { color: #fff !important; }
.app-header .nav-active { text-decoration: underline; text-underline-offset: 4px; }
.app-header .v-btn-toggle, .app-header .language-switch .v-btn { background: transparent !important; }
.app-header .language-switch .v-btn--active { background: rgba(255,255,255,0.25) !important; }
.page { padding: 8px 16px 48px; box-sizing: border-box; max-width: 100%; }
.toolbar, .play-controls { flex-wrap: wrap; align-items: center !important; gap: 8px 14px; }
.toolbar { margin: 4px 0 8px; }
.fields { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: flex-start; }
.fields .field { width: 240px; max-width: 100%; flex: 0 1 240px !important; }
.field-hint { font-size: 0.8rem; color: #555; max-width: 240px; }
.week-counter { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; }
.speed .v-btn { min-width: 0 !important; padding: 0 8px !important; }
.speed-label { font-size: 0.85rem; color: #444; }
.message { color: #1f3a5f; overflow-wrap: anywhere; }
.error-message { color: #b00020; font-weight: 600; }
.horizon-note { color: #1f3a5f; font-weight: 600; background: #fff4c2; padding: 2px 8px; border-radius: 4px; }
.cards-source { font-size: 0.9rem; color: #333; margin-top: 4px; }
.run-differs { font-size: 0.95rem; color: #7a3e00; font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr)); gap: 8px; margin: 8px 0; }
.indicator-card { border: 1px solid #ccc; border-radius: 6px; padding: 6px 10px; background: #fff; }
.card-label { font-weight: 600; }
.card-line { font-size: 0.95rem; }
.card-value { font-size: 1.6rem; font-weight: 700; line-height: 1.25; }
.card-note { font-size: 0.8rem; color: #555; }
.side-title { font-size: 1.15rem; font-weight: 700; display: flex; align-items: center; gap: 8px; }
.side-swatch { display: inline-block; width: 28px; height: 0; border-top: 4px solid; }
.lilong-map { display: block; width: 100%; height: auto; max-height: 78vh; }
.map-box { max-width: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 18px; font-size: 0.82rem; margin-top: 4px; }
.legend-group { max-width: 100%; }
.legend-title { font-weight: 600; }
.legend-items { display: flex; flex-wrap: wrap; gap: 2px 10px; }
.legend-item { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #999; box-sizing: border-box; }
.swatch.outlined { border: 2px solid #222; border-radius: 3px; }
.swatch.dashed { border: 2px dashed #222; border-radius: 3px; }
.swatch.round { border-radius: 50%; border: 2px solid #fff; outline: 1px solid #999; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 290px), 1fr)); gap: 10px 14px; }
.chart { margin: 0; min-width: 0; }
.chart figcaption { font-weight: 600; font-size: 0.92rem; }
.chart .keys { display: flex; flex-wrap: wrap; gap: 0 12px; font-size: 0.8rem; }
.chart > svg { display: block; width: 100%; height: auto; }
.event-log ul { margin: 2px 0; padding-left: 18px; font-size: 0.9rem; }
.inspector { font-size: 0.88rem; }
.inspector td { padding: 0 8px 0 0; vertical-align: top; }
.sides { display: grid; grid-template-columns: 1fr; gap: 16px; }
.workshop-main { display: grid; grid-template-columns: 1fr; gap: 16px; }
.explorer-main { display: grid; grid-template-columns: 1fr; gap: 16px; align-items: start; }
.explorer-settings .v-input { flex: 0 0 auto !important; }
.workshop-message .v-btn { max-width: 100%; height: auto !important; min-height: 36px; }
.workshop-message .v-btn__content { white-space: normal; overflow-wrap: anywhere; flex: 1 1 auto; }
/* A phone: the map and the cards first, the settings after them. */
@media (max-width: 700px) {
  .page { padding: 6px 10px 32px; }
  .workshop.page > .cards-block { order: 1; }
  .workshop.page > .workshop-main { order: 2; }
  .workshop.page > .workshop-controls, .workshop.page > .save-toolbar, .workshop.page > .workshop-message { order: 3; }
  .workshop.page > .instant-answers { order: 4; }
  .explorer-main > .explorer-map { order: -1; }
  .sim-app .app-header { padding: 2px 8px; gap: 0 8px; }
  .app-header .app-title { font-size: 1rem; width: 100%; }
  .app-header .v-btn { height: 30px !important; padding: 0 8px !important; }
  .toolbar, .play-controls { gap: 4px 8px; }
  .toolbar { margin: 2px 0 4px; }
  .week-counter { font-size: 1.25rem; }
  .presenter-switch { margin-top: 0 !important; }
  .presenter-switch .v-input__slot { margin-bottom: 0 !important; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px; margin: 4px 0; }
  .indicator-card { padding: 3px 6px; }
  .card-label { font-size: 0.85rem; line-height: 1.2; }
  .card-line, .card-note { font-size: 0.8rem; line-height: 1.25; }
  .card-value { font-size: 1.3rem; }
  .card-minus { display: none; }  /* said once, above the cards */
  .cards-source { font-size: 0.8rem; }
}
@media (min-width: 900px) {
  .sides { grid-template-columns: 1fr 1fr; }
  .explorer-main { grid-template-columns: 280px minmax(0, 1fr); }
  .explorer-main .explorer-charts { grid-column: 1 / -1; }
}
@media (min-width: 1250px) {
  .explorer-main { grid-template-columns: 280px minmax(0, 1.1fr) minmax(0, 1fr); }
  .explorer-main .explorer-charts { grid-column: auto; }
}
@media (min-width: 1600px) {
  .workshop-main { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); }
}
/* Presenter view: a projector layout. Big controls, cards in one row, maps and charts fill one screen
   (no scrolling at 1366x768 or 1920x1080; the least sizes are in docs/app.md and checked by the browser test). */
.presenter.page { font-size: 1.3rem; }
.presenter .week-counter { font-size: 2.4rem; }
.presenter .toolbar { margin: 0 0 4px; }
.presenter .toolbar .v-btn { font-size: 1.2rem !important; height: 52px !important; min-width: 110px !important; }
.presenter .speed .v-btn { min-width: 0 !important; height: 44px !important; }
.presenter .speed-label { font-size: 0.9rem; }
.presenter .cards-source, .presenter .run-differs { font-size: 1rem; }
.presenter .cards { margin: 2px 0 4px; }
.presenter .card-label { font-size: 1.1rem; }
.presenter .card-line { font-size: 1.1rem; }
.presenter .card-value { font-size: 2.2rem; }
.presenter .card-note { font-size: 0.95rem; }
.presenter .chart figcaption { font-size: 1.15rem; }
.presenter .chart .keys { display: none; }  /* the side titles carry each line's colour and dash */
.presenter .event-log ul { font-size: 1rem; }
.presenter .legend { font-size: 0.95rem; gap: 0 14px; }
.presenter .swatch { width: 16px; height: 16px; }
.presenter .side-title { font-size: 1.4rem; }
.v-application--wrap:has(.page.presenter) > div > div[style*="position: absolute"] { display: none; }
@media (min-width: 1000px) {
  .sim-app:has(.page.presenter) .app-header { height: 52px; flex-wrap: nowrap; }
  .presenter.page { height: calc(100vh - 52px); padding: 4px 12px 6px; }
  .presenter .cards { grid-template-columns: repeat(5, minmax(0, 1fr)); }
  .presenter .card-minus { display: none; }  /* said once, above the cards */
  .presenter .legend-group { display: flex; flex-wrap: wrap; gap: 0 10px; align-items: baseline; }
  .presenter .legend-items { display: contents; }
  .presenter .indicator-card { padding: 2px 8px; }
  .presenter .workshop-main { grid-template-columns: minmax(0, 2fr) minmax(300px, 1fr); flex: 1 1 0;
    min-height: 0; gap: 12px; }
  .presenter .sides { grid-template-columns: 1fr 1fr; gap: 12px; min-height: 0; height: 100%; }
  .presenter .sides > div { min-height: 0; height: 100%; flex-wrap: nowrap !important; }
  .presenter .map-box { flex: 1 1 0; min-height: 0; position: relative; }
  .presenter .colour-by { position: absolute; top: -40px; right: 0; }  /* beside the side's title */
  .presenter .lilong-map { flex: 1 1 0; min-height: 0; height: 100%; max-height: none; }
  .presenter .workshop-charts { min-height: 0; height: 100%; flex-wrap: nowrap !important; }
  .presenter .charts { grid-template-columns: minmax(0, 1fr); grid-auto-rows: minmax(0, 1fr); flex: 1 1 0;
    min-height: 0; gap: 6px; }
  .presenter .chart { display: flex; flex-direction: column; min-height: 0; }
  .presenter .chart > svg { flex: 1 1 0; min-height: 0; height: 100%; }
}
@media (min-width: 1000px) and (max-height: 900px) {
  .presenter.page { font-size: 1.1rem; }
  .presenter .week-counter { font-size: 2.1rem; }
  .presenter .toolbar .v-btn { height: 44px !important; }
  .presenter .card-value { font-size: 1.9rem; line-height: 1.15; }
  .presenter .card-line, .presenter .card-label { font-size: 0.95rem; }
  .presenter .side-title { font-size: 1.2rem; }
  .presenter .event-log { display: none !important; }  /* no room at a laptop projector's height: maps and keys first */
  .presenter .legend { font-size: 0.9rem; }
}
"""


# ---------------------------------------------------------------- one page's live models


@dataclass
class Live:
    """A page's session, its player, and the reactive values through which they reach the screen."""

    session: Session
    tick: solara.Reactive[int]  # the seq of the latest frame published; reading it subscribes a render
    playing: solara.Reactive[bool]
    rate: solara.Reactive[int]
    error: solara.Reactive[str]
    player: Player | None = None

    def frame(self) -> Frame:
        """The latest frame, read once per render (subscribes the render to new frames)."""
        _ = self.tick.value
        return self.session.frame

    def publish(self) -> None:
        self.tick.value = self.session.frame.seq

    def step(self) -> None:
        if not self.playing.value:
            self.session.step()
            self.publish()

    def play(self) -> None:
        if self.session.frame.at_end:  # nothing left to play: the page says so
            return
        self.error.value = ""
        self.playing.value = True
        self.player.start(self.rate.value)

    def pause(self) -> None:
        self.player.stop()  # the frame in progress finishes and is published; nothing steps after it
        self.playing.value = False

    def toggle(self) -> None:
        self.pause() if self.playing.value else self.play()

    def set_rate(self, rate: int) -> None:
        self.rate.value = rate
        self.player.rate = float(rate)

    def rebuild(self, settings: Sequence[Settings]) -> None:
        self.pause()
        self.session.rebuild(settings)
        self.publish()

    def reset(self) -> None:
        self.pause()
        self.session.reset()
        self.publish()

    def set_horizon(self, weeks: int | None) -> None:
        self.session.set_horizon(weeks)
        self.publish()

    def stopped_by(self, exc: BaseException | None) -> None:
        """Play stopped by itself: an error (shown), or the page's browser gone."""
        if exc is not None:
            self.error.value = f"{type(exc).__name__}: {exc}"
        self.playing.value = False


def use_live(initial: Callable[[], Sequence[Settings]], restore: Callable[[], Session | None] = lambda: None,
             rate: int = 4) -> Live:
    """The page's own session (built once per browser page, never shared) and its player.

    ``restore`` may hand back the session this browser page had before (the workshop keeps it
    across navigation, or rebuilds it from the address after a reload); else ``initial`` builds one.
    """
    session = solara.use_memo(lambda: restore() or Session(initial()), [])
    tick, playing = solara.use_reactive(0), solara.use_reactive(False)
    rate, error = solara.use_reactive(rate), solara.use_reactive("")

    def make() -> Live:
        live = Live(session, tick, playing, rate, error)
        live.player = Player(session, live.publish, live.stopped_by, _page_watched())
        return live

    live = solara.use_memo(make, [])
    solara.use_effect(lambda: live.player.stop, [])  # the page closes: its player stops
    return live


# ---------------------------------------------------------------- controls


def _page_watched() -> Callable[[], bool]:
    """True while a browser is connected to this page's server-side session.

    Closing the tab closes the session (and its effects stop the player); a dropped connection
    keeps it for Solara's kernel cull timeout (24 h), and Play must not run on for nobody.
    """
    from solara.server import kernel_context

    if not kernel_context.has_current_context():  # rendered without a server (tests)
        return lambda: True
    context = kernel_context.get_current_context()
    return lambda: (not context.closed_event.is_set()
                    and kernel_context.PageStatus.CONNECTED in tuple(context.page_status.values()))


@solara.component
def LanguageSwitch() -> None:
    solara.ToggleButtonsSingle(value=language, classes=["language-switch"],
                               children=[solara.Button(label, value=code, text=True)
                                         for code, label in LANGUAGES.items()])


@solara.component
def Shell(children: list | None = None) -> None:
    """The page frame: title, the pages, the language switch; all translated."""
    lang = language.value
    router = solara.use_router()
    here = router.path.rstrip("/").split("/")[-1] or ""
    solara.Style(CSS)
    solara.Title(t("app_title", lang))
    with solara.Column(gap="0", classes=["sim-app"]):
        with solara.Row(classes=["app-header"]):
            solara.Text(t("app_title", lang), classes=["app-title"])
            for path, key in (("", "explorer"), ("workshop", "workshop"), ("street", "street")):
                with solara.Link(f"/{path}"):
                    solara.Button(t(key, lang), text=True, classes=[f"nav-{key}"] +
                                  (["nav-active"] if here == path else []))
            LanguageSwitch()
        solara.Column(children=children or [], gap="0")


@solara.component
def Choice(label: str, value: str, options: dict[str, str], on_value: Callable[[str], None],
           classes: list[str] | None = None, disabled: bool = False) -> None:
    """A drop-down of human names (options: key -> description); the chosen one's description below."""
    lang = language.value
    with solara.Column(gap="0", classes=["field"]):
        solara.v.Select(label=label, v_model=value, on_v_model=on_value, disabled=disabled, hide_details=True,
                        class_=" ".join(classes or []),
                        items=[{"text": name(k, lang), "value": k} for k in options])
        if options.get(value):
            solara.Text(describe(value, options[value], lang), classes=["field-hint"])


@solara.component
def NumberInput(label: str, value: float | int, field: Field, on_value: Callable[[float | int], None],
                classes: list[str] | None = None, disabled: bool = False) -> None:
    """A typed number, checked before it reaches the model; a bad one keeps the text and says why, translated.

    It commits on Enter or leaving the field, with the text the browser sends in that event
    (the ``change`` event's value), not the last synced ``v_model``: ipywidgets may deliver the
    event before the text, so reading ``v_model`` there would check the previous text.
    """
    lang = language.value
    text, set_text = solara.use_state(_show(value))
    problem, set_problem = solara.use_state(None)  # (message key, values) of the last bad input

    def shown_value_changed() -> None:  # a rebuild elsewhere (scenario change) shows the new value
        set_text(_show(value))
        set_problem(None)

    solara.use_effect(shown_value_changed, [value])

    def commit(new: object) -> None:
        new = "" if new is None else str(new)
        set_text(new)
        try:
            parsed = field.parse(new)
        except InputError as exc:
            set_problem((exc.key, exc.values))
            return
        set_problem(None)
        if parsed != value:
            on_value(parsed)

    message = t(problem[0], lang, **problem[1]) if problem else ""
    box = solara.v.TextField(label=label, v_model=text, on_v_model=set_text, disabled=disabled,
                             error_messages=[message] if message else [], hide_details="auto",
                             class_=" ".join(["field"] + (classes or [])))
    solara.v.use_event(box, "change", lambda _widget, _event, data: commit(data))


def _show(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@solara.component
def PlayControls(live: Live, frame: Frame) -> None:
    """Step, Play / Pause, Reset and the speed: the same buttons on both pages and in presenter view.

    At the run's end (the horizon) Step and Play are off and a line says where the run ended and why.
    """
    lang = language.value
    playing = live.playing.value
    with solara.Row(classes=["play-controls"]):
        solara.Button(t("step", lang), on_click=live.step, disabled=playing or frame.at_end, color="primary",
                      classes=["step-button"])
        solara.Button(t("pause", lang) if playing else t("play", lang), on_click=live.toggle, color="primary",
                      disabled=frame.at_end and not playing, classes=["play-button"])
        solara.Button(t("reset", lang), on_click=live.reset, outlined=True, classes=["reset-button"])
        with solara.Row(gap="4px", style="align-items:center", classes=["speed"]):
            solara.Text(t("speed", lang), classes=["speed-label"])
            solara.ToggleButtonsSingle(value=live.rate.value, on_value=live.set_rate, dense=True, classes=["speeds"],
                                       children=[solara.Button(str(n), value=n, text=True, classes=[f"speed-{n}"])
                                                 for n in SPEEDS])
        if live.error.value:
            solara.Text(t("run_stopped", lang, error=live.error.value), classes=["error-message"])
    if frame.at_end:
        key = "at_horizon_set" if live.session.horizon_is_set else "at_horizon_scenario"
        solara.Text(t(key, lang, week=frame.week, years=f"{frame.horizon / 52:g}"), classes=["horizon-note"])


@solara.component
def WeekCounter(frame: Frame) -> None:
    solara.Text(t("week_n", language.value, week=frame.week), classes=["week-counter"])


# ---------------------------------------------------------------- what a model shows


@solara.component
def Legend(colour_by: str, window_weeks: int) -> None:
    lang = language.value
    rows = []
    for title, items in legend(colour_by, lang, window_weeks):
        swatches = "".join(f'<span class="legend-item"><span class="swatch {i.shape}" style="background:{i.colour}">'
                           f'</span>{html.escape(i.label)}</span>' for i in items)
        rows.append(f'<div class="legend-group"><div class="legend-title">{html.escape(title)}</div>'
                    f'<div class="legend-items">{swatches}</div></div>')
    solara.HTML(tag="div", unsafe_innerHTML="".join(rows), classes=["legend"])


@solara.component
def MapView(snap: Snapshot, generation: int, seq: int, show_inspector: bool = True) -> None:
    """The lilong with alley numbers, hover text and a legend; click a house or space to inspect it."""
    lang = language.value
    colour_by, set_colour_by = solara.use_state("rung")
    selected, set_selected = solara.use_state("")
    ground = solara.use_memo(lambda: json.dumps(map_ground(snap, lang)), [generation, lang])
    cells = solara.use_memo(lambda: json.dumps(map_cells(snap, colour_by, lang)), [seq, colour_by, lang])
    with solara.Column(gap="4px", classes=["map-box"]):
        solara.ToggleButtonsSingle(value=colour_by, on_value=set_colour_by, classes=["colour-by"], dense=True,
                                   children=[solara.Button(t("rung", lang), value="rung", text=True),
                                             solara.Button(t("satisfaction", lang), value="satisfaction", text=True)])
        LilongMap.element(ground_json=ground, cells_json=cells, week=snap.week, selected=selected,
                          on_selected=set_selected, label=t("map", lang), planner_label=t("planner_marker", lang))
        Legend(colour_by, int(snap.params.observation.engagement_window_weeks))
        if show_inspector:
            solara.Text(t("click_hint", lang), style="font-size:0.8em;color:#555")
            if selected:
                rows = inspect(snap, selected, lang)
                cells_html = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>"
                                     for k, v in rows)
                solara.HTML(tag="table", unsafe_innerHTML=cells_html, classes=["inspector"])


@solara.component
def Charts(svgs: list[str]) -> None:
    solara.HTML(tag="div", unsafe_innerHTML="".join(svgs), classes=["charts"])


@solara.component
def EventLog(snap: Snapshot, last: int = 12) -> None:
    lang = language.value
    lines = event_lines(snap, lang, last)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines) or f"<li>{t('no_events', lang)}</li>"
    with solara.Column(gap="0", classes=["event-log"]):
        solara.Text(t("event_log", lang), style="font-weight:bold")
        solara.HTML(tag="ul", unsafe_innerHTML=items)


