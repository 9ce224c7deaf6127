"""The main job: compare institutional scenarios on common seeds and write results/."""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

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
from sim.calibration.posterior import (
    DRAWN,
    SHIPPED,
    draw_specs,
    load_posterior,
    off_the_mean,
    uncertainty_short,
    write_uncertainty,
)
from sim.execution.runs import RunSpec, run_many
from sim.inputs import InputError
from sim.integrity import ResultFolder, cannot_write, input_records, write_csv
from sim.metrics import group_columns
from sim.params import DEFAULT_SCENARIOS, Params, load_scenario, scenario_inputs, scenario_path
from sim.paths import relative_to_project
from sim.provenance import git_commit, package_versions
from sim.sizing import check_compare_size

YEARLY = ("involved_share", "consulted_share", "satisfaction_overall", "trust_government", "external_efficacy",
          "core_share", "spaces_in_use", "spaces_completed_per_year", "spaces_worn_out_per_year", "mean_condition",
          "spending_yuan_per_year", "activity_share")


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


def load_compared(scenarios: Sequence[str], preset: str | None, weeks: int | None, households: int | None,
                  baseline: str | None) -> tuple[dict[str, Params], dict[str, Path], str]:
    """The scenarios of a comparison by name (with the command line's horizon and size), the file of
    each, and the baseline (the first unless named). Names must differ and the baseline be among them."""
    loaded: dict[str, Params] = {}
    source: dict[str, Path] = {}
    overrides = {k: v for k, v in (("run.weeks", weeks), ("neighbourhood.households", households)) if v is not None}
    for path in (scenario_path(s) for s in scenarios):
        params = load_scenario(path, preset)
        if params.name in loaded:
            raise InputError(f"{path}: name = {params.name!r} is also the name of {source[params.name]}; "
                             "scenarios in one comparison need different names")
        loaded[params.name] = params.replace(overrides, origin="command line") if overrides else params
        source[params.name] = path
    baseline = baseline or next(iter(loaded))
    if baseline not in loaded:
        raise InputError(f"--baseline {baseline}: not among the scenarios compared; allowed: {', '.join(loaded)}")
    return loaded, source, baseline


def compare(scenarios: tuple[str, ...] = DEFAULT_SCENARIOS, preset: str | None = "guizhou_west",
            seeds: int = 30, first_seed: int = 0, weeks: int | None = None, households: int | None = None,
            workers: int | None = None, out: Path | None = None, baseline: str | None = None,
            progress: bool = True, robustness_seeds: int = 6, overwrite: bool = False,
            posterior: Path | None = SHIPPED) -> Path:
    """Run every scenario on the same seeds and write tables, figures and a manifest to ``out``.

    With a ``posterior`` (by default the shipped calibration's), every seed also runs on a posterior draw,
    and each headline difference is reported with seed-only and total uncertainty (sim/calibration/posterior.py).

    All scenario files are loaded and validated, and the size checked, before any run starts.
    The folder is written under a temporary name and renamed into place when complete; an
    existing ``out`` is refused unless ``overwrite``.
    """
    start = time.perf_counter()
    loaded, source, baseline = load_compared(scenarios, preset, weeks, households, baseline)
    names = list(loaded)
    seed_list = common_seeds(seeds, first_seed)
    specs = [RunSpec(name, loaded[name], seed) for name in names for seed in seed_list]
    robust_specs = assumptions.specs(loaded, baseline, seed_list[:robustness_seeds]) if robustness_seeds else []
    sample = load_posterior(posterior) if posterior is not None else None
    # The runs on posterior draws are the headline runs' size again: the size is checked before they are made.
    check_compare_size(specs + robust_specs + (specs if sample is not None else []), workers, progress)
    drawn_specs, draws = (draw_specs(loaded, sample, seed_list, f"posterior {posterior}") if sample is not None
                          else ([], None))
    inputs = input_records([role_path for name in names for role_path in scenario_inputs(source[name], preset)]
                           + ([("posterior", Path(posterior))] if sample is not None else []))
    out = out or Path("results") / datetime.now().strftime("compare-%Y%m%d-%H%M%S")
    with ResultFolder(out, overwrite) as folder:
        runs_start = time.perf_counter()
        all_steps, all_events = run_many(specs + robust_specs + drawn_specs, workers=workers, progress=progress)
        headline = all_steps.scenario.isin(names)
        on_draws = all_steps.scenario.str.endswith(DRAWN)
        steps, events = all_steps[headline].reset_index(drop=True), all_events[all_events.scenario.isin(names)]
        robustness = None
        if robust_specs:  # its share of the runs' time, by its share of the household-weeks simulated
            share = len(robust_specs) / (len(specs) + len(robust_specs) + len(drawn_specs))
            robust = assumptions.table(all_steps[~headline & ~on_draws], final_year(steps), loaded, baseline)
            robustness = (robust, assumptions.markdown(robust, baseline, robustness_seeds,
                                                       share * (time.perf_counter() - runs_start)))
        try:
            summary = _write_tables(folder.path, steps, events, baseline, _context(loaded, preset, seed_list),
                                    robustness)
            uncertain = None
            if sample is not None:
                drawn = all_steps[on_draws].assign(scenario=lambda f: f.scenario.str.removesuffix(DRAWN))
                drawn.to_parquet(folder.path / "steps_posterior_draws.parquet", index=False)
                uncertain, section = write_uncertainty(folder.path, final_year(steps), final_year(drawn), draws,
                                                       baseline, relative_to_project(posterior), sample,
                                                       off_the_mean(loaded, sample))
                with (folder.path / "summary.md").open("a") as fh:
                    fh.write("\n" + section)
            manifest = {
                "command": sys.argv,
                "scenarios": {name: str(source[name]) for name in names},
                "preset": preset,
                "inputs": inputs,
                "seeds": seed_list,
                "baseline": baseline,
                "weeks": {name: p.run.weeks for name, p in loaded.items()},
                "parameters": {name: p.to_dict() for name, p in loaded.items()},
                "versions": package_versions(),
                "git_commit": git_commit(),
                "machine": {"platform": platform.platform(), "processor": platform.machine()},
                "workers": workers,
                "posterior": relative_to_project(posterior) if sample is not None else None,
                "wall_time_s": round(time.perf_counter() - start, 2),
                "outputs": sorted(str(p.relative_to(folder.path)) for p in folder.path.rglob("*") if p.is_file())
                + ["manifest.json"],
                "created": datetime.now().isoformat(timespec="seconds"),
            }
            folder.commit(manifest)
        except OSError as exc:  # a full or read-only disk: keep what was computed, and say where
            raise cannot_write(out, exc, f"the {len(specs)} computed runs",
                               lambda kept: _write_runs(kept, steps, events), "compare") from None
    print(f"Results written to {out}/")
    print(short_table(summary))
    if uncertain is not None:
        print(uncertainty_short(uncertain))
    return out


def _write_runs(folder: Path, steps: pd.DataFrame, events: pd.DataFrame) -> None:
    steps.to_parquet(folder / "steps.parquet", index=False)
    events.to_csv(folder / "events.csv", index=False)


def _write_tables(out: Path, steps: pd.DataFrame, events: pd.DataFrame, baseline: str, context: str,
                  robustness: tuple[pd.DataFrame, str] | None) -> pd.DataFrame:
    """Tables, then figures (if a figure fails, nothing computed is lost); returns the summary."""
    _write_runs(out, steps, events)
    write_csv(steps, out / "steps.csv")
    per_run = final_year(steps)
    per_run.to_csv(out / "runs_final_year.csv", index=False)
    summary = summarise(per_run, baseline)
    summary.to_csv(out / "summary.csv", index=False)
    tipped = tipping(final_year(steps, ("activity_share", "core_share")))
    tipped.to_csv(out / "tipping.csv", index=False)
    yearly = by_year(steps, YEARLY)
    yearly.to_csv(out / "by_year.csv")
    report = [summary_markdown(summary, baseline, context), tipping_markdown(tipped), by_year_markdown(yearly)]
    if robustness is not None:
        robust, robustness_markdown = robustness
        robust.to_csv(out / "robustness.csv", index=False)
        report.append(robustness_markdown)
        (out / "figures").mkdir(exist_ok=True)
        figures.robustness(robust, out / "figures" / "robustness.png")
    (out / "summary.md").write_text("\n".join(report))
    per_run_groups = final_year(steps, group_columns())
    per_run_groups.to_csv(out / "groups_final_year.csv", index=False)
    figures.write_all(steps, per_run_groups, out / "figures")
    return summary
