"""Result folders are complete or absent, never mixed; stores read only what their plan and checksums vouch for."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from waiting import wait_for

from sim import sweep
from sim.cli import main
from sim.integrity import MANIFEST, WriterLock, damaged_files
from sim.sweep.plan import plan_runs

ROOT = Path(__file__).resolve().parent.parent
SIM = [sys.executable, "-m", "sim"]
SMALL = ["--seeds", "2", "--steps", "4", "--households", "40", "--workers", "1", "--quiet", "--robustness-seeds", "0"]


def assert_complete(folder: Path) -> dict:
    """The folder has a manifest and every file it lists matches its checksum."""
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["files"] and damaged_files(folder, manifest["files"]) == []
    return manifest


def errors(capsys) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


# ----------------------------------------------------------------- sim compare and sim run folders

def test_compare_refuses_to_reuse_a_name_and_overwrite_replaces_whole(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", "--name", "mini", *SMALL]) == 0
    first = assert_complete(tmp_path / "results" / "mini")
    assert {r["role"] for r in first["inputs"]} == {"scenario", "preset", "posterior"}  # the shipped posterior
    assert any(r["path"].endswith("top_down.toml") for r in first["inputs"])
    capsys.readouterr()
    assert main(["compare", "--name", "mini", *SMALL]) == 2
    message = errors(capsys)
    assert len(message) == 1 and "already exists; pass --overwrite" in message[0]
    assert main(["compare", "--name", "mini", "--overwrite", *SMALL, "--first-seed", "5"]) == 0
    second = assert_complete(tmp_path / "results" / "mini")
    assert second["seeds"] == [5, 6] and second["created"] >= first["created"]
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["mini"], "no temporaries left"


def test_run_folders_carry_the_preset_and_a_manifest(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for preset in ("guizhou_west", "hengfu_heritage"):
        assert main(["run", "planner", "--preset", preset, "--steps", "2", "--seed", "1"]) == 0
        folder = tmp_path / "results" / f"run-planner-{preset}-seed1"
        manifest = assert_complete(folder)
        assert manifest["preset"] == preset and [r["role"] for r in manifest["inputs"]][0] == "preset"
        assert set(pd.read_parquet(folder / "steps.parquet")["preset"]) == {preset}
    assert main(["run", "planner", "--preset", "guizhou_west", "--steps", "2", "--seed", "1"]) == 2
    assert "already exists" in errors(capsys)[-1]


def test_leftover_temporaries_of_killed_processes_are_removed_on_next_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dead = tmp_path / "results" / ".tmp-old-99999999"  # no such pid
    dead.mkdir(parents=True)
    (dead / "steps.csv").write_text("torn")
    live = tmp_path / "results" / f".tmp-other-{os.getppid()}"  # a live writer's folder is left alone
    live.mkdir()
    assert main(["run", "planner", "--steps", "2"]) == 0
    assert not dead.exists() and live.exists()


def _kill_when_writing_started(cmd: list[str], cwd: Path, name: str) -> None:
    proc = subprocess.Popen(cmd, cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: any((cwd / "results").glob(f".tmp-{name}-*")) or proc.poll() is not None,
                 what="the temporary folder")
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()


@pytest.mark.slow
def test_kill_minus_9_during_compare_leaves_the_folder_absent_or_complete(tmp_path):
    cmd = [*SIM, "compare", "--name", "k", "--seeds", "4", "--steps", "60", "--households", "100",
           "--workers", "2", "--quiet"]
    _kill_when_writing_started(cmd, tmp_path, "k")
    assert not (tmp_path / "results" / "k").exists(), "a killed comparison leaves no folder under its name"
    # a complete folder, then a killed --overwrite rerun: the old folder is still whole (or the new one is)
    subprocess.run([*SIM, "compare", "--name", "k", *SMALL], cwd=tmp_path, check=True)
    before = assert_complete(tmp_path / "results" / "k")
    _kill_when_writing_started(cmd + ["--overwrite"], tmp_path, "k")
    after = assert_complete(tmp_path / "results" / "k")
    assert after["seeds"] in (before["seeds"], [0, 1, 2, 3])


def _unshare_available() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


needs_mount_namespace = pytest.mark.skipif(not _unshare_available(),
                                           reason="needs root and `unshare -m` to mount a small tmpfs")


def _in_tmpfs(tmp_path: Path, options: str, sim_args: list[str], fill_when: Path | None = None
              ) -> subprocess.CompletedProcess:
    """Run ``sim`` with a private tmpfs mounted at tmp_path/mnt (gone when the command ends).

    With ``fill_when``, the rest of the tmpfs is filled once that file has something in it (the disk
    fills up while the job runs, after its checks before the start passed and its first result is stored).
    """
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    script = f'mount -t tmpfs -o {options} tmpfs "{mnt}" && exec "$@"'
    if fill_when is not None:
        script = (f'mount -t tmpfs -o {options} tmpfs "{mnt}" || exit 1; "$@" & job=$!; '
                  f'while [ ! -s "{fill_when}" ] && kill -0 $job 2>/dev/null; do sleep 0.05; done; '
                  f'cat /dev/zero > "{mnt}/filler" 2>/dev/null; wait $job')
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *SIM, *sim_args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)


@needs_mount_namespace
def test_read_only_results_root_is_one_line_before_any_run(tmp_path):
    result = _in_tmpfs(tmp_path, "ro,size=1m", ["compare", "--out", str(tmp_path / "mnt" / "x"), *SMALL])
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "not writable" in lines[0] or "Read-only" in lines[0]


@needs_mount_namespace
def test_a_full_disk_keeps_the_computed_runs_and_says_where(tmp_path):
    result = _in_tmpfs(tmp_path, "size=96k", ["compare", "--out", str(tmp_path / "mnt" / "x"), "--seeds", "2",
                                              "--steps", "30", "--workers", "1", "--quiet",
                                              "--robustness-seeds", "0"])
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "No space left on device" in lines[0] and "computed runs are kept in" in lines[0]
    kept = Path(lines[0].split("kept in ")[1].rstrip("/"))
    try:
        steps = pd.read_parquet(kept / "steps.parquet")
        assert len(steps) == 5 * 2 * 31  # every scenario, both seeds, weeks 0-30
    finally:
        shutil.rmtree(kept, ignore_errors=True)


@needs_mount_namespace
def test_a_full_disk_in_sim_run_names_the_folder_and_keeps_the_run(tmp_path):
    out = tmp_path / "mnt" / "x"
    result = _in_tmpfs(tmp_path, "size=48k", ["run", "planner", "--steps", "30", "--out", str(out)])
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {out}: cannot write") and "No space left on device" in lines[0], lines
    kept = Path(lines[0].split("kept in ")[1].split()[0].rstrip("/;,."))
    try:
        assert len(pd.read_parquet(kept / "steps.parquet")) == 31 and (kept / "events.csv").exists()
    finally:
        shutil.rmtree(kept, ignore_errors=True)


@needs_mount_namespace
def test_a_full_disk_in_a_sweep_names_the_store_and_says_the_finished_runs_are_kept(tmp_path):
    experiment = tmp_path / "fill.toml"
    experiment.write_text('name = "fill"\nscenarios = ["planner"]\nreplications = 40\nweeks = 20\nkeep = "every"\n'
                          '[parameters."neighbourhood.households"]\nvalues = [40]\n')
    store = tmp_path / "mnt" / "store"
    result = _in_tmpfs(tmp_path, "size=4m", ["sweep", str(experiment), "--store", str(store), "--executor",
                                             "sequential", "--quiet"], fill_when=store / "finished.jsonl")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {store}: cannot write") and "No space left on device" in lines[0], lines
    assert "finished runs" in lines[0] and "--resume" in lines[0], lines


def test_a_file_where_the_results_folder_should_be_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").write_text("not a folder")
    assert main(["run", "planner", "--steps", "2"]) == 2
    message = errors(capsys)
    assert len(message) == 1 and "results" in message[0] and "cannot create" in message[0]


# ----------------------------------------------------------------- sweep stores

EXPERIMENT_TEXT = """name = "tiny"
scenarios = ["{scenario}"]
replications = 2
weeks = 6
[parameters."planner.hours_per_week"]
values = [4, 8]
"""


@pytest.fixture
def tiny(tmp_path):
    """An experiment on a scenario file of its own (so the test can edit it), and a store path."""
    scenario = tmp_path / "mine.toml"
    scenario.write_text(f'name = "mine"\nextends = "{ROOT / "scenarios" / "planner.toml"}"\n'
                        "[neighbourhood]\nhouseholds = 60\n")
    experiment = tmp_path / "tiny.toml"
    experiment.write_text(EXPERIMENT_TEXT.format(scenario="mine.toml"))
    return experiment, scenario, tmp_path / "store"


def test_resume_refuses_when_a_scenario_changed_since_the_store_was_created(tiny, capsys):
    experiment, scenario, store = tiny
    sweep.run(experiment, store=store, executor="sequential", quiet=True)
    scenario.write_text(scenario.read_text().replace("households = 60", "households = 80"))
    code = main(["sweep", str(experiment), "--store", str(store), "--resume", "--executor", "sequential"])
    message = errors(capsys)
    assert code == 2 and len(message) == 1
    assert "changed since this store was created" in message[0] and "mine.toml (scenario, edited)" in message[0]
    manifest = sweep.Store(store).manifest()
    assert {r["role"] for r in manifest["inputs"]} == {"experiment", "scenario", "preset"}


def test_damaged_run_files_are_named_by_analyse_and_recomputed_on_resume(tiny, capsys):
    experiment, _, store = tiny
    sweep.run(experiment, store=store, executor="sequential", quiet=True)
    reference = sweep.load_runs(store).drop(columns=["wall_s"]).sort_values("run_id").reset_index(drop=True)
    runs = sorted((store / "runs").glob("*.parquet"))
    steps = sorted((store / "steps").glob("*.parquet"))
    runs[0].write_bytes(runs[0].read_bytes()[:100])                 # truncated
    runs[1].write_bytes(b"")                                         # emptied
    steps[2].write_bytes(os.urandom(steps[2].stat().st_size))        # random bytes, same size
    assert main(["analyse", str(store)]) == 2
    message = errors(capsys)
    assert len(message) == 1 and "3 damaged run file(s)" in message[0]
    for path in (runs[0], runs[1], steps[2]):
        assert f"{path.parent.name}/{path.name}" in message[0]
    assert main(["sweep", str(experiment), "--store", str(store), "--resume", "--executor", "sequential"]) == 0
    assert "3 damaged run file(s) found" in capsys.readouterr().err
    again = sweep.load_runs(store).drop(columns=["wall_s"]).sort_values("run_id").reset_index(drop=True)
    assert_frame_equal(again, reference)
    assert main(["analyse", str(store), "--quiet"]) == 0


def test_only_runs_in_the_plan_are_read(tiny, capsys):
    experiment, _, store = tiny
    sweep.run(experiment, store=store, executor="sequential", quiet=True)
    planned = {r.run_id for r in plan_runs(sweep.load_experiment(experiment))}
    stray = store / "runs" / "0123456789abcdef.parquet"
    shutil.copy(next((store / "runs").glob("*.parquet")), stray)  # a run from elsewhere, dropped in
    runs = sweep.load_runs(store)
    assert set(runs["run_id"]) == planned and len(runs) == len(planned)  # the stray copy is not read
    assert main(["analyse", str(store)]) == 0
    assert "not in the store's plan ignored: runs/0123456789abcdef.parquet" in capsys.readouterr().err
    means = pd.read_csv(store / "analysis" / "point_means.csv")
    assert means["n"].max() == 2, "the stray copy of a run is not counted"


def test_a_second_writer_gets_one_line_and_exit_2(tiny, capsys):
    experiment, _, store = tiny
    sweep.run(experiment, store=store, executor="sequential", quiet=True)
    with WriterLock(store):  # another session holding the store
        code = main(["sweep", str(experiment), "--store", str(store), "--resume", "--executor", "sequential"])
    message = errors(capsys)
    assert code == 2 and len(message) == 1 and f"another session (pid {os.getpid()}) is writing" in message[0]


def test_lock_contention_between_two_processes(tiny):
    experiment, _, store = tiny
    sweep.run(experiment, store=store, executor="sequential", quiet=True)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from sim.integrity import WriterLock\n"
        f"with WriterLock(Path({str(store)!r})):\n    print('locked', flush=True); sys.stdin.read()")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = subprocess.run([*SIM, "sweep", str(experiment), "--store", str(store), "--resume",
                                 "--executor", "sequential", "--quiet"], capture_output=True, text=True)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and f"another session (pid {holder.pid})" in lines[0]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# ----------------------------------------------------------------- --resume with nothing to resume

def _nothing_to_resume(capsys, folder: Path, *command: str) -> None:
    """``command`` (with --resume) on ``folder`` refuses in one line, says how to start, and leaves no folder."""
    existed = folder.exists()
    assert main(list(command)) == 2
    message = errors(capsys)
    assert len(message) == 1 and f"{folder}: nothing to resume" in message[0], message
    assert "without --resume" in message[0], message
    assert folder.exists() == existed and (not existed or not any(folder.iterdir())), "nothing is started there"


@pytest.mark.parametrize("empty", [False, True], ids=["missing", "empty"])
def test_resume_with_nothing_to_resume_says_so_and_how_to_start(tiny, capsys, empty):
    experiment, _, store = tiny
    if empty:
        store.mkdir()
    _nothing_to_resume(capsys, store, "sweep", str(experiment), "--store", str(store), "--resume",
                       "--executor", "sequential")
    calibration = ROOT / "scenarios" / "calibration" / "guizhou_west.toml"
    _nothing_to_resume(capsys, store, "calibrate", str(calibration), "--quick", "--out", str(store), "--resume",
                       "--executor", "sequential")
    robustness = ROOT / "scenarios" / "robustness" / "planner_effects.toml"
    _nothing_to_resume(capsys, store, "robustness", str(robustness), "--store", str(store), "--resume",
                       "--samples", "4", "--weeks", "2", "--executor", "sequential")
