# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
FLOORS := .ci/floors.txt
FLOORS_VENV := .venv-floors
FLOORS_INSTALLED := $(FLOORS_VENV)/.installed

.PHONY: demo test test-fast test-postgres test-floors lint docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## demo: build a sample database in a throwaway directory and show the pipeline
demo: $(INSTALLED)
	@dir=$$(mktemp -d -t salesfunnel-demo.XXXXXX) && \
	$(BIN)/salesfunnel demo --db "$$dir/demo.db" && \
	echo "" && \
	echo "The sample database is $$dir/demo.db; explore it with:" && \
	echo "  export SALESFUNNEL_DB=$$dir/demo.db" && \
	echo "  $(BIN)/salesfunnel lead list --starred"

# The tests run on every core (pytest-xdist); each has its own temporary database.
PYTEST := $(BIN)/python -m pytest -n auto

## test: run the whole test suite, the slow tests included
test: $(INSTALLED)
	$(PYTEST)

## test-fast: the quick loop: every test but those marked slow
test-fast: $(INSTALLED)
	$(PYTEST) -m "not slow"

## test-postgres: the whole suite again, on a throwaway PostgreSQL server (.ci/postgres)
test-postgres: $(INSTALLED)
	PYTHON=$(BIN)/python .ci/postgres

## test-floors: the tests and ruff with every dependency at the oldest version pyproject allows
test-floors: $(FLOORS_INSTALLED)
	$(FLOORS_VENV)/bin/python -m pytest -n auto -x -q
	$(FLOORS_VENV)/bin/ruff check src tests bench
	$(FLOORS_VENV)/bin/ruff format --check src tests bench

$(FLOORS_INSTALLED): pyproject.toml $(FLOORS)
	rm -rf $(FLOORS_VENV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FLOORS_VENV)/bin/python -m pip install --quiet -c $(FLOORS) -e '.[test]'
	touch $@

## lint: ruff, the import contracts (layers) and the type checker, as CI runs them
lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

## docs: regenerate the docs made from the code
docs: $(INSTALLED)
	$(BIN)/python -m salesfunnel.docgen

clean:
	rm -rf $(VENV) $(FLOORS_VENV) .pytest_cache .ruff_cache .hypothesis build dist
