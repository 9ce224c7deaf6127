"""The `sim` command: run, compare, sweep, analyse, app, validate, params, metrics, calibrate, robustness."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from sim.params import ScenarioError, load_scenario, parameter_rows, parameter_table_markdown

EXIT_BAD_INPUT = 2


def _positive(kind: type, lo: int = 1, hi: int = 10**9):
    def parse(text: str) -> int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is out of range; allowed: {lo} to {hi}")
        return value
    return parse


def _overrides(pairs: list[str]) -> dict[str, object]:
    """``section.key=value`` pairs, the value read as TOML (numbers, true/false, "strings")."""
    out: dict[str, object] = {}
    for pair in pairs:
        if "=" not in pair or "." not in pair.split("=", 1)[0]:
            raise ScenarioError(f"--set {pair!r}: expected section.key=value, e.g. planner.hours_per_week=8")
        key, text = pair.split("=", 1)
        try:
            out[key.strip()] = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = text  # a bare word, e.g. outreach_strategy=nearest
    return out


def cmd_run(args: argparse.Namespace) -> int:
    from sim.analysis import final_year, fmt
    from sim.metrics import HEADLINE, REGISTRY
    from sim.runner import run

    params = load_scenario(args.scenario, args.preset)
    overrides = _overrides(args.set)
    if args.steps is not None:
        overrides["run.weeks"] = args.steps
    if overrides:
        params = params.replace(overrides, origin="command line")
    out = args.out or Path("results") / f"run-{params.name}-seed{args.seed}"
    out.mkdir(parents=True, exist_ok=True)
    steps, events = run(params, args.seed)
    steps.to_parquet(out / "steps.parquet", index=False)
    steps.to_csv(out / "steps.csv", index=False)
    events.to_csv(out / "events.csv", index=False)
    last = steps.iloc[-1]
    window = final_year(steps).iloc[0]
    print(f"{params.name}, seed {args.seed}, {params.run.weeks} weeks, "
          f"{params.neighbourhood.households} households")
    print(f"{'metric':28s} {'last week':>14s} {'final year':>14s}  unit")
    for metric in HEADLINE:
        print(f"{metric:28s} {fmt(last[metric]):>14s} {fmt(window[metric]):>14s}  {REGISTRY[metric].unit}")
    print(f"Tables written to {out}/")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import compare

    out = args.out or (Path("results") / args.name if args.name else None)
    if args.posterior:  # parameter uncertainty from a calibration (sim/calibration/posterior.py)
        from sim.calibration.posterior import compare_posterior

        compare_posterior(args.posterior, tuple(args.scenarios), preset=args.preset, seeds=args.seeds,
                          first_seed=args.first_seed, weeks=args.steps, households=args.households,
                          workers=args.workers, out=out, baseline=args.baseline, progress=not args.quiet)
        return 0
    compare(tuple(args.scenarios), preset=args.preset, seeds=args.seeds, first_seed=args.first_seed,
            weeks=args.steps, households=args.households, workers=args.workers, out=out,
            baseline=args.baseline, progress=not args.quiet, robustness_seeds=args.robustness_seeds)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim import sweep

    exp = sweep.load_experiment(args.experiment).reduced(args.replications, args.samples, args.weeks)
    try:
        sweep.run(exp, store=args.store, resume=args.resume, executor=args.executor, workers=args.workers,
                  scheduler=args.scheduler, quiet=args.quiet)
    except KeyboardInterrupt:
        store = args.store or sweep.default_store(exp)
        print(f"\ninterrupted: finished runs are in {store}; complete them with the same command plus --resume",
              file=sys.stderr)
        return 130
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from sim import sweep

    sweep.analyse(args.store, quiet=args.quiet)
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    import os
    import subprocess

    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}  # no calls home: rooms may be offline
    print(f"Explorer: http://{args.host}:{args.port}/    Workshop: http://{args.host}:{args.port}/workshop",
          flush=True)
    cmd = [sys.executable, "-m", "solara", "run", "sim.app.pages", "--host", args.host, "--port", str(args.port),
           "--production", "--no-open"]
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0


def cmd_validate(args: argparse.Namespace) -> int:
    for path in args.files:
        params = load_scenario(path, args.preset)
        print(f"{path}: ok ({params.name})")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(parameter_table_markdown())
    else:
        for r in parameter_rows():
            print(f"[{r['section']}] {r['key']} = {r['default']}  ({r['unit']}; {r['range']})  {r['meaning']}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from sim.metrics import GROUPS, REGISTRY, glossary_markdown

    if args.markdown:
        sys.stdout.write(glossary_markdown())
        return 0
    for m in REGISTRY.values():
        groups = f"  by group: {', '.join(GROUPS)}" if m.groups else ""
        print(f"{m.name}  [{m.unit}; {m.kind}, summarised by its {m.summary_statistic}]{groups}\n    {m.definition}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from sim.compare import DEFAULT_SCENARIOS

    parser = argparse.ArgumentParser(prog="sim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run one scenario for one seed and print a summary")
    r.add_argument("scenario", help="scenario file, e.g. scenarios/planner.toml")
    r.add_argument("--preset", help="neighbourhood preset (guizhou_west, hengfu_heritage, or a file)")
    r.add_argument("--seed", type=_positive(int, 0, 2**63 - 1), default=0, help="integer seed (default 0)")
    r.add_argument("--steps", type=_positive(int, 1, 1040), help="weeks to run (default: the scenario's)")
    r.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override a parameter, e.g. --set planner.hours_per_week=8")
    r.add_argument("--out", type=Path, help="output folder (default results/run-NAME-seedN)")
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("compare", help="the main job: compare scenarios on common seeds")
    c.add_argument("--scenarios", nargs="+", default=list(DEFAULT_SCENARIOS),
                   help="scenario names or files; the first is the baseline unless --baseline")
    c.add_argument("--baseline", help="scenario the others are compared with (default: the first)")
    c.add_argument("--preset", default="guizhou_west", help="neighbourhood preset (default guizhou_west)")
    c.add_argument("--seeds", type=_positive(int, 1, 100_000), default=30, help="seeds per scenario (default 30)")
    c.add_argument("--first-seed", type=_positive(int, 0, 2**62), default=0, help="first seed (default 0)")
    c.add_argument("--steps", type=_positive(int, 1, 1040), help="weeks to run (default 156)")
    c.add_argument("--households", type=_positive(int, 20, 50_000), help="override the preset's households")
    c.add_argument("--workers", type=_positive(int, 1, 256), help="processes (default: all cores)")
    c.add_argument("--name", help="results/NAME instead of a timestamped folder")
    c.add_argument("--out", type=Path, help="output folder")
    c.add_argument("--robustness-seeds", type=_positive(int, 0, 100_000), default=8,
                   help="seeds for the robustness table under varied structural assumptions (0: skip; default 8)")
    c.add_argument("--quiet", action="store_true", help="no progress line")
    c.add_argument("--posterior", type=Path, metavar="POSTERIOR",
                   help="a calibration folder (or its posterior.csv): run each seed with a posterior draw and report "
                        "total beside seed-only uncertainty")
    c.set_defaults(func=cmd_compare)

    w = sub.add_parser("sweep", help="run an experiment file into a crash-safe results store")
    w.add_argument("experiment", help="experiment file, e.g. scenarios/experiments/planner_hours_strategy.toml")
    w.add_argument("--store", type=Path, help="results store folder (default results/sweeps/NAME)")
    w.add_argument("--resume", action="store_true", help="complete an interrupted sweep in --store")
    w.add_argument("--executor", choices=("local", "dask", "sequential"), default="local",
                   help="local process pool (default), a Dask LocalCluster, or in-process")
    w.add_argument("--workers", type=_positive(int, 1, 4096), help="processes / Dask workers (default: all cores)")
    w.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    w.add_argument("--replications", type=_positive(int, 1, 100_000), help="override the file's replications")
    w.add_argument("--samples", type=_positive(int, 1, 1_000_000), help="override the design's samples")
    w.add_argument("--weeks", type=_positive(int, 1, 1040), help="override the weeks simulated")
    w.add_argument("--quiet", action="store_true", help="no progress output (batch jobs)")
    w.set_defaults(func=cmd_sweep)

    a = sub.add_parser("analyse", help="tables and figures from a results store")
    a.add_argument("store", type=Path)
    a.add_argument("--quiet", action="store_true")
    a.set_defaults(func=cmd_analyse)

    ap = sub.add_parser("app", help="the browser explorer and workshop mode (Solara)")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=_positive(int, 1, 65535), default=8765, help="port (default 8765)")
    ap.set_defaults(func=cmd_app)

    v = sub.add_parser("validate", help="check scenario files without running them")
    v.add_argument("files", nargs="+")
    v.add_argument("--preset")
    v.set_defaults(func=cmd_validate)

    p = sub.add_parser("params", help="list every parameter with unit, default and range")
    p.add_argument("--markdown", action="store_true", help="as the Markdown table used in docs/ODD.md")
    p.set_defaults(func=cmd_params)
    mt = sub.add_parser("metrics", help="every reported metric with its definition, unit and kind")
    mt.add_argument("--markdown", action="store_true", help="as the glossary table in results/README.md")
    mt.set_defaults(func=cmd_metrics)

    from sim.calibration.commands import add_commands

    add_commands(sub, _positive)  # calibrate, robustness (docs/calibration.md)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
