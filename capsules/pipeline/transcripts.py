"""Designer corrections of a transcript: keep the times, rebuild the captions."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from capsules.models import Footage, Transcript
from media_pipeline.captions import apply_corrections, captions_vtt
from media_pipeline.transcribe import Transcript as PipelineTranscript


def save_corrections(transcript: Transcript, corrections: dict[int, str]) -> int:
    changed = {i: text.strip() for i, text in corrections.items()
               if 0 <= i < len(transcript.segments) and text.strip() != transcript.segments[i]["text"].strip()}
    if not changed:
        return 0
    data = {"language": transcript.language, "language_probability": 1.0, "duration": transcript.duration,
            "segments": transcript.segments, "model": transcript.model, "task": transcript.task}
    corrected = apply_corrections(PipelineTranscript.from_dict(data), changed)
    transcript.segments = corrected.to_dict()["segments"]
    transcript.edited = True
    transcript.save()
    footage = Footage.objects.get(pk=transcript.footage_id)
    stamp = int(transcript.updated_at.timestamp())
    key = f"footage/{footage.checksum[:2]}/{footage.checksum}/captions-edited/v{transcript.pk}-{stamp}.vtt"
    default_storage.save(key, ContentFile(captions_vtt(corrected).encode("utf-8")))
    renditions = dict(footage.renditions or {})
    renditions["captions"] = {**(renditions.get("captions") or {}), transcript.language or "fr": key}
    Footage.objects.filter(pk=footage.pk).update(renditions=renditions)
    return len(changed)
