# ecommune — the two README commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/ecommune
PYTEST_ARGS ?=

.PHONY: demo test lint test-sqlite test-postgres system-packages bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-base

## make demo: install, migrate an SQLite database, seed the demo commune and serve it.
demo: $(VENV)/.installed-base
	$(BIN)/ecommune demo --dir .demo --port $(PORT)

## Debian packages the tests need: Chromium for the browser tests, gettext for the catalogue.
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext >/dev/null; \
	fi

## make test: quality gates, then the whole suite on SQLite and on PostgreSQL.
test: $(VENV)/.installed-dev system-packages lint test-sqlite test-postgres

lint: $(VENV)/.installed-dev system-packages
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -m django makemigrations --check --dry-run
	$(BIN)/python scripts/check_catalogue.py

test-sqlite: $(VENV)/.installed-dev system-packages
	@echo "== test suite on SQLite =="
	DATABASE_URL=sqlite:///$(CURDIR)/.test-db.sqlite3 $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev system-packages
	@echo "== test suite on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: the benchmark scripts print their figures.
bench: $(VENV)/.installed-dev
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .demo .test-db.sqlite3 build dist src/*.egg-info

## make messages: update the French catalogue from the code and compile it.
messages: $(VENV)/.installed-dev
	cd src/ecommune && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=$(CURDIR) ../../$(BIN)/python -m django makemessages -l fr --no-obsolete --no-location --ignore "scaffold/template/*"
	msgfmt --check -o src/ecommune/locale/fr/LC_MESSAGES/django.mo src/ecommune/locale/fr/LC_MESSAGES/django.po
