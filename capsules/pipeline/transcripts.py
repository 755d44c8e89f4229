"""Designer corrections of a transcript: text, times and splits; the captions are rebuilt.

A segment whose times are kept keeps its words' times (only the changed words are re-timed); a
re-timed or split segment takes the recognised words whose middle falls inside its new span, then
the corrected text is aligned on them. The English track comes from Whisper's translation of the
audio, not from the French text: after a correction it is marked stale (``captions_stale``) so the
designer knows it does not carry the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from capsules import pages
from capsules.models import Footage, Transcript, clock_tenths
from media_pipeline.captions import apply_corrections, captions_vtt, retime_corrected
from media_pipeline.transcribe import Segment
from media_pipeline.transcribe import Transcript as PipelineTranscript

MIN_SEGMENT_SECONDS = 0.2


@dataclass(frozen=True)
class SegmentRow:
    """One row of the correction form, in screen order; ``source`` is the index it came from."""

    start: float
    end: float
    text: str
    source: int | None = None


class TranscriptEditError(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def _pipeline(transcript: Transcript) -> PipelineTranscript:
    data = {"language": transcript.language, "language_probability": 1.0, "duration": transcript.duration,
            "segments": transcript.segments, "model": transcript.model, "task": transcript.task}
    return PipelineTranscript.from_dict(data)


def save_corrections(transcript: Transcript, corrections: dict[int, str]) -> int:
    """Text-only corrections (index -> text), times kept."""
    changed = {i: text.strip() for i, text in corrections.items()
               if 0 <= i < len(transcript.segments) and text.strip() != transcript.segments[i]["text"].strip()}
    if not changed:
        return 0
    _store(transcript, apply_corrections(_pipeline(transcript), changed))
    return len(changed)


def save_segments(transcript: Transcript, rows: list[SegmentRow]) -> int:
    """Replace the segments by ``rows`` (texts, times, splits); returns how many rows changed."""
    duration = transcript.duration or max((s["end"] for s in transcript.segments), default=0)
    errors = []
    previous_end = 0.0
    for n, row in enumerate(rows, start=1):
        if row.end - row.start < MIN_SEGMENT_SECONDS:
            errors.append(_("Segment %(n)s : la fin doit suivre le début d'au moins %(min)s s.")
                          % {"n": n, "min": number_format(MIN_SEGMENT_SECONDS, 1)})
        if row.start < previous_end - 0.001:
            errors.append(_("Segment %(n)s : il commence avant la fin du segment précédent.") % {"n": n})
        if row.start < 0 or row.end > duration + 0.5:
            # Walk 40: « (0 – 20,1 s), »: every « . » of the sentence was made a comma, its full stop too.
            errors.append(_("Segment %(n)s : les temps doivent rester dans la vidéo (%(start)s – %(end)s).")
                          % {"n": n, "start": clock_tenths(0), "end": clock_tenths(duration)})
        previous_end = max(previous_end, row.end)
    if errors:
        raise TranscriptEditError(errors)
    original = _pipeline(transcript)
    words = [w for seg in original.segments for w in seg.words if w.word.strip()]
    segments: list[Segment] = []
    changed = 0
    for row in rows:
        text = " ".join(row.text.split())
        source = original.segments[row.source] if row.source is not None and 0 <= row.source < len(
            original.segments) else None
        if source is not None and abs(source.start - row.start) < 1e-3 and abs(source.end - row.end) < 1e-3:
            if text == " ".join(source.text.split()):
                segments.append(source)
                continue
            seg = retime_corrected(source, text)
        else:
            inside = [w for w in words if row.start <= (w.start + w.end) / 2 < row.end]
            base = Segment(start=row.start, end=row.end, text=" ".join(w.word.strip() for w in inside), words=inside)
            seg = retime_corrected(base, text)
        changed += 1
        if seg.text:
            segments.append(seg)
    changed += max(0, len(original.segments) - len(rows))  # rows removed from the form
    if changed:
        _store(transcript, replace(original, segments=segments))
    return changed


def _store(transcript: Transcript, corrected: PipelineTranscript) -> None:
    transcript.segments = corrected.to_dict()["segments"]
    transcript.edited = True
    transcript.save()
    footage = Footage.objects.get(pk=transcript.footage_id)
    stamp = int(transcript.updated_at.timestamp())
    key = f"footage/{footage.checksum[:2]}/{footage.checksum}/captions-edited/v{transcript.pk}-{stamp}.vtt"
    default_storage.save(key, ContentFile(captions_vtt(corrected).encode("utf-8")))
    renditions = dict(footage.renditions or {})
    language = transcript.language or "fr"
    renditions["captions"] = {**(renditions.get("captions") or {}), language: key}
    others = sorted(lang for lang in renditions["captions"] if lang != language)
    if others:  # translated from the audio before the correction: they do not carry it
        renditions["captions_stale"] = sorted(set(renditions.get("captions_stale") or []) | set(others))
    Footage.objects.filter(pk=footage.pk).update(renditions=renditions)
    pages.new_content_generation()  # cached manifests name the renditions
