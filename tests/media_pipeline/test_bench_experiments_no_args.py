"""`make bench` runs every ``tests/benchmarks/bench_*.py`` without arguments and stops at the first that fails:
the experiment benches that need arguments say how to run them and exit 0 (session 33: the session-32
``bench_appearance_noise`` stopped `make bench` there with argparse's usage error)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("module", "said"), [("bench_appearance_noise", "rien mesuré sans arguments"),
                                             ("bench_silent_penalty", "rien mesuré sans arguments"),
                                             ("bench_rhythm", "banc expérimental passé"),
                                             ("bench_knob", "rien mesuré sans arguments"),
                                             ("bench_appearance_features", "rien mesuré sans arguments"),
                                             ("bench_split_hints", "rien mesuré sans arguments"),
                                             ("bench_boundary_timing", "rien mesuré sans arguments"),
                                             ("bench_appearance_timing", "rien mesuré sans arguments"),
                                             ("bench_agreement", "accord humain"),
                                             ("bench_egocam38", "rien mesuré sans arguments"),
                                             ("bench_rest_cue38", "rien mesuré sans arguments")])
def test_experiment_bench_without_arguments_does_not_stop_make_bench(module, said, tmp_path):
    # A fresh machine: no motion cache yet (bench_rhythm reads it and stopped `make bench` on its absence).
    out = subprocess.run([sys.executable, "-m", f"tests.benchmarks.{module}"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "GESTE_MOTION_CACHE": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-500:]
    assert said in out.stdout
