"""English commentary's discourse markers open steps (walk 35: « First… », « Next, … » were read with the French
list, so an English-speaking expert's clearest cue counted as any sentence after a pause)."""

import numpy as np

from media_pipeline.segmentation import SegmentSettings
from media_pipeline.segmentation.kernel_cpd import _fuse_speech
from media_pipeline.segmentation.speech_cues import speech_cues, starts_with_marker

FPS = 10.0


def _transcript(sentence: str, language: str) -> dict:
    def words(text, at):
        return [{"word": w, "start": at + 0.3 * i, "end": at + 0.3 * i + 0.2} for i, w in enumerate(text.split())]

    first = "I hold the pump steady."
    return {"language": language, "segments": [
        {"start": 2.0, "end": 3.2, "text": first, "words": words(first, 2.0)},
        {"start": 10.0, "end": 11.2, "text": sentence, "words": words(sentence, 10.0)}]}


def _fused(cue) -> list[int]:
    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.3, (200, 7))  # one gesture throughout: only a marker may open a step
    bk: list[int] = []
    _fuse_speech(bk, {}, [110], [cue], x, 0, len(x), FPS, int(3 * FPS), SegmentSettings())
    return bk


def test_english_markers_in_english_commentary():
    english = speech_cues(_transcript("Next, tighten the nut.", "en"))
    assert english[-1].kind == "marker" and english[-1].time == 10.0
    assert _fused(english[-1]) == [105]
    # The same words said in a footage marked French are not a marker there (a pause cue, held to the motion).
    french = speech_cues(_transcript("Next, tighten the nut.", "fr"))
    assert french[-1].kind == "pause" and _fused(french[-1]) == []
    assert starts_with_marker("Then we rinse it", "en") == "then"
    assert starts_with_marker("Thenceforth", "en") is None
    assert starts_with_marker("The next step is the seal", "en") == "the next step"


def test_french_commentary_keeps_its_markers():
    french = speech_cues(_transcript("Ensuite, on serre l'écrou.", "fr"))
    assert french[-1].kind == "marker"
    assert speech_cues(_transcript("Ensuite, on serre l'écrou.", ""))[-1].kind == "marker"  # no language: French
    assert starts_with_marker("Puis, on visse") == "puis"
