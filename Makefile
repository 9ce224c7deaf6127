# Two commands do everything on a fresh machine (see README):
#   make compare   set up .venv, then run the main with/without-planner comparison into results/main/
#   make test      set up .venv, then ruff and the fast tests (under 5 minutes on an idle 2-core machine)
# The full suite (slow and browser tests too) is `make test-all`; .ci/run calls it.
PYTHON ?= $(shell command -v python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: compare test test-all bench lint app docs clean-kernels

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ needed (see .python-version)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

compare: $(STAMP)
	$(BIN)/sim compare --name main --overwrite

test: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/pytest -m "not slow and not browser"

test-all: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

app: $(STAMP)
	$(BIN)/sim app

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks

docs: $(STAMP)
	$(BIN)/python -m sim.docs

# numba's on-disk cache notices edits to a kernel's own file only: after editing sim/kernels.py (whose kernels
# others call from inside theirs), drop the compiled kernels so every caller compiles again.
clean-kernels:
	find sim -name '*.nbi' -delete -o -name '*.nbc' -delete
