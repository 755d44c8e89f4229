"""Step titles only from words Whisper is sure of (first-user walk: « Commer avec toute centrale… », misheard
words, became a step's title on the review screen and in the player)."""

import pytest

from media_pipeline.segmentation.titles import (
    TITLE_MIN_PROBABILITY,
    key_terms,
    propose_title,
    propose_titles,
    title_from_text,
    title_source_words,
)

SURE, UNSURE = 0.95, 0.1


def _said(*sentences, language="fr") -> dict:
    """Sentences as (start, [(word, probability or None), ...]); None leaves the probability out."""
    words = []
    for start, said in sentences:
        for i, (word, p) in enumerate(said):
            w = {"word": word, "start": start + 0.4 * i, "end": start + 0.4 * i + 0.3}
            if p is not None:
                w["probability"] = p
            words.append(w)
    return {"language": language, "segments": [{"start": words[0]["start"], "end": words[-1]["end"],
                                                "text": " ".join(w["word"] for w in words), "words": words}]}


def _sure(text: str, p=SURE):
    return [(w, p) for w in text.split()]


def test_the_thresholds_sit_on_either_side():
    assert UNSURE < TITLE_MIN_PROBABILITY <= SURE


def test_misheard_title_words_give_no_title_from_that_sentence():
    misheard = _said((0.0, [("Comme", 0.2), ("avec", 0.4), ("toute", 0.3), ("centrale.", 0.15)]))
    assert propose_title(misheard, 0.0, 5.0, index=2) == "Étape 2"
    assert propose_titles(misheard, [(0.0, 5.0)]) == ["Étape 1"]


def test_a_confident_later_sentence_gives_the_title():
    said = _said((0.0, [("Ensuite,", SURE), ("je", SURE), ("comme", UNSURE), ("toute", UNSURE),
                        ("centrale.", UNSURE)]),
                 (3.0, _sure("Je visse la plaque avec le tournevis.")))
    assert propose_title(said, 0.0, 8.0, index=1) == "Visser la plaque avec le tournevis"
    assert propose_titles(said, [(0.0, 8.0)]) == ["Visser la plaque avec le tournevis"]


def test_one_unsure_word_in_the_title_is_enough_but_words_left_out_of_it_do_not_count():
    unsure_in = _said((0.0, [("Je", SURE), ("visse", SURE), ("la", SURE), ("plaque", UNSURE), ("avec", SURE),
                             ("le", SURE), ("tournevis.", SURE)]))
    assert propose_title(unsure_in, 0.0, 5.0, index=1) != "Visser la plaque avec le tournevis"
    # « euh » and the subject are dropped from the title: Whisper's doubt about them changes nothing.
    unsure_out = _said((0.0, [("Euh,", UNSURE), ("je", UNSURE), ("visse", SURE), ("la", SURE), ("plaque.", SURE)]))
    assert propose_title(unsure_out, 0.0, 5.0, index=1) == "Visser la plaque"


def test_the_verb_put_in_the_infinitive_is_traced_back_to_the_word_said():
    words = [{"word": w, "probability": p} for w, p in
             [("Alors", SURE), ("je", SURE), ("trace", UNSURE), ("le", SURE), ("repère.", SURE)]]
    assert [w["word"] for w in title_source_words("Tracer le repère", words)] == ["trace", "le", "repère."]
    assert [w["word"] for w in title_source_words("Tracer", words[:3])] == ["trace"]


def test_all_unsure_falls_back_to_the_step_number():
    said = _said((0.0, [(w, UNSURE) for w in "Je coupe le fil électrique rouge.".split()]),
                 (3.0, [(w, UNSURE) for w in "Puis je dénude le câble souple.".split()]))
    assert propose_title(said, 0.0, 8.0, index=3) == "Étape 3"
    assert propose_titles(said, [(0.0, 8.0)]) == ["Étape 1"]
    assert key_terms(said, 0.0, 8.0) == []


def test_key_terms_skip_unsure_words():
    words = _sure("Le câble électrique passe dans la gaine.") + _sure("Le câble électrique reste dans la")
    words.append(("centrale.", UNSURE))
    said = _said((0.0, words))
    sure = _said((0.0, _sure("Le câble électrique passe dans la gaine.") + _sure(
        "Le câble électrique reste dans la centrale.")))
    assert any("centrale" in t for t in key_terms(sure, 0.0, 9.0, top=5))
    terms = key_terms(said, 0.0, 9.0, top=5)
    assert terms and not any("centrale" in t for t in terms)
    assert any("câble" in t for t in terms)


def test_a_word_heard_surely_once_in_the_step_stays_a_key_term():
    said = _said((0.0, _sure("Je serre le raccord du siphon.") + [("Le", SURE), ("raccord", UNSURE),
                                                                   ("tient", SURE), ("bien.", SURE)]))
    assert any("raccord" in t for t in key_terms(said, 0.0, 9.0, top=5))


def test_transcripts_without_probabilities_behave_as_before():
    old = _said((0.0, _sure("Ensuite, je visse la plaque avec le tournevis.", None)))
    assert "probability" not in old["segments"][0]["words"][0]
    assert propose_title(old, 0.0, 5.0, index=1) == "Visser la plaque avec le tournevis"
    assert propose_titles(old, [(0.0, 5.0)]) == ["Visser la plaque avec le tournevis"]
    assert key_terms(old, 0.0, 5.0)


def test_the_sentence_said_across_a_start_needs_sure_words_too():
    across = _said((0.5, _sure("Je prends la clé.")), (5.5, [(w, UNSURE) for w in
                                                             "Je comme avec toute centrale.".split()]))
    assert propose_titles(across, [(0.0, 6.0), (6.0, 12.0)]) == ["Prendre la clé", "Étape 2"]


@pytest.mark.parametrize("said, title", [
    ("Je rouvre l'eau.", "Rouvrir l'eau"),  # was « Rouvrer l'eau » (the demo's fourth step)
    ("Comme avec toute centrale.", "Comme avec toute centrale"),  # was « Commer … » (walk 38)
    ("Personne ne bouge la vanne.", "Personne ne bouge la vanne"),  # was « Personner … »
    ("Je trace la ligne.", "Tracer la ligne"),  # a first-group verb simplemma leaves as it is
    ("On tourne la vanne.", "Tourner la vanne"),
])
def test_a_word_ending_in_e_becomes_an_infinitive_only_when_that_is_a_french_verb(said, title):
    assert title_from_text(said) == title
