"""Shared fixtures: PostgreSQL via pytest-django (cms.settings.test), test media in a temp dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def pytest_collection_modifyitems(config, items):
    if not items:
        raise pytest.UsageError("no tests collected: refusing to pass silently")
    # Transactional tests (live server, real worker) flush the database afterwards; restore the
    # rows made by data migrations (groups, home page) for them with a serialized rollback.
    for item in items:
        names = getattr(item, "fixturenames", [])
        if any(n in names for n in ("transactional_db", "live_server", "worker_factory")):
            if "django_db_serialized_rollback" not in names:
                names.insert(0, "django_db_serialized_rollback")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (database rows are rolled back; cached pages must go too)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """A session-wide folder for generated clips, so each clip is made once."""
    return tmp_path_factory.mktemp("media")


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
