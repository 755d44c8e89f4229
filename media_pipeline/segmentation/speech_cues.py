"""Where the commentary suggests a new step: discourse markers, sentence starts, pauses.

Works on the plain transcript dict (``segments`` with ``words`` and times).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

MARKERS = ("d'abord", "tout d'abord", "premièrement", "ensuite", "puis", "maintenant", "après",
           "alors", "on va", "je vais", "nous allons", "je prends", "on prend", "enfin", "pour finir",
           "dernière étape", "étape suivante", "on passe", "je passe", "une fois que")
# English commentary (walk 35: « First… », « Next, … » opened no step, the French list read it).
EN_MARKERS = ("first", "then", "next", "now", "after that", "afterwards", "finally", "lastly", "let's",
              "the next step", "step")


def language_of(transcript: dict | None) -> str:
    """The rules a transcript is read with: "en" for English commentary, else "fr" (the default)."""
    lang = str((transcript or {}).get("language") or "").lower()
    return "en" if lang.startswith("en") else "fr"


@dataclass(frozen=True)
class SpeechCue:
    """A time where a step may begin, its kind and a weight in 0-1."""

    time: float
    kind: str  # "marker", "sentence" or "pause"
    weight: float
    text: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.lower().replace("’", "'"))
    return re.sub(r"\s+", " ", text).strip()


def starts_with_marker(text: str, language: str = "fr") -> str | None:
    """The discourse marker a sentence opens with (after punctuation), if any, in the commentary's language."""
    t = normalise(text).lstrip(" ,.;:!?-«\"")
    for marker in sorted(EN_MARKERS if language == "en" else MARKERS, key=len, reverse=True):
        if t.startswith(marker) and (len(t) == len(marker) or not t[len(marker)].isalpha()):
            return marker
    return None


def join_words(words: list[dict]) -> str:
    """Written text from Whisper's words, which come with or without their leading space:
    one space between words, none before , . ) or after an apostrophe ("l'" + "écrou")."""
    text = " ".join(str(w.get("word", "")).strip() for w in words)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" ([,.)…])", r"\1", text)
    text = re.sub(r"(\b\w')\s+(?=\w)", r"\1", text)
    return text


def word_sentences(transcript: dict | None) -> list[tuple[float, float, str, list[dict]]]:
    """Sentences with times and the transcript's words they are made of (none for a segment without words):
    segments split at . ! ? using word times when present."""
    out: list[tuple[float, float, str, list[dict]]] = []
    for seg in (transcript or {}).get("segments") or []:
        words = seg.get("words") or []
        if not words:
            out.append((float(seg.get("start", 0)), float(seg.get("end", 0)), str(seg.get("text", "")), []))
            continue
        cur: list[dict] = []
        for w in words:
            cur.append(w)
            if re.search(r"[.!?…]$", str(w.get("word", "")).strip()):
                out.append((float(cur[0]["start"]), float(cur[-1]["end"]), join_words(cur), cur))
                cur = []
        if cur:
            out.append((float(cur[0]["start"]), float(cur[-1]["end"]), join_words(cur), cur))
    return out


def sentences(transcript: dict | None) -> list[tuple[float, float, str]]:
    return [(start, end, text) for start, end, text, _words in word_sentences(transcript)]


def speech_cues(transcript: dict | None, min_pause: float = 0.7, min_words: int = 3) -> list[SpeechCue]:
    """Cues from the transcript: marker sentence starts (1.0), starts after a pause (0.4). A start after
    a pause counts only for a sentence of ``min_words`` words or more: a remark ("Voilà.", "C'est bon.")
    or a fragment Whisper heard in noise ("nd,") does not open a step."""
    cues: list[SpeechCue] = []
    prev_end = -1e9
    language = language_of(transcript)
    for start, end, text in sentences(transcript):
        marker = starts_with_marker(text, language)
        if marker:
            cues.append(SpeechCue(start, "marker", 1.0, text.strip()))
        elif start - prev_end >= min_pause and len(text.split()) >= min_words:
            cues.append(SpeechCue(start, "pause", 0.4, text.strip()))
        else:
            cues.append(SpeechCue(start, "sentence", 0.2, text.strip()))
        prev_end = end
    return cues
