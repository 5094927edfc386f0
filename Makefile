# Two commands: `make run` and `make test`. Everything else here is what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
export PORT
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Offline by design: no bun download, no telemetry, no version or network probes.
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_HTTP_CLIENT_BIND_ADDRESS := 0.0.0.0
export npm_config_audit := false
export npm_config_fund := false
export npm_config_update_notifier := false
export NPM_CONFIG_REGISTRY ?= https://registry.npmjs.org/

APP_WORKERS ?= 3
MAIL_WORKERS ?= 2

.PHONY: run run-cluster test-cluster test-cluster-ci test install system-packages migrate seed lint typecheck contracts clean

# `reflex run --env prod` compiles the pages and builds the frontend bundle itself.
run: install migrate seed
	$(PY) -m admin_portal.cli serve --port $(PORT)

# The same portal on PostgreSQL + Redis (loopback, data under var/cluster/) with APP_WORKERS
# app workers and MAIL_WORKERS mail/job workers; migrates and seeds itself. Ctrl-C stops all.
run-cluster: install system-packages
	$(PY) -m admin_portal.cluster --port $(PORT) --app-workers $(APP_WORKERS) --mail-workers $(MAIL_WORKERS)

test: install system-packages lint contracts typecheck
	$(PY) -m pytest

# The whole e2e suite against the cluster topology (PostgreSQL, Redis, 3 app workers, 2
# mail/job workers; tests/e2e/cluster_topology.py), after the worker kill tests on
# PostgreSQL (tests/cluster). The e2e modules share one portal, in the embedded run's
# (alphabetical) order. 12-19 minutes on the shared 2-core machine under load.
test-cluster: install system-packages
	$(PY) -m pytest tests/cluster
	ADMIN_PORTAL_E2E_TOPOLOGY=cluster $(PY) -m pytest tests/e2e

# CI's share of the cluster topology, beside `make test` (which already runs the kill tests
# in tests/cluster and the whole e2e suite embedded): a tab surviving its app worker's
# SIGKILL, the foundation flows (log in, language, log out, password reset by mail), the
# users list and profile, the user bank, import/export and bulk verification (a job on the
# mail/job workers). Alphabetical, as in the full run: test_users removes a person
# test_user_import_export expects.
CI_CLUSTER_E2E := tests/e2e/test_cluster_sessions.py tests/e2e/test_foundation.py \
	tests/e2e/test_user_bank.py tests/e2e/test_user_import_export.py tests/e2e/test_users.py \
	tests/e2e/test_verification.py
test-cluster-ci: install system-packages
	ADMIN_PORTAL_E2E_TOPOLOGY=cluster $(PY) -m pytest $(CI_CLUSTER_E2E)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(PY) -m pip install -q -e '.[dev]' 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $@

migrate: install
	$(PY) -m admin_portal.cli prepare-database

seed: install
	$(PY) -m admin_portal.cli seed-demo

# Debian's Chromium for Playwright (no browser can be downloaded here), PostgreSQL 15 for
# the migration tests and Redis for the shared rate-limit counters; the test suite starts
# and stops its own throwaway servers.
system-packages:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/redis-server ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		apt-get update -qq && apt-get install -y -qq chromium postgresql redis-server >/dev/null; fi

lint: install
	$(PY) -m ruff check admin_portal tests bench alembic/env.py rxconfig.py
	$(PY) -m ruff format --check admin_portal tests bench alembic/env.py rxconfig.py

contracts: install
	$(VENV)/bin/lint-imports

typecheck: install
	$(PY) -m mypy

clean:
	rm -rf .web .states var $(VENV)
