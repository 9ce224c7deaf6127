"""Where do the planner effects hold? ``sim robustness EXPERIMENT.toml``.

The effects (each scenario minus the baseline, paired on common seeds) are computed over a
Latin hypercube of the plausible parameter space. The runs go through the sweep layer (its
executors, crash-safe store and ``--resume``); the analysis reports the share of the space where
each effect is positive and describes where it fails with PRIM boxes (EMA Workbench's
``ema_workbench.analysis.prim``): coverage (share of all failures inside the box), density
(share of points inside the box that fail) and the parameters the box restricts.

Robustness files (``scenarios/robustness/*.toml``) are validated whole before any run.
"""

from __future__ import annotations

import dataclasses
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibration.files import InputError, is_whole, prior_range, read_checked
from sim.integrity import ResultFolder, WriterLock
from sim.params import ScenarioError, load_scenario, scenario_path
from sim.paths import results_path
from sim.sweep.experiment import Factor

MIN_CASES = 5  # fewer failures (or successes) than this: PRIM has nothing to describe


@dataclass(frozen=True)
class Robustness:
    name: str
    source: Path
    text: str
    baseline: str
    scenarios: tuple[str, ...]
    factors: tuple[Factor, ...]
    sources: tuple[str, ...]  # where each factor's range comes from
    preset: str = "guizhou_west"
    samples: int = 200
    replications: int = 2
    master_seed: int = 0
    weeks: int | None = None
    metrics: tuple[str, ...] = ("involved_share", "satisfaction_overall")
    min_effect: tuple[tuple[str, float], ...] = ()  # per metric, the smallest effect that counts (default 0)
    description: str = ""

    def threshold(self, metric: str) -> float:
        """The smallest effect on ``metric`` that counts as holding (0: any positive effect)."""
        return dict(self.min_effect).get(metric, 0.0)

    def reduced(self, samples: int | None = None, replications: int | None = None,
                weeks: int | None = None) -> Robustness:
        """A smaller run of the same analysis (trials and tests)."""
        changes = {k: v for k, v in (("samples", samples), ("replications", replications), ("weeks", weeks))
                   if v is not None}
        return dataclasses.replace(self, **changes)

    def experiment(self):  # noqa: ANN201 - a sweep Experiment
        """The sweep that runs it: a Latin hypercube over the factors, every scenario on common seeds."""
        from sim.sweep.experiment import Experiment

        settings = f"\n# as run: samples={self.samples} replications={self.replications} weeks={self.weeks}\n"
        return Experiment(name=self.name, source=self.source, text=self.text + settings,
                          scenarios=(self.baseline, *self.scenarios), presets=(self.preset,),
                          replications=self.replications, master_seed=self.master_seed, weeks=self.weeks,
                          keep="final", metrics=self.metrics, design="lhs", samples=self.samples,
                          factors=self.factors, description=self.description)


def load_robustness(path: str | Path) -> Robustness:
    """Read and validate a robustness file; raises InputError naming the file and the key."""
    from sim.schemas import robustness as schema
    from sim.sweep.plan import plan_runs

    path = Path(path)
    origin = str(path)
    data, text = read_checked(path, "robustness file", schema())
    metrics = tuple(data.get("metrics", ("involved_share", "satisfaction_overall")))
    params = data.get("parameters", {})
    if not params:
        raise InputError(f"{origin}: [parameters]: name at least one parameter, e.g. "
                         '[parameters."behaviour.weight_social"]')
    factors, sources = [], []
    for key, spec in params.items():
        low, high, source = prior_range(spec, key, f'{origin}: [parameters."{key}"]')
        sources.append(source or "range in sim/params.py")
        factors.append(Factor(key, low=low, high=high, integer=is_whole(key)))
    rob = Robustness(
        name=data["name"], source=path.resolve(), text=text, description=data.get("description", ""),
        baseline=data["baseline"], scenarios=tuple(data["scenarios"]), factors=tuple(factors),
        sources=tuple(sources), preset=data.get("preset", "guizhou_west"), samples=data.get("samples", 200),
        replications=data.get("replications", 2), master_seed=data.get("master_seed", 0), weeks=data.get("weeks"),
        metrics=metrics, min_effect=_min_effect(data.get("min_effect", {}), metrics, origin))
    if rob.baseline in rob.scenarios:
        raise InputError(f"{origin}: scenarios: {rob.baseline!r} is the baseline; list only the scenarios "
                         "compared with it")
    for scenario in (rob.baseline, *rob.scenarios):  # every scenario loads with the preset
        try:
            load_scenario(scenario_path(scenario), rob.preset)
        except ScenarioError as exc:
            raise InputError(f"{origin}: scenarios: {scenario!r} with preset {rob.preset!r}: {exc}") from None
    try:  # and every corner of the box is valid in every scenario
        plan_runs(dataclasses.replace(rob.experiment(), samples=2, replications=1))
        _check_box(rob)
    except ScenarioError as exc:
        raise InputError(f"{origin}: {exc}") from None
    return rob


def _min_effect(table: dict, metrics: tuple[str, ...], origin: str) -> tuple[tuple[str, float], ...]:
    """The smallest effect that counts, per metric studied (0 or more: the schema)."""
    for key in table:
        if key not in metrics:
            raise InputError(f"{origin}: [min_effect] {key}: not among the metrics studied ({', '.join(metrics)})")
    return tuple((m, float(table[m])) for m in metrics if m in table)


def _check_box(rob: Robustness) -> None:
    """The box's lower and upper corners must make valid parameters in every scenario."""
    for scenario in (rob.baseline, *rob.scenarios):
        base = load_scenario(scenario_path(scenario), rob.preset)
        for corner in ({f.key: f.low for f in rob.factors}, {f.key: f.high for f in rob.factors}):
            try:
                base.replace(corner, origin=f"{scenario} at a corner of the box")
            except ScenarioError as exc:
                raise InputError(f"{rob.source}: [parameters]: {exc}; narrow a range") from None


def default_store(rob: Robustness) -> Path:
    return results_path("robustness", rob.name)


# ---------------------------------------------------------------- analysis


def effects(runs: pd.DataFrame, rob: Robustness) -> pd.DataFrame:
    """Per design point: the parameters and each effect (scenario minus baseline, paired on seeds, mean
    over replications) as columns ``EFFECT__METRIC`` (e.g. ``planner__involved_share``)."""
    keys = [f.key for f in rob.factors]
    base = runs[runs.scenario == rob.baseline].set_index(["point_index", "replication"])
    out = base.groupby(level="point_index")[keys].first()
    for scenario in rob.scenarios:
        other = runs[runs.scenario == scenario].set_index(["point_index", "replication"])
        diff = (other[list(rob.metrics)] - base[list(rob.metrics)]).groupby(level="point_index").mean()
        out = out.join(diff.add_prefix(f"{scenario}__"))
    return out.dropna().reset_index()


def holds(effect: np.ndarray, threshold: float) -> np.ndarray:
    """Where an effect holds: at least ``threshold`` when that is above 0, positive otherwise."""
    return effect >= threshold if threshold > 0 else effect > threshold


def share_positive(points: pd.DataFrame, rob: Robustness) -> pd.DataFrame:
    """Per effect: share of the space where it is positive, and where it holds (at least the metric's
    ``min_effect``; with 0, positive), with 95% Wilson intervals, and the effect's quantiles over the space."""
    rows = []
    for scenario in rob.scenarios:
        for metric in rob.metrics:
            d = points[f"{scenario}__{metric}"].to_numpy(float)
            k, n = int(holds(d, rob.threshold(metric)).sum()), len(d)
            ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
            rows.append({"scenario": scenario, "baseline": rob.baseline, "metric": metric, "points": n,
                         "share_positive": float((d > 0).mean()), "min_effect": rob.threshold(metric),
                         "holds": k, "share_holds": k / n, "ci_low": ci.low, "ci_high": ci.high,
                         "effect_q05": np.quantile(d, 0.05), "effect_median": np.median(d),
                         "effect_q95": np.quantile(d, 0.95)})
    return pd.DataFrame(rows)


SIGNIFICANT = 0.05  # a restriction whose quasi-p value (Bryant & Lempert 2010) is above this may be chance


def _choose(box) -> int:  # noqa: ANN001 - an ema_workbench PrimBox
    """The box on the peeling trajectory with the best balance of coverage and density (their harmonic mean),
    then with every restriction that may be chance (quasi-p above SIGNIFICANT) dropped, one at a time, least
    significant first. Returns the index of the chosen box on the (extended) trajectory."""
    t = box.peeling_trajectory
    f1 = 2 * t["coverage"] * t["density"] / (t["coverage"] + t["density"])
    current = int(f1.idxmax())
    box.select(current)
    while True:
        qp = {dim: min((v for v in sides if v >= 0), default=1.0) for dim, sides in box.p_values[current].items()}
        weakest = max(qp, key=qp.get, default=None)
        if weakest is None or qp[weakest] <= SIGNIFICANT or len(qp) == 1:
            return current
        box.drop_restriction(weakest, current)
        current = len(box.peeling_trajectory) - 1


def prim_boxes(points: pd.DataFrame, rob: Robustness) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """For each effect with enough failures: the PRIM box describing where it fails.

    Returns (boxes: one row per restricted parameter of each chosen box, trajectories, notes per effect).
    """
    with warnings.catch_warnings():  # "ipyparallel not installed": an evaluator we do not use
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    keys = [f.key for f in rob.factors]
    x = points[keys].astype(float)
    boxes, trajectories, notes = [], [], {}
    for scenario in rob.scenarios:
        for metric in rob.metrics:
            effect = f"{scenario}__{metric}"
            fails = ~holds(points[effect].to_numpy(float), rob.threshold(metric))
            n_fail = int(fails.sum())
            if n_fail < MIN_CASES or len(fails) - n_fail < MIN_CASES:
                notes[effect] = (f"fails at {n_fail} of {len(fails)} points: too few "
                                 f"{'failures' if n_fail < MIN_CASES else 'successes'} for PRIM to describe")
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                finder = prim.Prim(x, fails, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
                box = finder.find_box()
            i = _choose(box)
            trajectory = box.peeling_trajectory.copy()
            trajectory.insert(0, "effect", effect)
            trajectories.append(trajectory)
            chosen = box.peeling_trajectory.iloc[i]
            restricted = list(box.p_values[i])
            for key in restricted:
                f = next(f for f in rob.factors if f.key == key)
                lo, hi = box.box_lims[i][key]
                first_lo, first_hi = box.box_lims[0][key]  # a side PRIM did not move is the plausible range's
                lo, hi = (f.low if lo <= first_lo else lo), (f.high if hi >= first_hi else hi)
                qp = [v if v >= 0 else np.nan for v in box.p_values[i][key]]
                boxes.append({"effect": effect, "scenario": scenario, "metric": metric, "box": i,
                              "coverage": chosen["coverage"], "density": chosen["density"], "mass": chosen["mass"],
                              "restricted": len(restricted), "parameter": key, "box_low": float(lo),
                              "box_high": float(hi), "range_low": f.low, "range_high": f.high,
                              "qp_low": qp[0], "qp_high": qp[1], "base_rate": n_fail / len(fails)})
            notes[effect] = (f"fails at {n_fail} of {len(fails)} points; box {i}: coverage "
                             f"{chosen['coverage']:.2f}, density {chosen['density']:.2f}, "
                             f"{len(restricted)} parameter(s) restricted")
    return pd.DataFrame(boxes), (pd.concat(trajectories, ignore_index=True) if trajectories else pd.DataFrame()), notes


# ---------------------------------------------------------------- figure and report


def _effect_label(scenario: str, metric: str, baseline: str) -> str:
    from sim.metrics import label

    return f"{scenario} vs {baseline}: {label(metric).lower()}"


def figure(points: pd.DataFrame, shares: pd.DataFrame, boxes: pd.DataFrame, rob: Robustness, path: Path) -> Path:
    """Share of the plausible space where each effect holds, and for each effect with a PRIM box, the two
    parameters that matter most, with the box where it fails."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from sim.figures import PALETTE, save_figure

    boxed = list(dict.fromkeys(boxes["effect"])) if not boxes.empty else []
    box_rows = -(-len(boxed) // 2)
    top = 0.9 + 0.55 * len(shares)
    fig = plt.figure(figsize=(11, top + 3.6 * box_rows))
    grid = fig.add_gridspec(1 + box_rows, 2, height_ratios=[top] + [3.6] * box_rows)
    ax = fig.add_subplot(grid[0, :])
    labels = [_effect_label(r.scenario, r.metric, r.baseline) + (f" ≥ {r.min_effect:g}" if r.min_effect > 0 else
                                                                    " > 0") for r in shares.itertuples()]
    y = np.arange(len(shares))[::-1]
    ax.barh(y, shares["share_holds"], color=PALETTE[3], label="effect holds")
    ax.barh(y, 1 - shares["share_holds"], left=shares["share_holds"], color=PALETTE[1], label="effect fails")
    ax.errorbar(shares["share_holds"], y, xerr=[shares["share_holds"] - shares["ci_low"],
                                                 shares["ci_high"] - shares["share_holds"]],
                fmt="none", color="black", capsize=3, lw=1)
    for yi, share in zip(y, shares["share_holds"], strict=True):
        ax.text(0.02, yi, f"{share:.0%}", va="center", fontsize=9, color="white", fontweight="bold")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of {len(points)} plausible parameter combinations")
    ax.set_title("Where does the effect hold?", fontsize=10, loc="left")
    ax.legend(fontsize=7, loc="lower right", bbox_to_anchor=(1, 1), ncol=2, frameon=False)
    for k, effect in enumerate(boxed):
        ax = fig.add_subplot(grid[1 + k // 2, k % 2])
        b = boxes[boxes.effect == effect].copy()
        b["narrowing"] = 1 - (b["box_high"] - b["box_low"]) / (b["range_high"] - b["range_low"])
        b = b.sort_values("narrowing", ascending=False)
        keys = list(b["parameter"][:2])
        scenario, metric = effect.split("__", 1)
        if len(keys) == 1:  # one restricted parameter: plot it against the effect itself
            keys.append(effect)
            ax.axhline(rob.threshold(metric), color="grey", lw=0.8)
        fails = ~holds(points[effect].to_numpy(float), rob.threshold(metric))
        ax.scatter(points.loc[~fails, keys[0]], points.loc[~fails, keys[1]], s=10, color=PALETTE[3], alpha=0.6,
                   label="holds")
        ax.scatter(points.loc[fails, keys[0]], points.loc[fails, keys[1]], s=14, color=PALETTE[1], marker="x",
                   label="fails")
        first = b.iloc[0]
        lo1, hi1 = first.box_low, first.box_high
        if keys[1] in set(b["parameter"]):
            second = b[b.parameter == keys[1]].iloc[0]
            lo2, hi2 = second.box_low, second.box_high
        else:
            lo2, hi2 = ax.get_ylim()
        ax.add_patch(Rectangle((lo1, lo2), hi1 - lo1, hi2 - lo2, fill=False, ec="black", lw=1.5, ls="--"))
        ax.set_xlabel(keys[0], fontsize=8)
        ax.set_ylabel(f"effect ({rob.baseline} = 0)" if keys[1] == effect else keys[1], fontsize=8)
        ax.set_title(f"Where '{_effect_label(scenario, metric, rob.baseline)}' fails\n"
                     f"box: {first.coverage:.0%} of all failures; {first.density:.0%} of points in it fail",
                     fontsize=8)
        ax.legend(fontsize=7)
    return save_figure(fig, path)


def held_at_defaults(varied: tuple[str, ...]) -> str:
    """What the plausible space leaves out: the assumed parameters (status "assumed" in `sim params`) it does
    not vary, so a reader sees how much of what is assumed the analysis covers."""
    from sim.params import parameter_rows

    assumed = [f"{r['section']}.{r['key']}" for r in parameter_rows() if r["status"] == "assumed"]
    covered = [k for k in assumed if k in varied]
    held = [k for k in assumed if k not in varied]
    return (f"Of the model's {len(assumed)} assumed parameters (status \"assumed\" in `sim params`: neither "
            f"measured nor calibrated), this space varies {len(covered)}; the other {len(held)} stay at their "
            f"defaults here (among them {', '.join(f'`{k}`' for k in held[:6])}, ...). A wider file can name "
            "any of them.")


def markdown(rob: Robustness, shares: pd.DataFrame, boxes: pd.DataFrame, notes: dict, cost: dict) -> str:
    from sim.analysis import fmt

    lines = [f"# Robustness `{rob.name}`", "", " ".join(rob.description.split()), "",
             f"Effects: each of {', '.join(f'`{s}`' for s in rob.scenarios)} minus `{rob.baseline}`, paired on "
             f"{rob.replications} common seed(s) per point (final-year means, averaged over the seeds), at "
             f"{rob.samples} points of a Latin hypercube over {len(rob.factors)} parameters; preset `{rob.preset}`, "
             f"horizon {rob.weeks or 'the scenarios’'} weeks. An effect *holds* at a point where it is at least the "
             "metric's smallest effect that counts (`min_effect`: "
             + (", ".join(f"{m} {v:g}" for m, v in rob.min_effect) or "none") + "), or, without one, where it is "
             "positive.", "", "![robustness](robustness.png)", "",
             "## Share of the plausible space where each effect is positive, and where it holds", "",
             "| effect | positive at | smallest effect that counts | holds at | share holding [95% CI] | "
             "effect: 5% / median / 95% of points |", "|---|---|---|---|---|---|"]
    for r in shares.itertuples():
        lines.append(f"| {_effect_label(r.scenario, r.metric, r.baseline)} | {r.share_positive:.2f} | "
                     f"{r.min_effect:g} | {r.holds} of {r.points} | "
                     f"{r.share_holds:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}] | {fmt(r.effect_q05)} / "
                     f"{fmt(r.effect_median)} / {fmt(r.effect_q95)} |")
    lines += ["", "## Where it fails (PRIM)", "",
              "PRIM (EMA Workbench) peels the parameter space toward the points where the effect fails. "
              "*Coverage*: the share of all failing points inside the box; *density*: the share of points inside "
              "the box that fail (against the base rate over the whole space). The box shown is the one on the "
              "peeling trajectory with the best balance of the two (their harmonic mean), with every restriction "
              f"whose quasi-p value is above {SIGNIFICANT:g} (it may be chance) dropped, least significant first; "
              "the whole trajectory, drops included, is in `trajectories.csv`.", ""]
    for scenario in rob.scenarios:
        for metric in rob.metrics:
            effect = f"{scenario}__{metric}"
            lines.append(f"**{_effect_label(scenario, metric, rob.baseline)}**: {notes.get(effect, '')}.")
            b = boxes[boxes.effect == effect] if not boxes.empty else boxes
            if len(b):
                lines += ["", "| parameter | box | plausible range | quasi-p (low, high) |", "|---|---|---|---|"]
                for r in b.itertuples():
                    lines.append(f"| `{r.parameter}` | {r.box_low:.3g} to {r.box_high:.3g} | {r.range_low:.3g} to "
                                 f"{r.range_high:.3g} | {r.qp_low:.2g}, {r.qp_high:.2g} |")
            lines.append("")
    lines += ["## The plausible space", "", "| parameter | range | source |", "|---|---|---|"]
    for f, source in zip(rob.factors, rob.sources, strict=True):
        lines.append(f"| `{f.key}` | {f.low:g} to {f.high:g} | {' '.join(source.split())} |")
    lines += ["", held_at_defaults(tuple(f.key for f in rob.factors))]
    lines += ["", "## Cost", "",
              f"{cost['runs']:,} model runs ({rob.samples} points x {rob.replications} seeds x "
              f"{1 + len(rob.scenarios)} scenarios) in {cost['wall_s'] / 60:.1f} min on {cost['workers']} worker(s) "
              f"({cost['executor']}); PRIM and figures {cost['analysis_s']:.0f} s.", ""]
    return "\n".join(lines)


def robustness(rob: Robustness, store: str | Path | None = None, resume: bool = False, executor: str = "local",
               workers: int | None = None, scheduler: str | None = None, quiet: bool = False) -> Path:
    """Run (or complete) the hypercube on the sweep layer, then write the analysis into STORE/robustness/ (whole:
    written beside it and moved into place, one session at a time)."""
    from sim import sweep

    store = Path(store or default_store(rob))
    start = time.perf_counter()
    sweep.run(rob.experiment(), store=store, resume=resume, executor=executor, workers=workers, scheduler=scheduler,
              quiet=quiet)
    wall = time.perf_counter() - start
    start = time.perf_counter()
    with WriterLock(store), ResultFolder(store / "robustness", overwrite=True) as folder:  # one analysis, whole
        _analyse(rob, store, folder, {"wall_s": wall, "workers": workers or "all"}, start)
    out = store / "robustness"
    shares = pd.read_csv(out / "shares.csv")
    if not quiet:
        print(f"{rob.name}: robustness report in {out / 'report.md'}", file=sys.stderr)
        for r in shares.itertuples():
            print(f"  {_effect_label(r.scenario, r.metric, r.baseline)}: positive at {r.share_positive:.0%}, at "
                  f"least {r.min_effect:g} at {r.share_holds:.0%} of the space", file=sys.stderr)
    return out


def _analyse(rob: Robustness, store: Path, folder: ResultFolder, cost: dict, start: float) -> None:
    """Effects, shares, PRIM boxes, figure and report into ``folder`` (then moved into STORE/robustness/)."""
    from sim import sweep

    runs = sweep.load_runs(store)
    out = folder.path
    points = effects(runs, rob)
    points.to_csv(out / "points.csv", index=False)
    shares = share_positive(points, rob)
    shares.to_csv(out / "shares.csv", index=False)
    boxes, trajectories, notes = prim_boxes(points, rob)
    boxes.to_csv(out / "boxes.csv", index=False)
    trajectories.to_csv(out / "trajectories.csv", index=False)
    figure(points, shares, boxes, rob, out / "robustness.png")
    manifest = sweep.Store(store).manifest()
    cost = {**cost, "runs": len(runs), "analysis_s": time.perf_counter() - start,
            "executor": manifest["sessions"][-1]["executor"]}
    (out / "report.md").write_text(markdown(rob, shares, boxes, notes, cost))
    folder.commit({"robustness": rob.name, "robustness_file": str(rob.source), "store": str(store),
                   "runs": len(runs)})
