# The two commands: `make run` serves the demo fair, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test services lint bench clean messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/fair serve --demo

services:
	@bash scripts/ensure-services.sh

test: $(VENV)/.installed-dev services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check fair discussions tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.installed-dev services
	$(BIN)/python benchmarks/fanout.py

clean:
	rm -rf $(VENV) var .pytest_cache

# Extract every user-facing string into the translation template fair/locale/fair.pot.
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ --no-location -o fair/locale/fair.pot .
