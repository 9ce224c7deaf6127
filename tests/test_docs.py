"""Documentation is code: the ODD's parameter table and function names, the README's example."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from sim.docs import FILES, block, regenerate

ROOT = Path(__file__).resolve().parent.parent


def test_generated_tables_match_the_code():
    """The ODD's parameter table and the metric glossaries are generated from the code."""
    odd = (ROOT / "docs" / "ODD.md").read_text()
    assert block(odd, "params") and block((ROOT / "results" / "README.md").read_text(), "metrics")
    for rel in FILES:
        text = (ROOT / rel).read_text()
        assert regenerate(text) == text, f"{rel} is stale: regenerate with `python -m sim.docs`"


def test_every_submodel_function_named_in_the_odd_exists():
    odd = (ROOT / "docs" / "ODD.md").read_text()
    found = re.findall(r"`(?:sim/submodels/)?(\w+)\.py: ([\w, ]+)`", odd)
    assert len(found) >= 7
    for module, names in found:
        mod = importlib.import_module(f"sim.submodels.{module}")
        for name in names.split(", "):
            assert hasattr(mod, name.strip()), f"{module}.{name}"


def test_readme_python_example_runs():
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    code = code.replace("run_weeks(156)", "run_weeks(20)")  # same calls, shorter
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert len(namespace["df"]) == 21


def test_notebook_cells_run_on_a_comparison(tmp_path):
    import json

    import matplotlib
    matplotlib.use("Agg")
    from sim.compare import compare

    folder = compare(seeds=2, weeks=10, workers=1, out=tmp_path / "cmp", progress=False)
    nb = json.loads((ROOT / "notebooks" / "explore_comparison.ipynb").read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    exec(code[0], namespace)  # imports and the default folder
    namespace["FOLDER"] = folder
    for cell in code[1:]:
        exec(cell, namespace)
    assert set(namespace["steps"]["scenario"]) >= {"top_down", "planner"}


def test_sweep_walkthrough_notebook_runs_reduced(tmp_path):
    import json

    nb = json.loads((ROOT / "notebooks" / "sweep_walkthrough.ipynb").read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    exec(code[0], namespace)
    assert namespace["REDUCED"] is True  # CI runs the reduced version
    namespace["ROOT"], namespace["STORE_ROOT"] = ROOT, tmp_path
    for cell in code[1:]:
        exec(cell, namespace)
    assert len(namespace["runs"]) == 36 and not namespace["table"].empty
