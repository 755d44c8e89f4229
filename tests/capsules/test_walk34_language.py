"""First-user walk 34, admin screens in English: the footage page listed « Étape 2 (confidence 0.89) » (a step the
pipeline could not name, stored « Étape 2 », is "Step 2" in English, as on the review screen); the upload page's
commentary-language choice offered « Français » beside "English" and "Automatic detection" (now "French"); the
capsule editor's help under the time field said « from 0 to 68,002 s » (now the capsule's length to the tenth,
« 68.0 » / « 68,0 », like its range error). French stays as it was, but for the tenth."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from capsules.models import Footage, Step
from tests import factories
from tests.capsules.test_footage_admin import footage  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _user(lang: str, make=factories.designer, name="walk34"):
    user = make(username=f"{name}-{lang}")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = lang
    profile.save()
    return user


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_footage_page_names_a_default_step_in_the_page_s_language(client, footage, lang):  # noqa: F811
    Step.objects.create(footage=footage, order=0, start=0.0, end=2.0, title="Couper l'eau", confidence=0.95)
    Step.objects.create(footage=footage, order=1, start=2.0, end=4.0, title="Étape 2", confidence=0.89)
    Step.objects.create(footage=footage, order=2, start=4.0, end=5.0, title="")
    client.force_login(_user(lang))
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    steps = re.search(r'<ol class="geste-steps">(.*?)</ol>', body, re.S).group(1)
    assert "Couper l" in steps
    if lang == "en":
        assert "Step 2 <small>(confidence 0.89)" in steps and "Étape" not in steps, steps
        assert "(untitled)" in steps
    else:
        assert "Étape 2 <small>(confiance 0,89)" in steps and "(sans titre)" in steps, steps


@pytest.mark.parametrize("lang, french, english", [("fr", "Français", "Anglais"), ("en", "French", "English")])
def test_the_upload_page_s_commentary_languages_are_named_in_the_page_s_language(client, lang, french, english):
    client.force_login(_user(lang))
    body = client.get(reverse("geste_upload")).content.decode()
    select = re.search(r'<select id="gu-lang".*?</select>', body, re.S).group(0)
    assert f'<option value="fr" selected>{french}</option>' in select, select
    assert f'<option value="en">{english}</option>' in select, select
    if lang == "en":
        assert "Français" not in select


@pytest.mark.parametrize("lang, help_text", [
    ("en", "From the start of the capsule, from 0 to 44.0 s:"),
    ("fr", "Depuis le début de la capsule, de 0 à 44,0 s&nbsp;:"),
])
def test_the_time_help_gives_the_capsule_s_length_to_the_tenth(client, lang, help_text):
    clip = factories.FootageFactory(duration=60.0, status=Footage.Status.APPROVED,
                                    renditions={"mp4": "f/clip.mp4"}, language="fr")
    for i, (a, b, title) in enumerate([(0.0, 6.0, "Avant"), (6.0, 30.0, "Préparer"), (30.0, 55.0, "Ranger")]):
        factories.StepFactory(footage=clip, order=i, start=a, end=b, title=title, approved=True)
    capsule = factories.CapsuleFactory(footage=clip, title="Changer une roue", start=6.0, end=50.002)
    client.force_login(_user(lang, name="aide34"))
    res = client.post(reverse("geste_interaction_add", args=[capsule.pk]), {
        "kind": "single_choice", "prompt": "Quel outil ?", "choices": "* Une clé\nUn marteau", "time": "99"})
    assert res.status_code == 400
    body = res.content.decode()
    assert help_text in body, re.search(r'id="id_time_help">(.*?)<', body, re.S).group(1)
    assert "44,002" not in body and "44.002 s" not in body
