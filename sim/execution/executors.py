"""Executors (the concurrent.futures interface) and a loop that survives dying workers.

Any object with ``submit(fn, *args) -> Future`` and ``shutdown()`` plugs in: a local
process pool, Dask distributed (``Client.get_executor``), in-process for debugging;
MPI or Ray executors could be added the same way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from sim.processes import EXECUTORS, init_worker, interrupts_deferred, stop_pool
from sim.sizing import check_workers

MAX_ATTEMPTS = 3  # a run whose worker dies this many times is recorded as failed


def process_context() -> multiprocessing.context.BaseContext:
    """Worker processes start from a clean server process ("forkserver"), not by forking this one.

    Forking a process that already runs threads (pyarrow, Dask) can deadlock the child.
    As with Python's own default from 3.14 on, a script that starts a sweep or a
    comparison needs the usual ``if __name__ == "__main__":`` guard.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # "__main__" is the default preload; ours makes the server die with this process (no orphans).
    context.set_forkserver_preload(["__main__", "sim.forkserver_preload"])
    return context


class SequentialExecutor(Executor):
    """Runs each task at submit time, in this process."""

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - delivered through the future (Ctrl-C is not)
            future.set_exception(exc)
        return future


class ExecutorFactory:
    """Owns the executor of a job: makes it, remakes it after a crash, and stops it (with its workers).

    Local workers (a process pool, a Dask LocalCluster) are checked against this machine's
    cores and memory before any starts, and die with the driver (sim.processes).
    """

    def __init__(self, kind: str = "local", workers: int | None = None, scheduler: str | None = None) -> None:
        if kind not in EXECUTORS:
            raise ValueError(f"executor {kind!r}: allowed: {', '.join(EXECUTORS)}")
        self.kind = "dask" if scheduler else kind
        if not scheduler:  # a remote cluster's workers are its own business
            check_workers(workers)
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = scheduler
        self._client = None
        self._cluster = None
        self._executor: Executor | None = None

    def executor(self) -> Executor:
        """The running executor (started on first use)."""
        if self._executor is None:
            self._executor = self._make()
        return self._executor

    def renew(self) -> Executor:
        """A fresh executor after the current one broke (a dead process pool)."""
        if self._executor is not None:
            stop_pool(self._executor, abort=True)
            self._executor = None
        return self.executor()

    def _make(self) -> Executor:
        if self.kind == "sequential":
            return SequentialExecutor()
        if self.kind == "local":
            return ProcessPoolExecutor(max_workers=self.workers, mp_context=process_context(),
                                       initializer=init_worker)
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                             host="127.0.0.1", dashboard_address=None, preload=["sim.processes"])
                self._client = Client(self._cluster)
        return self._client.get_executor(pure=False)

    def close(self, abort: bool = False) -> None:
        """Stop the executor; ``abort`` (an interrupt or an error) kills running local workers at once."""
        if self._executor is not None:
            stop_pool(self._executor, abort)
            self._executor = None
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def __enter__(self) -> ExecutorFactory:
        return self

    def __exit__(self, exc_type: type | None, *exc: object) -> None:
        self.close(abort=exc_type is not None)


def run_resilient(tasks: Iterable, fn: Callable, factory: ExecutorFactory, on_done: Callable,
                  on_lost: Callable, max_in_flight: int | None = None) -> None:
    """Run ``fn(task)`` for every task; ``on_done(task, result)`` as each finishes.

    A task whose worker dies (a killed process, out of memory, a lost Dask worker) is
    resubmitted, up to MAX_ATTEMPTS times; then ``on_lost(task, error, attempts)``.
    Only a bounded number of tasks is in flight, so memory stays flat however many runs.
    The executor stays up for the caller's next call; the caller closes ``factory``.
    """
    pending = deque(tasks)
    attempts: dict[int, int] = {}
    limit = max_in_flight or 4 * factory.workers
    executor = factory.executor()
    in_flight: dict[Future, object] = {}
    while pending or in_flight:
        with interrupts_deferred():  # submitting may start a worker: never interrupt that half-way
            while pending and len(in_flight) < limit:
                task = pending.popleft()
                in_flight[executor.submit(fn, task)] = task
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        broken = False
        for future in done:
            task = in_flight.pop(future)
            try:
                result = future.result()
            except KeyboardInterrupt:  # Ctrl-C or SIGTERM arriving here is this process's, not the task's
                raise
            except BaseException as exc:  # noqa: BLE001 - infrastructure failure: retry, then record
                broken |= isinstance(exc, BrokenProcessPool)
                n = attempts[id(task)] = attempts.get(id(task), 0) + 1
                if n < MAX_ATTEMPTS:
                    pending.append(task)
                else:
                    on_lost(task, f"worker lost {n} times: {type(exc).__name__}: {exc}", n)
                continue
            on_done(task, result)
        if broken:  # a dead process pool fails all its futures; start a new one
            for future, task in in_flight.items():
                future.cancel()
                pending.appendleft(task)
            in_flight.clear()
            executor = factory.renew()
