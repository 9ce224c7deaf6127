"""Two jobs, one name: nothing is silently replaced (issue 19, item 1).

Each test starts two real ``sim`` processes on the same results folder. A barrier (a
``sitecustomize`` on the children's path) holds each at its first :meth:`ResultFolder.commit`
until both are there, so both have found the folder free before either moves its results in:
the race happens every time, not by chance. Exactly one wins; the other exits non-zero, says so
in one line and, where it computed something, names the sibling folder that holds it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.integrity import MANIFEST, damaged_files

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SIM = [sys.executable, "-m", "sim"]

BARRIER_HOOK = """
import os
if os.environ.get("SIM_TEST_BARRIER"):
    from pathlib import Path

    import sim.integrity as integrity
    from waiting import wait_for

    original = integrity.ResultFolder.commit
    arrived = []

    def commit(self, manifest):
        if not arrived:  # the first commit of this process waits for the other job's
            arrived.append(True)
            folder = Path(os.environ["SIM_TEST_BARRIER"])
            (folder / str(os.getpid())).touch()
            try:
                wait_for(lambda: len(list(folder.iterdir())) >= 2, timeout=120, what="the other job")
            except AssertionError:
                pass  # the other job stopped before committing anything: go on alone
        return original(self, manifest)

    integrity.ResultFolder.commit = commit
"""


def _race(tmp_path: Path, first: list[str], second: list[str]) -> list[subprocess.CompletedProcess]:
    """Run both commands at once in ``tmp_path``, held at their first commit until both are there."""
    hook, barrier = tmp_path / "hook", tmp_path / "barrier"
    hook.mkdir()
    barrier.mkdir()
    (hook / "sitecustomize.py").write_text(BARRIER_HOOK)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(TESTS), str(ROOT)]),
           "SIM_TEST_BARRIER": str(barrier)}
    procs = [subprocess.Popen([*SIM, *cmd], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True) for cmd in (first, second)]
    results = []
    for proc, cmd in zip(procs, (first, second), strict=True):
        try:
            out, err = proc.communicate(timeout=600)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait()
        results.append(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
    assert len(list(barrier.iterdir())) == 2, "both jobs reached their commit"
    return results


def _winner_and_loser(results: list[subprocess.CompletedProcess]) -> tuple[int, subprocess.CompletedProcess]:
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 2], [(r.returncode, r.stderr[-2000:]) for r in results]
    winner = next(i for i, r in enumerate(results) if r.returncode == 0)
    loser = results[1 - winner]
    lines = loser.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), loser.stderr
    return winner, loser


def _complete(folder: Path) -> dict:
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["files"] and damaged_files(folder, manifest["files"]) == []
    return manifest


def _kept_in(message: str) -> Path:
    """The folder a loser's message says its results are in."""
    assert "results are in " in message, message
    return Path(message.split("results are in ", 1)[1].split()[0].rstrip("/;,."))


SMALL = ["--scenarios", "top_down", "planner", "--steps", "6", "--households", "40", "--workers", "1",
         "--robustness-seeds", "0", "--quiet"]


@pytest.mark.parametrize("overwrite", [False, True], ids=["new", "overwrite"])
def test_two_comparisons_with_one_name_keep_both_results(tmp_path, overwrite):
    extra = ["--overwrite"] if overwrite else []
    if overwrite:  # an old folder both jobs mean to replace
        subprocess.run([*SIM, "compare", "--name", "X", "--seeds", "1", *SMALL], cwd=tmp_path, check=True)
    results = _race(tmp_path, ["compare", "--name", "X", "--seeds", "3", *SMALL, *extra],
                    ["compare", "--name", "X", "--seeds", "4", *SMALL, *extra])
    winner, loser = _winner_and_loser(results)
    message = loser.stderr.strip()
    assert "results/X" in message and "another job" in message
    kept = tmp_path / _kept_in(message)
    assert kept.parent == tmp_path / "results" and kept.name != "X"
    seeds = {len(_complete(tmp_path / "results" / "X")["seeds"]), len(_complete(kept)["seeds"])}
    assert seeds == {3, 4}, "both jobs' results are there, each whole"
    assert len(_complete(tmp_path / "results" / "X")["seeds"]) == (3, 4)[winner]
    assert "Results written to results/X/" in results[winner].stdout
    assert "Results written" not in loser.stdout
    assert not [p for p in (tmp_path / "results").iterdir() if p.name.startswith(".")], "no temporaries left"


def test_two_single_runs_into_one_out_folder_keep_both(tmp_path):
    out = tmp_path / "one"
    results = _race(tmp_path, ["run", "planner", "--steps", "3", "--seed", "1", "--out", str(out)],
                    ["run", "planner", "--steps", "3", "--seed", "2", "--out", str(out)])
    winner, loser = _winner_and_loser(results)
    kept = Path(_kept_in(loser.stderr))
    assert kept.parent == tmp_path and kept != out
    seeds = {int(pd.read_parquet(folder / "steps.parquet")["seed"].iloc[0]) for folder in (out, kept)}
    assert seeds == {1, 2} and _complete(out)["seed"] == (1, 2)[winner]
    _complete(kept)


EXPERIMENT = f"""name = "race"
scenarios = ["{ROOT / 'scenarios' / 'planner.toml'}"]
replications = 2
weeks = 3
[parameters."neighbourhood.households"]
values = [{{households}}]
"""


def test_two_sweeps_into_one_store_one_starts_the_other_refuses(tmp_path):
    """Two different experiments, one store: one creates it and runs; the other runs nothing and says so."""
    experiments = []
    for households in (40, 50):
        path = tmp_path / f"exp{households}.toml"
        path.write_text(EXPERIMENT.format(households=households))
        experiments.append(path)
    store = tmp_path / "store"
    results = _race(tmp_path, ["sweep", str(experiments[0]), "--store", str(store), "--executor", "sequential",
                               "--quiet"],
                    ["sweep", str(experiments[1]), "--store", str(store), "--executor", "sequential", "--quiet"])
    winner, loser = _winner_and_loser(results)
    assert f"{store}: another job" in loser.stderr and "nothing was run" in loser.stderr
    manifest = json.loads((store / MANIFEST).read_text())
    assert manifest["experiment_file"] == str(experiments[winner]) and len(manifest["sessions"]) == 1
    runs = pd.concat([pd.read_parquet(p) for p in (store / "runs").glob("*.parquet")])
    assert set(runs["neighbourhood.households"]) == {(40, 50)[winner]} and len(runs) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("store-", ".tmp-"))], "nothing left beside it"


CALIBRATION = f"""name = "race"
targets = ["{ROOT / 'scenarios' / 'targets' / 'shanghai_turnout.toml'}"]
fit = ["turnout_young"]
[parameters."behaviour.base_logit"]
[abc]
population_size = 4
max_generations = 1
predictive_draws = 1
weeks = 6
"""


@pytest.mark.slow
def test_two_calibrations_into_one_folder_one_starts_the_other_refuses(tmp_path):
    calibration = tmp_path / "cal.toml"
    calibration.write_text(CALIBRATION)
    out = tmp_path / "cal"
    cmd = ["calibrate", str(calibration), "--out", str(out), "--executor", "sequential", "--quiet"]
    results = _race(tmp_path, cmd, cmd)
    _, loser = _winner_and_loser(results)
    assert f"{out}: another job" in loser.stderr and "nothing was run" in loser.stderr
    manifest = json.loads((out / MANIFEST).read_text())
    assert len(manifest["sessions"]) == 1 and (out / "posterior.csv").exists()


def test_two_robustness_analyses_into_one_store_one_starts_the_other_refuses(tmp_path):
    store = tmp_path / "rob"
    cmd = ["robustness", str(ROOT / "scenarios" / "robustness" / "planner_effects.toml"), "--store", str(store),
           "--samples", "6", "--replications", "1", "--weeks", "2", "--executor", "sequential", "--quiet"]
    _, loser = _winner_and_loser(_race(tmp_path, cmd, cmd))
    assert f"{store}: another job" in loser.stderr and "nothing was run" in loser.stderr
    assert (store / "robustness" / "report.md").exists() and len(pd.read_parquet(store / "runs")) == 6 * 3


SAVE = """
import sys
from pathlib import Path
from sim.app.settings import Settings, save_scenarios
seed = int(sys.argv[1])
sides = [Settings.from_scenario("top_down", seed=seed), Settings.from_scenario("planner", seed=seed)]
for path in save_scenarios(sides, Path(sys.argv[2]), "20260101-120000"):
    print(path)
"""


def test_two_workshop_saves_in_the_same_second_keep_both(tmp_path):
    """Two rooms saving at the same second (the file names' stamp): four files, each its own session's."""
    folder = tmp_path / "workshop"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", SAVE, str(seed), str(folder)], stdout=subprocess.PIPE, text=True,
                              env=env) for seed in (1, 2)]
    outputs = [proc.communicate(timeout=300)[0].split() for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0]
    saved = [Path(p) for out in outputs for p in out]
    assert len(set(saved)) == 4 and sorted(saved) == sorted(folder.glob("*.toml"))
    from sim.params import load_scenario

    for seed, out in zip((1, 2), outputs, strict=True):
        assert [load_scenario(p).seed for p in out] == [seed, seed], "each file says what its own page saved"
