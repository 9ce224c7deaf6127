"""The explorer: one run in Mesa's SolaraViz, with our map, charts and event log as components."""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from sim.app.components import Charts, EventLog, LanguageSwitch, MapView, language
from sim.app.i18n import t
from sim.app.views import PRESETS, SCENARIOS, Settings, groups_svg
from sim.model import LilongModel
from sim.params import OUTREACH_STRATEGIES


class ExplorerModel(LilongModel):
    """The model built from the explorer's controls (keyword arguments, as SolaraViz passes them).

    The scenario name is ``institutions``: Mesa's SolaraViz treats a ``scenario`` argument as
    its own experimental Scenario object.
    """

    def __init__(self, institutions: str = "planner_platform", preset: str = "guizhou_west", planner_on: bool = True,
                 planner_hours: float = 16.0, outreach_strategy: str = "least_heard",
                 budget_yuan: int = 600_000, seed: int = 0) -> None:
        self.settings = Settings(institutions, preset, planner_on, float(planner_hours), outreach_strategy,
                                 float(budget_yuan), int(seed))
        super().__init__(self.settings.params(), self.settings.seed)


def model_params(lang: str = "en") -> dict:
    d = Settings()
    return {
        "institutions": {"type": "Select", "value": d.scenario, "values": list(SCENARIOS),
                         "label": t("scenario", lang)},
        "preset": {"type": "Select", "value": d.preset, "values": list(PRESETS), "label": t("preset", lang)},
        "planner_on": {"type": "Checkbox", "value": d.planner_on, "label": t("planner_on", lang)},
        "planner_hours": {"type": "SliderFloat", "value": d.planner_hours, "min": 0.0, "max": 60.0, "step": 1.0,
                          "label": t("planner_hours", lang)},
        "outreach_strategy": {"type": "Select", "value": d.outreach_strategy, "values": list(OUTREACH_STRATEGIES),
                              "label": t("outreach_strategy", lang)},
        "budget_yuan": {"type": "SliderInt", "value": int(d.budget_yuan), "min": 0, "max": 3_000_000,
                        "step": 50_000, "label": t("budget", lang)},
        "seed": {"type": "SliderInt", "value": d.seed, "min": 0, "max": 999, "step": 1, "label": t("seed", lang)},
    }


def MapPanel(model: ExplorerModel) -> solara.Element:
    """Left: language, week, the map with its legend and inspector, the event log."""
    return solara.Column(children=[LanguageSwitch(), solara.Text(t("week_n", language.value, week=model.week),
                                                                 classes=["week-counter"]),
                                   MapView(model, model.week), EventLog(model, model.week)])


def ChartsPanel(model: ExplorerModel) -> solara.Element:
    """Right: the live charts."""
    return solara.Column(children=[Charts([(model.settings.scenario, model)], model.week),
                                   solara.HTML(tag="div", unsafe_innerHTML=groups_svg(model, language.value))])


@solara.component
def Explorer() -> None:
    model = solara.use_memo(ExplorerModel, [])  # built per browser session, never shared
    SolaraViz(model, components=[(MapPanel, 0), (ChartsPanel, 0)],
              model_params=model_params(language.value), name=t("app_title", language.value), play_interval=150)
