# The two commands: `make run` serves the demo fair, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test services lint bench clean messages language catalogues

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/pybabel compile -d fair/locale -D fair
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/pybabel compile -d fair/locale -D fair
	@touch $@ $(VENV)/.installed-run

# The compiled catalogues (build output, not committed), rebuilt when a translation changes.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard fair/locale/*/LC_MESSAGES/fair.po))
fair/locale/%/LC_MESSAGES/fair.mo: fair/locale/%/LC_MESSAGES/fair.po | $(VENV)/.installed-run
	$(BIN)/pybabel compile -D fair -i $< -o $@
catalogues: $(CATALOGUES)

run: $(VENV)/.installed-run catalogues
	$(BIN)/fair serve --demo

services:
	@bash scripts/ensure-services.sh

# Two processes (pytest-xdist), a module's tests together so that its fixtures are made once.
PYTEST_WORKERS ?= 2
test: $(VENV)/.installed-dev catalogues services
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check fair discussions tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.installed-dev services
	$(BIN)/python benchmarks/fanout.py

clean:
	rm -rf $(VENV) var .pytest_cache

# Extract every user-facing string into the translation template fair/locale/fair.pot, and
# bring every language's catalogue up to date with it (new strings to translate, old ones gone).
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ -k pgettext:1c,2 -k NP_:1c,2 --no-location -o fair/locale/fair.pot .
	$(BIN)/pybabel update -D fair -d fair/locale -i fair/locale/fair.pot --ignore-obsolete --no-fuzzy-matching

# A new language: `make language LANG=pt` creates fair/locale/pt/LC_MESSAGES/fair.po to translate.
language: $(VENV)/.installed-dev
	@echo "$(LANG)" | grep -Eqx '[a-z]{2,3}(_[A-Z]{2})?' || (echo "Name the language: make language LANG=pt" && exit 1)
	$(BIN)/pybabel init -D fair -d fair/locale -i fair/locale/fair.pot -l $(LANG)
