"""Walk 35: after « Retranscrire en anglais » (the transcription redone in English), step 1 got an English
title, steps 2 and 3 stayed « Étape N ». The transcribe rerun does recompute the steps' titles (segment is
downstream of it), but the title maker was French only: on English speech it put the French infinitive on
English words (« Rinse. » -> « Rinser », « Done » -> « Doner », « There we go » -> « Therer we go »), kept
English fillers as titles (« Okay », « Yes », « Hmm ») and found nothing in « So, rinse. » (« So » is a
word of two letters), hence « Étape 2 » for a step with speech; its key terms used French stop words
(« under the », « and »). The transcript's language now picks the rules."""

import pytest

from capsules.pipeline.workflow import downstream
from media_pipeline.segmentation.titles import key_terms, propose_title, title_from_text


def _whisper(segments, language="en"):
    out = []
    for start, text in segments:
        words, t = [], start
        for w in text.split():
            words.append({"start": round(t, 2), "end": round(t + 0.3, 2), "word": w, "probability": 0.9})
            t += 0.35
        out.append({"start": start, "end": words[-1]["end"], "text": " " + text, "words": words})
    return {"language": language, "segments": out}


def test_a_transcribe_rerun_recomputes_the_steps_and_their_titles():
    assert "segment" in downstream("transcribe")


@pytest.mark.parametrize(("speech", "expected"), [
    ("So, rinse.", "Rinse"),
    ("Rinse.", "Rinse"),
    ("Okay, so rinse it.", "Rinse it"),
    ("Now I scrub the inside of the cup.", "Scrub the inside of the cup"),
    ("And I rinse it under the tap.", "Rinse it under the tap"),
    ("Then I'm going to put it on the rack.", "Put it on the rack"),
    ("So, next, I'm gonna rinse it off.", "Rinse it off"),
    ("First I take the sponge and put some soap on it.", "Take the sponge"),
    ("I'm rinsing the cup.", "Rinse the cup"),
    ("We're drying it with the towel.", "Dry it with the towel"),
    ("Let's unscrew the nut.", "Unscrew the nut"),
])
def test_english_speech_gives_an_english_gesture_title(speech, expected):
    tr = _whisper([(1.0, speech)])
    assert title_from_text(speech, language="en") == expected
    assert propose_title(tr, 0.0, 10.0, index=2) == expected


@pytest.mark.parametrize("speech", ["Okay.", "There we go.", "Yes.", "Hmm, let me see.", "Ok, ok.", "Done.",
                                    "Alright.", "It is.", "I do it."])
def test_english_remarks_are_no_title(speech):
    assert title_from_text(speech, language="en") == ""
    assert propose_title(_whisper([(1.0, speech)]), 0.0, 10.0, index=3) == "Étape 3"


def test_steps_of_an_english_take_each_get_their_title():
    tr = _whisper([(0.5, "Okay, so first I take the sponge."), (21.0, "So, rinse."),
                   (44.0, "Yes, so now drying it off with the towel.")])
    titles = [propose_title(tr, a, b, index=i) for i, (a, b) in enumerate([(0, 20), (20, 40), (40, 68)], start=1)]
    assert titles == ["Take the sponge", "Rinse", "Dry it off with the towel"]


def test_english_key_terms_leave_out_english_stop_words():
    tr = _whisper([(1.0, "Then I rinse it under the tap and all around the cup.")])
    terms = key_terms(tr, 0.0, 10.0)
    assert terms and not any(t in ("and", "under the", "the tap and") for t in terms), terms
    assert {"rinse", "tap", "cup"} & set(terms), terms


def test_french_titles_are_unchanged():
    tr = _whisper([(1.0, "Ensuite, je visse la plaque avec le tournevis, bien à fond.")], language="fr")
    assert propose_title(tr, 0.0, 8.0, index=1) == "Visser la plaque avec le tournevis"
    assert title_from_text("Je serre l'écrou.") == "Serrer l'écrou"
