# Palabre: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The shared reference data: beside the checkout, or the workplace's copy for a checkout made elsewhere.
SHARED ?= $(abspath $(firstword $(wildcard ../shared /work/shared) ../shared))
export PALABRE_SHARED_DIR ?= $(SHARED)
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/palabre

export PALABRE_BOUNDARIES_DIR ?= $(SHARED)/data/benin

.PHONY: run test test-sqlite test-postgres lint format messages check-messages install install-dev territory-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

locale/.compiled: $(wildcard locale/*/LC_MESSAGES/django.po) | $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --verbosity 0
	touch $@

## Serve the demo: migrate, load communes and demo data, run the web server and the background worker.
run: $(VENV)/.installed locale/.compiled
	PALABRE_DEBUG=1 PALABRE_DEMO=1 $(BIN)/python manage.py migrate --noinput
	PALABRE_DEBUG=1 PALABRE_DEMO=1 $(BIN)/python manage.py seed_demo
	PALABRE_DEBUG=1 PALABRE_DEMO=1 PORT=$(PORT) scripts/serve

## The whole suite, on SQLite and on PostgreSQL (required wherever PostgreSQL is installed).
test: $(VENV)/.installed-dev locale/.compiled
	scripts/ensure-browser
	$(MAKE) lint
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0 --skip-checks
	$(MAKE) check-messages
	$(MAKE) test-sqlite
	scripts/test-postgres $(PG_TEST_URL)

test-sqlite: $(VENV)/.installed-dev locale/.compiled
	$(BIN)/pytest --cov --cov-report=term

## Lint: ruff, mypy on services/queries/permissions (files set in pyproject.toml), template indentation.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	find palabre -name '*.html' -exec $(BIN)/djhtml --check {} +

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	find palabre -name '*.html' -exec $(BIN)/djhtml {} +

## Extract translatable strings into locale/<lang>/LC_MESSAGES/django.po (see docs/translators.md).
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages --all --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*'

check-messages: $(VENV)/.installed
	scripts/check-messages

## Rebuild palabre/territory/data/benin.json from ../shared/data/benin (see the script's credits).
territory-data: $(VENV)/.installed
	$(BIN)/python scripts/build_territory.py $(SHARED)/data/benin palabre/territory/data/benin.json

clean:
	rm -rf $(VENV) var/palabre.sqlite3* locale/.compiled
