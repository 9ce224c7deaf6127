"""ABC-SMC (pyabc) on the sweep layer's executors, resumable after a kill.

- **Sampler.** :class:`ExecutorSampler` evaluates particles with
  :func:`sim.execution.executors.run_resilient` on an :class:`~sim.execution.executors.ExecutorFactory`
  (local processes, Dask, or in-process), so a worker that dies has its particle re-run. Particle
  *i* of generation *t* seeds numpy from ``SeedSequence(master_seed, spawn_key=(t + 1, i))``, and a
  generation's sample is the first particles by index up to the *n*-th accepted (as pyabc's own
  samplers do, so fast simulations are not favoured): the same calibration gives the same
  populations whatever the executor, the number of workers or the order runs finish in.
- **Distance and tolerance.** Each fitted statistic's distance from its target is divided by the
  target's uncertainty; the scaled errors combine by their Euclidean length (``norm = "euclidean"``,
  the default) or their largest (``"max"``: accepted at threshold ε when every target is within ε
  times its uncertainty). Thresholds fall generation by generation (a quantile of the last
  generation's distances) down to the calibration's ``tolerance``; the last population is then a
  sample from the posterior under an error model uniform on that ball (or box) of scaled errors
  (Wilkinson 2013). The Euclidean norm keeps every target in play while the threshold falls; with
  the maximum, a target the population cannot yet reach freezes the threshold at its distance.
- **Early rejection.** :class:`~sim.calibration.simulate.Simulator` runs a particle's settings
  cheapest first and rejects it once the targets simulated so far are already farther than the
  threshold: the accepted particles are the same, the rejected ones often cost one run, not two.
- **Resume.** pyabc writes each finished population to an SQLite history. A calibration killed
  at any moment (``kill -9``) loses only the population being sampled; run again with
  ``--resume`` it reloads the history (``ABCSMC.load``), rebuilds the threshold from the last
  stored population, and samples the next population exactly as an uninterrupted run would.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from concurrent.futures import Executor, Future
from datetime import datetime
from functools import partial
from pathlib import Path

import cloudpickle
import numpy as np
import pandas as pd
import pyabc

from sim.calibration.files import InputError, versions
from sim.calibration.simulate import Simulator, abc_name, evaluate_batch
from sim.calibration.spec import Calibration, settings_of
from sim.execution.executors import ExecutorFactory, run_resilient
from sim.integrity import ResultFolder, WriterLock, input_records, read_manifest, write_json_atomic
from sim.params import scenario_inputs, scenario_path
from sim.provenance import git_commit

HISTORY = "history.db"
COSTS = "generations.csv"
MAX_CHUNK = 4000
PARTICLES_PER_BATCH = 32  # particles a worker simulates as one batch of runs (the same numbers as one by one)
logging.getLogger("ABC").setLevel(logging.WARNING)  # pyabc's per-generation log: the sampler reports instead


# ---------------------------------------------------------------- cancelling what a finished generation left


class _Tracking(Executor):
    """The factory's executor, remembering what was submitted so a finished generation can cancel the rest."""

    def __init__(self, inner: Executor, futures: list[Future]) -> None:
        self.inner, self.futures = inner, futures

    def submit(self, fn, /, *args, **kwargs) -> Future:  # noqa: ANN001
        future = self.inner.submit(fn, *args, **kwargs)
        self.futures[:] = [f for f in self.futures if not f.done()] + [future]
        return future


class TrackingFactory:
    """An ExecutorFactory as run_resilient sees it, whose queued particles can be cancelled (``cancel_queued``).
    The executor itself lives until the calibration closes the factory."""

    def __init__(self, factory: ExecutorFactory) -> None:
        self.factory, self.workers = factory, factory.workers
        self.futures: list[Future] = []

    def executor(self) -> Executor:
        return _Tracking(self.factory.executor(), self.futures)

    def renew(self) -> Executor:
        return _Tracking(self.factory.renew(), self.futures)

    def cancel_queued(self) -> None:
        for future in self.futures:
            future.cancel()  # a particle already running finishes; its result is not used
        self.futures.clear()


# ---------------------------------------------------------------- the sampler


_LOADED: tuple[bytes, object] | None = None


def _evaluate(payload: bytes, master_seed: int, t: int, indices: list[int]) -> list[tuple[int, object, int]]:
    """Worker: sample, simulate and judge particles ``indices`` of generation ``t`` (each seeded by both), their
    runs as batches. Returns (index, particle, model runs it took) for each."""
    global _LOADED
    if _LOADED is None or _LOADED[0] is not payload and _LOADED[0] != payload:
        _LOADED = (payload, cloudpickle.loads(payload))

    def seed_particle(index: int) -> None:
        np.random.seed(int(np.random.SeedSequence(master_seed, spawn_key=(t + 1, index)).generate_state(1)[0]))

    return evaluate_batch(_LOADED[1], seed_particle, indices)


class _Complete(Exception):
    """The generation's sample is complete (raised from the done-callback to stop submitting)."""


def make_sampler(factory: ExecutorFactory, master_seed: int, say,  # noqa: ANN001
                 costs: Path | None = None) -> pyabc.sampler.Sampler:
    """A pyabc sampler evaluating particles on ``factory``'s executor (see the module docstring)."""

    class ExecutorSampler(pyabc.sampler.Sampler):
        def __init__(self) -> None:
            super().__init__()
            self.factory = TrackingFactory(factory)
            self.acceptance_guess = 0.5

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,  # noqa: ANN001
                                    ana_vars=None):  # noqa: ANN001
            start = time.perf_counter()
            work = partial(_evaluate, cloudpickle.dumps(simulate_one), master_seed, t)
            particles: dict[int, object] = {}
            accepted: list[int] = []
            # first index not yet submitted; indices below prefix all finished; model runs done
            state = {"next": 0, "prefix": 0, "runs": 0}

            def cutoff() -> int | None:
                """Index of the n-th accepted particle once every particle before it has finished."""
                while state["prefix"] in particles:
                    state["prefix"] += 1
                if len(accepted) < n:
                    return None
                nth = sorted(accepted)[n - 1]
                return nth if state["prefix"] > nth else None

            def done(_indices: list[int], results: list[tuple[int, object, int]]) -> None:
                for index, particle, runs in results:
                    particles[index] = particle
                    state["runs"] += runs
                    if particle.accepted:
                        accepted.append(index)
                if cutoff() is not None:
                    raise _Complete

            def gone(index: int, error: str, attempts: int) -> None:
                raise RuntimeError(f"calibration stopped: a particle's worker died {attempts} times ({error})")

            ok = True
            while cutoff() is None:
                if state["next"] >= max_eval:
                    ok = False
                    break
                missing = n - len(accepted)
                chunk = int(min(MAX_CHUNK, max(4 * self.factory.workers, 1.2 * missing / self.acceptance_guess)))
                if np.isfinite(max_eval):
                    chunk = int(min(chunk, max_eval - state["next"]))
                indices = list(range(state["next"], state["next"] + chunk))
                state["next"] += chunk
                per_task = max(1, min(PARTICLES_PER_BATCH, -(-chunk // self.factory.workers)))
                tasks = [indices[i:i + per_task] for i in range(0, chunk, per_task)]
                try:
                    run_resilient(tasks, work, self.factory, done, gone, max_in_flight=2 * self.factory.workers)
                except _Complete:
                    self.factory.cancel_queued()
                    break
            last = cutoff() if ok else max(particles, default=-1)
            sample = self._create_empty_sample()
            for index in sorted(i for i in particles if i <= last):
                sample.append(particles[index])
            if not ok:
                sample.ok = False
            considered = sum(1 for i in particles if i <= last)
            self.nr_evaluations_ = considered
            self.acceptance_guess = max(0.005, min(1.0, sample.n_accepted / max(1, considered)))
            seconds = time.perf_counter() - start
            record = {"generation": t, "accepted": sample.n_accepted, "particles_in_sample": considered,
                      "particles_simulated": len(particles), "model_runs": state["runs"],
                      "wall_s": round(seconds, 2), "ok": ok, "finished": datetime.now().isoformat(timespec="seconds")}
            if costs is not None:
                pd.DataFrame([record]).to_csv(costs, mode="a", header=not costs.exists(), index=False)
            label = "prior sample" if t < 0 else f"generation {t}"
            say(f"  {label}: {sample.n_accepted} accepted of {considered} "
                f"({sample.n_accepted / max(1, considered):.1%}); {state['runs']} model runs "
                f"in {seconds:.0f} s")
            return sample

    return ExecutorSampler()


def make_epsilon(tolerance: float, quantile: float) -> pyabc.epsilon.Epsilon:
    """Each generation's threshold: the ``quantile`` of the last population's weighted distances, never
    below ``tolerance``; the first generation (from the prior) accepts everything. Restored from the
    last stored population when a calibration resumes."""

    class FlooredQuantileEpsilon(pyabc.epsilon.QuantileEpsilon):
        def __init__(self) -> None:
            super().__init__(initial_epsilon=np.inf, alpha=quantile, weighted=True)
            self.tolerance = tolerance

        def initialize(self, t, get_weighted_distances, get_all_records, max_nr_populations,  # noqa: ANN001
                       acceptor_config) -> None:  # noqa: ANN001
            if t > 0:  # resuming: rebuild this generation's threshold from the last stored population
                self._update(t, get_weighted_distances())

        def _update(self, t, weighted_distances) -> None:  # noqa: ANN001
            super()._update(t, weighted_distances)
            self._look_up[t] = max(self._look_up[t], self.tolerance)

    return FlooredQuantileEpsilon()


# ---------------------------------------------------------------- a calibration end to end


def _manifest_path(out: Path) -> Path:
    return out / "manifest.json"


def inputs(cal: Calibration) -> list[dict[str, str]]:
    """Every input file the calibration read (role, path, SHA-256): its file, target files, scenarios, presets."""
    files = [("calibration", cal.source)] + [("targets", Path(t.file)) for t in cal.targets]
    for setting in settings_of(cal.targets):
        files += scenario_inputs(scenario_path(setting.scenario), setting.preset)
    return input_records(files)


def _create(cal: Calibration, out: Path) -> None:
    """A new calibration's folder (its file and manifest), made whole and moved into place in one step: if
    another job's calibration got there first, FolderTaken and nothing is run."""
    with ResultFolder(out, keep=False) as folder:
        (folder.path / "calibration.toml").write_text(cal.text)
        folder.commit({"name": cal.name, "calibration_file": str(cal.source), "digest": cal.digest,
                       "quick": cal.is_quick, "settings": vars(cal.abc), "inputs": inputs(cal),
                       "versions": versions(), "git_commit": git_commit(), "machine": {"cpus": os.cpu_count()},
                       "sessions": []})


def _open(cal: Calibration, out: Path, executor: str) -> dict:
    """Start a session in ``out``, a calibration folder of the same calibration (made by _create)."""
    path = _manifest_path(out)
    manifest = read_manifest(out, InputError)
    if manifest.get("digest") != cal.digest:
        raise InputError(f"{out}: this folder holds calibration {manifest.get('name')!r} "
                         f"({'quick' if manifest.get('quick') else 'full'}) from other files or settings; resume "
                         "with the same files and options, or use another --out")
    manifest["sessions"].append({"start": datetime.now().isoformat(timespec="seconds"), "end": None,
                                 "executor": executor})
    write_json_atomic(manifest, path)
    return manifest


def _check_folder(out: Path, resume: bool) -> None:
    """Before anything starts: a calibration folder is continued only with --resume, never overwritten."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if resume and not _manifest_path(out).exists():
        raise InputError(f"{out}: nothing to resume (no calibration here); run the same command without --resume "
                         "to start one")
    if _manifest_path(out).exists() and not resume:
        raise InputError(f"{out}: a calibration is already here; pass --resume to continue it, or choose "
                         "another --out")
    if out.exists() and not _manifest_path(out).exists() and any(out.iterdir()):
        raise InputError(f"{out}: a folder with other files, not a calibration; choose another --out")


def build_abc(cal: Calibration, factory: ExecutorFactory, say,  # noqa: ANN001
              costs: Path | None = None) -> pyabc.ABCSMC:
    """The pyabc ABCSMC object for a calibration (priors, model, distance, threshold, sampler)."""
    prior = pyabc.Distribution(**{abc_name(p.key): pyabc.RV("uniform", p.low, p.high - p.low) for p in cal.priors})
    targets = cal.fit_targets
    settings = {t.setting: cal.horizon(t.setting) for t in targets}
    simulator = Simulator(cal.keys, targets, settings, cal.abc.norm)
    # The same distance as the simulator's; pyabc uses it to rebuild the threshold when a calibration resumes.
    distance = pyabc.PNormDistance(p=2 if cal.abc.norm == "euclidean" else np.inf,
                                   fixed_weights={t.name: 1.0 / t.uncertainty for t in targets})
    sampler = make_sampler(factory, cal.abc.master_seed, say, costs)
    return pyabc.ABCSMC(simulator, prior, distance, population_size=cal.abc.population_size,
                        eps=make_epsilon(cal.abc.tolerance, cal.abc.quantile), sampler=sampler)


def finished(history: pyabc.History, cal: Calibration) -> bool:
    """Whether a stored calibration has met a stopping rule (tolerance reached or generations used)."""
    if history.n_populations == 0:
        return False
    eps = history.get_all_populations().query("t >= 0")["epsilon"]
    return bool(eps.iloc[-1] <= cal.abc.tolerance or history.n_populations >= cal.abc.max_generations)


def calibrate(cal: Calibration, out: Path, resume: bool = False, executor: str = "local",
              workers: int | None = None, scheduler: str | None = None, quiet: bool = False,
              report: bool = True) -> Path:
    """Run (or with ``resume`` continue) a calibration into ``out``; write its report. Returns ``out``."""
    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr, flush=True)

    factory = ExecutorFactory(executor, workers, scheduler)  # checks the worker count before anything is written
    _check_folder(out, resume)
    if not resume:
        _create(cal, out)
    with WriterLock(out), factory:  # one session at a time; workers stop at the end, at once after an interrupt
        _session(cal, out, factory, resume, executor, say)
        if report:
            from sim.calibration.report import write_report

            write_report(cal, out, executor=executor, workers=workers, scheduler=scheduler, quiet=quiet)
    return out


def _session(cal: Calibration, out: Path, factory: ExecutorFactory, resume: bool, executor: str,
             say) -> None:  # noqa: ANN001
    _open(cal, out, executor)
    db = f"sqlite:///{(out / HISTORY).resolve()}"
    start = time.perf_counter()
    abc = build_abc(cal, factory, say, out / COSTS)
    try:
        if (out / HISTORY).exists() and _has_run(db):
            history = abc.load(db, 1)
            say(f"{cal.name}: resuming after {history.n_populations} stored population(s) in {out}")
        else:
            (out / HISTORY).unlink(missing_ok=True)  # killed before the history was initialised: start afresh
            x0 = {t.name: t.value for t in cal.fit_targets}
            history = abc.new(db, x0, meta_info={"calibration": cal.name, "digest": cal.digest})
            say(f"{cal.name}: {len(cal.priors)} free parameters, {len(cal.fit_targets)} fitted targets, "
                f"population {cal.abc.population_size}, up to {cal.abc.max_generations} generations; executor "
                f"{factory.kind} with {factory.workers} worker(s) -> {out}")
        remaining = cal.abc.max_generations - history.n_populations
        if not finished(history, cal) and remaining > 0:
            with warnings.catch_warnings():  # pyabc compares the first threshold (infinite) with the next
                warnings.filterwarnings("ignore", "invalid value encountered in scalar subtract", RuntimeWarning)
                abc.run(minimum_epsilon=cal.abc.tolerance, max_nr_populations=remaining,
                        min_acceptance_rate=cal.abc.min_acceptance_rate)
        else:
            say(f"{cal.name}: already finished ({history.n_populations} populations)")
    finally:
        manifest = read_manifest(out, InputError)
        manifest["sessions"][-1].update({"end": datetime.now().isoformat(timespec="seconds"),
                                         "abc_wall_s": round(time.perf_counter() - start, 1)})
        write_json_atomic(manifest, _manifest_path(out))


def _has_run(db: str) -> bool:
    """Whether the history holds an initialised run (the kill may have come before ``ABCSMC.new`` finished)."""
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(sa.text("SELECT count(*) FROM abc_smc")).scalar())
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()
