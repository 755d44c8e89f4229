"""Derived files live under keys built from the source checksum, the stage and its input key,
so a re-run finds them (like Wagtail renditions). Works with any Django storage (disk, S3)."""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.encoding import filepath_to_uri

MANIFEST = "_stage.json"


def stage_prefix(checksum: str, stage: str, input_key: str) -> str:
    return f"footage/{checksum[:2]}/{checksum}/{stage}/{input_key[:16]}"


def original_key(checksum: str, safe_name: str) -> str:
    return f"footage/{checksum[:2]}/{checksum}/original/{safe_name}"


def read_manifest(prefix: str) -> dict | None:
    key = f"{prefix}/{MANIFEST}"
    if not default_storage.exists(key):
        return None
    with default_storage.open(key, "rb") as fh:
        return json.loads(fh.read().decode("utf-8"))


def delete_manifest(prefix: str) -> None:
    key = f"{prefix}/{MANIFEST}"
    if default_storage.exists(key):
        default_storage.delete(key)


def upload_dir(local_dir: Path, prefix: str, manifest: dict) -> dict:
    """Store every file of local_dir under prefix, then the manifest last (its presence means done)."""
    for path in sorted(p for p in local_dir.rglob("*") if p.is_file()):
        key = f"{prefix}/{path.relative_to(local_dir).as_posix()}"
        if default_storage.exists(key):
            default_storage.delete(key)
        with path.open("rb") as fh:
            saved = default_storage.save(key, File(fh))
        if saved != key:
            raise RuntimeError(f"storage renamed {key} to {saved}")
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")
    delete_manifest(prefix)
    default_storage.save(f"{prefix}/{MANIFEST}", ContentFile(body))
    return manifest


def read_json(key: str):
    with default_storage.open(key, "rb") as fh:
        return json.loads(fh.read().decode("utf-8"))


@contextmanager
def local_copy(key: str):
    """A local path for a stored file: the file itself on disk storage, a cached download otherwise."""
    try:
        yield Path(default_storage.path(key))
        return
    except NotImplementedError:
        pass
    cache = Path(settings.GESTE_WORK_DIR) / "cache" / key
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.part")  # pool processes may fetch the same key
        with default_storage.open(key, "rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 8 * 1024 * 1024)
        tmp.rename(cache)
    yield cache


def captions_with_cues(captions: dict[str, str] | None) -> dict[str, str]:
    """The caption tracks (language -> key) whose file holds at least one cue: a track with only the
    WEBVTT header is never offered. Stored caption files are never rewritten (a new version gets a new
    key), so the answer is cached per key."""
    from django.core.cache import cache

    from media_pipeline.vtt import has_cues

    kept = {}
    for lang, key in (captions or {}).items():
        if not key:
            continue
        cache_key = "geste.vtt-has-cues:" + sha256(key.encode()).hexdigest()
        found = cache.get(cache_key)
        if found is None:
            try:
                with default_storage.open(key, "rb") as fh:
                    found = has_cues(fh.read().decode("utf-8", "replace"))
            except (OSError, ValueError):
                found = True  # unreadable now (storage hiccup): offered as before, not cached
            else:
                cache.set(cache_key, found, 24 * 3600)
        if found:
            kept[lang] = key
    return kept


def url(key: str) -> str:
    """The address a browser uses for a stored file.

    With media served under our own ``MEDIA_URL`` (the default, disk or S3 alike) it is the web's
    ``/media/<key>``: ``cms/media.py`` checks who may read the file before serving it or redirecting
    to a short-lived presigned S3 URL, so no signed URL ever sits in a manifest or a cached page.
    Only a site that sets ``MEDIA_URL`` to an absolute address (a public CDN) gets the storage's own URL."""
    if not key:
        return ""
    if settings.MEDIA_URL.startswith("/"):
        return f"{settings.MEDIA_URL}{filepath_to_uri(key)}"
    return default_storage.url(key)
