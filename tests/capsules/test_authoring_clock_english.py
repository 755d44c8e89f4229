"""The capsule design screens' messages name a moment of the capsule with the tenth in the admin user's
language: « 0:04.5 » in English, « 0:04,5 » in French (walk en34: the step-time warnings, the range error
and the « Interaction added » message of capsules/authoring/capsule.py said « 0:12,0 » to an English
designer, beside the step list's « 0:12.0 »; the same rule as the templates' ``|clock_tenths``)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from capsules.authoring import capsule as authoring
from capsules.models import Footage, Interaction
from tests.factories import CapsuleFactory, FootageFactory, StepFactory, designer

pytestmark = pytest.mark.django_db


@pytest.fixture
def excerpt(db):
    """A capsule from 0:06 to 0:50 of a French footage: its clock reads 6 s less than the footage's."""
    footage = FootageFactory(
        duration=60.0, status=Footage.Status.APPROVED, renditions={"mp4": "f/clip.mp4"}, language="fr"
    )
    for i, (a, b, title) in enumerate(
        [(0.0, 6.0, "Avant"), (6.0, 18.0, "Préparer"), (18.0, 30.0, "Serrer l'écrou"), (30.0, 50.0, "Ranger")]
    ):
        StepFactory(footage=footage, order=i, start=a, end=b, title=title, approved=True)
    return CapsuleFactory(footage=footage, title="Changer une roue", start=6.0, end=50.0)


def _question(capsule, time, step_title):
    return Interaction.objects.create(
        capsule=capsule, time=time, kind="true_false", prompt="Vrai ?", answer_key={"correct": True},
        step=capsule.footage.steps.get(title=step_title),
    )


@pytest.mark.parametrize("lang, sep", [("en", "."), ("fr", ",")])
def test_the_authoring_messages_write_the_tenth_in_the_designer_s_language(excerpt, lang, sep):
    def t(text):
        return text.replace(",", sep)

    before = _question(excerpt, 10.5, "Serrer l'écrou")  # 0:04,5, before the step (0:12,0 – 0:24,0)
    after = _question(excerpt, 31.0, "Serrer l'écrou")  # 0:25,0, just after its end
    at_start = _question(excerpt, 6.0, "Préparer")  # 0:00,0, before anything was watched
    with translation.override(lang):
        assert authoring.capsule_clock_tenths(excerpt, 16.4) == t("0:10,4")
        warning = authoring.before_step_warning(before)
        assert t("0:04,5") in warning["message"] and t("0:12,0") in warning["message"]
        assert warning["step_end"] == t("0:24,0")
        assert t("(0:25,0)") in authoring.step_time_warning(after)
        assert t("(0:12,0 – 0:24,0)") in authoring.step_time_warning(after)
        assert t("0:00,0") in authoring.placement_warning(at_start)
        assert authoring.time_range_error(excerpt).endswith(t("(0:00,0 – 0:44,0)."))
        if lang == "en":
            assert "," not in authoring.time_range_error(excerpt)
    if lang == "fr":
        assert authoring.time_range_error(excerpt) == (
            "Le moment doit être entre 0 et 44,0 secondes depuis le début de la capsule (0:00,0 – 0:44,0).")


@pytest.mark.parametrize("lang, added", [
    ("en", "Interaction added: Single choice at 0:04.5."),
    ("fr", "Interaction ajoutée\u00a0: Choix unique à 0:04,5."),
])
def test_the_flashed_messages_write_the_tenth_in_the_designer_s_language(client, excerpt, lang, added):
    user = designer(username=f"horloge-{lang}")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = lang
    profile.save()
    client.force_login(user)
    serrer = excerpt.footage.steps.get(title="Serrer l'écrou")
    res = client.post(reverse("geste_interaction_add", args=[excerpt.pk]), {
        "kind": "single_choice", "prompt": "Quel outil ?", "choices": "* Une clé\nUn marteau", "mandatory": "on",
        "time": "4,5", "step": str(serrer.pk)})
    assert res.status_code == 302
    flashed = [str(m.message) for m in get_messages(res.wsgi_request)]
    assert flashed[0] == added
    sep = "." if lang == "en" else ","
    assert f"0:04{sep}5" in flashed[1] and f"0:12{sep}0" in flashed[1]
    res = client.post(reverse("geste_interaction_add", args=[excerpt.pk]), {
        "kind": "single_choice", "prompt": "Quel outil ?", "choices": "* Une clé\nUn marteau", "mandatory": "on",
        "time": "99"})
    assert res.status_code == 400
    assert f"(0:00{sep}0 – 0:44{sep}0)" in res.content.decode()
