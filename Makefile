# The two commands a newcomer runs are `make site` and `make test`.
# Both create the virtual environment on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## test: lint, then the whole test suite
test: $(STAMP) lint
	$(BIN)/python -m pytest

## lint: ruff over the whole repository
lint: $(STAMP)
	$(BIN)/ruff check .

## bench: microseconds per solve
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_solvers.py

clean:
	rm -rf $(VENV) _site .pytest_cache .ruff_cache .hypothesis
