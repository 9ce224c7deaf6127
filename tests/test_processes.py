"""Processes die with their parent: no orphan after SIGKILL, SIGTERM or Ctrl-C of the driver."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENT = ROOT / "scenarios" / "experiments" / "planner_hours_strategy.toml"
# Runs are stored long before the last one: time to interrupt the sweep mid-way, even on a busy machine.
LONG = ["--replications", "30", "--weeks", "520", "--workers", "2"]


def _stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, session id) of a process, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[3])


def session_processes(sid: int) -> list[int]:
    """Live processes of a session (what a driver started with start_new_session=True left behind)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (info := _stat(entry)) is not None and info[1] == sid:
            try:
                if Path(f"/proc/{entry}/status").read_text().split("State:")[1].split()[0] != "Z":
                    found.append(int(entry))
            except (OSError, IndexError):
                continue
    return found


def orphans_of_this_checkout() -> list[str]:
    """Processes whose parent is init and whose command line runs this checkout's .venv."""
    venv = str(ROOT / ".venv")
    found = []
    for entry in os.listdir("/proc"):
        info = _stat(entry) if entry.isdigit() else None
        if info is None or info[0] != 1:
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if venv in cmdline:
            found.append(f"{entry}: {cmdline[:120]}")
    return found


def no_process_left(proc: subprocess.Popen) -> None:
    wait_for(lambda: not session_processes(proc.pid), timeout=60, what="the driver's children to exit")
    assert not orphans_of_this_checkout()


def _ctrl_c_as_at_a_terminal() -> None:
    """In the child before exec: Ctrl-C's default action, whatever this process inherited.

    A shell script that starts a job in the background (``make test-all &``, ``nohup ... &``)
    hands it SIGINT ignored, and Python then leaves SIGINT ignored in every process started
    below it: the driver would never see the Ctrl-C this test sends (it did run to the end).
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_sweep(store: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "sim", "sweep", str(EXPERIMENT), "--store", str(store), "--quiet", *LONG, *extra]
    return subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_as_at_a_terminal)  # noqa: PLW1509 - signal disposition only


def runs_stored(store: Path) -> int:
    folder = store / "runs"
    return len([p for p in folder.glob("*.parquet")]) if folder.exists() else 0


def kill_session(proc: subprocess.Popen) -> None:
    """Test clean-up if an assertion failed mid-way: nothing of this test may outlive it."""
    if session_processes(proc.pid):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_sigkill_of_the_sweep_driver_takes_forkserver_workers_and_tracker_with_it(tmp_path):
    proc = start_sweep(tmp_path / "s")
    try:
        wait_for(lambda: runs_stored(tmp_path / "s") >= 2, what="runs to finish")
        assert len(session_processes(proc.pid)) >= 4, "driver, resource tracker, forkserver and workers"
        os.kill(proc.pid, signal.SIGKILL)  # the driver alone, as the OOM killer would
        proc.wait()
        no_process_left(proc)
    finally:
        kill_session(proc)


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_sigterm_and_ctrl_c_print_the_resume_hint_and_stop_every_worker(tmp_path, sig, code):
    proc = start_sweep(tmp_path / "s")
    try:
        wait_for(lambda: runs_stored(tmp_path / "s") >= 2, what="runs to finish")
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err
        assert "complete them with the same command plus --resume" in err and "Traceback" not in err
        no_process_left(proc)
    finally:
        kill_session(proc)


@pytest.mark.slow
def test_sigterm_of_compare_leaves_no_folder_and_no_process(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "sim", "compare", "--name", "c", "--seeds", "6", "--steps", "520",
                             "--workers", "2", "--quiet"], cwd=tmp_path, start_new_session=True,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: any((tmp_path / "results").glob(".tmp-c-*")) or proc.poll() is not None,
                 what="the comparison to start")
        wait_for(lambda: len(session_processes(proc.pid)) >= 3 or proc.poll() is not None, what="its workers")
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 143 and "interrupted" in err and "Traceback" not in err, err
        assert list((tmp_path / "results").iterdir()) == [], "no folder, no temporary"
        no_process_left(proc)
    finally:
        kill_session(proc)


@pytest.mark.slow
def test_sigkill_of_a_dask_sweep_driver_stops_the_local_cluster(tmp_path):
    proc = start_sweep(tmp_path / "s", "--executor", "dask")
    try:
        wait_for(lambda: runs_stored(tmp_path / "s") >= 2, what="runs to finish")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        no_process_left(proc)
    finally:
        kill_session(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_app_refuses_a_port_in_use_with_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "sim", "app", "--port", str(port)], capture_output=True,
                                text=True, timeout=60)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and f"--port {port}" in lines[0], result.stderr
    assert "http://" not in result.stdout


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_the_app_server_dies_with_sim_app(sig):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _port_open(port) or proc.poll() is not None, timeout=180, what="the app server")
        assert proc.poll() is None, "sim app stopped before serving"
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
        if sig == signal.SIGTERM:
            assert proc.returncode == 143
        no_process_left(proc)
        wait_for(lambda: not _port_open(port), timeout=30, what=f"port {port} to close")
    finally:
        kill_session(proc)


@pytest.mark.parametrize("host, why", [("not-a-host", "cannot resolve"), ("192.0.2.1", "not an address of this")])
def test_app_blames_host_for_a_bad_host(host, why, capsys):
    """An unknown name, or an address this machine does not have, is the host's fault, not the port's."""
    from sim.cli import main

    assert main(["app", "--host", host, "--port", str(free_port())]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --host {host}: ") and why in lines[0], lines
    assert "--port" not in lines[0]
