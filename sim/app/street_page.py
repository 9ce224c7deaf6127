"""The street page: a street of many neighbourhoods (scenarios/streets) as a map of its neighbourhoods.

Choose a street, where its planners go (the file's placements) and how the office shares its budget, then
run it a season (13 weeks) at a time or to its end. Each neighbourhood is a tile, coloured by the metric
chosen, with its planner marked; the table beside it gives every neighbourhood's values and this year's
budget. The numbers are the street job's (`sim street`, sim/street_compare.py) for the same seed.
"""

from __future__ import annotations

import dataclasses
import html
import math

import numpy as np
import solara

from sim.app.components import Choice, NumberInput, language
from sim.app.i18n import metric_label, t
from sim.app.settings import SEED
from sim.params import scenarios_dir
from sim.street import ALLOCATIONS, StreetRun, build, load_street

SEASON = 13
METRICS = ("involved_share", "satisfaction_overall", "trust_government", "spaces_in_use")


def s_t(key: str, lang: str, **values: object) -> str:
    """This page's words: ``street_KEY`` in the app's one table (sim.app.i18n)."""
    return t(f"street_{key.replace(' ', '_')}", lang, **values)


def street_files() -> dict[str, str]:
    """The shipped streets by name (file stem -> its name)."""
    return {p.stem: p.stem.replace("_", " ") for p in sorted((scenarios_dir() / "streets").glob("*.toml"))}


@dataclasses.dataclass(frozen=True)
class StreetSettings:
    street: str = "old_town_street"
    placement: str = "no planner"
    rule: str = "equal"
    seed: int = 0


def start(settings: StreetSettings) -> StreetRun:
    """A street built from the settings, at week 0 (placement and rule from the street file)."""
    street = load_street(settings.street)
    placement = next((p for p in street.placements if p.name == settings.placement), street.placements[0])
    return build(street, settings.seed, planners=placement.planners, rule=settings.rule)


def _layout(n: int) -> tuple[int, int]:
    cols = max(1, math.ceil(math.sqrt(n * 1.6)))
    return cols, math.ceil(n / cols)


def _colour(value: float, low: float, high: float) -> str:
    """White to deep teal over [low, high]; grey for no value."""
    if not np.isfinite(value):
        return "#d9d9d9"
    x = 0.0 if high <= low else float(np.clip((value - low) / (high - low), 0, 1))
    r, g, b = (int(round(a + (z - a) * x)) for a, z in ((247, 1), (252, 102), (245, 94)))
    return f"#{r:02x}{g:02x}{b:02x}"


def street_map_svg(run: StreetRun, metric: str, lang: str = "en") -> str:
    """Every neighbourhood as a tile coloured by ``metric`` (this week), a planner's marked, with a key."""
    model, street = run.model, run.street
    values = np.array([model.metrics_of(k)[metric] for k in range(model.k)])
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    cols, rows = _layout(model.k)
    w, h, gap = 120, 64, 6
    planners = run.in_post(max(1, model.week))
    tiles = []
    for k, (name, params) in enumerate(street.neighbourhoods):
        x, y = gap + (k % cols) * (w + gap), gap + (k // cols) * (h + gap)
        value = values[k]
        dark = np.isfinite(value) and high > low and (value - low) / (high - low) > 0.55
        ink = "#ffffff" if dark else "#1a1a1a"
        star = " ★" if k in planners else ""
        shown = "–" if not np.isfinite(value) else f"{value:.3g}"
        tiles.append(
            f'<g class="street-tile" data-name="{html.escape(name)}" data-value="{shown}">'
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{_colour(value, low, high)}" '
            f'stroke="{"#b8860b" if star else "#888"}" stroke-width="{3 if star else 1}"/>'
            f'<text x="{x + 8}" y="{y + 20}" font-size="13" fill="{ink}">{html.escape(name)}{star}</text>'
            f'<text x="{x + 8}" y="{y + 40}" font-size="15" font-weight="bold" fill="{ink}">{shown}</text>'
            f'<text x="{x + 8}" y="{y + 56}" font-size="11" fill="{ink}">{params.neighbourhood.households} '
            f'{html.escape(s_t("households", lang).lower() if lang == "en" else s_t("households", lang))}</text></g>')
    width, height = gap + cols * (w + gap), gap + rows * (h + gap) + 34
    key_y = height - 24
    key = (f'<defs><linearGradient id="street-key"><stop offset="0" stop-color="{_colour(0, 0, 1)}"/>'
           f'<stop offset="1" stop-color="{_colour(1, 0, 1)}"/></linearGradient></defs>'
           f'<rect x="{gap}" y="{key_y}" width="200" height="14" fill="url(#street-key)" stroke="#888"/>'
           f'<text x="{gap}" y="{key_y + 28}" font-size="12">{low:.3g}</text>'
           f'<text x="{gap + 200}" y="{key_y + 28}" font-size="12" text-anchor="end">{high:.3g}</text>'
           f'<text x="{gap + 212}" y="{key_y + 12}" font-size="13">{html.escape(metric_label(metric, lang))}</text>')
    return (f'<figure class="street-map"><figcaption>{html.escape(s_t("map_note", lang, week=model.week))}'
            f'</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 10}" role="img" '
            f'aria-label="{html.escape(t("street", lang))}">{"".join(tiles)}{key}</svg></figure>')


def street_rows(run: StreetRun, lang: str = "en") -> list[dict[str, object]]:
    """One row per neighbourhood: its households, planner, headline values and this year's budget."""
    model = run.model
    planners = run.in_post(max(1, model.week))
    out = []
    for k, (name, params) in enumerate(run.street.neighbourhoods):
        m = model.metrics_of(k)
        row: dict[str, object] = {s_t("neighbourhood", lang): name,
                                  s_t("households", lang): params.neighbourhood.households,
                                  s_t("planner", lang): "★" if k in planners else ""}
        for metric in METRICS:
            row[metric_label(metric, lang)] = round(m[metric], 3) if np.isfinite(m[metric]) else None
        row[s_t("budget_year", lang)] = int(round(model.institutions.budget_yuan[k]))
        out.append(row)
    return out


@solara.component
def StreetPage() -> None:
    lang = language.value
    settings, set_settings = solara.use_state(StreetSettings())
    metric, set_metric = solara.use_state(METRICS[0])
    tick, set_tick = solara.use_state(0)  # weeks stepped: a change re-renders the page
    generation, set_generation = solara.use_state(0)  # Reset: the same settings from week 0
    street = solara.use_memo(lambda: load_street(settings.street), [settings.street])
    run = solara.use_memo(lambda: start(settings), [settings, generation])
    ended = run.model.week >= street.weeks

    def advance(weeks: int) -> None:
        for _ in range(min(weeks, street.weeks - run.model.week)):
            run.step()
        set_tick(tick + 1)

    def change(**values: object) -> None:
        set_settings(dataclasses.replace(settings, **values))

    placements = {p.name: (s_t("no planner", lang) if p.name == "no planner" else p.name)
                  for p in street.placements}
    rules = {r: s_t(r, lang) for r in ALLOCATIONS}
    with solara.Column(classes=["page", "street-page"], gap="6px"):
        with solara.Row(classes=["toolbar"]):
            solara.Text(t("week_n", lang, week=run.model.week), classes=["week-counter"])
            solara.Button(s_t("season", lang), on_click=lambda: advance(SEASON), disabled=ended,
                          classes=["season-button"])
            solara.Button(s_t("to_end", lang), on_click=lambda: advance(street.weeks), disabled=ended,
                          classes=["end-button"])
            solara.Button(t("reset", lang), on_click=lambda: set_generation(generation + 1),
                          classes=["reset-button"])
        with solara.Row(classes=["street-settings"], style={"flex-wrap": "wrap"}):
            Choice(t("street", lang), settings.street, street_files(),
                   lambda v: change(street=v, placement="no planner"), classes=["street-choice"])
            Choice(s_t("placement", lang), settings.placement, placements, lambda v: change(placement=v),
                   classes=["placement-choice"])
            Choice(s_t("budget_rule", lang), settings.rule, rules, lambda v: change(rule=v), classes=["rule-choice"])
            Choice(s_t("colour_by", lang), metric, {m: metric_label(m, lang) for m in METRICS}, set_metric,
                   classes=["metric-choice"])
            NumberInput(t("seed", lang), settings.seed, SEED, lambda v: change(seed=int(v)), classes=["seed-input"])
        if ended:
            solara.Text(s_t("ended", lang, weeks=street.weeks), classes=["street-ended"])
        solara.HTML(tag="div", unsafe_innerHTML=street_map_svg(run, metric, lang), classes=["street-map-box"])
        solara.DataFrame(_frame(street_rows(run, lang)), items_per_page=max(10, run.model.k))


def _frame(rows: list[dict[str, object]]):  # noqa: ANN202 - a pandas DataFrame
    import pandas as pd

    return pd.DataFrame(rows)

