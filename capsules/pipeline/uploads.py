"""Chunked, resumable uploads for multi-GB SubCam files over flaky connections.

A tus-like protocol: create an upload (name, size), then PATCH chunks at the offset the
server reports; after a dropped connection the browser asks for the offset and goes on.
Parts live under var/uploads until complete, then go through capsules.pipeline.ingest.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

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
        for path in (self.part_path, upload_dir() / f"{self.id}.json"):
            path.unlink(missing_ok=True)


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create(user_id: int, filename: str, size: int, skills_block_id: int | None, title: str,
           language: str = "fr", expert_id: int | None = None) -> UploadState:
    state = UploadState(id=uuid.uuid4().hex, user_id=user_id, filename=filename[:255], size=size,
                        skills_block_id=skills_block_id, title=title[:255], language=language,
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


def append(state: UploadState, offset: int, data: bytes) -> int:
    """Append a chunk if it starts where the stored part ends; returns the new offset."""
    current = state.offset
    if offset != current:
        raise ValueError(current)
    if current + len(data) > state.size:
        raise OverflowError(current)
    with state.part_path.open("ab") as fh:
        fh.write(data)
    return current + len(data)
