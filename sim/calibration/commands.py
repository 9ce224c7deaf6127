"""The calibration layer's commands: ``sim calibrate`` and ``sim robustness`` (registered by sim/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.paths import check_output_folder, results_path
from sim.processes import EXECUTORS


def _executor_options(p: argparse.ArgumentParser, positive) -> None:  # noqa: ANN001
    p.add_argument("--executor", choices=EXECUTORS, default="local",
                   help="local process pool (default), a Dask LocalCluster, or in-process")
    p.add_argument("--workers", type=positive(int, 1, 4096), help="processes / Dask workers (default: all cores)")
    p.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--quiet", action="store_true", help="no progress output (batch jobs)")


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.calibration.engine import calibrate
    from sim.calibration.spec import load_calibration, settings_of
    from sim.processes import exit_code

    cal = load_calibration(args.calibration)
    if args.quick:
        cal = cal.reduced()
    if args.check:
        print(f"{args.calibration}: ok ({cal.name}{', quick' if cal.is_quick else ''}): {len(cal.priors)} free "
              f"parameters, {len(cal.fit)} fitted and {len(cal.held_out)} held-out targets in "
              f"{len(settings_of(cal.targets))} settings")
        return 0
    out = (check_output_folder(args.out, "--out") if args.out
           else results_path("calibration", cal.name + ("-quick" if cal.is_quick else "")))
    try:
        calibrate(cal, out, resume=args.resume, executor=args.executor, workers=args.workers,
                  scheduler=args.scheduler, quiet=args.quiet)
    except KeyboardInterrupt as interrupt:  # Ctrl-C or SIGTERM
        print(f"\ninterrupted: finished populations are in {out}; continue with the same command plus --resume",
              file=sys.stderr)
        return exit_code(interrupt)
    return 0


def cmd_robustness(args: argparse.Namespace) -> int:
    from sim.calibration.robustness import load_robustness, robustness
    from sim.processes import exit_code

    exp = load_robustness(args.experiment).reduced(args.samples, args.replications, args.weeks)
    if args.check:
        print(f"{args.experiment}: ok ({exp.name}): {exp.samples} points x {exp.replications} seeds x "
              f"{len(exp.scenarios)} scenarios, {len(exp.factors)} parameters")
        return 0
    try:
        store = check_output_folder(args.store, "--store") if args.store else None
        robustness(exp, store=store, resume=args.resume, executor=args.executor, workers=args.workers,
                   scheduler=args.scheduler, quiet=args.quiet)
    except KeyboardInterrupt as interrupt:
        print("\ninterrupted: finished runs are stored; continue with the same command plus --resume",
              file=sys.stderr)
        return exit_code(interrupt)
    return 0


def add_commands(sub: argparse._SubParsersAction, positive) -> None:  # noqa: ANN001
    """Register ``calibrate`` and ``robustness`` on the ``sim`` parser (``positive``: its number parser)."""
    c = sub.add_parser("calibrate", help="ABC-SMC calibration against empirical targets (docs/calibration.md)")
    c.add_argument("calibration", help="calibration file, e.g. scenarios/calibration/guizhou_west.toml")
    c.add_argument("--out", type=Path, help="output folder (default results/calibration/NAME)")
    c.add_argument("--resume", action="store_true", help="continue a calibration killed or stopped in --out")
    c.add_argument("--quick", action="store_true",
                   help="the file's reduced variant ([quick]: small population, few generations, short runs)")
    c.add_argument("--check", action="store_true", help="validate the calibration and its target files, run nothing")
    _executor_options(c, positive)
    c.set_defaults(func=cmd_calibrate)

    r = sub.add_parser("robustness", help="planner effects over a Latin hypercube of the plausible parameter "
                                          "space, with PRIM boxes where they fail")
    r.add_argument("experiment", help="robustness file, e.g. scenarios/robustness/planner_effects.toml")
    r.add_argument("--store", type=Path, help="results store folder (default results/robustness/NAME)")
    r.add_argument("--resume", action="store_true", help="complete an interrupted analysis in --store")
    r.add_argument("--samples", type=positive(int, 2, 1_000_000), help="override the number of hypercube points")
    r.add_argument("--replications", type=positive(int, 1, 10_000), help="override the seeds per point")
    r.add_argument("--weeks", type=positive(int, 1, 1040), help="override the weeks simulated")
    r.add_argument("--check", action="store_true", help="validate the file, run nothing")
    _executor_options(r, positive)
    r.set_defaults(func=cmd_robustness)
