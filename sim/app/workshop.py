"""Workshop mode: two scenarios side by side on the same neighbourhood and seed, stepped together."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import solara

from sim.app.components import Charts, EventLog, LanguageSwitch, MapView, language
from sim.app.i18n import name, t
from sim.app.views import (
    PRESETS,
    SCENARIOS,
    Settings,
    cards,
    precomputed_summary,
    report_html,
    save_scenario,
    sweep_bands,
)

OUTPUT = Path("results") / "workshop"
PRESENTER_CSS = """
.presenter .v-application, .presenter { font-size: 150% !important; }
.presenter .card-value { font-size: 2.2em !important; line-height: 1.25 !important; margin-top: 8px; }
.presenter .card-line { font-size: 1.25em !important; line-height: 1.4 !important; }
.presenter .event-log .v-label, .presenter .event-log { font-size: 1.2em; }
"""


def _pair(left: str, right: str, preset: str, seed: int) -> tuple[tuple[Settings, object], tuple[Settings, object]]:
    out = []
    for scenario in (left, right):
        settings = Settings.from_scenario(scenario, preset, seed)
        out.append((settings, settings.model()))
    return out[0], out[1]


def _choice(label: str, value: str, options: tuple[str, ...], on_value, lang: str) -> None:  # noqa: ANN001
    """A drop-down showing translated names for internal values."""
    solara.v.Select(label=label, v_model=value, on_v_model=on_value, style_="max-width:260px",
                    items=[{"text": name(o, lang), "value": o} for o in options])


@solara.component
def Cards(pair, week: int) -> None:  # noqa: ANN001 - ((Settings, model), (Settings, model))
    lang = language.value
    del week
    (ls, lm), (rs, rm) = pair
    with solara.Row(style="flex-wrap:wrap;gap:12px", classes=["indicator-cards"]):
        for card in cards(lm, rm, lang):
            with solara.Card(card["label"], style="min-width:190px"):
                with solara.Column(gap="2px"):
                    solara.Text(f"{name(ls.scenario, lang)}: {card['left']}", classes=["card-line"])
                    solara.Text(f"{name(rs.scenario, lang)}: {card['right']}", classes=["card-line"])
                    solara.Text(f"{t('difference', lang)}: {card['diff']}", classes=["card-value"],
                                style="font-size:1.5em;font-weight:bold")


def _band_text(row: dict, lang: str) -> str:
    return (f"{name(row['scenario'], lang)} · {row['metric']}: {row['mean']:.3f} "
            f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]")


@solara.component
def InstantAnswers(left: str, right: str, preset: str) -> None:
    """Precomputed answers: the newest comparison, and bands from analysed sweep stores."""
    lang = language.value
    found = solara.use_memo(precomputed_summary, [])
    bands = solara.use_memo(lambda: sweep_bands((left, right), preset), [left, right, preset])
    with solara.Card(t("precomputed", lang)):
        if not found and not bands:
            solara.Text(t("no_precomputed", lang))
            return
        if found:
            folder, rows = found
            for row in rows:
                if row["scenario"] in (left, right):
                    solara.Text(_band_text(row, lang), style="font-size:0.9em")
            solara.Text(str(folder), style="font-size:0.75em;color:#888")
        for row in bands:
            solara.Text(f"{row['store']} · {row['point']} · {_band_text(row, lang)}", style="font-size:0.85em")


@solara.component
def Workshop() -> None:
    lang = language.value
    left, set_left = solara.use_state("top_down")
    right, set_right = solara.use_state("planner_platform")
    preset, set_preset = solara.use_state("guizhou_west")
    seed, set_seed = solara.use_state(0)
    generation, set_generation = solara.use_state(0)  # bumps on reset
    pair = solara.use_memo(lambda: _pair(left, right, preset, int(seed)), [left, right, preset, seed, generation])
    week = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(4)
    presenter = solara.use_reactive(False)
    message = solara.use_reactive("")
    downloads = solara.use_reactive([])

    def step() -> None:
        for _, model in pair:
            model.step()
        week.value = pair[0][1].week

    def play_loop() -> None:
        while playing.value:
            start = time.perf_counter()
            step()
            time.sleep(max(0.0, 1.0 / speed.value - (time.perf_counter() - start)))

    solara.use_thread(play_loop, dependencies=[playing.value, pair])

    def reset() -> None:
        playing.value = False
        week.value = 0
        set_generation(generation + 1)

    def save() -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = save_scenario(pair[1][0], OUTPUT, f"workshop-{pair[1][0].scenario}-{stamp}")
        message.value = t("saved_to", lang, path=path)
        downloads.value = [path]

    def export() -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        OUTPUT.mkdir(parents=True, exist_ok=True)
        path = OUTPUT / f"report-{stamp}.html"
        path.write_text(report_html(pair[0], pair[1], lang), encoding="utf-8")
        message.value = t("saved_to", lang, path=path)
        downloads.value = [path]

    solara.Style(PRESENTER_CSS)
    with solara.Column(classes=["presenter"] if presenter.value else [], style="padding:8px"):
        with solara.Row(style="align-items:center;flex-wrap:wrap;gap:12px"):
            solara.Text(t("app_title", lang) + " · " + t("workshop", lang), style="font-size:1.3em;font-weight:bold")
            solara.Text(t("week_n", lang, week=week.value), classes=["week-counter"], style="font-size:1.3em")
            LanguageSwitch()
            solara.Switch(label=t("presenter", lang), value=presenter)
        if not presenter.value:
            with solara.Row(style="flex-wrap:wrap;gap:12px;align-items:center", classes=["workshop-controls"]):
                _choice(t("left_scenario", lang), left, SCENARIOS, set_left, lang)
                _choice(t("right_scenario", lang), right, SCENARIOS, set_right, lang)
                _choice(t("preset", lang), preset, PRESETS, set_preset, lang)
                solara.InputInt(t("seed", lang), value=seed, on_value=set_seed)
                solara.Button(t("step", lang), on_click=step, disabled=playing.value, color="primary",
                              classes=["step-button"])
                solara.Button(t("pause", lang) if playing.value else t("play", lang), color="primary",
                              on_click=lambda: playing.set(not playing.value), classes=["play-button"])
                solara.Button(t("reset", lang), on_click=reset, classes=["reset-button"])
                solara.SliderInt(t("speed", lang), value=speed, min=1, max=20)
                solara.Button(t("save_scenario", lang), on_click=save, outlined=True, classes=["save-button"])
                solara.Button(t("export_report", lang), on_click=export, outlined=True, classes=["export-button"])
            if message.value:
                solara.Text(message.value, classes=["workshop-message"])
                for path in downloads.value:
                    solara.FileDownload(path.read_bytes(), filename=path.name, label=t("download", lang))
        Cards(pair, week.value)
        with solara.Columns([1, 1]):
            for settings, model in pair:
                with solara.Column():
                    solara.Text(name(settings.scenario, lang), style="font-size:1.2em;font-weight:bold")
                    MapView(model, week.value, show_inspector=not presenter.value)
                    Charts([(name(settings.scenario, lang), model)], week.value, columns=2)
                    EventLog(model, week.value, last=8 if presenter.value else 12)
        if not presenter.value:
            InstantAnswers(left, right, preset)
