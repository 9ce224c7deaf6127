"""Crash safety with real process kills: the whole sweep (kill -9, then --resume), a pool
worker, and a Dask worker on a loopback LocalCluster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal
from waiting import wait_for

from sim import sweep
from sim.execution.executors import ExecutorFactory, run_resilient
from sim.sweep.plan import plan_runs

EXPERIMENT = Path(__file__).resolve().parent.parent / "scenarios" / "experiments" / "planner_hours_strategy.toml"
ARGS = ["--replications", "2", "--weeks", "40"]


def _count(store: Path) -> int:
    folder = store / "runs"
    return len([p for p in folder.glob("*.parquet") if not p.name.startswith(".")]) if folder.exists() else 0


def _comparable(store: Path):
    runs = sweep.load_runs(store).drop(columns=["wall_s"]).sort_values("run_id").reset_index(drop=True)
    steps = sweep.load_steps(store).sort_values(["run_id", "week"]).reset_index(drop=True)
    return runs, steps


def test_kill_minus_9_mid_sweep_then_resume_loses_and_duplicates_nothing(tmp_path):
    store = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim", "sweep", str(EXPERIMENT), "--store", str(store), "--workers", "2",
           "--quiet", *ARGS]
    proc = subprocess.Popen(cmd, start_new_session=True)
    wait_for(lambda: _count(store) >= 6 or proc.poll() is not None, what="six stored runs")
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, mid-write or not
    proc.wait()
    exp = sweep.load_experiment(EXPERIMENT).reduced(replications=2, weeks=40)
    total = len(plan_runs(exp))
    interrupted_at = _count(store)
    assert 0 < interrupted_at < total, "the kill should land mid-sweep"

    subprocess.run(cmd + ["--resume"], check=True)
    reference = tmp_path / "reference"
    subprocess.run([sys.executable, "-m", "sim", "sweep", str(EXPERIMENT), "--store", str(reference),
                    "--executor", "sequential", "--quiet", *ARGS], check=True)
    runs, steps = _comparable(store)
    ref_runs, ref_steps = _comparable(reference)
    assert runs["run_id"].is_unique and len(runs) == total
    assert_frame_equal(runs, ref_runs)
    assert_frame_equal(steps, ref_steps)
    assert sweep.load_failures(store).empty
    sessions = sweep.Store(store).manifest()["sessions"]
    assert len(sessions) == 2 and sessions[0]["end"] is None  # the killed session never closed


def die_once(task: int, marker: str) -> int:
    """Kills its own worker process the first time it sees task 3."""
    if task == 3 and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)
    return task * 10


def always_die(task: int) -> int:
    if task == 2:
        os._exit(1)
    return task


def test_a_killed_pool_worker_is_retried_and_a_persistent_one_recorded(tmp_path):
    from functools import partial

    with ExecutorFactory("local", workers=2) as factory:  # closed at the end: no idle workers left behind
        results, lost = {}, {}
        run_resilient(range(8), partial(die_once, marker=str(tmp_path / "m")), factory,
                      lambda t, r: results.__setitem__(t, r), lambda t, e, n: lost.__setitem__(t, n))
        assert results == {t: t * 10 for t in range(8)} and not lost

        results, lost = {}, {}
        run_resilient(range(5), always_die, factory, lambda t, r: results.__setitem__(t, r),
                      lambda t, e, n: lost.__setitem__(t, (e, n)))
    assert 2 in lost and lost[2][1] == 3 and "worker lost" in lost[2][0]
    assert set(results) | set(lost) == set(range(5))


@pytest.mark.slow
def test_killing_a_dask_worker_mid_sweep_does_not_stop_it(tmp_path):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    store = tmp_path / "dask"
    killed = []

    def killer() -> None:
        wait_for(lambda: _count(store) >= 4, what="four stored runs")
        with Client(cluster.scheduler_address) as client:
            pids = client.run(os.getpid)
            os.kill(next(iter(pids.values())), signal.SIGKILL)
            killed.append(True)

    try:
        exp = sweep.load_experiment(EXPERIMENT).reduced(replications=2, weeks=40)
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        sweep.run(exp, store=store, scheduler=cluster.scheduler_address, quiet=True)
        thread.join(timeout=10)
    finally:
        cluster.close()
    assert killed, "a worker should have been killed mid-sweep"
    runs = sweep.load_runs(store)
    assert len(runs) == len(plan_runs(exp)) and runs["run_id"].is_unique
    assert sweep.load_failures(store).empty


def test_an_interrupt_while_collecting_a_result_stops_the_run_not_retries_it():
    """Ctrl-C (or SIGTERM) can arrive while the driver reads a finished result: it must stop the
    sweep, not be taken for a worker failure and retried (which hid an interrupt until the sweep ended)."""

    class InterruptedWhileReading(Future):
        def result(self, timeout=None):  # noqa: ANN001, ANN202 - the signal arrives inside this call
            raise KeyboardInterrupt

    class Executor:
        def submit(self, fn, *args):  # noqa: ANN001, ANN202
            future = InterruptedWhileReading()
            future.set_result(None)
            return future

    class Factory:
        workers = 1

        def executor(self):  # noqa: ANN202
            return Executor()

    done, lost = [], []
    with pytest.raises(KeyboardInterrupt):
        run_resilient(range(3), abs, Factory(), on_done=lambda *a: done.append(a), on_lost=lambda *a: lost.append(a))
    assert done == [] and lost == []
