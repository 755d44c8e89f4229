"""Shared fixtures: PostgreSQL via pytest-django (cms.settings.test), test media in a temp dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def pytest_collection_modifyitems(config, items):
    if not items:
        raise pytest.UsageError("no tests collected: refusing to pass silently")


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
