# Geste — two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PY := .venv/bin/python
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev
export HF_HUB_OFFLINE := 1

.PHONY: setup run test lint bench demo worker web

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup
	@bash scripts/ensure_services.sh
	@bash scripts/test.sh

lint: setup
	$(PY) -m ruff check .
	.venv/bin/lint-imports --no-cache

bench: setup
	@bash scripts/ensure_services.sh
	@for b in tests/benchmarks/bench_*.py; do echo "== $$b"; $(PY) -m tests.benchmarks.$$(basename $$b .py) || exit 1; done

worker: setup
	.venv/bin/celery -A cms worker -Q media,asr,lti -c 2 -l info

web: setup
	$(PY) manage.py runserver 127.0.0.1:8000
