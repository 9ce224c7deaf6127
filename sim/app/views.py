"""What the app shows, as plain data and SVG/HTML strings (no Solara here, so it is easy to test).

Settings -> parameters -> model -> map cells, charts, cards, log lines, reports. The app
never changes model internals; it only builds models and calls ``step``.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from sim.agents import Site
from sim.app.i18n import name, t
from sim.compare import scenario_path
from sim.model import LilongModel
from sim.params import IMPROVEMENT_TYPES, Params, load_scenario
from sim.population import LADDER
from sim.projects import STATUS_NAMES
from sim.space import SITE_KIND_NAMES, CellKind

SCENARIOS = ("top_down", "consultation", "planner", "planner_platform")
PRESETS = ("guizhou_west", "hengfu_heritage")
CELL_PX = 22
RUNG_COLOURS = ("#d9d9d9", "#c6dbef", "#6baed6", "#2171b5", "#08519c", "#f16913")
STATUS_COLOURS = ("#bdbdbd", "#fee391", "#fec44f", "#fe9929", "#d95f0e", "#31a354")
ALLEY_COLOURS = {CellKind.MAIN_ALLEY: "#8c8c8c", CellKind.BRANCH_ALLEY: "#b5b5b5"}


@dataclass(frozen=True)
class Settings:
    """The controls of the app: one typed object that builds the model (and a scenario file)."""

    scenario: str = "planner_platform"
    preset: str = "guizhou_west"
    planner_on: bool = True
    planner_hours: float = 16.0
    outreach_strategy: str = "least_heard"
    budget_yuan: float = 600_000.0
    seed: int = 0

    @classmethod
    def from_scenario(cls, scenario: str, preset: str = "guizhou_west", seed: int = 0) -> Settings:
        p = load_scenario(scenario_path(scenario), preset)
        return cls(scenario, preset, p.planner.enabled, p.planner.hours_per_week, p.planner.outreach_strategy,
                   p.street_office.budget_yuan_per_year, seed)

    def overrides(self) -> dict[str, object]:
        return {"planner.enabled": self.planner_on, "planner.hours_per_week": float(self.planner_hours),
                "planner.outreach_strategy": self.outreach_strategy,
                "street_office.budget_yuan_per_year": float(self.budget_yuan)}

    def params(self) -> Params:
        base = load_scenario(scenario_path(self.scenario), self.preset)
        return base.replace(self.overrides(), origin="app settings")

    def model(self) -> LilongModel:
        return LilongModel(self.params(), int(self.seed))


# ---------------------------------------------------------------- map


def _satisfaction_colour(v: float) -> str:
    v = float(np.clip(v, 0, 1))
    r, g = int(215 - 160 * v), int(48 + 140 * v)
    return f"#{r:02x}{g:02x}{60:02x}"


def map_cells(model: LilongModel, colour_by: str = "rung", lang: str = "en") -> list[dict]:
    """SVG rectangles for the map: alleys, houses (coloured by their households), sites, planner."""
    lil, h = model.lilong, model.households
    cells: list[dict] = []
    for kind, colour in ALLEY_COLOURS.items():
        tip = t(kind.name.lower(), lang)
        cells += [{"id": "", "x": int(x) * CELL_PX, "y": int(y) * CELL_PX, "w": CELL_PX, "h": CELL_PX,
                   "fill": colour, "opacity": 1.0, "tip": tip} for x, y in np.argwhere(lil.cell_kind == kind)]
    n_houses = len(lil.house_x)
    count = np.bincount(lil.household_house, minlength=n_houses)
    safe = np.maximum(count, 1)
    rung = np.bincount(lil.household_house, weights=h.rung, minlength=n_houses) / safe
    sat = np.bincount(lil.household_house, weights=h.satisfaction_overall, minlength=n_houses) / safe
    for i in range(n_houses):
        fill = RUNG_COLOURS[int(round(rung[i]))] if colour_by == "rung" else _satisfaction_colour(sat[i])
        tip = (f"{t('house', lang)} {i}: {t('households_here', lang, n=int(count[i]))}; "
               f"{t('rung', lang)} {rung[i]:.1f}; {t('satisfaction', lang)} {sat[i]:.2f}")
        cells.append({"id": f"h{i}", "x": int(lil.house_x[i]) * CELL_PX + 1, "y": int(lil.house_y[i]) * CELL_PX + 1,
                      "w": CELL_PX - 2, "h": CELL_PX - 2, "fill": fill, "opacity": 1.0, "tip": tip})
    pb = model.projects
    for s, (x0, x1, y0, y1) in enumerate(lil.site_box):
        status = STATUS_NAMES[pb.status[s]]
        improvement = name(None if pb.type[s] < 0 else _improvement(pb.type[s]), lang)
        tip = (f"{name(SITE_KIND_NAMES[lil.site_kind[s]], lang)}: {name(status, lang)}; {improvement}; "
               f"{t('condition', lang)} {pb.condition[s]:.2f}"
               + (f"; {t('protected', lang)}" if lil.site_protected[s] else ""))
        cells.append({"id": f"s{s}", "x": int(x0) * CELL_PX + 3, "y": int(y0) * CELL_PX + 3,
                      "w": int(x1 - x0 + 1) * CELL_PX - 6, "h": int(y1 - y0 + 1) * CELL_PX - 6,
                      "fill": STATUS_COLOURS[pb.status[s]],
                      "opacity": 0.45 + 0.55 * float(pb.condition[s]) if status == "in_use" else 0.9, "tip": tip})
    return cells


def planner_marker(model: LilongModel) -> dict | None:
    if model.planner is None:
        return None
    x, y = model.planner.cell.coordinate
    return {"cx": x * CELL_PX + CELL_PX / 2, "cy": y * CELL_PX + CELL_PX / 2, "r": CELL_PX / 2.5}


def _improvement(k: int) -> str:
    return IMPROVEMENT_TYPES[int(k)]


def inspect(model: LilongModel, cell_id: str, lang: str = "en") -> dict[str, object]:
    """State of a clicked house (its households, summarised) or site."""
    if cell_id.startswith("s"):
        state = model.agents_by_type[Site][int(cell_id[1:])].state()
        for key in ("kind", "status", "improvement"):
            state[key] = name(state[key], lang)
        return state
    house = int(cell_id[1:])
    h = model.households
    members = np.flatnonzero(model.lilong.household_house == house)
    rungs = [name(LADDER[r], lang) for r in h.rung[members]]
    return {"households": len(members), "rungs": ", ".join(rungs),
            "satisfaction_overall": round(float(h.satisfaction_overall[members].mean()), 3),
            "trust_government": round(float(h.trust_government[members].mean()), 3),
            "external_efficacy": round(float(h.external_efficacy[members].mean()), 3),
            "retired": int((h.age_group[members] == 2).sum()), "renters": int(h.renter[members].sum())}


# ---------------------------------------------------------------- charts

SERIES_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def line_chart_svg(title: str, series: list[tuple[str, np.ndarray, np.ndarray]], y_max: float | None = None,
                   width: int = 360, height: int = 170) -> str:
    """A small line chart as SVG: ``series`` is [(label, weeks, values)]."""
    left, right, top, bottom = 38, 8, 22, 22
    finite = [v[np.isfinite(v)] for _, _, v in series]
    hi = y_max if y_max is not None else max([float(f.max()) for f in finite if len(f)] + [1e-9]) * 1.1
    x_hi = max([float(w.max()) for _, w, _ in series if len(w)] + [1.0])

    def xy(w: np.ndarray, v: np.ndarray) -> str:
        ok = np.isfinite(v)
        px = left + (width - left - right) * w[ok] / x_hi
        py = top + (height - top - bottom) * (1 - v[ok] / hi)
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="{left}" y="14" font-size="12" font-weight="bold">{html.escape(title)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#999"/>',
             f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{hi:.2g}</text>',
             f'<text x="{left - 4}" y="{height - bottom}" font-size="10" text-anchor="end">0</text>',
             f'<text x="{width - right}" y="{height - 6}" font-size="10" text-anchor="end">{int(x_hi)}</text>']
    for k, (label, weeks, values) in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{xy(weeks, values)}"/>')
        parts.append(f'<text x="{left + 6 + 110 * k}" y="{height - 6}" font-size="10" fill="{colour}">'
                     f'{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


CHARTS = (("engagement", "involved_share", 1.0), ("satisfaction_overall", "satisfaction_overall", 1.0),
          ("trust", "trust_government", 1.0), ("spaces_built", "spaces_in_use", None),
          ("condition", "mean_condition", 1.0))


def charts_svg(models: list[tuple[str, LilongModel]], lang: str = "en") -> list[str]:
    """One chart per headline indicator, a line per model."""
    frames = [(label, m.dataframe()) for label, m in models]
    out = []
    for key, metric, y_max in CHARTS:
        series = [(label, df["week"].to_numpy(float), df[metric].to_numpy(float)) for label, df in frames]
        out.append(line_chart_svg(t(key, lang), series, y_max))
    return out


def groups_svg(model: LilongModel, lang: str = "en") -> str:
    """Bars: overall satisfaction by age group and tenure now."""
    groups = ("young", "working", "retired", "long_term", "renter")
    values = [model.metrics[f"satisfaction_overall__{g}"] for g in groups]
    width, height, bar = 360, 170, 52
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">',
             f'<text x="8" y="14" font-size="12" font-weight="bold">{html.escape(t("by_group", lang))}</text>']
    for k, (g, v) in enumerate(zip(groups, values, strict=True)):
        v = 0.0 if not np.isfinite(v) else v
        h = 110 * v
        x = 12 + k * (bar + 16)
        parts.append(f'<rect x="{x}" y="{138 - h:.1f}" width="{bar}" height="{h:.1f}" fill="#6baed6"/>')
        parts.append(f'<text x="{x + bar / 2}" y="{134 - h:.1f}" font-size="10" text-anchor="middle">{v:.2f}</text>')
        parts.append(f'<text x="{x + bar / 2}" y="156" font-size="10" text-anchor="middle">'
                     f'{html.escape(name(g, lang))}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- workshop cards and log

CARDS = (("engagement", "involved_share", "{:.0%}"), ("satisfaction_overall", "satisfaction_overall", "{:.2f}"),
         ("trust", "trust_government", "{:.2f}"), ("spaces_built", "spaces_in_use", "{:.0f}"),
         ("yuan_spent", "budget_spent_yuan", "{:,.0f}"))


def cards(left: LilongModel, right: LilongModel, lang: str = "en") -> list[dict[str, str]]:
    """Indicator cards: each side's value now and the difference (right minus left)."""
    out = []
    for key, metric, fmt in CARDS:
        a, b = left.metrics[metric], right.metrics[metric]
        diff = b - a
        diff_text = f"{diff:+.0%}" if "%" in fmt else ("+" if diff > 0 else "") + fmt.format(diff)
        out.append({"label": t(key, lang), "left": fmt.format(a), "right": fmt.format(b), "diff": diff_text})
    return out


def event_lines(model: LilongModel, lang: str = "en", last: int = 12) -> list[str]:
    """The latest events in plain language, newest first."""
    lines = []
    for e in reversed(model.events[-last:]):
        key = f"{e['event']}_{e['detail']}" if e["event"] in ("proposed", "designed") else f"{e['event']}_"
        lines.append(t(key, lang, week=e["week"], alley=e["alley"], improvement=name(e["improvement"], lang),
                       site_kind=name(e["site_kind"], lang), cost=f"{e['cost_yuan']:,.0f}"))
    return lines


# ---------------------------------------------------------------- saving and exporting


def scenario_toml(settings: Settings, name_: str) -> str:
    """A scenario file that reproduces ``settings`` (extends the chosen institutional scenario)."""
    values = settings.overrides()
    return (f'name = "{name_}"\n'
            f'description = "Saved from the workshop app on {datetime.now():%Y-%m-%d %H:%M}; '
            f'run with --preset {settings.preset} --seed {settings.seed}"\n'
            f'extends = "{scenario_path(settings.scenario).resolve()}"\n\n'
            "[planner]\n"
            f"enabled = {str(values['planner.enabled']).lower()}\n"
            f"hours_per_week = {values['planner.hours_per_week']}\n"
            f'outreach_strategy = "{values["planner.outreach_strategy"]}"\n\n'
            "[street_office]\n"
            f"budget_yuan_per_year = {values['street_office.budget_yuan_per_year']}\n")


def save_scenario(settings: Settings, folder: Path, name_: str) -> Path:
    """Write the scenario file and check it loads to the same parameters."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name_}.toml"
    path.write_text(scenario_toml(settings, name_))
    loaded = load_scenario(path, settings.preset)
    assert loaded.replace({"name": settings.params().name}) == settings.params(), "saved scenario differs"
    return path


def report_html(left: tuple[Settings, LilongModel], right: tuple[Settings, LilongModel], lang: str = "en") -> str:
    """A one-page HTML report: cards, charts, event logs, parameters and seed."""
    (ls, lm), (rs, rm) = left, right
    labels = (name(ls.scenario, lang), name(rs.scenario, lang))
    rows = "".join(f"<tr><td>{c['label']}</td><td>{c['left']}</td><td>{c['right']}</td><td>{c['diff']}</td></tr>"
                   for c in cards(lm, rm, lang))
    charts = "".join(charts_svg([(labels[0], lm), (labels[1], rm)], lang))
    params = "".join(f"<tr><td>{k}</td><td>{html.escape(str(a))}</td><td>{html.escape(str(b))}</td></tr>"
                     for (k, a), b in zip(asdict(ls).items(), asdict(rs).values(), strict=True))
    logs = "".join(f"<td><ul>{''.join(f'<li>{html.escape(x)}</li>' for x in event_lines(m, lang, 15))}</ul></td>"
                   for m in (lm, rm))
    return f"""<!doctype html><html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{t('report_title', lang)}</title>
<style>body{{font-family:sans-serif;margin:24px;max-width:1100px}}td,th{{border:1px solid #ccc;padding:4px 8px}}
table{{border-collapse:collapse;margin:8px 0}}svg{{margin:4px}}</style></head><body>
<h1>{t('report_title', lang)}: {labels[0]} / {labels[1]}</h1>
<p>{t('week_n', lang, week=lm.week)} · {name(ls.preset, lang)} · {t('seed', lang)} {ls.seed}</p>
<table><tr><th></th><th>{labels[0]}</th><th>{labels[1]}</th><th>{t('difference', lang)}</th></tr>{rows}</table>
<div>{charts}</div>
<h2>{t('event_log', lang)}</h2><table><tr><th>{labels[0]}</th><th>{labels[1]}</th></tr><tr>{logs}</tr></table>
<h2>{t('parameters', lang)}</h2><table><tr><th></th><th>{labels[0]}</th><th>{labels[1]}</th></tr>{params}</table>
<p>Generated {datetime.now():%Y-%m-%d %H:%M} by sim {__import__('sim').__version__}</p></body></html>"""


def sweep_bands(scenarios: tuple[str, ...], preset: str, results: Path = Path("results"),
                metrics: tuple[str, ...] = ("involved_share", "satisfaction_overall")) -> list[dict]:
    """Point means with 95% CIs from analysed sweep stores, for these scenarios and this preset.

    Each row names the store, the scenario, the varied parameters at that point, the metric and
    its band: answers to "what if the budget were halved?" without running anything.
    """
    import pandas as pd

    rows = []
    for table in sorted(results.glob("sweeps/*/analysis/point_means.csv")):
        means = pd.read_csv(table)
        keep = means[means.scenario.isin(scenarios) & (means.preset == preset) & means.metric.isin(metrics)]
        params = [c for c in means.columns if "." in c]
        for r in keep.to_dict("records"):
            rows.append({"store": table.parent.parent.name, "scenario": r["scenario"], "metric": r["metric"],
                         "point": ", ".join(f"{p.split('.', 1)[1]}={r[p]:g}" if isinstance(r[p], (int, float))
                                            else f"{p.split('.', 1)[1]}={r[p]}" for p in params),
                         "mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
    return rows


def precomputed_summary(results: Path = Path("results")) -> tuple[Path, list[dict]] | None:
    """The newest `sim compare` summary under ``results/``, as rows for instant answers."""
    import pandas as pd

    found = sorted(results.glob("*/summary.csv"), key=lambda p: p.stat().st_mtime)
    if not found:
        return None
    table = pd.read_csv(found[-1])
    table = table[table.metric.isin(["involved_share", "satisfaction_overall", "trust_government"])]
    return found[-1].parent, table.to_dict("records")
