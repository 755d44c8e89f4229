"""Chunked, resumable uploads for multi-GB SubCam files over flaky connections.

A tus-like protocol: create an upload (name, size), then PATCH chunks at the offset the
server reports; after a dropped connection the browser asks for the offset and goes on.
Parts live under var/uploads until complete, then go through capsules.pipeline.ingest.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.translation import ngettext

CHUNK_SIZE = 8 * 1024 * 1024


@dataclass
class UploadState:
    id: str
    user_id: int
    filename: str
    size: int
    skills_block_id: int | None
    title: str
    language: str = "fr"
    expert_id: int | None = None

    @property
    def part_path(self) -> Path:
        return upload_dir() / f"{self.id}.part"

    @property
    def offset(self) -> int:
        return self.part_path.stat().st_size if self.part_path.exists() else 0

    def save(self) -> None:
        (upload_dir() / f"{self.id}.json").write_text(json.dumps(asdict(self)), "utf-8")

    def delete(self) -> None:
        for path in (self.part_path, upload_dir() / f"{self.id}.json", upload_dir() / f"{self.id}.lock"):
            path.unlink(missing_ok=True)


def upload_dir() -> Path:
    path = Path(settings.GESTE_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


MAX_NAME = 255  # Footage.original_name
MAX_EXTENSION = 16


def _printable(text: str) -> str:
    """``text`` without control or format characters: NUL (PostgreSQL refuses it), line breaks,
    and bidirectional overrides that make "vid\u202egnp.mp4" display as "vidp4m.png"."""
    return "".join(ch for ch in re.sub(r"\s", " ", text) if unicodedata.category(ch)[0] != "C")


def clean_original_name(name: str) -> str:
    """The uploader's file name as we keep it for display: last path part, printable, at most 255
    characters with its extension kept (a 5,000-character name used to lose ".mp4")."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", str(name)))[-1]
    base = " ".join(_printable(base).split()).strip(". ") or "video"
    if len(base) <= MAX_NAME:
        return base
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or len(ext) > MAX_EXTENSION:
        return base[:MAX_NAME].rstrip()
    return f"{stem[:MAX_NAME - len(ext) - 2].rstrip()}….{ext}"


def clean_title(title: str) -> str:
    return " ".join(_printable(str(title)).split())[:255]


def parse_block_id(value) -> int | None | bool:
    """A skills block id sent as a number or a string of digits; None when absent; False when invalid."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value if 0 < value < 2**31 else False
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value.strip()):
        return int(value) or False
    return False


def format_size(size: int) -> str:
    """A size in French (decimal units, the ones disk makers print): "4,7 Go", "850 Mo", "1 ko"."""
    for unit, factor in (("Go", 10**9), ("Mo", 10**6), ("ko", 10**3)):
        if size >= factor:
            value = size / factor
            places = 0 if value >= 100 or value == int(value) else 1
            return f"{formats.number_format(round(value, places), places)}\u00a0{unit}"
    return ngettext("%(n)s octet", "%(n)s octets", size) % {"n": formats.number_format(size)}


def create(user_id: int, filename: str, size: int, skills_block_id: int | None, title: str,
           language: str = "fr", expert_id: int | None = None) -> UploadState:
    state = UploadState(id=uuid.uuid4().hex, user_id=user_id, filename=clean_original_name(filename), size=size,
                        skills_block_id=skills_block_id, title=clean_title(title), language=language,
                        expert_id=expert_id)
    state.part_path.touch()
    state.save()
    return state


def load(upload_id: str) -> UploadState | None:
    if not upload_id.isalnum():
        return None
    meta = upload_dir() / f"{upload_id}.json"
    if not meta.exists():
        return None
    return UploadState(**json.loads(meta.read_text("utf-8")))


class ChecksumMismatch(ValueError):
    """The chunk that arrived is not the one the browser hashed (it was damaged on the way)."""


class UploadGone(LookupError):
    """The upload was completed or deleted while this request waited for it."""


@contextmanager
def locked(state: UploadState) -> Iterator[None]:
    """Hold the upload's exclusive lock: one append (or completion) at a time per upload.

    fcntl locks work across gunicorn workers and threads (each call opens its own descriptor);
    the kernel drops them if the process dies, so a killed request never leaves a stale lock.
    """
    with (upload_dir() / f"{state.id}.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            if not (upload_dir() / f"{state.id}.json").exists():
                raise UploadGone(state.id)
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def parse_checksum(header: str | None) -> bytes | None:
    """The SHA-256 digest of an ``Upload-Checksum: sha256 <base64>`` header (tus checksum extension)."""
    if not header:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise ValueError("algorithm")
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("checksum") from None
    if len(digest) != hashlib.sha256().digest_size:
        raise ValueError("checksum")
    return digest


def append(state: UploadState, offset: int, data: bytes, checksum: bytes | None = None) -> int:
    """Append a chunk if it starts where the stored part ends; returns the new offset.

    Serialised per upload: two requests sent at the same offset (a retry racing the original) both
    saw the same end of file and both appended, which wrote one chunk twice; now the second one finds
    the part already grown and gets ValueError(current offset), which the view answers 409.
    """
    if checksum is not None and hashlib.sha256(data).digest() != checksum:
        raise ChecksumMismatch(state.offset)
    with locked(state), state.part_path.open("r+b") as fh:
        current = os.fstat(fh.fileno()).st_size
        if offset != current:
            raise ValueError(current)
        if current + len(data) > state.size:
            raise OverflowError(current)
        fh.seek(current)
        try:
            fh.write(data)
            fh.flush()
        except OSError:
            fh.truncate(current)  # a half-written chunk (disk full) must not shift the next offset
            raise
    return current + len(data)
