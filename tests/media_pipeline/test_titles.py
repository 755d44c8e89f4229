"""Step titles from Whisper-like French commentary: words, short, never empty."""

import re

import pytest

from media_pipeline.segmentation.speech_cues import join_words, sentences
from media_pipeline.segmentation.titles import MAX_WORDS, propose_title, title_from_text


def _whisper(segments):
    """A transcript as media_pipeline.transcribe stores it: each word stripped of its space, with times."""
    out = []
    for start, text in segments:
        words, t = [], start
        for w in text.split():
            words.append({"start": round(t, 2), "end": round(t + 0.3, 2), "word": w, "probability": 0.9})
            t += 0.35
        out.append({"start": start, "end": words[-1]["end"], "text": " " + text, "words": words})
    return {"language": "fr", "segments": out}


TR = _whisper([
    (0.5, "Veuillez composer votre numéro de conférence."),
    (8.0, "Euh..."),
    (9.0, "Bon alors là je vais prendre la clé de douze et on va desserrer le contre-écrou du robinet avant"),
    (20.0, "Ensuite, on dépose l'ancien joint du robinet."),
    (30.0, "Voilà."),
])


def test_sentences_from_stripped_words_keep_their_spaces():
    texts = [t for _s, _e, t in sentences(TR)]
    assert texts[0] == "Veuillez composer votre numéro de conférence."
    assert "l'ancien joint" in texts[3]
    assert join_words([{"word": " Je"}, {"word": " serre"}, {"word": " l'"}, {"word": "écrou"}, {"word": ","},
                       {"word": "bien"}]) == "Je serre l'écrou, bien"


@pytest.mark.parametrize(("start", "end", "expected"), [
    (0.0, 7.0, "Composer votre numéro de conférence"),
    (8.5, 19.0, "Prendre la clé de douze"),
    (19.5, 29.0, "Déposer l'ancien joint du robinet"),
])
def test_titles_are_short_phrases_of_words(start, end, expected):
    title = propose_title(TR, start, end, index=1)
    assert title == expected
    words = title.split()
    assert 1 <= len(words) <= MAX_WORDS and all(len(w) < 20 for w in words)


def test_title_never_empty():
    # Only fillers in the step: key terms cannot be found either, so "Étape N".
    assert propose_title(TR, 29.5, 40.0, index=4) == "Étape 4"
    assert propose_title(None, 0.0, 5.0, index=2) == "Étape 2"
    # Repetitive speech still names the step with its words.
    tr = _whisper([(1.0, "Le joint torique du robinet, le joint torique, voilà, attention au joint torique.")])
    title = propose_title(tr, 0.0, 10.0, index=1)
    assert title and title != "Étape 1" and "joint" in title.lower(), title
    assert title_from_text("Euh...") == "" and title_from_text("Voilà.") == ""


def test_title_does_not_dangle_or_glue():
    t = title_from_text("Je la pose sur le")
    assert t == "Poser"
    long = title_from_text("On va serrer la vis du capot de la pompe de relevage avec la clé Allen de six")
    assert len(long.split()) <= MAX_WORDS and long.split()[-1].lower() not in ("de", "la", "avec", "du")
    for title in (long, t):
        assert not re.search(r"[a-zé]{25,}", title.lower())  # no glued words


# First-user walk 24a: a clip whose whole commentary is « Il est bien, il est bien. » got the step title
# « Être », the infinitive of an auxiliary. A light verb with stop words names no gesture: the default title.
@pytest.mark.parametrize("speech", ["Il est bien, il est bien.", "Je fais ça.", "Je vais le faire.",
                                    "C'est bon.", "On peut y aller.", "Il faut aller là."])
def test_a_light_verb_alone_is_no_title(speech):
    assert title_from_text(speech) == ""
    assert propose_title(_whisper([(1.0, speech)]), 0.0, 8.0, index=1) == "Étape 1"


def test_a_gesture_phrase_still_gives_its_title():
    speech = "Ensuite, je visse la plaque avec le tournevis, bien à fond."
    assert propose_title(_whisper([(1.0, speech)]), 0.0, 8.0, index=1) == "Visser la plaque avec le tournevis"
    assert title_from_text("Je serre l'écrou.") == "Serrer l'écrou"
    # « faire » with what it does is a gesture: kept.
    assert title_from_text("Je fais le joint du robinet.") == "Faire le joint du robinet"


@pytest.mark.parametrize(("speech", "expected"), [
    ("Pour serrer l'écrou, je prends la clé.", "Serrer l'écrou"),
    ("Pour bien serrer, on tourne.", "Bien serrer"),
    ("Pour le joint, on prend la pince.", "Prendre la pince"),
    ("Pour activer ou désactiver le mode sourdine, veuillez appuyer sur un.",
     "Activer ou désactiver le mode sourdine"),
])
def test_a_purpose_before_the_gesture_is_not_kept_as_pour(speech, expected):
    """Session 40: titles kept a leading « Pour … » (« Pour activer ou désactiver… »): the purpose's verb names
    the gesture, and a purpose without a verb leaves the title to the clause after it."""
    assert title_from_text(speech) == expected


def test_key_terms_that_are_a_verb_and_its_object_are_in_the_infinitive():
    """Walk 39: a step titled from its key terms read « Retire l'ancien » where sentence titles read « Retirer … »;
    a noun group stays as said."""
    tr = _whisper([(1.0, "Tu retire l'ancien joint du robinet avec la pince et tu retire l'ancien joint encore.")])
    tr["segments"][0]["words"][1]["probability"] = 0.5  # the sentence's verb misheard: no sentence title
    title = propose_title(tr, 0.0, 10.0, index=1)
    assert title.startswith("Retirer l'ancien") and "Retire " not in title


@pytest.mark.parametrize(("speech", "expected"), [
    ("Vous pouvez maintenant parler.", "Parler"),
    ("Je vais maintenant serrer l'écrou.", "Serrer l'écrou"),
    ("Veillez composer le code d'accès de la conférence.", "Composer le code d'accès de la conférence"),
])
def test_no_adverb_nor_second_verb_before_the_gesture(speech, expected):
    """Walk 40 (real French prompts): « Maintenant parler », and « Veiller composer le code » where Whisper heard
    « Veillez » for « Veuillez »."""
    assert title_from_text(speech) == expected


@pytest.mark.parametrize(("speech", "expected"), [
    ("Je laisse tomber la vis dans le bac.", "Laisser tomber la vis dans le bac"),
    ("On fait glisser la pièce sur le rail.", "Faire glisser la pièce sur le rail"),
    ("Laisse refroidir la soudure.", "Laisser refroidir la soudure"),
    ("Fais tourner la roue à la main.", "Faire tourner la roue à la main"),
    ("Veillez composer le code.", "Composer le code"),
])
def test_laisser_and_faire_before_an_infinitive_stay(speech, expected):
    """Session 40 left « Laisse tomber la vis » titled « Tomber la vis »: the verb that names the gesture is
    « laisser tomber » (« faire glisser »), not the infinitive alone."""
    assert title_from_text(speech) == expected


def test_a_key_term_that_is_a_verb_alone_is_in_the_infinitive():
    """Walk 40: « Passe suivi – composez »; a plural noun stays as said."""
    from media_pipeline.segmentation.titles import _verb_first

    assert [_verb_first(t) for t in ("composez", "tournez", "pierres", "joints", "robinet")] == [
        "composer", "tourner", "pierres", "joints", "robinet"]
