"""A sentence said across a step's start titles that step when its own sentences give none and no other step's
title was made of it (walk 35, the real washer take in English: « I am putting clothes in the washer » began
1.7 s before step 2 and went on 2.3 s into it; step 2 stayed « Étape 2 »)."""

from media_pipeline.segmentation.titles import propose_title, propose_titles


def _said(*sentences, language="en") -> dict:
    words = []
    for start, text in sentences:
        parts = text.split()
        step = 0.6  # the real take: 5.19 -> 9.23 s
        words += [{"word": w, "start": start + step * i, "end": start + step * i + 0.4} for i, w in enumerate(parts)]
    return {"language": language, "segments": [{"start": words[0]["start"], "end": words[-1]["end"],
                                                "text": " ".join(t for _s, t in sentences), "words": words}]}


SPANS = [(0.0, 6.9), (6.9, 15.7), (15.7, 20.0)]


def test_the_sentence_said_across_a_start_titles_the_next_step():
    washer = _said((0.53, "I am opening the washer."), (5.19, "I am putting clothes in the washer."))
    assert propose_title(washer, 6.9, 15.7, index=2) == "Étape 2"  # on its own, the step has nothing
    assert propose_titles(washer, SPANS) == ["Open the washer", "Put clothes in the washer", "Étape 3"]


def test_a_sentence_already_used_titles_no_second_step():
    # Step 1's only sentence runs on into step 2: it titles step 1 alone (no two steps with one title).
    once = _said((4.0, "Je dévisse l'écrou du siphon avec la clé."), language="fr")
    titles = propose_titles(once, SPANS)
    assert titles[0].startswith("Dévisser l'écrou") and titles[1] == "Étape 2"


def test_a_sentence_mostly_in_the_earlier_step_stays_there():
    early = _said((0.5, "I am opening the washer."), (4.0, "I am putting clothes in the washer."))
    # 4.0-6.4 s: all of it inside step 1 (which took the first sentence); step 2 gets nothing from it.
    assert propose_titles(early, SPANS)[1] == "Étape 2"
