"""The golden run: weekly metrics of every shipped scenario on both presets over three years, checked in.

Any change to the numbers fails here. When a change is meant to move them, regenerate in the same commit
and say why in its message:

    .venv/bin/python tests/test_golden.py --update
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.execution.runs import run
from sim.params import DEFAULT_SCENARIOS, load_scenario, scenario_path

GOLDEN = Path(__file__).parent / "golden" / "weekly_metrics.parquet"
PRESETS = ("guizhou_west", "hengfu_heritage")
WEEKS = 156
SEED = 7


def golden_runs() -> pd.DataFrame:
    frames = []
    for preset in PRESETS:
        for name in DEFAULT_SCENARIOS:
            params = load_scenario(scenario_path(name), preset).replace({"run.weeks": WEEKS})
            steps, _ = run(params, SEED, name)
            frames.append(steps.assign(preset=preset))
    return pd.concat(frames, ignore_index=True)


def test_golden_run_is_unchanged():
    expected = pd.read_parquet(GOLDEN)
    actual = golden_runs()
    assert list(actual.columns) == list(expected.columns), "metric columns changed: regenerate the golden run"
    assert len(actual) == len(expected)
    numeric = [c for c in expected.columns if c not in ("scenario", "preset")]
    assert (actual[["scenario", "preset"]].to_numpy() == expected[["scenario", "preset"]].to_numpy()).all()
    a, e = actual[numeric].to_numpy(float), expected[numeric].to_numpy(float)
    same = np.isclose(a, e, rtol=1e-12, atol=1e-12, equal_nan=True)
    if not same.all():
        rows, cols = np.nonzero(~same)
        first = [f"{actual.scenario[r]}/{actual.preset[r]} week {actual.week[r]} {numeric[c]}: "
                 f"{e[r, c]!r} -> {a[r, c]!r}" for r, c in zip(rows[:5], cols[:5], strict=True)]
        raise AssertionError(f"{len(rows)} values differ from the golden run, first: {first}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    GOLDEN.parent.mkdir(exist_ok=True)
    golden_runs().to_parquet(GOLDEN, index=False)
    print(f"wrote {GOLDEN}")
