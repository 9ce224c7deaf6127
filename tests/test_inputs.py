"""Every bad input is one line on stderr naming the file and key, and exit code 2 (issue 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.params import ScenarioError, load_scenario, scenarios_dir
from sim.sweep.experiment import ExperimentError, load_experiment

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "scenarios" / "experiments"


def cli(capsys, *args: str) -> tuple[int, list[str]]:
    """Exit code and stderr lines of ``sim ARGS`` run in this process."""
    code = main(list(args))
    return code, capsys.readouterr().err.strip().splitlines()


def one_error(capsys, *args: str) -> str:
    code, err = cli(capsys, *args)
    assert code == 2, err
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def small_experiment(folder: Path) -> Path:
    """A valid experiment of our own (the shipped ones change with the model)."""
    return write(folder / "small.toml", 'name = "small"\nscenarios = ["planner"]\nreplications = 1\nweeks = 2\n'
                                        '[parameters."planner.hours_per_week"]\nvalues = [4, 8]\n')


# ----------------------------------------------------------------- files that are not text files

def test_non_utf8_and_binary_files_are_one_line(tmp_path, capsys):
    latin = write(tmp_path / "latin.toml", 'name = "caf\xe9"\n'.encode("latin-1"))
    binary = write(tmp_path / "binary.toml", bytes(range(256)))
    for path in (latin, binary):
        assert f"{path}: not UTF-8" in one_error(capsys, "run", str(path))
        exp = write(tmp_path / "exp.toml", path.read_bytes())
        assert f"{exp}: not UTF-8" in one_error(capsys, "sweep", str(exp))


def test_directories_symlink_loops_devices_and_fifos_are_refused(tmp_path, capsys):
    (tmp_path / "loop.toml").symlink_to(tmp_path / "loop.toml")
    os.mkfifo(tmp_path / "pipe.toml")
    cases = {str(tmp_path): "is a directory",
             str(tmp_path / "loop.toml"): "symbolic-link loop",
             "/dev/zero": "not a regular file",
             str(tmp_path / "pipe.toml"): "not a regular file"}
    for path, expected in cases.items():
        assert expected in one_error(capsys, "run", path)
        child = write(tmp_path / "child.toml", f'name = "child"\nextends = "{path}"\n')
        message = one_error(capsys, "run", str(child))
        assert expected in message, message


def test_an_oversized_file_is_refused_before_reading_it_all(tmp_path):
    big = write(tmp_path / "big.toml", "# " + "x" * (2 << 20) + "\n")
    with pytest.raises(ScenarioError, match="may be at most"):
        load_scenario(big)


def test_empty_scenario_is_an_error_and_a_name_alone_is_enough(tmp_path):
    with pytest.raises(ScenarioError, match="empty scenario file"):
        load_scenario(write(tmp_path / "empty.toml", "# nothing\n"))
    assert load_scenario(write(tmp_path / "named.toml", 'name = "mine"\n')).name == "mine"


# ----------------------------------------------------------------- names are identifiers

@pytest.mark.parametrize("value, expected", [
    ("42", "expected a name (a string)"),
    ('""', "not a valid name"),
    ('"../../x"', "not a valid name"),
    ('"/tmp/x"', "not a valid name"),
    ('"a..b"', "not a valid name"),
    ('".hidden"', "not a valid name"),
    ("{ x = 1 }", "expected a name (a string)"),
])
def test_scenario_and_experiment_names_must_be_identifiers(tmp_path, value, expected):
    scenario = write(tmp_path / "s.toml", f"name = {value}\n")
    with pytest.raises(ScenarioError, match="name") as err:
        load_scenario(scenario)
    assert expected in str(err.value) and str(scenario) in str(err.value)
    experiment = write(tmp_path / "e.toml", f'name = {value}\nscenarios = ["planner"]\n')
    with pytest.raises(ExperimentError) as err:
        load_experiment(experiment)
    assert expected in str(err.value) and str(experiment) in str(err.value)


def test_name_and_out_cannot_leave_the_results_root_or_hit_a_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("../../x", "/tmp/abs", "a/b", ""):
        assert "--name" in one_error(capsys, "compare", "--name", name, "--seeds", "1", "--steps", "1")
    assert not any(tmp_path.iterdir()), "nothing is written for a refused name"
    afile = write(tmp_path / "afile", "x")
    assert "exists and is not a folder" in one_error(capsys, "compare", "--out", str(afile), "--seeds", "1")
    assert "exists and is not a folder" in one_error(capsys, "run", "planner", "--out", str(afile))
    assert "--store" in one_error(capsys, "sweep", str(small_experiment(tmp_path)), "--store", str(afile))
    assert "not a folder" in one_error(capsys, "run", "planner", "--out", str(afile / "below"))


def test_two_scenarios_with_the_same_name_fail_before_any_run(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    twin = write(tmp_path / "twin.toml", 'name = "planner"\nextends = "%s"\n' % (scenarios_dir() / "planner.toml"))
    message = one_error(capsys, "compare", "--scenarios", "planner", str(twin), "--seeds", "2", "--steps", "2")
    assert "also the name of" in message and str(twin) in message
    assert not (tmp_path / "results").exists()


def test_baseline_must_be_among_the_scenarios(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = one_error(capsys, "compare", "--baseline", "nonexistent", "--seeds", "1", "--steps", "1")
    assert "--baseline nonexistent" in message and "top_down" in message


# ----------------------------------------------------------------- values

@pytest.mark.parametrize("spec, expected", [
    ("range = [nan, 10]", "range, item 1 = nan is out of range; allowed: 0 to 60"),
    ("range = [0, inf]", "range, item 2 = inf is out of range; allowed: 0 to 60"),
    ("range = [5, 1]", "low < high"),
])
def test_nan_and_inf_ranges_are_refused(tmp_path, spec, expected):
    path = write(tmp_path / "e.toml", f'name = "x"\nscenarios = ["planner"]\n[design]\nkind = "lhs"\n'
                                      f'[parameters."planner.hours_per_week"]\n{spec}\n')
    with pytest.raises(ExperimentError, match=expected):
        load_experiment(path)


def test_nan_in_a_scenario_or_grid_is_out_of_range(tmp_path):
    with pytest.raises(ScenarioError, match="hours_per_week = nan is out of range"):
        load_scenario(write(tmp_path / "s.toml", "[planner]\nhours_per_week = nan\n"))
    path = write(tmp_path / "e.toml", 'name = "x"\nscenarios = ["planner"]\n'
                                      '[parameters."planner.hours_per_week"]\nvalues = [1, inf]\n')
    with pytest.raises(ExperimentError, match="out of range"):
        load_experiment(path)


def test_a_grid_over_a_table_valued_parameter_is_refused(tmp_path):
    path = write(tmp_path / "e.toml", 'name = "x"\nscenarios = ["planner"]\n'
                                      '[parameters."street_office.priorities"]\nvalues = [{ plaza = 0.1 }]\n')
    with pytest.raises(ExperimentError, match="a table of values cannot be varied"):
        load_experiment(path)


# ----------------------------------------------------------------- the command line

def test_argparse_errors_are_one_line(capsys):
    for args in (["compare", "--seeds"], ["compare", "--seeds", "0"], ["nonsense"], ["run"], []):
        message = one_error(capsys, *args)
        assert "error: sim" in message


def test_run_finds_scenarios_by_name_like_compare(tmp_path, capsys):
    assert main(["run", "planner", "--steps", "3", "--out", str(tmp_path / "r")]) == 0
    assert "nowhere.toml: scenario file not found" in one_error(capsys, "run", "nowhere")


def test_validate_checks_every_file_and_knows_experiments(tmp_path, capsys):
    bad = write(tmp_path / "bad.toml", "[planner]\nhours_per_week = 99\n")
    code = main(["validate", str(scenarios_dir() / "planner.toml"), str(bad),
                 str(small_experiment(tmp_path)), str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "planner.toml: ok (scenario planner)" in captured.out
    assert "small.toml: ok (experiment small, 2 runs)" in captured.out
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2 and "hours_per_week = 99" in errors[0] and "is a directory" in errors[1]
    assert main(["validate", str(scenarios_dir() / "planner.toml")]) == 0


def test_sim_help_is_fast_and_imports_no_model():
    code = ("import sys, time; t = time.perf_counter(); import sim.cli; from sim.cli import build_parser; "
            "build_parser(); print(time.perf_counter() - t, 'sim.model' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[1:] == ["False", "False"], "sim --help must not import the model or pandas"
    assert float(out[0]) < 0.5


# ----------------------------------------------------------------- resource limits, checked at once

def test_workers_beyond_four_per_core_are_refused(tmp_path, capsys):
    too_many = str(4 * (os.cpu_count() or 1) + 1)
    message = one_error(capsys, "sweep", str(small_experiment(tmp_path)), "--executor", "dask",
                        "--workers", too_many)
    assert f"--workers {too_many}: at most" in message and "cores" in message
    assert "at most" in one_error(capsys, "compare", "--workers", too_many, "--seeds", "1")


def test_designs_too_big_for_memory_are_refused_with_the_numbers(tmp_path, capsys):
    import time

    sobol = write(tmp_path / "sobol.toml", 'name = "big"\nscenarios = ["planner"]\nreplications = 100\n'
                                           '[design]\nkind = "sobol"\nsamples = 1000000\n'
                                           '[parameters."behaviour.weight_time"]\nrange = [1, 2]\n')
    grid = write(tmp_path / "grid.toml", 'name = "grid"\nscenarios = ["planner"]\nreplications = 100000\n'
                 + "".join(f'[parameters."{k}"]\nvalues = {list(range(100, 150))}\n'
                           for k in ("neighbourhood.households", "projects.cost_yuan_per_m2",
                                     "street_office.budget_yuan_per_year")))
    for path, runs in ((sobol, "300,000,000 runs"), (grid, "12,500,000,000 runs")):
        start = time.perf_counter()
        message = one_error(capsys, "sweep", str(path), "--store", str(tmp_path / "store"))
        assert time.perf_counter() - start < 5, "refused at once, not after planning"
        assert runs in message and "of memory" in message
    assert not (tmp_path / "store").exists()


def test_a_comparison_too_big_for_memory_is_refused_before_running(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = one_error(capsys, "compare", "--seeds", "100000", "--steps", "1040")
    # 500,000 headline runs, as many on posterior draws, 270 robustness variants
    assert "(1,000,270 runs, " in message and "iB of memory" in message
    assert not (tmp_path / "results").exists()


def test_a_large_comparison_prints_an_estimate_first(tmp_path, capsys):
    from sim.execution.runs import RunSpec
    from sim.params import Params
    from sim.sizing import check_compare_size

    specs = [RunSpec("x", Params().replace({"run.weeks": 10, "neighbourhood.households": 50}), s) for s in range(300)]
    check_compare_size(specs, workers=1)
    err = capsys.readouterr().err
    assert err.startswith("estimate: 300 runs, about") and "in memory" in err


@pytest.mark.parametrize("cached", [False, True])
def test_a_fresh_checkout_hears_that_the_kernels_compile_before_the_estimate(monkeypatch, capsys, cached):
    """Compiling the kernels takes seconds on a fresh checkout, before a large comparison's first estimate:
    the job says so first, and only then (not once they are in numba's cache)."""
    from sim import sizing
    from sim.execution.runs import RunSpec
    from sim.params import Params

    monkeypatch.setattr(sizing, "kernels_cached", lambda: cached)
    specs = [RunSpec("x", Params().replace({"run.weeks": 10, "neighbourhood.households": 50}), s) for s in range(300)]
    sizing.check_compare_size(specs, workers=1)
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("estimate: 300 runs")
    assert (err[0].startswith("compiling the model's inner loops") and len(err) == 2) != cached


def test_kernels_cached_reads_numbas_cache(monkeypatch, tmp_path):
    import numba

    from sim.sizing import kernels_cached

    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path))
    assert not kernels_cached()
    (tmp_path / "sim" / "__pycache__").mkdir(parents=True)
    (tmp_path / "sim" / "__pycache__" / "kernels.ratio-10.py312.nbi").write_bytes(b"")
    assert kernels_cached()


# ----------------------------------------------------------------- stores that are not stores

def test_a_truncated_store_manifest_is_one_line(tmp_path, capsys):
    store = tmp_path / "store"
    store.mkdir()
    write(store / "manifest.json", '{"experiment_name": "x", "sett')
    assert "manifest.json: damaged (not valid JSON)" in one_error(capsys, "analyse", str(store))
    exp = str(small_experiment(tmp_path))
    assert "manifest.json: damaged" in one_error(capsys, "sweep", exp, "--store", str(store), "--resume")
    assert "no such results store" in one_error(capsys, "analyse", str(tmp_path / "nowhere"))


ESTIMATE = """
import sys, time
from sim.params import load_scenario, scenario_path
from sim.execution.runs import RunSpec, run_many
from sim.sizing import pilot_total_seconds
specs = [RunSpec(n, load_scenario(scenario_path(n), "guizhou_west").replace({"run.weeks": 104}), seed)
         for n in ("top_down", "planner_platform") for seed in range(4)]
estimate = pilot_total_seconds(specs)
start = time.perf_counter()
run_many(specs, workers=1, progress=False)
print(estimate, time.perf_counter() - start)
"""


@pytest.mark.slow
def test_the_first_estimate_on_a_fresh_checkout_is_within_a_factor_of_two(tmp_path):
    """A fresh clone has no compiled kernels (an empty numba cache): the pilot must not time their compilation."""
    result = subprocess.run([sys.executable, "-c", ESTIMATE], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")})
    assert result.returncode == 0, result.stderr
    estimate, actual = map(float, result.stdout.split())
    assert 0.5 <= estimate / actual <= 2, f"estimated {estimate:.2f} s for runs that took {actual:.2f} s"


def test_lanes_shrink_with_what_else_is_running():
    from sim.sizing import effective_lanes

    assert effective_lanes(2, 2, 0.0) == 2 and effective_lanes(1, 2, 1.0) == 1
    assert effective_lanes(2, 2, 2.0) == 1 and effective_lanes(4, 8, 0.5) == 4
