"""The cohort and block reports on SQLite, the database of ``make run``: the suite runs on PostgreSQL,
so this test runs the cohort tests again in a child pytest with ``DATABASE_URL=sqlite:///…``.

They once used ``DISTINCT ON`` (PostgreSQL only) and crashed with 500 on a fresh ``make run``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = [
    "test_indicators_match_hand_computed_values",
    "test_block_indicators_cover_every_learner_of_the_block",
    "test_block_indicators_screen_and_csv_are_for_designers",
    "test_a_trainer_never_sees_another_cohort",
    "test_report_query_count_is_constant_for_30_and_300_learners",
    "test_a_trainer_reaches_their_cohorts_indicators_from_the_menu_and_from_the_reports_refusal",
]


def test_cohort_and_block_reports_run_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'geste.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
         "tests/capsules/test_cohorts.py", "-k", " or ".join(TESTS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert f"{len(TESTS)} passed" in output, output[-3000:]
    assert "sqlite" in _vendor(env), "the child run must really use SQLite"


def _vendor(env: dict) -> str:
    code = "import django; django.setup(); from django.db import connection; print(connection.vendor)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=True).stdout
