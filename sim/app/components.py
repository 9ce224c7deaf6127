"""Solara components shared by the explorer and the workshop page."""

from __future__ import annotations

import solara

from sim.app.i18n import LANGUAGES, name, t
from sim.app.views import (
    CELL_PX,
    RUNG_COLOURS,
    STATUS_COLOURS,
    charts_svg,
    event_lines,
    inspect,
    map_cells,
    planner_marker,
)
from sim.app.widgets import LilongMap
from sim.model import LilongModel
from sim.population import LADDER
from sim.projects import STATUS_NAMES

language = solara.reactive("en")  # per browser session


@solara.component
def LanguageSwitch() -> None:
    solara.ToggleButtonsSingle(value=language, classes=["language-switch"],
                               children=[solara.Button(label, value=code, text=True)
                                         for code, label in LANGUAGES.items()])


def _swatch(colour: str, label: str) -> solara.Element:
    return solara.Row(children=[solara.HTML(tag="span", unsafe_innerHTML="&nbsp;",
                                            style=f"background:{colour};width:14px;height:14px;display:inline-block"),
                                solara.Text(label)], gap="4px", style="align-items:center")


@solara.component
def Legend(colour_by: str) -> None:
    lang = language.value
    items = [("#8c8c8c", t("main_alley", lang)), ("#b5b5b5", t("branch_alley", lang)),
             ("#e7298a", t("planner_marker", lang))]
    if colour_by == "rung":
        items += [(RUNG_COLOURS[k], name(r, lang)) for k, r in enumerate(LADDER)]
    else:
        items += [("#d7303c", f"{t('satisfaction', lang)} 0"), ("#37bc3c", f"{t('satisfaction', lang)} 1")]
    items += [(STATUS_COLOURS[k], name(s, lang)) for k, s in enumerate(STATUS_NAMES)]
    with solara.Row(style="flex-wrap:wrap;gap:10px;font-size:0.8em"):
        for colour, label in items:
            _swatch(colour, label)


@solara.component
def MapView(model: LilongModel, week: int = 0, show_inspector: bool = True) -> None:
    """The lilong with hover tooltips; click a house or site to inspect it."""
    lang = language.value
    colour_by, set_colour_by = solara.use_state("rung")
    selected, set_selected = solara.use_state("")
    del week  # a changing argument makes the map redraw after each step
    lil = model.lilong
    with solara.Column(gap="4px"):
        solara.ToggleButtonsSingle(value=colour_by, on_value=set_colour_by, classes=["colour-by"],
                                   children=[solara.Button(t("rung", lang), value="rung", text=True),
                                             solara.Button(t("satisfaction", lang), value="satisfaction", text=True)])
        LilongMap.element(cells=map_cells(model, colour_by, lang), planner=planner_marker(model),
                          planner_label=t("planner_marker", lang), width=lil.width * CELL_PX,
                          height=lil.height * CELL_PX, selected=selected, on_selected=set_selected)
        Legend(colour_by)
        if show_inspector:
            solara.Text(t("click_hint", lang), style="font-size:0.8em;color:#666")
            if selected:
                state = inspect(model, selected, lang)
                solara.Markdown(f"**{t('selected', lang)}**: " + "; ".join(f"{k} = {v}" for k, v in state.items()),
                                style="font-size:0.85em")


@solara.component
def Charts(models: list[tuple[str, LilongModel]], week: int = 0, columns: int = 2) -> None:
    lang = language.value
    del week
    svgs = charts_svg(models, lang)
    with solara.GridFixed(columns=columns):
        for svg in svgs:
            solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["chart"])


@solara.component
def EventLog(model: LilongModel, week: int = 0, last: int = 12) -> None:
    lang = language.value
    del week
    lines = event_lines(model, lang, last)
    with solara.Column(gap="2px", classes=["event-log"]):
        solara.Text(t("event_log", lang), style="font-weight:bold")
        if not lines:
            solara.Text(t("no_events", lang), style="color:#666")
        for line in lines:
            solara.Text(line, style="font-size:0.9em")
