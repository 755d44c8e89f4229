"""Turning a file on disk (an assembled upload, a path given to the CLI) into a Footage and a run.

The file is checked (probe + validate) before anything is stored, so a rejected file
leaves nothing half-stored; the original is then kept immutable under its checksum.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from capsules import storage
from capsules.models import Footage, SkillsBlock
from capsules.pipeline.uploads import clean_original_name
from capsules.pipeline.workflow import start_run
from media_pipeline.filenames import original_filename, safe_filename
from media_pipeline.probe import ProbeLimits, probe, validate


def sha256_file(path: Path, chunk: int = 8 * 1024 * 1024) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(path: Path, *, original_name: str, skills_block: SkillsBlock | None = None,
                title: str = "", user=None, language: str = "fr", expert=None, start: bool = True) -> Footage:
    """Validate, store and register a video; raises PermanentMediaError (French message) on bad input."""
    limits = ProbeLimits(max_duration=settings.GESTE_MAX_DURATION_S, max_size_bytes=settings.GESTE_MAX_UPLOAD_BYTES)
    info = validate(probe(path), limits)
    checksum = sha256_file(path)
    name = safe_filename(original_name)
    # The stored name is the server's, from the probed container: the uploader's name is only a title.
    key = storage.original_key(checksum, original_filename(info.container))
    if not default_storage.exists(key):
        with path.open("rb") as fh:
            saved = default_storage.save(key, File(fh))
        if saved != key:  # the storage renamed it: the key would no longer follow the checksum
            default_storage.delete(saved)
            raise RuntimeError(f"storage stored {key} as {saved}")
    with transaction.atomic():
        footage = Footage.objects.create(
            title=title or Path(name).stem.replace("-", " ").replace("_", " ")[:255],
            skills_block=skills_block, original=key, original_name=clean_original_name(original_name),
            checksum=checksum,
            size_bytes=path.stat().st_size, probe=info.to_dict(), flags=list(info.flags), duration=info.duration,
            language=language, created_by=user, expert=expert)
        if start:
            start_run(footage)
    return footage


def earlier_upload(footage: Footage) -> Footage | None:
    """The latest other footage with the same content (SHA-256 computed at ingest, streaming), uploaded
    before this one: the upload page warns of it (re-uploads happen, versions are legitimate)."""
    if not footage.checksum:
        return None
    return (Footage.objects.filter(checksum=footage.checksum, created_at__lte=footage.created_at)
            .exclude(pk=footage.pk).order_by("-created_at", "-pk").first())
