"""The `sim` command: run, compare, sweep, analyse, app, validate, params, metrics, calibrate, robustness."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import NoReturn

# Only light modules here: `sim --help` must not import the model (commands import what they need).
from sim.inputs import InputError, one_line, read_input_toml
from sim.params import (
    DEFAULT_SCENARIOS,
    ScenarioError,
    load_scenario,
    parameter_rows,
    parameter_table_markdown,
    scenario_path,
    scenarios_dir,
)
from sim.paths import check_name, check_output_folder, results_path
from sim.processes import EXECUTORS, exit_code, raise_on_sigterm

EXIT_BAD_INPUT = 2


class OneLineParser(argparse.ArgumentParser):
    """Command-line mistakes as one line on stderr and exit code 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {one_line(message)} (see {self.prog} --help)\n")


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


def _preset_name(preset: str | None) -> str:
    """The preset as it appears in folder names and tables ("defaults" when none is given)."""
    if preset is None:
        return "defaults"
    return check_name(Path(preset).stem if Path(preset).suffix == ".toml" else preset, "--preset")


def cmd_run(args: argparse.Namespace) -> int:
    from sim.analysis import final_year, fmt
    from sim.execution.runs import run
    from sim.integrity import ResultFolder, cannot_write, input_records
    from sim.metrics import HEADLINE, REGISTRY
    from sim.params import own_preset, scenario_inputs
    from sim.provenance import git_commit, package_versions

    path = scenario_path(args.scenario)
    params = load_scenario(path, args.preset)
    preset = _preset_name(args.preset or own_preset(path))
    overrides = _overrides(args.set)
    if args.steps is not None:
        overrides["run.weeks"] = args.steps
    if overrides:
        params = params.replace(overrides, origin="command line")
    if args.seed is None:  # the scenario file's own seed (saved sessions carry one), else 0
        args.seed = params.seed if params.seed is not None else 0
    out = check_output_folder(args.out, "--out") if args.out else results_path(
        f"run-{params.name}-{preset}-seed{args.seed}")
    inputs = input_records(scenario_inputs(path, args.preset))
    with ResultFolder(out, args.overwrite) as folder:
        steps, events = run(params, args.seed)
        steps.insert(1, "preset", preset)
        events.insert(1, "preset", preset)

        def write(where: Path) -> None:
            steps.to_parquet(where / "steps.parquet", index=False)
            events.to_csv(where / "events.csv", index=False)

        try:
            write(folder.path)
            steps.to_csv(folder.path / "steps.csv", index=False)
            folder.commit({"command": sys.argv, "scenario": str(path), "preset": preset, "seed": args.seed,
                           "overrides": overrides, "inputs": inputs, "parameters": params.to_dict(),
                           "versions": package_versions(), "git_commit": git_commit()})
        except OSError as exc:  # a full or read-only disk: keep the run, and say where
            raise cannot_write(out, exc, "the computed run's steps and events", write, "run") from None
    last = steps.iloc[-1]
    window = final_year(steps).iloc[0]
    print(f"{params.name}, preset {preset}, seed {args.seed}, {params.run.weeks} weeks, "
          f"{params.neighbourhood.households} households")
    print(f"{'metric':28s} {'last week':>14s} {'final year':>14s}  unit")
    for metric in HEADLINE:
        print(f"{metric:28s} {fmt(last[metric]):>14s} {fmt(window[metric]):>14s}  {REGISTRY[metric].unit}")
    print(f"Tables written to {out}/")
    return 0


def _shipped_posterior() -> Path:
    return scenarios_dir() / "calibration" / "guizhou_west.posterior.csv"  # sim.calibration.posterior.SHIPPED


def _posterior_option(text: str) -> Path | None:
    return None if text.strip().lower() == "none" else Path(text)


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import compare

    if args.name is not None and args.out is not None:
        raise InputError("--name and --out: give one of them")
    out = (check_output_folder(args.out, "--out") if args.out
           else results_path(check_name(args.name, "--name")) if args.name is not None else None)
    compare(tuple(args.scenarios), preset=args.preset, seeds=args.seeds, first_seed=args.first_seed,
            weeks=args.steps, households=args.households, workers=args.workers, out=out,
            baseline=args.baseline, progress=not args.quiet, robustness_seeds=args.robustness_seeds,
            overwrite=args.overwrite, posterior=args.posterior)
    return 0


def cmd_street(args: argparse.Namespace) -> int:
    from sim.street_compare import compare_street

    if args.name is not None and args.out is not None:
        raise InputError("--name and --out: give one of them")
    out = (check_output_folder(args.out, "--out") if args.out
           else results_path(check_name(args.name, "--name")) if args.name is not None else None)
    compare_street(args.street, seeds=args.seeds, first_seed=args.first_seed, out=out, workers=args.workers,
                   overwrite=args.overwrite, progress=not args.quiet)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim import sweep

    exp = sweep.load_experiment(args.experiment).reduced(args.replications, args.samples, args.weeks)
    store = check_output_folder(args.store, "--store") if args.store else sweep.default_store(exp)
    try:
        sweep.run(exp, store=store, resume=args.resume, executor=args.executor, workers=args.workers,
                  scheduler=args.scheduler, quiet=args.quiet)
    except KeyboardInterrupt as interrupt:
        if store.exists():
            print(f"\ninterrupted: finished runs are in {store}; complete them with the same command plus --resume",
                  file=sys.stderr)
        else:
            print("\ninterrupted before any run was stored", file=sys.stderr)
        return exit_code(interrupt)
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from sim import sweep

    if not args.store.is_dir():
        raise InputError(f"{args.store}: no such results store (not a folder)")
    sweep.analyse(args.store, quiet=args.quiet)
    return 0


def _check_listen(host: str, port: int) -> None:
    """Refuse (one line, naming the option at fault) a host or port this process could not listen on now."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"--host {host}: cannot resolve this name ({exc.strerror}); give an address of this "
                         "machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every network)") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise InputError(f"--host {host}: not an address of this machine ({exc.strerror}); give one of "
                                 "its addresses, e.g. 127.0.0.1 or 0.0.0.0") from None
            raise InputError(f"--port {port}: {host}:{port} is not available ({exc.strerror}); choose another "
                             "with --port") from None


def cmd_app(args: argparse.Namespace) -> int:
    import os

    from sim.processes import start_child, stop_child

    _check_listen(args.host, args.port)
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}  # no calls home: rooms may be offline
    cmd = [sys.executable, "-m", "solara", "run", "sim.app.pages", "--host", args.host, "--port", str(args.port),
           "--production", "--no-open"]
    server = start_child(cmd, env=env)  # its own process group, and it dies with this process
    print(f"Explorer: http://{args.host}:{args.port}/    Workshop: http://{args.host}:{args.port}/workshop",
          flush=True)
    print(f"Workshop room: http://{args.host}:{args.port}/room/new", flush=True)  # docs/app.md, "Workshop room"
    try:
        return server.wait()
    except KeyboardInterrupt as interrupt:  # Ctrl-C or SIGTERM
        return exit_code(interrupt)
    finally:  # the server and its children stop with this command, however it ends
        stop_child(server)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.filekinds import kind_of

    bad = 0
    for name in args.files:
        path = Path(name)
        try:
            data = None if path.suffix == ".csv" else read_input_toml(path, InputError)[1]
            print(f"{path}: ok ({kind_of(path, data).check(path, args.preset)})")
        except (ScenarioError, InputError) as exc:
            print(f"error: {one_line(str(exc))}", file=sys.stderr)
            bad += 1
    return EXIT_BAD_INPUT if bad else 0


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
    parser = OneLineParser(prog="sim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run one scenario for one seed and print a summary")
    r.add_argument("scenario", help="scenario name or file, e.g. planner or scenarios/planner.toml")
    r.add_argument("--preset", help="neighbourhood preset (guizhou_west, hengfu_heritage, or a file)")
    r.add_argument("--seed", type=_positive(int, 0, 2**63 - 1),
                   help="integer seed (default: the scenario file's seed, else 0)")
    r.add_argument("--steps", type=_positive(int, 1, 1040), help="weeks to run (default: the scenario's)")
    r.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override a parameter, e.g. --set planner.hours_per_week=8")
    r.add_argument("--out", type=Path, help="output folder (default results/run-NAME-PRESET-seedN)")
    r.add_argument("--overwrite", action="store_true", help="replace the output folder if it exists")
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
    c.add_argument("--workers", type=_positive(int, 1, 4096), help="processes (default: all cores, at most 8)")
    c.add_argument("--name", help="results/NAME instead of a timestamped folder")
    c.add_argument("--out", type=Path, help="output folder")
    c.add_argument("--overwrite", action="store_true", help="replace the output folder if it exists")
    c.add_argument("--robustness-seeds", type=_positive(int, 0, 100_000), default=6,
                   help="seeds for the robustness table under varied structural assumptions (0: skip; default 6)")
    c.add_argument("--quiet", action="store_true", help="no progress line")
    c.add_argument("--posterior", type=_posterior_option, metavar="POSTERIOR", default=_shipped_posterior(),
                   help="a calibration folder or its posterior.csv: each seed also runs on a posterior draw, and "
                        "every headline difference has total beside seed-only uncertainty (default: the shipped "
                        "calibration, scenarios/calibration/guizhou_west.posterior.csv; none: leave it out)")
    c.set_defaults(func=cmd_compare)

    st = sub.add_parser("street", help="a street of many neighbourhoods: where one or two planners do the most, "
                                       "under each budget rule")
    st.add_argument("street", help="a street file or the name of one in scenarios/streets")
    st.add_argument("--seeds", type=_positive(int, 1, 10_000), default=6, help="seeds (default 6)")
    st.add_argument("--first-seed", type=_positive(int, 0, 2**62), default=0, help="first seed (default 0)")
    st.add_argument("--workers", type=_positive(int, 1, 4096), help="processes (default: all cores, at most 8)")
    st.add_argument("--name", help="results/NAME instead of results/street-STREET")
    st.add_argument("--out", type=Path, help="output folder")
    st.add_argument("--overwrite", action="store_true", help="replace the output folder if it exists")
    st.add_argument("--quiet", action="store_true", help="no progress line")
    st.set_defaults(func=cmd_street)

    w = sub.add_parser("sweep", help="run an experiment file into a crash-safe results store")
    w.add_argument("experiment", help="experiment file, e.g. scenarios/experiments/planner_hours_strategy.toml")
    w.add_argument("--store", type=Path, help="results store folder (default results/sweeps/NAME)")
    w.add_argument("--resume", action="store_true", help="complete an interrupted sweep in --store")
    w.add_argument("--executor", choices=EXECUTORS, default="local",
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

    v = sub.add_parser("validate", help="check input files (scenarios, presets, experiments, calibrations, targets, "
                                        "robustness files, posterior samples) without running them")
    v.add_argument("files", nargs="+", help="input files; each is checked and reported")
    v.add_argument("--preset", help="check scenarios on this preset")
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
    raise_on_sigterm()
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help, or a usage error already reported on one line
            return int(done.code or 0)
        return args.func(args)
    except (ScenarioError, InputError) as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a full or read-only disk, a vanished folder: one line, not three tracebacks
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {one_line(where + (exc.strerror or str(exc)))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as interrupt:
        print("\ninterrupted", file=sys.stderr)
        return exit_code(interrupt)


if __name__ == "__main__":
    raise SystemExit(main())
