"""Workshop mode: two scenarios side by side on the same neighbourhood and seed, stepped together.

A presenter view turns the page into a projector layout with its own controls.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from pathlib import Path

import solara

from sim.app.answers import MIN_SEEDS, Comparison, find_comparison, sweep_bands
from sim.app.components import (
    Charts,
    Choice,
    EventLog,
    MapView,
    NumberInput,
    PlayControls,
    WeekCounter,
    language,
    use_live,
)
from sim.app.i18n import metric_label, name, t
from sim.app.session import Frame, Session
from sim.app.settings import (
    HORIZON,
    SEED,
    PageState,
    Settings,
    preset_files,
    results_dir,
    run_command,
    save_scenarios,
    scenario_files,
    shown_path,
)
from sim.app.views import (
    SERIES_STYLES,
    cards,
    fmt_value,
    report_html,
    run_against_average,
    sweep_point,
    workshop_charts,
)
from sim.app.widgets import AddressBar
from sim.integrity import claim_file, write_atomic

DEFAULT_SIDES = ("top_down", "planner_platform")
# Per browser page (Solara keeps reactives per connection): what the workshop had when the facilitator
# went to the explorer, found again on coming back (the header's link, or Back).
kept_session: solara.Reactive[Session | None] = solara.reactive(None)
kept_presenter = solara.reactive(False)
kept_speed = solara.reactive(4)
# Server-wide: the session of a workshop page that closed, by browser (Solara's session cookie), so
# that a reload, whose new page opens a new server session, takes the run instead of replaying it.
# The newest few only; a page that closes after its reload has rendered is replayed instead.
PARKED_MAX = 4
_parked: OrderedDict[str, Session] = OrderedDict()
_parked_lock = threading.Lock()


def _browser() -> str | None:
    """This browser's Solara session id (the same across reloads), or None outside a server."""
    from solara.server import kernel_context

    if not kernel_context.has_current_context():
        return None
    return kernel_context.get_current_context().session_id


def park(browser: str | None, session: Session) -> None:
    if browser is None:
        return
    with _parked_lock:
        _parked.pop(browser, None)
        _parked[browser] = session
        while len(_parked) > PARKED_MAX:
            _parked.popitem(last=False)


def unpark(browser: str | None, wanted: PageState) -> Session | None:
    """The parked session of this browser if it is the run the address names, at the address's week."""
    with _parked_lock:
        session = _parked.get(browser) if browser is not None else None
        if session is None or session.frame.week != wanted.week or not _same_run(session, wanted):
            return None
        return _parked.pop(browser)


def _same_run(session: Session, wanted: PageState) -> bool:
    """The session runs the scenarios, neighbourhood, seed and stop the address names."""
    return [(s.scenario, s.preset, s.seed) for s in session.settings] == [
        (s.scenario, s.preset, s.seed) for s in wanted.sides()] and (
        session.horizon == wanted.stop if session.horizon_is_set else wanted.stop is None)


def failure(exc: BaseException, lang: str) -> str:
    """A failed save in words, with the project-relative path of the file it could not write."""
    if isinstance(exc, OSError) and exc.filename:
        return t("not_saved", lang, path=shown_path(exc.filename), error=exc.strerror or type(exc).__name__)
    return t("not_saved", lang, path=shown_path(results_dir() / "workshop"), error=t("not_reproduced", lang))


@solara.component
def Cards(frame: Frame, found: Comparison | None = None) -> None:
    """Each side's value now and the difference, right minus left, in points or the metric's unit.

    Said to be one run (its seed and week); where the many-seed average ``found`` points the other
    way, a line says that one run can differ from the average.
    """
    lang = language.value
    seed = frame.sides[0].settings.seed
    differ = run_against_average(frame, found.rows) if found is not None else []
    with solara.Column(gap="2px", classes=["cards-block"]):
        minus = t("minus", lang, right=name(frame.sides[1].settings.scenario, lang),
                  left=name(frame.sides[0].settings.scenario, lang))
        solara.Text(t("cards_one_run", lang, seed=seed, week=frame.week, minus=minus), classes=["cards-source"])
        if differ:
            joiner = "、" if lang == "zh" else ", "
            solara.Text(t("one_run_differs", lang, seeds=found.seeds,
                          metrics=joiner.join(metric_label(m, lang) for m in differ)), classes=["run-differs"])
        CardRow(frame)


@solara.component
def CardRow(frame: Frame) -> None:
    lang = language.value
    with solara.Div(classes=["cards", "indicator-cards"]):
        for card in cards(frame, lang):
            with solara.Column(gap="0", classes=["indicator-card", f"card-{card['metric']}"]):
                solara.v.Html(tag="div", children=[card["label"]], class_="card-label",
                              attributes={"title": card["definition"]})
                solara.Text(f"{card['left_name']}: {card['left']}", classes=["card-line"])
                solara.Text(f"{card['right_name']}: {card['right']}", classes=["card-line"])
                solara.Text(card["diff"], classes=["card-value"])
                solara.Text(card["diff_note"], classes=["card-note", "card-minus"])
                if card["scale_note"]:
                    solara.Text(card["scale_note"], classes=["card-note"])


@solara.component
def InstantAnswers(left: str, right: str, preset: str, found: Comparison | None) -> None:
    """Results already computed for this choice: the matching comparison, and bands from analysed sweeps."""
    lang = language.value
    bands = solara.use_memo(lambda: sweep_bands((left, right), preset), [left, right, preset])
    with solara.Card(t("precomputed", lang), classes=["instant-answers"]):
        if found is None:
            solara.Text(t("no_comparison", lang, seeds=MIN_SEEDS, preset=preset), classes=["no-comparison"])
        else:
            solara.Text(t("compare_source", lang, folder=f"results/{found.folder.name}", seeds=found.seeds,
                          preset=name(preset, lang), window=t("final_year", lang)), classes=["compare-source"])
            for row in found.rows:
                if row["scenario"] in (left, right):
                    solara.Text(f"{name(row['scenario'], lang)} · {metric_label(row['metric'], lang)}: "
                                f"{fmt_value(row['metric'], row['mean'], lang)} "
                                f"[{fmt_value(row['metric'], row['ci_low'], lang)}, "
                                f"{fmt_value(row['metric'], row['ci_high'], lang)}]", style="font-size:0.9em")
        for row in bands:
            solara.Text(f"{t('sweep_source', lang, store=row['store'])} · {sweep_point(row['point'], lang)} · "
                        f"{name(row['scenario'], lang)} · {metric_label(row['metric'], lang)}: "
                        f"{row['mean']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]", style="font-size:0.85em")


@solara.component
def SideTitle(index: int, scenario: str) -> None:
    colour, dash = SERIES_STYLES[index]
    style = "dashed" if dash else "solid"
    solara.HTML(tag="div", classes=["side-title"],
                unsafe_innerHTML=f'<span class="side-swatch" style="border-top:4px {style} {colour}"></span>'
                                 f'{name(scenario, language.value)}')


def restore(wanted: PageState | None) -> Session | None:
    """The session this browser page had (navigation), or one rebuilt from the address (a reload).

    The kept session wins when the address names its scenarios, neighbourhood, seed and stop,
    whatever week the address says: an address further back in the history was the same run at
    an earlier week, and coming back finds the run where it was left. A reload opens a new server
    session, which keeps nothing: it takes the closed page's parked session when that is the
    address's run at the address's week; else the address's settings are built and stepped to
    its week, at its stop.
    """
    kept = kept_session.value
    if wanted is None:
        return kept
    if kept is not None and _same_run(kept, wanted):
        return kept
    parked = unpark(_browser(), wanted)
    if parked is not None:
        return parked
    session = Session(wanted.sides())
    session.set_horizon(wanted.stop)
    session.step(wanted.week)  # the same seed replays the same weeks
    return session


def page_state(frame: Frame, session: Session, presenter: bool, speed: int, lang: str) -> PageState:
    left, right = (s.settings for s in frame.sides)
    return PageState(left.scenario, right.scenario, left.preset, left.seed, frame.week,
                     session.horizon if session.horizon_is_set else None, presenter, speed, lang)


@solara.component
def Workshop() -> None:
    router = solara.use_router()
    wanted = solara.use_memo(lambda: PageState.from_query(router.search), [])  # the address on arrival
    live = use_live(lambda: [Settings.from_scenario(s) for s in DEFAULT_SIDES], lambda: restore(wanted),
                    rate=wanted.speed if wanted else kept_speed.peek())
    lang = language.value
    presenter = kept_presenter

    def arrive() -> None:  # the page's session is the one to keep; the address's view and language apply
        kept_session.set(live.session)
        if wanted is not None:
            presenter.set(wanted.presenter)
            language.set(wanted.lang)

    solara.use_effect(arrive, [])
    browser = solara.use_memo(_browser, [])
    solara.use_effect(lambda: lambda: park(browser, live.session), [])  # the page closes (or is left)
    solara.use_effect(lambda: kept_speed.set(live.rate.value), [live.rate.value])
    messages = solara.use_reactive([])
    downloads = solara.use_reactive([])
    frame = live.frame()
    left, right = (s.settings for s in frame.sides)
    scenarios = solara.use_memo(scenario_files, [])
    presets = solara.use_memo(preset_files, [])
    charts = solara.use_memo(lambda: workshop_charts(frame, lang, kept_presenter.value),
                             [frame.seq, lang, kept_presenter.value])
    found = solara.use_memo(lambda: find_comparison((left.scenario, right.scenario), left.preset),
                            [left.scenario, right.scenario, left.preset])

    def choose(left_: str | None = None, right_: str | None = None, preset: str | None = None,
               seed: int | None = None) -> None:
        preset = preset or left.preset
        seed = left.seed if seed is None else seed
        live.rebuild([Settings.from_scenario(left_ or left.scenario, preset, seed),
                      Settings.from_scenario(right_ or right.scenario, preset, seed)])

    def save() -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            paths = save_scenarios(live.session.settings, results_dir() / "workshop", stamp)
        except (OSError, RuntimeError) as exc:
            messages.value = [failure(exc, lang)]
            return
        messages.value = ([t("saved_to", lang, path=shown_path(p)) for p in paths]
                          + [t("run_saved", lang, command=run_command(p, s)) for p, s in zip(paths, (left, right),
                                                                                             strict=True)])
        downloads.value = paths

    def export() -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            path = claim_file(results_dir() / "workshop" / f"report-{stamp}.html")  # never another page's report
            write_atomic(path, report_html(live.session.frame, lang).encode("utf-8"))
        except OSError as exc:
            messages.value = [failure(exc, lang)]
            return
        messages.value = [t("saved_to", lang, path=shown_path(path))]
        downloads.value = [path]

    AddressBar.element(query=page_state(frame, live.session, presenter.value, live.rate.value, lang).query(),
                       path="/workshop")
    show_settings = not presenter.value
    with solara.Column(classes=["page", "workshop"] + (["presenter"] if presenter.value else []), gap="4px"):
        with solara.Row(classes=["toolbar"]):
            WeekCounter(frame)
            PlayControls(live, frame)
            if presenter.value:
                solara.Button(t("leave_presenter", lang), on_click=lambda: presenter.set(False), outlined=True,
                              classes=["presenter-off"])
            else:
                solara.Switch(label=t("presenter", lang), value=presenter, classes=["presenter-switch"])
        if show_settings:
            with solara.Row(classes=["fields", "workshop-controls"]):
                Choice(t("left_scenario", lang), left.scenario, scenarios, lambda v: choose(left_=v),
                       classes=["left-choice"])
                Choice(t("right_scenario", lang), right.scenario, scenarios, lambda v: choose(right_=v),
                       classes=["right-choice"])
                Choice(t("preset", lang), left.preset, presets, lambda v: choose(preset=v), classes=["preset-choice"])
                NumberInput(t("seed", lang), left.seed, SEED, lambda v: choose(seed=int(v)), classes=["seed-input"])
                NumberInput(t("horizon", lang), frame.horizon, HORIZON, lambda v: live.set_horizon(int(v)),
                            classes=["horizon-input"])
            with solara.Row(classes=["toolbar", "save-toolbar"]):
                solara.Button(t("save_scenario", lang), on_click=save, outlined=True, classes=["save-button"])
                solara.Button(t("export_report", lang), on_click=export, outlined=True, classes=["export-button"])
            if messages.value:
                with solara.Column(gap="0", classes=["workshop-message"]):
                    for line in messages.value:
                        solara.Text(line, classes=["message"])
                    for path in downloads.value:
                        solara.FileDownload(Path(path).read_bytes(), filename=Path(path).name,
                                            label=t("download", lang, name=Path(path).name))
        Cards(frame, found)
        with solara.Div(classes=["workshop-main"]):
            with solara.Div(classes=["sides"]):
                for index, snap in enumerate(frame.sides):
                    with solara.Column(gap="6px", classes=[f"side-{index}"]):
                        SideTitle(index, snap.settings.scenario)
                        MapView(snap, frame.generation, frame.seq, show_inspector=show_settings)
                        EventLog(snap, last=3 if presenter.value else 10)
            with solara.Column(classes=["workshop-charts"]):
                Charts(charts)
        if show_settings:
            InstantAnswers(left.scenario, right.scenario, left.preset, found)
