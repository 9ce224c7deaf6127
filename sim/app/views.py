"""What the app shows, as plain data and SVG/HTML strings, built from frames (no Solara here).

Every function reads :class:`~sim.app.session.Snapshot` copies, never a live model, so it is
safe while a model steps and easy to test. Colours are colour-blind safe (ColorBrewer BuPu and
PuOr classes, the Okabe-Ito palette); a test checks them under simulated colour-vision deficiency.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from sim.app.i18n import (
    TEXT,
    improvement_a,
    metric_definition,
    metric_label,
    metric_unit,
    name,
    parameter_label,
    t,
)
from sim.app.session import Frame, Snapshot
from sim.metrics import REGISTRY
from sim.population import LADDER
from sim.projects import STATUS_NAMES
from sim.space import CellKind

CELL = 20  # map units per grid cell (the SVG scales to its box)
LABEL_BAND = 18  # map units above the grid for the alley numbers
BADGE = 8  # map units: a house's own kitchen or washroom, in a corner of the house

# Households by the deepest part they took recently (sequential BuPu; white = unaware).
RUNG_COLOURS = ("#ffffff", "#bfd3e6", "#9ebcda", "#8c96c6", "#8856a7", "#810f7c")
# Households by satisfaction, in the bands of SCALE_WORDS (diverging PuOr: orange low, purple high).
SATISFACTION_COLOURS = ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99")
# Project stage of a shared space (Okabe-Ito; idle spaces are white with a dashed outline).
STATUS_COLOURS = ("#ffffff", "#f0e442", "#56b4e9", "#0072b2", "#d55e00", "#009e73")
ALLEY_COLOURS = {CellKind.MAIN_ALLEY: "#9a8f78", CellKind.BRANCH_ALLEY: "#e6dcc3"}
PLANNER_COLOUR = "#000000"
# One colour and dash per line (left/right in the workshop), Okabe-Ito.
SERIES_STYLES = (("#0072b2", ""), ("#d55e00", "7 4"), ("#009e73", "2 3"), ("#cc79a7", "10 3 2 3"),
                 ("#e69f00", "4 2"))
SCALE_WORDS = ((0.2, "scale_very_low"), (0.4, "scale_low"), (0.6, "scale_middling"), (0.8, "scale_high"),
               (math.inf, "scale_very_high"))


def scale_band(value: float) -> int:
    """Which of the five plain-language bands of a 0-1 score ``value`` falls in."""
    return next(k for k, (upper, _) in enumerate(SCALE_WORDS) if value < upper)


def scale_word(value: float, lang: str = "en") -> str:
    return t(SCALE_WORDS[scale_band(value)][1], lang)


# ---------------------------------------------------------------- numbers in words


def _unit(column: str) -> str:
    return REGISTRY[column.partition("__")[0] if column not in REGISTRY else column].unit


def fmt_value(column: str, value: float, lang: str = "en") -> str:
    """A metric's value for people: shares in %, 0-1 scores with a word, counts and yuan with units."""
    return _format(column, value, lang, signed=False)


def fmt_diff(column: str, diff: float, lang: str = "en") -> str:
    """A difference of two values: shares in percentage points, the rest in the metric's unit."""
    return _format(column, diff, lang, signed=True)


def _format(column: str, value: float, lang: str, signed: bool) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    unit, sign = _unit(column), "+" if signed else ""
    if unit.startswith("share"):
        if not signed:
            return f"{value:.0%}"
        points = 100 * value
        return t("points", lang, value=f"{points:+.0f}" if abs(points) >= 1 or points == 0 else f"{points:+.1f}")
    if unit == "0-1 scale":
        return f"{value:{sign}.2f}" + ("" if signed else f" ({scale_word(value, lang)})")
    if unit == "spaces":
        return t("spaces_n", lang, value=f"{value:{sign}.0f}")
    if unit == "yuan":
        return t("yuan_n", lang, value=f"{value:{sign},.0f}")
    return f"{value:{sign},.1f} {metric_unit(column, lang)}"


def _axis_number(column: str, value: float, lang: str) -> str:
    unit = _unit(column)
    if unit.startswith("share"):
        return f"{value:.0%}"
    if unit.startswith("yuan"):
        if lang == "zh":
            return f"{value / 1e4:g}万" if value else "0"
        return f"{value / 1e6:g}M" if value >= 1e6 else f"{value / 1e3:g}k" if value else "0"
    return f"{value:g}"


AXIS_FLOOR = {"spaces": 4, "projects": 4, "yuan": 100_000, "yuan/year": 100_000}  # an empty chart's axis


def _nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``x`` (at least 1)."""
    if not np.isfinite(x) or x <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= x)


# ---------------------------------------------------------------- the map


def alley_of(lilong: object, x: int) -> int:
    """The alley number the event log uses for column ``x`` (strips numbered from 1, west to east)."""
    return int(x) // int(lilong.strip_width) + 1


def map_ground(snap: Snapshot, lang: str = "en") -> dict:
    """What does not change while a model runs: size, alleys with tooltips, alley numbers."""
    lil = snap.lilong
    cells = []
    for kind, colour in ALLEY_COLOURS.items():
        key = "main_alley_n" if kind == CellKind.MAIN_ALLEY else "branch_alley_n"
        for x, y in np.argwhere(lil.cell_kind == kind):
            cells.append({"x": int(x) * CELL, "y": LABEL_BAND + int(y) * CELL, "w": CELL, "h": CELL, "fill": colour,
                          "tip": t(key, lang, n=alley_of(lil, x))})
    side = (lil.strip_width - 1) // 2
    labels = [{"x": (s * lil.strip_width + side) * CELL + CELL / 2, "y": 13, "text": t("alley_n", lang, n=s + 1)}
              for s in range(lil.width // lil.strip_width)]
    return {"width": lil.width * CELL, "height": LABEL_BAND + lil.height * CELL, "alleys": cells, "labels": labels}


def _rung_summary(rungs: np.ndarray, lang: str) -> str:
    counts = Counter(int(r) for r in rungs)
    return ", ".join(f"{counts[r]} {name(LADDER[r], lang)}" for r in sorted(counts, reverse=True))


def map_cells(snap: Snapshot, colour_by: str = "rung", lang: str = "en") -> dict:
    """What changes each week: households (a stripe each, in their house), houses' tooltips, spaces, planner."""
    lil = snap.lilong
    stripes, houses, sites = [], [], []
    order = np.argsort(lil.household_house, kind="stable")
    bounds = np.searchsorted(lil.household_house[order], np.arange(len(lil.house_x) + 1))
    for i in range(len(lil.house_x)):
        members = order[bounds[i]:bounds[i + 1]]
        x0, y0 = int(lil.house_x[i]) * CELL + 1, LABEL_BAND + int(lil.house_y[i]) * CELL + 1
        inner = CELL - 2
        for k, hh in enumerate(members):
            fill = (RUNG_COLOURS[int(snap.rung[hh])] if colour_by == "rung"
                    else SATISFACTION_COLOURS[scale_band(float(snap.satisfaction[hh]))])
            stripes.append({"x": round(x0 + k * inner / len(members), 2), "y": y0,
                            "w": round(inner / len(members), 2), "h": inner, "fill": fill})
        sat = float(snap.satisfaction[members].mean()) if len(members) else float("nan")
        tip = t("house_tip", lang, house=i + 1, alley=alley_of(lil, lil.house_x[i]), n=len(members),
                rungs=_rung_summary(snap.rung[members], lang),
                satisfaction=f"{sat:.2f} ({scale_word(sat, lang)})" if len(members) else "–")
        houses.append({"id": f"h{i}", "x": x0, "y": y0, "w": inner, "h": inner, "tip": tip})
    for s, (x0, x1, y0, y1) in enumerate(lil.site_box):
        state = snap.sites[s]
        status = STATUS_NAMES.index(state["status"])
        in_house = lil.site_house[s] >= 0
        if in_house and status == 0:
            continue  # a house's own kitchen or washroom shows once a project touches it
        if in_house:  # a badge in the house's top corner: kitchen on the left, washroom on the right
            right = state["kind"] == "house_bathroom"
            box = (int(x0) * CELL + (CELL - BADGE - 1 if right else 1), LABEL_BAND + int(y0) * CELL + 1, BADGE,
                   BADGE)
        else:
            box = (int(x0) * CELL + 3, LABEL_BAND + int(y0) * CELL + 3, int(x1 - x0 + 1) * CELL - 6,
                   int(y1 - y0 + 1) * CELL - 6)
        sites.append({"id": f"s{s}", "x": box[0], "y": box[1], "w": box[2], "h": box[3],
                      "fill": STATUS_COLOURS[status], "dash": "" if status else "4 3", "sw": 1.2 if in_house else 2,
                      "opacity": round(0.35 + 0.65 * float(state["condition"]), 3)
                      if state["status"] == "in_use" else 1.0,
                      "tip": site_tip(state, alley_of(lil, x0), lang)})
    planner = None
    if snap.planner_cell is not None:
        x, y = snap.planner_cell
        planner = {"cx": x * CELL + CELL / 2, "cy": LABEL_BAND + y * CELL + CELL / 2, "r": CELL / 2.6}
    return {"stripes": stripes, "houses": houses, "sites": sites, "planner": planner}


def site_tip(state: dict, alley: int, lang: str = "en") -> str:
    """A shared space in words: what and where, its stage and improvement, its condition."""
    improvement = f" · {name(state['improvement'], lang)}" if state["improvement"] else ""
    tip = t("site_tip", lang, kind=name(state["kind"], lang), alley=alley, status=name(state["status"], lang),
            improvement=improvement, condition=f"{state['condition']:.2f} ({scale_word(state['condition'], lang)})")
    return tip + (f"; {t('protected', lang)}" if state.get("heritage_protected") else "")


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str
    shape: str = "square"  # square, outlined (a space), dashed (an idle space), round (the planner)


def legend(colour_by: str, lang: str = "en", window_weeks: int = 13) -> list[tuple[str, list[LegendItem]]]:
    """The map's legend in groups: (title, items), in the map's own colours."""
    if colour_by == "rung":
        houses = (t("legend_houses_rung", lang, weeks=window_weeks),
                  [LegendItem(c, name(r, lang)) for c, r in zip(RUNG_COLOURS, LADDER, strict=True)])
    else:
        bounds = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
        houses = (t("legend_houses_satisfaction", lang),
                  [LegendItem(c, f"{bounds[k]:.1f}–{bounds[k + 1]:.1f} {t(SCALE_WORDS[k][1], lang)}")
                   for k, c in enumerate(SATISFACTION_COLOURS)])
    sites = (t("legend_sites", lang), [LegendItem(c, name(s, lang), "dashed" if k == 0 else "outlined")
                                       for k, (c, s) in enumerate(zip(STATUS_COLOURS, STATUS_NAMES, strict=True))])
    ways = (t("legend_ways", lang), [LegendItem(ALLEY_COLOURS[CellKind.MAIN_ALLEY], t("main_alley", lang)),
                                     LegendItem(ALLEY_COLOURS[CellKind.BRANCH_ALLEY], t("branch_alley", lang)),
                                     LegendItem(PLANNER_COLOUR, t("planner_marker", lang), "round")])
    return [houses, sites, ways]


def inspect(snap: Snapshot, cell_id: str, lang: str = "en") -> list[tuple[str, str]]:
    """A clicked house (its households, summarised) or space, as (label, value) rows in plain words."""
    lil = snap.lilong
    index = int(cell_id[1:])
    yes_no = {True: t("yes", lang), False: t("no", lang)}
    if cell_id.startswith("s"):
        s = snap.sites[index]
        alley = t("alley_n", lang, n=alley_of(lil, lil.site_box[index, 0]))
        return [(t("kind", lang), f"{name(s['kind'], lang)}, {alley}"),
                (t("status", lang), name(s["status"], lang)), (t("improvement", lang), name(s["improvement"], lang)),
                (t("area_m2", lang), f"{s['m2']:.0f}"),
                (t("fit", lang), f"{s['fit']:.2f} ({scale_word(s['fit'], lang)})"),
                (t("condition", lang), f"{s['condition']:.2f} ({scale_word(s['condition'], lang)})"),
                (t("rules", lang), yes_no[bool(s["rules"])]),
                (t("heritage", lang), yes_no[bool(s.get("heritage_protected"))]),
                (t("cost_yuan", lang), f"{s['cost_yuan']:,.0f}")]
    members = np.flatnonzero(lil.household_house == index)
    rows = [(t("house_title", lang, house=index + 1, alley=alley_of(lil, lil.house_x[index])), ""),
            (t("households", lang), str(len(members))),
            (t("deepest_part", lang), _rung_summary(snap.rung[members], lang))]
    for column, values in (("satisfaction_overall", snap.satisfaction), ("trust_government", snap.trust_government)):
        rows.append((metric_label(column, lang), fmt_value(column, float(values[members].mean()), lang)
                     if len(members) else "–"))
    rows += [(t("retired_n", lang), str(int((snap.age_group[members] == 2).sum()))),
             (t("renters_n", lang), str(int(snap.renter[members].sum())))]
    for s in np.flatnonzero(lil.site_house == index):  # the house's own shared kitchen and washroom
        rows.append((name(snap.sites[s]["kind"], lang), site_tip(snap.sites[s], alley_of(lil, lil.house_x[index]),
                                                                 lang).split(": ", 1)[-1].split("：", 1)[-1]))
    return rows


# ---------------------------------------------------------------- charts


def line_chart_svg(column: str, series: list[tuple[str, np.ndarray, np.ndarray]], lang: str = "en",
                   title: str | None = None, text_size: int = 13) -> str:
    """A line chart as an HTML figure (title and legend as text that wraps, the plot as scalable SVG).

    ``series`` is [(label, weeks, values)] of one metric; its y range is the metric's own (0-1 for
    shares and scores) or a round number above the data, never an empty axis. ``text_size`` is the
    axis text in the chart's own units (360 wide): the presenter view's smaller charts use larger text.
    """
    width, height, left, right, top, bottom = 360, 150, 46 + 3 * (text_size - 13), 10, text_size - 5, 11 + text_size
    metric = REGISTRY[column.partition("__")[0] if column not in REGISTRY else column]
    finite = [v[np.isfinite(v)] for _, _, v in series]
    data_max = max([float(f.max()) for f in finite if len(f)] + [0.0])
    hi = metric.hi if metric.hi is not None else _nice_ceiling(max(data_max * 1.05, AXIS_FLOOR.get(metric.unit, 1)))
    x_hi = max([float(w.max()) for _, w, _ in series if len(w)] + [1.0])
    x_hi = max(x_hi, 4.0)

    def xy(w: np.ndarray, v: np.ndarray) -> str:
        ok = np.isfinite(v)
        px = left + (width - left - right) * w[ok] / x_hi
        py = top + (height - top - bottom) * (1 - np.clip(v[ok], 0, hi) / hi)
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))

    label = title or metric_label(column, lang)
    grid = []
    for frac in (0.0, 0.5, 1.0):
        y = top + (height - top - bottom) * (1 - frac)
        grid.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
                    f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="{text_size}" text-anchor="end">'
                    f'{html.escape(_axis_number(column, hi * frac, lang))}</text>')
    lines, keys = [], []
    for k, (name_, weeks, values) in enumerate(series):
        colour, dash = SERIES_STYLES[k % len(SERIES_STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(weeks) > 1:
            lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr} '
                         f'points="{xy(weeks, values)}"/>')
        elif len(weeks) == 1 and np.isfinite(values[0]):
            lines.append(f'<circle r="3" fill="{colour}" cx="{left}" '
                         f'cy="{top + (height - top - bottom) * (1 - min(values[0], hi) / hi):.1f}"/>')
        keys.append(f'<span class="key"><svg width="26" height="10" aria-hidden="true"><line x1="0" y1="5" x2="26" '
                    f'y2="5" stroke="{colour}" stroke-width="3"{dash_attr}/></svg> {html.escape(name_)}</span>')
    keys_html = f'<div class="keys">{"".join(keys)}</div>' if len(series) > 1 else ""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{html.escape(label)}" preserveAspectRatio="xMidYMid meet">{"".join(grid)}'
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>'
           f'<text x="{left}" y="{height - 6}" font-size="{text_size}">0</text>'
           f'<text x="{(left + width - right) / 2}" y="{height - 6}" font-size="{text_size}" text-anchor="middle" '
           f'fill="#555">{t("week_axis", lang)}</text>'
           f'<text x="{width - right}" y="{height - 6}" font-size="{text_size}" text-anchor="end">{int(x_hi)}</text>'
           f'{"".join(lines)}</svg>')
    return (f'<figure class="chart" data-metric="{column}" title="{html.escape(metric_definition(column, lang))}">'
            f'<figcaption>{html.escape(label)}</figcaption>{keys_html}{svg}</figure>')


# Explorer: one model, related metrics together (title key, metrics; the first sets the axis).
# Workshop: one metric per chart, a line per side.
EXPLORER_CHARTS = (("chart_engagement", ("informed_share", "consulted_share", "involved_share")),
                   ("chart_satisfaction", ("satisfaction_overall", "satisfaction_overall_p10")),
                   ("chart_trust", ("trust_government", "trust_planner")),
                   (None, ("spaces_in_use",)),
                   (None, ("mean_condition",)),
                   (None, ("budget_spent_yuan",)))
WORKSHOP_CHARTS = ("involved_share", "satisfaction_overall", "trust_government", "spaces_in_use", "mean_condition",
                   "budget_spent_yuan")
PRESENTER_CHARTS = WORKSHOP_CHARTS[:3]  # what fits a projector's screen beside the maps, in text the room can read
PRESENTER_TEXT = 18  # chart text in chart units: 14 px or more on the screen at 1366x768 (docs/app.md)


def _series(snap: Snapshot, column: str) -> tuple[np.ndarray, np.ndarray]:
    df = snap.history
    return df["week"].to_numpy(float), df[column].to_numpy(float)


def explorer_charts(snap: Snapshot, lang: str = "en") -> list[str]:
    """The explorer's charts: related metrics of one run together (engagement by depth, ...)."""
    return [line_chart_svg(shown[0], [(metric_label(m, lang), *_series(snap, m)) for m in shown], lang,
                           title=t(title, lang) if title else None) for title, shown in EXPLORER_CHARTS]


def scenario_label(settings: object, lang: str = "en") -> str:
    return name(settings.scenario, lang)


def workshop_charts(frame: Frame, lang: str = "en", presenter: bool = False) -> list[str]:
    """The workshop's charts: one metric each, one line per side (the presenter view: fewer, larger text)."""
    columns, size = (PRESENTER_CHARTS, PRESENTER_TEXT) if presenter else (WORKSHOP_CHARTS, 13)
    return [line_chart_svg(column, [(scenario_label(s.settings, lang), *_series(s, column)) for s in frame.sides],
                           lang, text_size=size) for column in columns]


def groups_svg(snap: Snapshot, lang: str = "en") -> str:
    """Bars: overall satisfaction by age group and tenure this week."""
    groups = ("young", "working", "retired", "long_term", "renter")
    width, height, bar = 360, 160, 52
    bars = []
    for k, g in enumerate(groups):
        v = snap.metrics.get(f"satisfaction_overall__{g}", float("nan"))
        v = 0.0 if not np.isfinite(v) else float(v)
        h, x = 100 * v, 12 + k * (bar + 16)
        bars.append(f'<rect x="{x}" y="{120 - h:.1f}" width="{bar}" height="{h:.1f}" '
                    f'fill="{SATISFACTION_COLOURS[scale_band(v)]}" stroke="#555"/>'
                    f'<text x="{x + bar / 2}" y="{116 - h:.1f}" font-size="13" text-anchor="middle">{v:.2f}</text>'
                    + "".join(f'<text x="{x + bar / 2}" y="{136 + 12 * i}" font-size="13" text-anchor="middle">'
                              f'{html.escape(word)}</text>' for i, word in enumerate(_two_lines(name(g, lang)))))
    return (f'<figure class="chart" data-metric="satisfaction_overall_groups"><figcaption>{t("by_group", lang)}'
            f'</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{html.escape(t("by_group", lang))}">{"".join(bars)}</svg></figure>')


def _two_lines(label: str) -> list[str]:
    """A bar label on at most two lines (split at the space nearest the middle)."""
    if len(label) <= 10 or " " not in label:
        return [label]
    spaces = [i for i, c in enumerate(label) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1:]]


# ---------------------------------------------------------------- workshop cards and log

CARDS = ("involved_share", "satisfaction_overall", "trust_government", "spaces_in_use", "budget_spent_yuan")


def cards(frame: Frame, lang: str = "en") -> list[dict[str, str]]:
    """Indicator cards: each side's value now and the difference, right minus left, in words."""
    left, right = frame.sides[0], frame.sides[1]
    names = (scenario_label(left.settings, lang), scenario_label(right.settings, lang))
    out = []
    for column in CARDS:
        a, b = float(left.metrics[column]), float(right.metrics[column])
        out.append({"metric": column, "label": metric_label(column, lang),
                    "definition": metric_definition(column, lang),
                    "left_name": names[0], "right_name": names[1],
                    "left": fmt_value(column, a, lang), "right": fmt_value(column, b, lang),
                    "diff": fmt_diff(column, b - a, lang),
                    "diff_note": t("minus", lang, right=names[1], left=names[0]),
                    "scale_note": t("scale_note", lang) if _unit(column) == "0-1 scale" else ""})
    return out


def run_against_average(frame: Frame, rows: tuple[dict, ...] | list[dict]) -> list[str]:
    """The cards' metrics on which this one run and the many-seed average point different ways.

    ``rows`` are a comparison's summary rows (scenario, metric, mean); a metric counts when the
    run's right-minus-left difference and the average's have opposite signs.
    """
    left, right = (s.settings.scenario for s in frame.sides)
    means = {(r["scenario"], r["metric"]): float(r["mean"]) for r in rows}
    out = []
    for column in CARDS:
        if (left, column) in means and (right, column) in means:
            run = float(frame.sides[1].metrics[column]) - float(frame.sides[0].metrics[column])
            average = means[(right, column)] - means[(left, column)]
            if run * average < 0:
                out.append(column)
    return out


def event_lines(snap: Snapshot, lang: str = "en", last: int = 12) -> list[str]:
    """The latest ``last`` lines in plain language, newest first; a kind without a sentence gets a generic one.

    Events that read the same (the washrooms of two houses on one alley opened in the same week)
    make one line with their number ("... opened (in 2 places)"), not the same line twice.
    """
    counts: dict[str, int] = {}  # line -> events, newest first
    boundary = None  # the week of the oldest line kept: read all of it, so its counts are whole
    for e in reversed(snap.events):
        if boundary is not None and e.get("week") != boundary:
            break
        line = event_line(e, lang)
        counts[line] = counts.get(line, 0) + 1
        if len(counts) == last and boundary is None:
            boundary = e.get("week")
    lines = list(counts.items())[:last]
    return [line if n == 1 else t("event_times", lang, line=line, n=n) for line, n in lines]


def event_line(e: dict, lang: str = "en") -> str:
    kind, detail = str(e.get("event", "")), e.get("detail") or ""
    improvement = e.get("improvement")
    cost = e.get("cost_yuan")
    values = {"week": e.get("week", "?"), "alley": e.get("alley", "?"), "improvement": name(improvement, lang),
              "improvement_a": improvement_a(improvement, lang), "site_kind": name(e.get("site_kind"), lang),
              "cost": f"{cost:,.0f}" if isinstance(cost, (int, float)) else "–"}
    for key in (f"{kind}_{detail}", f"{kind}_"):
        if key in TEXT and "alley" in e and improvement is not None:
            return t(key, lang, **values)
    what = name(kind, lang) + (f" ({name(str(detail), lang)})" if detail else "")
    if "alley" in e and e.get("site_kind"):
        return t("event_at_site", lang, what=what, **values)
    return t("event_plain", lang, what=what, week=values["week"])


def sweep_point(point: tuple[tuple[str, object], ...], lang: str = "en") -> str:
    """A sweep's parameter values in words ("Capital budget for micro-renewal works (yuan/year) = 200,000")."""
    def value(v: object) -> str:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return name(str(v), lang)
        return f"{v:,.0f}" if float(v).is_integer() and abs(v) >= 1000 else f"{v:g}"

    return ("；" if lang == "zh" else "; ").join(f"{parameter_label(key, lang)} = {value(v)}" for key, v in point)


# ---------------------------------------------------------------- report


def settings_rows(settings: object, lang: str = "en") -> list[tuple[str, str]]:
    """A side's settings in words; planner details only where there is a planner."""
    rows = [(t("scenario", lang), name(settings.scenario, lang)), (t("preset", lang), name(settings.preset, lang)),
            (t("seed", lang), str(settings.seed)),
            (t("planner_on", lang), t("yes", lang) if settings.planner_on else t("no", lang))]
    if settings.planner_on:
        rows += [(t("planner_hours", lang), f"{settings.planner_hours:g}"),
                 (t("outreach_strategy", lang), name(settings.outreach_strategy, lang))]
    else:
        rows += [(t("planner_hours", lang), t("no_planner", lang)),
                 (t("outreach_strategy", lang), t("no_planner", lang))]
    rows.append((t("budget", lang), f"{settings.budget_yuan:,.0f}"))
    return rows


def report_html(frame: Frame, lang: str = "en") -> str:
    """A one-page HTML report: cards, charts (both lines told apart by colour, dash and key), logs, settings."""
    from sim import __version__

    left, right = frame.sides
    names = [scenario_label(s.settings, lang) for s in frame.sides]
    labels = [html.escape(n) for n in names]
    e = html.escape
    rows = "".join(f"<tr><td title='{e(c['definition'])}'>{e(c['label'])}</td><td>{e(c['left'])}</td>"
                   f"<td>{e(c['right'])}</td><td><b>{e(c['diff'])}</b><br><small>{e(c['diff_note'])}</small></td></tr>"
                   for c in cards(frame, lang))
    charts = "".join(workshop_charts(frame, lang))
    logs = "".join(f"<td><ul>{''.join(f'<li>{e(x)}</li>' for x in event_lines(s, lang, 15))}</ul></td>"
                   for s in frame.sides)
    params = "".join(f"<tr><td>{e(a[0])}</td><td>{e(a[1])}</td><td>{e(b[1])}</td></tr>"
                     for a, b in zip(settings_rows(left.settings, lang), settings_rows(right.settings, lang),
                                     strict=True))
    return f"""<!doctype html><html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{t('report_title', lang)}</title>
<style>body{{font-family:sans-serif;margin:24px;max-width:1100px}}td,th{{border:1px solid #ccc;padding:4px 8px;
vertical-align:top}}table{{border-collapse:collapse;margin:8px 0}}.charts{{display:grid;
grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}}figure{{margin:0}}figcaption{{font-weight:bold}}
.key{{margin-right:12px;font-size:0.9em}}</style></head><body>
<h1>{t('report_title', lang)}: {labels[0]} / {labels[1]}</h1>
<p>{t('week_n', lang, week=frame.week)} · {e(name(left.settings.preset, lang))} · {t('seed', lang)}
{left.settings.seed}</p>
<table><tr><th></th><th>{labels[0]}</th><th>{labels[1]}</th>
<th>{e(t('minus', lang, **dict(zip(("left", "right"), names, strict=True))))}</th></tr>{rows}</table>
<div class="charts">{charts}</div>
<h2>{t('event_log', lang)}</h2><table><tr><th>{labels[0]}</th><th>{labels[1]}</th></tr><tr>{logs}</tr></table>
<h2>{t('parameters', lang)}</h2><table><tr><th></th><th>{labels[0]}</th><th>{labels[1]}</th></tr>{params}</table>
<p>{e(t('generated', lang, time=f"{datetime.now():%Y-%m-%d %H:%M}", version=__version__))}</p></body></html>"""
