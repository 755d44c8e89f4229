"""The suite's own rule for missing set-up (tests/conftest.py ``require``): skip locally, fail in CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = '''
from tests.conftest import require

def test_needs_something_absent():
    require(False, "lecteur non construit", "lancez npm run build")

def test_needs_something_present():
    require(True, "poids Whisper", "make setup")
'''


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    probe = tmp_path / "test_probe_prerequisite.py"
    probe.write_text(PROBE)
    env = {k: v for k, v in __import__("os").environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django", "-q", "-rA",
         "--rootdir", str(tmp_path), "-c", "/dev/null", str(probe)],
        capture_output=True, text=True, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120)


def test_missing_prerequisite_skips_on_a_developer_machine(tmp_path):
    res = _run(tmp_path, None)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 passed, 1 skipped" in res.stdout and "lecteur non construit absent" in res.stdout


def test_missing_prerequisite_fails_loudly_in_ci(tmp_path):
    res = _run(tmp_path, "true")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "1 failed, 1 passed" in res.stdout and "CI=true" in res.stdout
