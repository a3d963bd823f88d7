# Safeguarding Hub: the commands you need.
#
#   make run     start everything locally (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set)
#   make test    the whole test suite, browser tests included, in parallel (PYTEST_ARGS="-k conference -x" to narrow it)
#   make test-fast  the inner loop: everything but the browser and slow tests
#   make lint    ruff and the layering contracts (import-linter)
#   make api-fuzz  schemathesis against the API's schema (slow; CI runs it)
#   make help    the full list
#
# A fresh machine needs only Python 3.11+ (and, for `make test`, node/npm); Debian packages for
# WeasyPrint, libmagic, Chromium and ClamAV's clamd are installed when running as root with apt, otherwise
# named for you.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed-stamp
EMBEDDED := $(VPY) scripts/embedded.py exec --
CHROMIUM_PATH ?= /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export CHROMIUM_PATH PYTEST_ARGS

.PHONY: help venv run test test-fast api-fuzz bench lint schema-check migrate demo services clean sysdeps-run sysdeps-test node-deps validators

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- Python environment -------------------------------------------------------------------------
# Two stamps: `make run` (and migrate, demo, services) installs only what serving needs ([local]: the
# application and the embedded servers); the test, lint and fuzz targets install the [test] extra too.
# Each is re-installed whenever pyproject.toml is newer than it, or the venv's Python is missing/broken.
RUN_STAMP := $(VENV)/.installed-run-stamp

define make_venv
	@if [ -z "$(PYTHON)" ]; then echo "ERROR: no python3 found; install Python 3.11 (Debian: apt-get install python3.11 python3.11-venv)" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "ERROR: $(PYTHON) is older than 3.11; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	@if ! $(VPY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	  echo "Creating $(VENV) with $(PYTHON)"; rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV) || { echo "ERROR: '$(PYTHON) -m venv' failed (Debian: apt-get install python3.11-venv)" >&2; exit 1; }; \
	fi
	$(VPY) -m pip install --quiet --upgrade pip
endef

$(RUN_STAMP): pyproject.toml
	$(make_venv)
	$(VPY) -m pip install -e '.[local]'
	@touch $@

$(VENV_STAMP): pyproject.toml
	$(make_venv)
	$(VPY) -m pip install -e '.[local,test]'
	@touch $@ $(RUN_STAMP)

venv: $(VENV_STAMP) ## create/refresh .venv from pyproject.toml ([local,test] extras; `make run` alone installs [local])

# --- the DfE validators' own environment (ADR 27) ----------------------------------------------------
# csc-validator-be-cin and csc-validator-be-903 pin pandas < 2 and numpy < 1.25: they get a venv of their own,
# installed from the pinned requirements-validators.txt, and the product runs them there (returns/driver.py).
VALIDATORS := .venv-validators
VALIDATORS_STAMP := $(VALIDATORS)/.installed-stamp

$(VALIDATORS_STAMP): requirements-validators.txt
	@if [ -z "$(PYTHON)" ]; then echo "ERROR: no python3 found for the validators' environment" >&2; exit 1; fi
	@if ! $(VALIDATORS)/bin/python -c 'import sys' 2>/dev/null; then \
	  echo "Creating $(VALIDATORS) with $(PYTHON)"; rm -rf $(VALIDATORS); \
	  $(PYTHON) -m venv $(VALIDATORS) || { echo "ERROR: '$(PYTHON) -m venv' failed" >&2; exit 1; }; \
	fi
	$(VALIDATORS)/bin/python -m pip install --quiet --upgrade pip
	$(VALIDATORS)/bin/python -m pip install --quiet -r requirements-validators.txt
	@touch $@

validators: $(VALIDATORS_STAMP) ## the DfE validators (CIN census, SSDA903) in .venv-validators, for the returns' data quality

# --- system packages (Debian) and node modules -----------------------------------------------------
# `embedded.py system-packages` prints "postgresql" when DATABASE_URL is unset and no PostgreSQL build
# here has the extensions the migrations need (the pgserver wheel ships no contrib such as pg_trgm).
sysdeps-run: $(RUN_STAMP)
	@scripts/system_deps.sh weasyprint libmagic $$($(VPY) scripts/embedded.py system-packages)

sysdeps-test: $(VENV_STAMP)
	@scripts/system_deps.sh --strict weasyprint libmagic chromium clamav $$($(VPY) scripts/embedded.py system-packages)

package.json:
	@echo "ERROR: package.json is missing: the browser tests need axe-core from npm." >&2; exit 1

$(AXE): package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || { echo "ERROR: npm is needed for axe-core (browser accessibility tests). Debian: apt-get install nodejs npm" >&2; exit 1; }
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@test -f $@ || { echo "ERROR: npm finished but $@ is missing: is axe-core listed in package.json?" >&2; exit 1; }
	@touch $@

node-deps: $(AXE)

# --- everyday targets ------------------------------------------------------------------------------
run: $(RUN_STAMP) $(VALIDATORS_STAMP) sysdeps-run ## start web + worker + beat on http://127.0.0.1:8000 (Ctrl-C stops all)
	@$(VPY) scripts/devrun.py

test: $(VENV_STAMP) $(VALIDATORS_STAMP) sysdeps-test node-deps ## run the whole test suite in parallel, browser tests included, listing the 20 slowest (PYTEST_ARGS=... to pass options to pytest, PYTEST_WORKERS=0 for one process)
	@PYTEST_MARKERS="$${PYTEST_MARKERS:-not slow}" scripts/test.sh

api-fuzz: $(VENV_STAMP) ## schemathesis against /api/v1/schema/ (partner and staff clients, all checks, 5,000+ requests; CI runs it)
	@PYTEST_MARKERS="slow and not e2e" PYTEST_ARGS="$${PYTEST_ARGS:-} tests/api/test_schemathesis.py" scripts/test.sh

test-fast: $(VENV_STAMP) $(VALIDATORS_STAMP) sysdeps-run ## the suite without the browser and slow tests (the inner loop)
	@PYTEST_MARKERS='not e2e and not slow' scripts/test.sh

bench: $(VENV_STAMP) ## benchmark at 1k and 100k children (BENCH_SCALE=10 adds 1M), each operation beside its limit; fails on a key plan scanning cases_child
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "[bench] installing Debian's wrk (the API throughput lines)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1; } || \
	      echo "[bench] WARNING: apt-get install wrk failed: the bench will have no throughput lines"; \
	  else echo "[bench] WARNING: wrk is not installed (Debian: apt-get install wrk): the bench will have no throughput lines"; fi; }
	@EMBEDDED_DB_NAME=safeguarding_bench $(EMBEDDED) $(VPY) scripts/bench.py

lint: $(VENV_STAMP) ## ruff, and the layering contracts (import-linter, .importlinter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

schema-check: $(VENV_STAMP) ## the test template's schema (built from the models, tests/schema.py) equals the migrations' (CI runs it)
	@DJANGO_ENV=test $(EMBEDDED) $(VPY) scripts/check_schema.py

migrate: $(RUN_STAMP) ## apply migrations (embedded PostgreSQL unless DATABASE_URL is set)
	@$(EMBEDDED) $(VPY) manage.py migrate --noinput

demo: $(RUN_STAMP) ## load the demo data (idempotent)
	@$(EMBEDDED) $(VPY) manage.py load_demo

services: $(RUN_STAMP) ## only the embedded PostgreSQL/Redis, printing their URLs (Ctrl-C stops them)
	@$(VPY) scripts/embedded.py serve

clean: ## forget the venv install stamp (next run reinstalls); keeps var/ (your embedded data)
	rm -f $(VENV_STAMP) $(RUN_STAMP)
	@echo "Embedded databases are kept in var/. To wipe them, stop 'make run' and: rm -rf var/"
