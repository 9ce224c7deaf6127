"""The main job: compare institutional scenarios on common seeds and write results/."""

from __future__ import annotations

import json
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

from sim import assumptions, figures
from sim.analysis import (
    by_year,
    by_year_markdown,
    final_year,
    short_table,
    summarise,
    summary_markdown,
    tipping,
    tipping_markdown,
)
from sim.metrics import group_columns
from sim.params import Params, load_scenario, resolve_preset, scenarios_dir
from sim.provenance import file_record, git_commit, package_versions
from sim.runner import RunSpec, run_many

DEFAULT_SCENARIOS = ("top_down", "consultation", "platform", "planner", "planner_platform")
YEARLY = ("involved_share", "consulted_share", "satisfaction_overall", "trust_government", "external_efficacy",
          "core_share", "spaces_in_use", "spaces_completed_per_year", "spaces_worn_out_per_year", "mean_condition",
          "spending_yuan_per_year", "activity_share")


def scenario_path(name_or_path: str) -> Path:
    """``planner`` -> scenarios/planner.toml; a path is taken as it is."""
    p = Path(name_or_path)
    return p if p.suffix == ".toml" else scenarios_dir() / f"{name_or_path}.toml"


def common_seeds(n: int, first: int = 0) -> list[int]:
    """The seeds every scenario is run with (common random numbers)."""
    return list(range(first, first + n))


def _context(loaded: dict[str, Params], preset: str | None, seeds: list[int]) -> str:
    """What a reader of summary.md must know: neighbourhood, seeds, horizon, what the CIs cover."""
    first = next(iter(loaded.values()))
    weeks = sorted({p.run.weeks for p in loaded.values()})
    return (f"Preset `{preset or 'none'}` ({first.neighbourhood.households} households); "
            f"{len(seeds)} seeds ({seeds[0]}-{seeds[-1]}), the same for every scenario; "
            f"horizon {' / '.join(str(w) for w in weeks)} weeks; engagement window "
            f"{first.observation.engagement_window_weeks} weeks. Confidence intervals cover seed-to-seed "
            "variation only (parameters fixed at the scenario's values).")


def load_scenarios(scenarios: tuple[str, ...], preset: str | None, weeks: int | None = None,
                   households: int | None = None, baseline: str | None = None
                   ) -> tuple[list[Path], dict[str, Params], str]:
    """(files, parameters by scenario name, baseline): each scenario on the preset, with the command line's
    horizon and size applied and validated before any run; the baseline defaults to the first scenario."""
    paths = [scenario_path(s) for s in scenarios]
    loaded: dict[str, Params] = {}
    overrides = {k: v for k, v in (("run.weeks", weeks), ("neighbourhood.households", households)) if v is not None}
    for path in paths:
        params = load_scenario(path, preset)
        loaded[params.name] = params.replace(overrides, origin="command line") if overrides else params
    baseline = baseline or next(iter(loaded))
    if baseline not in loaded:
        raise ValueError(f"baseline {baseline!r} is not among the scenarios: {', '.join(loaded)}")
    return paths, loaded, baseline


def compare(scenarios: tuple[str, ...] = DEFAULT_SCENARIOS, preset: str | None = "guizhou_west",
            seeds: int = 30, first_seed: int = 0, weeks: int | None = None, households: int | None = None,
            workers: int | None = None, out: Path | None = None, baseline: str | None = None,
            progress: bool = True, robustness_seeds: int = 8) -> Path:
    """Run every scenario on the same seeds and write tables, figures and a manifest to ``out``.

    All scenario files are loaded and validated before any run starts.
    """
    start = time.perf_counter()
    paths, loaded, baseline = load_scenarios(scenarios, preset, weeks, households, baseline)
    names = list(loaded)
    seed_list = common_seeds(seeds, first_seed)
    out = out or Path("results") / datetime.now().strftime("compare-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)

    specs = [RunSpec(name, loaded[name], seed) for name in names for seed in seed_list]
    steps, events = run_many(specs, workers=workers, progress=progress)
    # Tables first: if a figure fails, nothing computed is lost.
    steps.to_parquet(out / "steps.parquet", index=False)
    steps.to_csv(out / "steps.csv", index=False)
    events.to_csv(out / "events.csv", index=False)
    per_run = final_year(steps)
    per_run.to_csv(out / "runs_final_year.csv", index=False)
    summary = summarise(per_run, baseline)
    summary.to_csv(out / "summary.csv", index=False)
    tipped = tipping(final_year(steps, ("activity_share", "core_share")))
    tipped.to_csv(out / "tipping.csv", index=False)
    yearly = by_year(steps, YEARLY)
    yearly.to_csv(out / "by_year.csv")
    report = [summary_markdown(summary, baseline, _context(loaded, preset, seed_list)),
              tipping_markdown(tipped), by_year_markdown(yearly)]
    if robustness_seeds:
        robust_start = time.perf_counter()
        robust_steps, _ = run_many(assumptions.specs(loaded, baseline, seed_list[:robustness_seeds]),
                                   workers=workers, progress=progress)
        robust = assumptions.table(robust_steps, per_run, loaded, baseline)
        robust.to_csv(out / "robustness.csv", index=False)
        report.append(assumptions.markdown(robust, baseline, robustness_seeds, time.perf_counter() - robust_start))
        figures.robustness(robust, out / "figures" / "robustness.png")
    (out / "summary.md").write_text("\n".join(report))
    per_run_groups = final_year(steps, group_columns())
    per_run_groups.to_csv(out / "groups_final_year.csv", index=False)
    figures.write_all(steps, per_run_groups, out / "figures")

    manifest = {
        "command": sys.argv,
        "scenarios": {name: file_record(path) for name, path in zip(names, paths, strict=True)},
        "preset": file_record(resolve_preset(preset)) if preset else None,
        "seeds": seed_list,
        "baseline": baseline,
        "weeks": {name: p.run.weeks for name, p in loaded.items()},
        "parameters": {name: p.to_dict() for name, p in loaded.items()},
        "versions": package_versions(),
        "git_commit": git_commit(),
        "machine": {"platform": platform.platform(), "processor": platform.machine()},
        "workers": workers,
        "wall_time_s": round(time.perf_counter() - start, 2),
        "outputs": sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) + ["manifest.json"],
        "created": datetime.now().isoformat(timespec="seconds"),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    print(f"Results written to {out}/")
    print(short_table(summary))
    return out
