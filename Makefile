# The two commands a newcomer runs are `make site` and `make test`.
# Both create the virtual environment on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: site serve test lint bench bench-site browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"
	touch $(STAMP)

## site: render the website into _site/ (quarto when installed, the bundled renderer otherwise)
site: $(STAMP)
	@if command -v quarto >/dev/null 2>&1; then PATH="$(CURDIR)/$(BIN):$$PATH" quarto render; \
	else $(BIN)/python -m qmdrender; fi

## serve: preview _site/ on http://$(HOST):$(PORT)/
serve: site
	$(BIN)/python -m http.server $(PORT) --bind $(HOST) --directory _site

## browser: Debian's chromium for the browser tests (never a browser download)
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

## test: lint, then the whole test suite (site build and browser tests included)
test: $(STAMP) browser lint
	$(BIN)/python -m pytest

## lint: ruff over the whole repository, then mypy over the package
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy mlsysim

## bench: microseconds per solve; bench-site: cold and unchanged site builds (pre-render and Pagefind included)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_solvers.py

bench-site: $(STAMP)
	$(BIN)/python benchmarks/bench_site.py

clean:
	rm -rf $(VENV) _site .cache .pytest_cache .ruff_cache .mypy_cache .hypothesis test-output
