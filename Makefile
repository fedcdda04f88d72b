# Stancewire: `make serve` to run, `make test` to check (`make check` for the quick tier while you
# work). Everything installs from the lock files.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install serve test check lint format typecheck eval openapi lock bench bench-quick memory gazetteer dictionaries places clean

install: $(STAMP)

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

serve: install
	$(BIN)/stancewire serve

test: install
	$(BIN)/python -m pytest

# The quick tier: lint, types and the unit tests (tests/unit: functions and components with the real
# model; no app, pool, server, browser or Prometheus). About a minute on two CPUs; `make test` runs
# tests/unit, tests/integration and tests/system.
QUICK_TESTS ?= tests/unit
check: lint typecheck
	$(BIN)/python -m pytest $(QUICK_TESTS)

lint: install
	$(BIN)/ruff check app tests scripts bench
	$(BIN)/ruff format --check app tests scripts bench
	$(BIN)/python scripts/build_dictionaries.py --check
	$(BIN)/python scripts/build_places.py --check

format: install
	$(BIN)/ruff format app tests scripts bench
	$(BIN)/ruff check --fix app tests scripts bench

typecheck: install
	$(BIN)/mypy

eval: install
	$(BIN)/python -m app.eval_report

openapi: install
	$(BIN)/stancewire openapi --refresh-example

# Raw spaCy vs the service over HTTP; figures to stdout and bench/results/*.json (a few minutes).
bench: install
	$(BIN)/python bench/run.py

bench-quick: install
	$(BIN)/python bench/run.py --quick

# 20,000 fresh-vocabulary documents through a running service; worker RSS warm vs final.
memory: install
	$(BIN)/python bench/memory.py

gazetteer: install
	$(BIN)/python scripts/build_gazetteer.py

# Compile third_party/ (CAMEO verbs, Phoenix actors, agents, discards, the PLOVER crosswalk) into
# app/nlp/data/dictionaries/*.json; `make lint` fails when the committed files are stale.
dictionaries: install
	$(BIN)/python scripts/build_dictionaries.py

# Compile the place index app/nlp/data/places.json from GeoNames-derived packages (the places extra)
# and places_curated.yaml; `make lint` fails when the committed file is stale.
places: install
	$(BIN)/python scripts/build_places.py

# Regenerate both lock files from pyproject.toml (needs the registry).
lock: install
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-header -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --no-header -o requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
