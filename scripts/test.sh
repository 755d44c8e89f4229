#!/usr/bin/env bash
# The whole test suite: ruff, then pytest against PostgreSQL and Redis (see cms/settings/test.py).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=cms.settings.test HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
echo "==> ruff check"
.venv/bin/python -m ruff check .
echo "==> lint-imports (layer contracts, .importlinter)"
.venv/bin/lint-imports --no-cache
echo "==> pytest"
set +e
# Two test processes (pytest-xdist), a test file each at a time: the browser tests spend most of their
# time waiting on a page, a video or a worker, so two share 2 cores well (GESTE_TEST_WORKERS=1: one).
workers="${GESTE_TEST_WORKERS:-2}"
parallel=()
if [ "$workers" -gt 1 ]; then parallel=(-n "$workers" --dist loadfile); fi
.venv/bin/python -m pytest -p no:cacheprovider --timeout=900 --durations=25 --rerun-show-tracebacks "${parallel[@]}" "$@"
code=$?
set -e
if [ $code -eq 5 ]; then echo "pytest collected no tests: failing loudly"; exit 1; fi
exit $code
