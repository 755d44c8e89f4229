"""Step titles from the stored transcript: words as the transcribe stage stores them (stripped).

Found by the demo once it stopped renaming steps from the generator's truth: every title the
pipeline proposed read "Jes'enlèqueouamèquelaclé"."""

from media_pipeline.segmentation.speech_cues import sentences
from media_pipeline.segmentation.titles import propose_title


def _transcript(words: list[str]) -> dict:
    timed = [{"start": i * 0.4, "end": i * 0.4 + 0.35, "word": w} for i, w in enumerate(words)]
    return {"language": "fr", "segments": [{"start": 0.0, "end": len(words) * 0.4,
                                            "text": " ".join(w.strip() for w in words), "words": timed}]}


def test_stored_words_keep_their_spaces_in_sentences_and_titles():
    stored = _transcript(["D'abord,", "je", "coupe", "l'arrivée", "d'eau.", "Ensuite,", "je", "desserre", "l'écrou."])
    assert [text for _s, _e, text in sentences(stored)] == [
        "D'abord, je coupe l'arrivée d'eau.", "Ensuite, je desserre l'écrou."]
    title = propose_title(stored, 0.0, 2.0)
    assert title and " " in title and "jecoupe" not in title.lower()


def test_raw_whisper_words_with_leading_spaces_still_join():
    raw = _transcript([" Je", " serre", " le", " joint."])
    assert [text.strip() for _s, _e, text in sentences(raw)] == ["Je serre le joint."]
