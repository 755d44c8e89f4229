"""Captions and text derived from a Transcript, and designer corrections kept in time.

Why: learners watch on phones, often without sound, so captions must be readable: at most
two lines of about 42 characters, on screen at least ~1 s and at most ~7 s, never
overlapping, cut at word times so a caption appears when its words are said. Designers fix
recognition errors segment by segment; the corrected words are spread over the original
word times so captions and karaoke-style transcript highlighting stay in sync.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

import webvtt

from media_pipeline.transcribe import Segment, Transcript, Word
from media_pipeline.vtt import timestamp as vtt_timestamp

MAX_LINE_CHARS = 42
MAX_LINES = 2
MIN_CUE_SECONDS = 1.0
MAX_CUE_SECONDS = 7.0
PAUSE_BREAK_SECONDS = 1.0  # a silence this long starts a new caption
PARAGRAPH_PAUSE_SECONDS = 3.0  # ...and in plain text, a new paragraph
CORRECTED_PROBABILITY = 1.0  # a word typed by a designer is certain


# ---------------------------------------------------------------- line layout

def wrap_lines(text: str, width: int = MAX_LINE_CHARS) -> list[str] | None:
    """Split ``text`` into at most two balanced lines of ``width`` characters; None if it cannot fit.

    A single word longer than ``width`` is returned alone rather than cut.
    """
    text = " ".join(text.split())
    if len(text) <= width or " " not in text:
        return [text]
    best: tuple[int, int] | None = None
    for match in re.finditer(" ", text):
        i = match.start()
        longest = max(i, len(text) - i - 1)
        if longest <= width and (best is None or longest < best[0]):
            best = (longest, i)
    if best is None:
        return None
    i = best[1]
    return [text[:i], text[i + 1:]]


def _join(words: list[Word]) -> str:
    return " ".join(w.word for w in words)


# ---------------------------------------------------------------- corrections

def _key(token: str) -> str:
    return re.sub(r"[^\w]+", "", token.lower())


def _spread(tokens: list[str], start: float, end: float, probability: float) -> list[Word]:
    """Words over [start, end], each timed in proportion to its length (a fair guess of speech time)."""
    weights = [len(t) + 1 for t in tokens]
    total = float(sum(weights))
    out, t = [], start
    for token, weight in zip(tokens, weights, strict=True):
        nxt = t + (end - start) * weight / total
        out.append(Word(round(t, 3), round(nxt, 3), token, probability))
        t = nxt
    return out


def _merged_opcodes(old: list[Word], ops: list[tuple[str, int, int, int, int]], seg: Segment):
    """Merge an insertion that has no time of its own (no gap around it) into a neighbouring edit."""
    out: list[list] = []
    for op in ops:
        tag, i1, i2, j1, j2 = op
        if tag == "insert":
            gap_start = old[i1 - 1].end if i1 > 0 else seg.start
            gap_end = old[i1].start if i1 < len(old) else seg.end
            if gap_end - gap_start < 0.15 * (j2 - j1):
                if out:  # share the time of the previous word only
                    ptag, p1, p2, q1, q2 = out.pop()
                    if ptag == "equal" and p2 - p1 > 1:
                        out.append(["equal", p1, p2 - 1, q1, q2 - 1])
                        p1, q1 = p2 - 1, q2 - 1
                    out.append(["replace", p1, i2, q1, j2])
                    continue
                out.append(["pending", i1, i2, j1, j2])
                continue
        if out and out[-1][0] == "pending":  # share the time of the next word only
            pending = out.pop()
            if tag == "equal" and i2 - i1 > 1:
                out.append(["replace", i1, i1 + 1, pending[3], j1 + 1])
                out.append(["equal", i1 + 1, i2, j1 + 1, j2])
            else:
                out.append(["replace", pending[1], i2, pending[3], j2])
            continue
        out.append(list(op))
    if out and out[-1][0] == "pending":  # only insertions into a segment without words
        out[-1][0] = "insert"
    return out


def retime_corrected(segment: Segment, new_text: str) -> Segment:
    """The segment with ``new_text``, keeping its start/end and re-timing its words.

    Unchanged words keep their exact times and probabilities; replaced words share the time
    of the words they replace in proportion to their length; inserted words take the pause
    where they were inserted, or share time with a neighbour when there is none.
    """
    tokens = new_text.split()
    text = " ".join(tokens)
    if not tokens:
        return replace(segment, text="", words=[])
    old = [w for w in segment.words if w.word.strip()]
    if not old:
        return replace(segment, text=text, words=_spread(tokens, segment.start, segment.end,
                                                         CORRECTED_PROBABILITY))
    matcher = SequenceMatcher(a=[_key(w.word) for w in old], b=[_key(t) for t in tokens], autojunk=False)
    words: list[Word] = []
    for tag, i1, i2, j1, j2 in _merged_opcodes(old, matcher.get_opcodes(), segment):
        if tag == "equal":
            words += [replace(old[i1 + k], word=tokens[j1 + k]) for k in range(j2 - j1)]
        elif tag == "replace":
            if i2 > i1:
                start, end = old[i1].start, old[i2 - 1].end
            else:  # pragma: no cover - merged insertions always cover an old word
                start = end = words[-1].end if words else segment.start
            words += _spread(tokens[j1:j2], start, end, CORRECTED_PROBABILITY)
        elif tag == "insert":
            start = old[i1 - 1].end if i1 > 0 else segment.start
            end = old[i1].start if i1 < len(old) else segment.end
            words += _spread(tokens[j1:j2], start, end, CORRECTED_PROBABILITY)
    return replace(segment, text=text, words=words)


def apply_corrections(transcript: Transcript, corrections: Mapping[int, str]) -> Transcript:
    """A new Transcript with the given segments' text replaced (index -> corrected text).

    An empty correction deletes the segment (invented text on noise, a cough).
    """
    count = len(transcript.segments)
    for index in corrections:
        if not 0 <= index < count:
            raise IndexError(f"segment {index} inexistant (la transcription en compte {count})")
    segments = []
    for i, seg in enumerate(transcript.segments):
        if i in corrections:
            seg = retime_corrected(seg, corrections[i])
            if not seg.text:
                continue
        segments.append(seg)
    return replace(transcript, segments=segments)


# ---------------------------------------------------------------- cues

def _words_for(segment: Segment) -> list[Word]:
    """The segment's words, re-timed from its text when an edit left the two out of step."""
    words = [w for w in segment.words if w.word.strip()]
    if [_key(w.word) for w in words] != [_key(t) for t in segment.text.split()]:
        words = retime_corrected(segment, segment.text).words
    return words


def _speech_break(current: list[Word], word: Word) -> bool:
    """Whether ``word`` starts a new unit after ``current``: a silence, or the end of a sentence."""
    pause = word.start - current[-1].end >= PAUSE_BREAK_SECONDS
    sentence_end = (current[-1].word.endswith((".", "?", "!", "…"))
                    and current[-1].end - current[0].start >= MIN_CUE_SECONDS)
    return pause or sentence_end


def _groups(words: list[Word], fit_screen: bool = True) -> list[list[Word]]:
    """Words cut into captions; with ``fit_screen=False``, only at silences and sentence ends."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if current:
            too_long = fit_screen and wrap_lines(_join(current + [word])) is None
            too_slow = fit_screen and word.end - current[0].start > MAX_CUE_SECONDS
            if too_long or too_slow:
                # Prefer to cut after a comma in the second half of the caption.
                cut = next((k for k in range(len(current) - 2, len(current) // 2 - 1, -1)
                            if current[k].word.endswith((",", ";", ":"))), None)
                if cut is not None:
                    groups.append(current[:cut + 1])
                    current = current[cut + 1:]
                else:
                    groups.append(current)
                    current = []
            elif _speech_break(current, word):
                groups.append(current)
                current = []
        current.append(word)
    if current:
        groups.append(current)
    return groups


def passages(segment: Segment) -> list[Segment]:
    """The segment cut at the captions' speech breaks (silences, sentence ends), for reading.

    Whisper often returns several sentences separated by silences as one segment; a transcript
    shown in such blocks can only link to the first one's time. Each passage keeps its own words
    and times (those of its first and last words); unlike captions, a passage is not cut to fit
    the screen. A segment without word times stays whole; one whose words an edit emptied is
    dropped.
    """
    if not any(w.word.strip() for w in segment.words):
        return [segment] if segment.text.strip() else []
    words = _words_for(segment)
    if not words:
        return []
    return [replace(segment, start=group[0].start, end=group[-1].end,
                    text=" ".join(_join(group).split()), words=group)
            for group in _groups(words, fit_screen=False)]


def caption_cues(transcript: Transcript) -> list[tuple[float, float, list[str]]]:
    """(start, end, lines) for each caption, readable and never overlapping."""
    raw: list[tuple[float, float, str]] = []
    for seg in transcript.segments:
        for group in _groups(_words_for(seg)):
            raw.append((group[0].start, group[-1].end, _join(group)))
    raw.sort(key=lambda c: c[0])
    cues: list[tuple[float, float, list[str]]] = []
    for i, (start, end, text) in enumerate(raw):
        prev_end = cues[-1][1] if cues else 0.0
        start = max(start, prev_end)
        next_start = raw[i + 1][0] if i + 1 < len(raw) else float("inf")
        if end - start < MIN_CUE_SECONDS:
            end = max(end, min(start + MIN_CUE_SECONDS, next_start))
        end = min(end, start + MAX_CUE_SECONDS)
        if transcript.duration > start:  # never past the end of the media
            end = min(end, transcript.duration)
        if end <= start:  # squeezed by the previous caption: show it briefly rather than never
            end = start + 0.1
        cues.append((round(start, 3), round(end, 3), wrap_lines(text) or [text]))
    return cues


def captions_vtt(transcript: Transcript) -> str:
    """WebVTT captions for the transcript (webvtt-py)."""
    vtt = webvtt.WebVTT()
    for start, end, lines in caption_cues(transcript):
        vtt.captions.append(webvtt.Caption(vtt_timestamp(start), vtt_timestamp(end), lines))
    return vtt.content


def write_vtt(transcript: Transcript, path: Path | str) -> Path:
    """Write the captions file atomically (a player never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(captions_vtt(transcript))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def plain_text(transcript: Transcript) -> str:
    """The transcript as readable text; a long pause starts a new paragraph."""
    paragraphs: list[list[str]] = []
    prev_end: float | None = None
    for seg in transcript.segments:
        if not seg.text.strip():
            continue
        if prev_end is None or seg.start - prev_end >= PARAGRAPH_PAUSE_SECONDS:
            paragraphs.append([])
        paragraphs[-1].append(seg.text.strip())
        prev_end = seg.end
    return "\n\n".join(" ".join(p) for p in paragraphs) + ("\n" if paragraphs else "")
