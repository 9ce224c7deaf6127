"""Child processes that die with their parent, and SIGTERM handled like Ctrl-C.

Every process `sim` starts — pool workers, multiprocessing's forkserver, Dask workers, the
app's Solara server — asks Linux to kill it when the process that started it dies
(``prctl(PR_SET_PDEATHSIG)``), so a ``kill -9`` of the driver leaves no orphan computing or
listening for hours. multiprocessing's resource tracker exits by itself once every process
holding its pipe is gone. SIGTERM raises :class:`Terminated` (a KeyboardInterrupt), so the
same cleanup and the same resume hint run as for Ctrl-C, with exit status 143.

On systems without ``prctl`` (macOS) the death signal is skipped; SIGTERM and Ctrl-C still
stop children through the normal shutdown paths.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
DEATH_SIGNAL = signal.SIGKILL  # the parent is gone: nothing is left to report to, so no cleanup is owed

EXECUTORS = ("local", "dask", "sequential")  # how sweeps and calibrations run (sim.execution.executors)


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM; handled like Ctrl-C."""

    exit_code = 128 + signal.SIGTERM


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """130 after Ctrl-C, 143 after SIGTERM (the shell's conventions)."""
    return getattr(interrupt, "exit_code", 128 + signal.SIGINT)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def raise_on_sigterm() -> None:
    """From now on SIGTERM raises Terminated in the main thread (call from the main thread)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, then deliver them (main thread; elsewhere a no-op).

    Used around starting work: an interrupt in the middle of starting a pool worker would
    leave a half-started child that the pool does not know about yet and cannot stop. (A
    signal mask would not do: the kernel may hand the signal to any other thread.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if held:
            signal.raise_signal(held[0])


def die_with_parent(sig: int = DEATH_SIGNAL) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return
    if os.getppid() == 1:  # the parent died before the request was made: follow it now
        os._exit(1)


def init_worker() -> None:
    """Initializer of pool workers: die with the parent; leave Ctrl-C to the driver, which stops the pool."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def dask_setup(worker: object = None) -> None:
    """Dask's preload hook (``preload=["sim.processes"]``): each worker process dies with the driver."""
    die_with_parent()


def stop_pool(executor: Executor, abort: bool) -> None:
    """Shut an executor down; with ``abort`` (Ctrl-C, SIGTERM, an error) kill running pool workers at once.

    ProcessPoolExecutor otherwise lets each worker finish its current run first, which can take
    minutes (Python 3.14 adds ``terminate_workers`` for this).
    """
    if isinstance(executor, ProcessPoolExecutor):
        if abort:  # kill before shutting down: a worker still starting then never reads a released queue
            processes = list((getattr(executor, "_processes", None) or {}).values())
            for process in processes:
                with contextlib.suppress(OSError, ValueError):
                    process.kill()
            for process in processes:
                with contextlib.suppress(OSError, ValueError, AssertionError):
                    process.join(timeout=5)
        executor.shutdown(wait=not abort, cancel_futures=True)
    else:
        executor.shutdown(wait=False)


def start_child(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a server process in its own process group that dies with this one."""
    return subprocess.Popen(cmd, env=env, process_group=0, preexec_fn=die_with_parent)  # noqa: PLW1509


def stop_child(child: subprocess.Popen, grace_s: float = 5.0) -> None:
    """SIGTERM the child's process group, then SIGKILL if it has not stopped after ``grace_s``."""
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, grace_s)):
        if child.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=wait_s)
