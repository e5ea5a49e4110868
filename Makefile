# 积分宝 Jifenbao — two commands: `make run` (the demo platform) and `make test` (the suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help run test lint bench migrate demo stop-db clean-data schema venv system-deps

help:
	@echo "make run    — start the demo platform on http://localhost:8000 (PostgreSQL, worker, beat)"
	@echo "make test   — the whole suite: ruff, import contracts, pytest (real PostgreSQL, worker, browser), infra checks"
	@echo "make bench  — the benchmarks in tests/benchmarks (not part of CI)"
	@echo "make schema — regenerate docs/openapi.yaml"
	@echo "make stop-db — stop the embedded PostgreSQL (data in .data/ is kept)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP)

system-deps:
	@config/bin/system-deps.sh

run: venv
	@config/bin/system-deps.sh --quiet || true
	$(BIN)/python -m config.run

migrate: venv
	$(BIN)/python manage.py migrate_schemas --noinput

demo: venv
	$(BIN)/python manage.py seed_demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy config tenants governance scoring rewards api frontend
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null

test: venv system-deps lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup
	infra/check.sh

bench: venv
	$(BIN)/python -m pytest tests/benchmarks -p no:xdist -q --benchmarks $(BENCH_ARGS)

schema: venv
	$(BIN)/python manage.py spectacular --file docs/openapi.yaml --urlconf config.urls_township --validate --fail-on-warn
	$(BIN)/python manage.py spectacular --file docs/openapi-public.yaml --urlconf api.urls_public_schema --validate --fail-on-warn

stop-db: venv
	$(BIN)/python -c "from config import env; from config.embedded_db import stop_embedded_database as s; print('stopped' if s(env.DATA_DIR / 'postgres') else 'not running')"

clean-data: stop-db
	rm -rf .data
