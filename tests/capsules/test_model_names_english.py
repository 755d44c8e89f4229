"""What the admin writes for a question or an untitled step (its history, delete confirmations, choosers) names
its moment in the user's language: « Vrai ou faux at 0:04.5 » in English, « Vrai ou faux à 0:04,5 » in French
(session 34: ``Interaction.__str__`` said « à 0:04,5 » to an English designer whatever the language)."""

from __future__ import annotations

import pytest
from django.utils import translation

from capsules.models import Interaction
from tests.factories import CapsuleFactory, FootageFactory, StepFactory

pytestmark = pytest.mark.django_db


def test_interaction_name_follows_language():
    capsule = CapsuleFactory(footage=FootageFactory(duration=60.0))
    question = Interaction.objects.create(capsule=capsule, time=4.5, kind="true_false", prompt="Vrai ?",
                                          answer_key={"correct": True})
    with translation.override("fr"):
        fr = str(question)
    with translation.override("en"):
        en = str(question)
    assert fr.endswith(" à 0:04,5"), fr
    assert en.endswith(" at 0:04.5"), en
    assert " à " not in en


def test_untitled_step_name_follows_language():
    step = StepFactory(footage=FootageFactory(duration=60.0), order=0, start=1.0, end=3.5, title="")
    with translation.override("fr"):
        assert str(step) == "0:01,0 – 0:03,5"
    with translation.override("en"):
        assert str(step) == "0:01.0 – 0:03.5"


def test_form_numbers_follow_language():
    """A number of seconds or a zone coordinate put back in a form field: « 4,5 » in French, « 4.5 » in English
    (the server takes either)."""
    from capsules.templatetags.geste_clock import decimal_comma

    with translation.override("fr"):
        assert decimal_comma(4.5) == "4,5"
        assert decimal_comma(0.5525, 4) == "0,5525"
    with translation.override("en"):
        assert decimal_comma(4.5) == "4.5"
        assert decimal_comma(0.5525, 4) == "0.5525"
        assert decimal_comma("4,x") == "4,x"  # a typo sent back as typed
