"""Sweep figures a researcher can publish: human labels, honest bands, readable Sobol bars."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.metrics import REGISTRY
from sim.sweep.analysis import metric_label, parameter_label, response_curves, tornado, valid_range
from sim.sweep.experiment import Experiment, Factor

SHARE = next(name for name, m in REGISTRY.items() if m.lo == 0 and m.hi == 1)


def experiment(design: str, factors: tuple[Factor, ...], metrics: tuple[str, ...]) -> Experiment:
    return Experiment(name="x", source=Path("x.toml"), text="", scenarios=("planner",), design=design,
                      factors=factors, metrics=metrics)


def test_labels_are_words_and_units_not_identifiers():
    assert metric_label(SHARE).startswith(REGISTRY[SHARE].label)
    assert "_" not in metric_label(SHARE) and "_" not in metric_label(f"{SHARE}__renter")
    assert parameter_label("planner.hours_per_week") == "planner: hours per week (hours/week)"
    assert valid_range(SHARE) == (0.0, 1.0)


def test_bands_are_clipped_to_the_valid_range_and_not_drawn_below_three_replications(tmp_path, monkeypatch):
    bands = []
    original = Axes.fill_between

    def record(self, x, low, high, **kw):
        bands.append((np.asarray(x), np.asarray(low), np.asarray(high)))
        return original(self, x, low, high, **kw)

    monkeypatch.setattr(Axes, "fill_between", record)
    exp = experiment("grid", (Factor("planner.hours_per_week", values=(0, 8, 16)),), (SHARE,))
    means = pd.DataFrame({"point_index": [0, 1, 2], "preset": "p", "scenario": "planner",
                          "planner.hours_per_week": [0, 8, 16], "metric": SHARE, "mean": [0.05, 0.5, 0.95],
                          "ci_low": [-0.2, 0.4, 0.8], "ci_high": [0.3, 0.6, 1.3], "n": [5, 2, 5]})
    response_curves(means, exp, tmp_path)
    (x, low, high), = bands
    assert list(x) == [0, 16], "the point with n = 2 has no band"
    assert low.min() >= 0 and high.max() <= 1


def test_sobol_total_and_first_order_bars_do_not_overlap(tmp_path, monkeypatch):
    bars = []
    original = Axes.barh

    def record(self, y, width, **kw):
        bars.append((kw.get("label"), np.asarray(y, float), kw.get("height", 0.8)))
        return original(self, y, width, **kw)

    monkeypatch.setattr(Axes, "barh", record)
    factors = (Factor("behaviour.weight_time", low=1, high=2), Factor("behaviour.weight_social", low=0, high=1))
    exp = replace(experiment("sobol", factors, (SHARE,)), samples=4)
    indices = pd.DataFrame({"scenario": "planner", "preset": "p", "metric": SHARE,
                            "parameter": [f.key for f in factors], "S1": [0.2, 0.4], "S1_conf": [0.1, 0.1],
                            "ST": [0.3, 0.6], "ST_conf": [0.1, 0.1]})
    tornado(indices, exp, tmp_path)
    (_, y_total, h_total), (_, y_first, h_first) = bars
    gaps = np.abs(y_total - y_first)
    assert (gaps >= (h_total + h_first) / 2 - 1e-9).all(), "S1 and ST bars side by side, not on top of each other"
    assert (tmp_path / "tornado.png").exists()
