"""`make bench` runs every ``tests/benchmarks/bench_*.py`` without arguments and stops at the first that fails:
the experiment benches that need arguments say how to run them and exit 0 (session 33: the session-32
``bench_appearance_noise`` stopped `make bench` there with argparse's usage error)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["bench_appearance_noise", "bench_silent_penalty"])
def test_experiment_bench_without_arguments_does_not_stop_make_bench(module):
    out = subprocess.run([sys.executable, "-m", f"tests.benchmarks.{module}"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert "rien mesuré sans arguments" in out.stdout
