"""The demo's commentary talks about the gestures of the clip, and Whisper base hears it as said.

First-user walks: the demo capsule's captions and proposed step titles spoke of phone numbers over a
tap repair (the commentary was telephone announcements). The video ``make run`` uploads is made here
as the demo makes it, and transcribed by the pipeline's own Whisper path (base model, French, the
certification's vocabulary as prompt).
"""

from __future__ import annotations

import re

import pytest

from capsules import demo
from media_pipeline.transcribe import TranscribeSettings, transcribe

pytestmark = pytest.mark.slow


def words(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", text.lower().replace("’", "'")).split()


def best_wer(sentence: str, heard: list[str]) -> float:
    """Word error rate of ``sentence`` against the best-matching stretch of ``heard`` (edit distance
    of the sentence's words to any run of consecutive heard words, over the sentence's length)."""
    ref = words(sentence)
    best = len(ref)
    for i in range(len(heard) + 1):
        # one row of the edit distance per sentence word, free start at heard[i]
        row = list(range(len(heard) - i + 1))
        for r in ref:
            prev, row[0] = row[0], row[0] + 1
            for j in range(1, len(row)):
                prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != heard[i + j - 1]))
        best = min(best, min(row))
    return best / len(ref)


def test_demo_commentary_says_the_gestures_and_whisper_hears_it(tmp_path, whisper_base_dir):
    video = demo.make_demo_video(tmp_path / "demo.mp4", demo.DemoClip(width=320, height=180))
    settings = TranscribeSettings(model_dir=whisper_base_dir, language="fr",
                                  vocabulary=[t.strip() for t in demo.DEMO_VOCABULARY.split(",")])
    text = " ".join(s.text for s in transcribe(video, settings).segments)
    heard = words(text)
    # The tap repair, in the words the captions show: no telephone announcement.
    for word in ("robinet", "joint", "étanchéité"):
        assert word in heard, (word, text)
    for phrase in ("numéro", "composer", "patience", "veuillez"):
        assert phrase not in heard, (phrase, text)
    # Each sentence of the commentary is recognisably heard (at most one word in four wrong).
    said = [sentence for step in demo.DEMO_COMMENTARY for sentence in step]
    assert len(said) >= 4
    scores = {sentence: round(best_wer(sentence, heard), 2) for sentence in said}
    assert all(score <= 0.25 for score in scores.values()), (scores, text)
