"""The demo expert's step titles say what the craftsman says in each gesture.

Walk 30: the first gesture's commentary says « Je coupe l'arrivée d'eau. » then « Avec la clé, je démonte
la tête du robinet. », titled « Démonter la tête du robinet à la clé »; the last says « Je rouvre l'eau et
je vérifie l'étanchéité. », titled « Contrôler l'étanchéité »: a learner reading the step list missed half
of what is said and done.
"""

from __future__ import annotations

import re

from capsules import demo

# The infinitives a title may use for each verb the craftsman says (« je coupe » -> « Couper »).
SAID_VERBS = {
    "coupe": ("couper",), "démonte": ("démonter",), "retire": ("retirer",), "pose": ("poser",),
    "remonte": ("remonter",), "rouvre": ("rouvrir",), "vérifie": ("vérifier", "contrôler"),
}


def said_verbs(sentence: str) -> list[str]:
    return re.findall(r"\bje (\w+)", sentence.lower())


def test_each_demo_title_names_every_gesture_said_in_its_step():
    assert len(demo.DEMO_STEP_TITLES) == len(demo.DEMO_COMMENTARY)
    for title, sentences in zip(demo.DEMO_STEP_TITLES, demo.DEMO_COMMENTARY, strict=True):
        verbs = [verb for sentence in sentences for verb in said_verbs(sentence)]
        assert verbs, sentences
        for verb in verbs:
            assert any(infinitive in title.lower() for infinitive in SAID_VERBS[verb]), (verb, title)
