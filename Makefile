# Two commands do everything on a fresh machine (see README):
#   make compare   set up .venv, then run the main with/without-planner comparison into results/
#   make test      set up .venv, then run the whole test suite
PYTHON ?= $(shell command -v python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: compare test bench lint app docs

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ needed (see .python-version)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

compare: $(STAMP)
	$(BIN)/sim compare

test: $(STAMP)
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
