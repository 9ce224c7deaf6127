"""The explorer: one run, every setting visible and applied at once, map, charts and event log.

Built on Solara directly with the workshop's components (not Mesa's SolaraViz: docs/app.md says why).
"""

from __future__ import annotations

import dataclasses

import solara

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
from sim.app.i18n import t
from sim.app.settings import SEED, Settings, parameter_field, preset_files, scenario_files
from sim.app.views import explorer_charts, groups_svg
from sim.params import OUTREACH_STRATEGIES

HOURS = parameter_field("planner", "hours_per_week")
BUDGET = parameter_field("street_office", "budget_yuan_per_year")


@solara.component
def Explorer() -> None:
    lang = language.value
    live = use_live(lambda: [Settings()])
    frame = live.frame()
    snap = frame.sides[0]
    s = snap.settings
    scenarios = solara.use_memo(scenario_files, [])
    presets = solara.use_memo(preset_files, [])
    charts = solara.use_memo(lambda: explorer_charts(snap, lang) + [groups_svg(snap, lang)], [frame.seq, lang])

    def change(**values: object) -> None:
        live.rebuild([dataclasses.replace(s, **values)])

    def choose_scenario(scenario: str) -> None:  # the scenario's own planner and budget, same place and seed
        live.rebuild([Settings.from_scenario(scenario, s.preset, s.seed)])

    with solara.Column(classes=["page", "explorer"], gap="4px"):
        with solara.Row(classes=["toolbar"]):
            WeekCounter(frame)
            PlayControls(live, frame)
        with solara.Div(classes=["explorer-main"]):
            with solara.Column(gap="6px", classes=["explorer-settings"]):
                Choice(t("scenario", lang), s.scenario, scenarios, choose_scenario, classes=["scenario-choice"])
                Choice(t("preset", lang), s.preset, presets, lambda v: change(preset=v), classes=["preset-choice"])
                with solara.Div(classes=["planner-on"]):
                    solara.Checkbox(label=t("planner_on", lang), value=s.planner_on,
                                    on_value=lambda v: change(planner_on=bool(v)))
                NumberInput(t("planner_hours", lang), s.planner_hours, HOURS,
                            lambda v: change(planner_hours=float(v)), classes=["hours-input"],
                            disabled=not s.planner_on)
                Choice(t("outreach_strategy", lang), s.outreach_strategy, dict.fromkeys(OUTREACH_STRATEGIES, ""),
                       lambda v: change(outreach_strategy=v), classes=["outreach-choice"], disabled=not s.planner_on)
                NumberInput(t("budget", lang), s.budget_yuan, BUDGET, lambda v: change(budget_yuan=float(v)),
                            classes=["budget-input"])
                NumberInput(t("seed", lang), s.seed, SEED, lambda v: change(seed=int(v)), classes=["seed-input"])
                solara.Text(t("restart_note", lang), classes=["field-hint"])
            with solara.Column(gap="8px", classes=["explorer-map"]):
                MapView(snap, frame.generation, frame.seq)
                EventLog(snap)
            with solara.Column(classes=["explorer-charts"]):
                Charts(charts)
