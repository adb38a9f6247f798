# ecommune — the two README commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/ecommune
PYTEST_ARGS ?=
# The slowest tests of each run, printed at its end, to see where the time goes.
PYTEST_DURATIONS ?= --durations=15
# One pytest worker per core (pytest-xdist), a test file's tests on one worker; each worker
# has its own test database and its own Chromium. PYTEST_WORKERS= runs in one process.
PYTEST_WORKERS ?= -n auto --dist loadfile
# Django 6.x needs Python >= 3.12: the third run uses the first one found.
PYTHON_NEW ?= $(shell for p in python3.12 python3.13 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python $(HOME)/.pyenv/versions/3.13*/bin/python); do \
	$$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo $$p; break; }; done)
VENV_NEW ?= .venv-django6

.PHONY: demo test lint test-sqlite test-postgres test-django6 system-packages oidc-provider vnu bench clean messages dist

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The example service written outside the kit, whose tests run with the kit's.
EXAMPLE_SERVICE := examples/ecommune-voirie

$(VENV)/.installed-dev: pyproject.toml $(EXAMPLE_SERVICE)/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]" -e $(EXAMPLE_SERVICE)
	touch $@ $(VENV)/.installed-base

## make demo: install, migrate an SQLite database, seed the demo commune and serve it.
demo: $(VENV)/.installed-base
	$(BIN)/ecommune demo --dir .demo --port $(PORT)

## Debian packages the tests need: Chromium for the browser tests, gettext for the catalogue,
## Java for the Nu HTML checker, Redis for the RQ worker test, PostgreSQL's client tools
## (pg_dump, pg_restore) for the backup and restore drill, nginx (light) for the two-node test.
## nginx is in /usr/sbin, which an ordinary user's PATH may not hold: looked for there too.
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null || ! command -v java >/dev/null \
		|| ! command -v redis-server >/dev/null || ! command -v pg_dump >/dev/null \
		|| ! { command -v nginx >/dev/null || test -x /usr/sbin/nginx; }; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext default-jre-headless \
			redis-server postgresql-client nginx-light >/dev/null; \
	fi

## The OpenID provider the FranceConnect tests start (npm oidc-provider, pinned by
## tests/oidc_provider/package-lock.json); without npm those tests are skipped.
OIDC_PROVIDER_INSTALLED := tests/oidc_provider/node_modules/.package-lock.json
$(OIDC_PROVIDER_INSTALLED): tests/oidc_provider/package-lock.json
	cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error

oidc-provider:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(OIDC_PROVIDER_INSTALLED); \
	else echo "== npm not found: the FranceConnect tests will be skipped =="; fi

## The Nu HTML checker (npm vnu-jar, pinned by tests/vnu/package-lock.json) that tests/vnu
## runs on the machine's Java; without npm or Java those tests are skipped.
VNU_INSTALLED := tests/vnu/node_modules/.package-lock.json
$(VNU_INSTALLED): tests/vnu/package-lock.json
	cd tests/vnu && npm ci --no-audit --no-fund --loglevel=error

vnu:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(VNU_INSTALLED); \
	else echo "== npm not found: the HTML validity tests will be skipped =="; fi
	@command -v java >/dev/null || echo "== java not found: the HTML validity tests will be skipped =="

## make test: quality gates, then the whole suite on SQLite (Django 5.2 LTS), the browser tests
## included; then, without the browser tests (run once, on SQLite), on PostgreSQL, and on
## PostgreSQL with the newest Django the kit supports (6.x, Python >= 3.12) when one is found,
## without the exhaustive walks (marker `walk`: hostile URLs, cross-commune back office, CSV).
## The two-node test (marker `cluster`: two gunicorn nodes behind nginx, with PostgreSQL, Redis
## and an S3 server) makes its own PostgreSQL database: it runs once, in the PostgreSQL stage.
test: $(VENV)/.installed-dev system-packages lint test-sqlite test-postgres test-django6

lint: $(VENV)/.installed-dev system-packages
	$(BIN)/ruff check src tests benchmarks examples scripts
	$(BIN)/ruff format --check src tests benchmarks examples scripts
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -m django makemigrations --check --dry-run
	# The kit's floors ([tool.importlinter] in pyproject.toml): no lower floor imports a higher one.
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_catalogue.py

test-sqlite: $(VENV)/.installed-dev system-packages oidc-provider vnu
	@echo "== test suite on SQLite =="
	DATABASE_URL=sqlite:///$(CURDIR)/.test-db.sqlite3 $(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_DURATIONS) -m "not cluster" $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev system-packages oidc-provider vnu
	@echo "== test suite on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_DURATIONS) -m "not browser" $(PYTEST_ARGS)

$(VENV_NEW)/.installed-dev: pyproject.toml $(EXAMPLE_SERVICE)/pyproject.toml
	$(PYTHON_NEW) -m venv $(VENV_NEW)
	$(VENV_NEW)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_NEW)/bin/python -m pip install --quiet -e ".[dev]" -e $(EXAMPLE_SERVICE)
	touch $@

test-django6: system-packages oidc-provider vnu
	@if [ -z "$(PYTHON_NEW)" ]; then \
		echo "== no Python >= 3.12 here: the Django 6 run is left out =="; \
	else \
		$(MAKE) --no-print-directory $(VENV_NEW)/.installed-dev && \
		echo "== test suite on PostgreSQL with $$($(VENV_NEW)/bin/python -m django --version | sed 's/^/Django /') ==" && \
		DATABASE_URL=$(PG_URL)_django6 $(VENV_NEW)/bin/python -m pytest $(PYTEST_WORKERS) $(PYTEST_DURATIONS) -m "not browser and not walk and not cluster" $(PYTEST_ARGS); \
	fi

## make bench: the benchmark scripts print their figures.
bench: $(VENV)/.installed-dev
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## make dist: the sdist and the wheel in dist/, checked by twine (metadata, README rendering).
dist: $(VENV)/.installed-dev
	rm -rf dist build
	$(BIN)/python -m build --sdist --wheel --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

clean:
	rm -rf $(VENV) $(VENV_NEW) .demo .test-db.sqlite3 build dist src/*.egg-info

## make messages: update the French catalogue from the code and compile it.
messages: $(VENV)/.installed-dev
	cd src/ecommune && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=$(CURDIR) ../../$(BIN)/python -P -m django makemessages -l fr --no-obsolete --no-location --ignore "scaffold/template/*"
	msgfmt --check -o src/ecommune/locale/fr/LC_MESSAGES/django.mo src/ecommune/locale/fr/LC_MESSAGES/django.po
