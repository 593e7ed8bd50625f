# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test test-fast lint docs clean

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

## lint: ruff, as CI runs it
lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

## docs: regenerate the docs made from the code
docs: $(INSTALLED)
	$(BIN)/python -m salesfunnel.docgen

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist
