"""Instant answers: results already computed by `sim compare` and `sim sweep`, found for the page's choice.

A comparison counts only if its manifest names the page's neighbourhood preset, it has at least
:data:`MIN_SEEDS` seeds, its summary holds both scenarios and is the file the manifest recorded;
among those the one with the most seeds wins (then the newest). The page says which folder and
how many seeds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.app.settings import results_dir
from sim.integrity import sha256_file

MIN_SEEDS = 20
ANSWER_METRICS = ("involved_share", "satisfaction_overall", "trust_government", "spaces_in_use", "budget_spent_yuan")


@dataclass(frozen=True)
class Comparison:
    """A `sim compare` result usable for instant answers."""

    folder: Path
    preset: str
    seeds: int
    created: str
    rows: tuple[dict, ...]  # summary rows (scenario, metric, mean, ci_low, ci_high) for the asked scenarios


def _preset_of(manifest: dict) -> str | None:
    """The preset a comparison ran on: its name (or file) now, a file record in older manifests."""
    record = manifest.get("preset")
    if isinstance(record, dict):
        record = record.get("path")
    return Path(record).stem if isinstance(record, str) and record else None


def _intact(folder: Path, manifest: dict) -> bool:
    """The summary is the one the manifest recorded (older manifests record no checksums)."""
    recorded = (manifest.get("files") or {}).get("summary.csv")
    return recorded is None or recorded == sha256_file(folder / "summary.csv")


def find_comparison(scenarios: tuple[str, ...], preset: str, results: Path | None = None,
                    min_seeds: int = MIN_SEEDS, metrics: tuple[str, ...] = ANSWER_METRICS) -> Comparison | None:
    """The comparison under ``results`` on ``preset`` holding both scenarios, with the most seeds (>= ``min_seeds``)."""
    results = results or results_dir()
    found: list[Comparison] = []
    for manifest_path in results.glob("*/manifest.json"):
        folder = manifest_path.parent
        try:
            manifest = json.loads(manifest_path.read_text())
            summary = pd.read_csv(folder / "summary.csv")
        except (OSError, ValueError):
            continue
        seeds = len(manifest.get("seeds") or [])
        if _preset_of(manifest) != preset or seeds < min_seeds or not {"scenario", "metric"} <= set(summary):
            continue
        if not _intact(folder, manifest):
            continue
        if not set(scenarios) <= set(summary["scenario"]):
            continue
        keep = summary[summary["scenario"].isin(scenarios) & summary["metric"].isin(metrics)]
        rows = tuple(keep[["scenario", "metric", "mean", "ci_low", "ci_high"]].to_dict("records"))
        if rows:
            found.append(Comparison(folder, preset, seeds, str(manifest.get("created", "")), rows))
    return max(found, key=lambda c: (c.seeds, c.created), default=None)


def sweep_bands(scenarios: tuple[str, ...], preset: str, results: Path | None = None,
                metrics: tuple[str, ...] = ("involved_share", "satisfaction_overall")) -> list[dict]:
    """Point means with 95% CIs from analysed sweep stores, for these scenarios and this preset.

    Each row names the store, the scenario, the varied parameters at that point (``point``: (key,
    value) pairs, which :func:`sim.app.views.sweep_point` puts in words), the metric and
    its band: answers to "what if the budget were halved?" without running anything.
    """
    results = results or results_dir()
    rows = []
    for table in sorted(results.glob("sweeps/*/analysis/point_means.csv")):
        means = pd.read_csv(table)
        if not {"scenario", "preset", "metric"} <= set(means):
            continue
        keep = means[means.scenario.isin(scenarios) & (means.preset == preset) & means.metric.isin(metrics)]
        params = [c for c in means.columns if "." in c]
        for r in keep.to_dict("records"):
            rows.append({"store": table.parent.parent.name, "scenario": r["scenario"], "metric": r["metric"],
                         "point": tuple((p, r[p]) for p in params),  # (parameter key, value): words on the page
                         "mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
    return rows
