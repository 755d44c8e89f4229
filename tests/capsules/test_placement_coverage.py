"""First-user walk: a newly published capsule had no placement question. The test asked « Question 1 sur 2 »,
both from another capsule, and nothing told the learner (nor the designer) that the new capsule cannot be
recognised by the placement and stays to follow. The placement's intro and result say which capsules the test
cannot assess; the designers' selection screen warns about published capsules with no placement question."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Interaction, PlacementQuestion
from tests import factories, pages
from tests.capsules.test_admin_english import english

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _capsule(block, title, order, publish=True):
    footage = factories.FootageFactory(skills_block=block, duration=60.0)
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title=title, order=order)
    pages.capsule_page(capsule, publish=publish)
    return capsule


@pytest.fixture
def world():
    """A live block: A with two placement questions; « Nouvelle » published with a graded question not chosen for
    placement; « Sans question » published with no graded question at all; « Brouillon » not published."""
    block = factories.SkillsBlockFactory()
    a = _capsule(block, "A — couper l'eau", 0)
    for kind, key in (("single_choice", None), ("true_false", {"correct": True})):
        inter = factories.InteractionFactory(capsule=a, kind=kind, **({"answer_key": key} if key else {}))
        PlacementQuestion.objects.create(interaction=inter, accepted=True)
    new = _capsule(block, "Nouvelle — purger", 1)
    factories.InteractionFactory(capsule=new)  # graded, accepted, but not chosen for placement
    bare = _capsule(block, "Sans question — ranger", 2)
    factories.InteractionFactory(capsule=bare, kind="observe")
    draft = _capsule(block, "Brouillon — essai", 3, publish=False)
    return block, {"a": a, "new": new, "bare": bare, "draft": draft}


LEARNER = {
    "fr": "Le positionnement ne peut pas évaluer les capsules Nouvelle — purger, Sans question — ranger (elles "
          "n'ont pas de question de positionnement) : elles restent à suivre dans votre parcours.",
    "en": "The placement test cannot assess the capsules Nouvelle — purger, Sans question — ranger (they have no "
          "placement question): they stay in your path, to follow.",
}


def _answer(client, url, right=True):
    asked = Interaction.objects.get(pk=int(client.get(url).context["question"].id))
    data = {"interaction": asked.pk}
    if asked.kind == "single_choice":
        data["choice"] = "a" if right else "b"
    else:
        data["value"] = "true" if right else "false"
    return client.post(url, data)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_placement_intro_and_result_name_the_capsules_the_test_cannot_assess(world, lang):
    block, caps = world
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(factories.learner())
    url = reverse("learner-placement", args=[block.pk])
    intro = client.get(url)
    text = _text(intro)
    assert ("Question 1 sur 2" if lang == "fr" else "Question 1 of 2") in text  # the questions asked are unchanged
    assert LEARNER[lang] in text, text
    assert "Brouillon" not in text  # a capsule learners cannot see is not named
    _answer(client, url)
    _answer(client, url)
    landed = client.get(url, follow=True)
    assert landed.redirect_chain[-1][0].endswith(block.page.url + "#parcours")
    result = _text(landed).split("Mon parcours" if lang == "fr" else "My path")[1]
    assert LEARNER[lang] in result, result


def test_many_capsules_the_test_cannot_assess_are_counted(world):
    block, caps = world
    for n in range(2):
        _capsule(block, f"Ajout {n}", 10 + n)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(factories.learner())
    text = _text(client.get(reverse("learner-placement", args=[block.pk])))
    assert ("Le positionnement ne peut pas évaluer 4 capsules de ce bloc (elles n'ont pas de question de "
            "positionnement) : elles restent à suivre dans votre parcours.") in text, text


def test_every_capsule_assessed_says_nothing(world):
    block, caps = world
    for key in ("new", "bare"):
        caps[key].page.unpublish()
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(factories.learner())
    text = _text(client.get(reverse("learner-placement", args=[block.pk])))
    assert "Question 1 sur 2" in text and "ne peut pas évaluer" not in text


ADMIN = {
    "fr": ("2 capsules publiées n'ont aucune question de positionnement : le test ne peut pas les reconnaître "
           "comme acquises, elles restent à suivre pour tous les apprenants.",
           "choisir une question ci-dessous", "ajouter une question notée"),
    "en": ("2 published capsules have no placement question: the test cannot recognise them as acquired, they "
           "stay to follow for every learner.", "choose a question below", "add a graded question"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_selection_screen_warns_about_published_capsules_with_no_placement_question(world, lang):
    block, caps = world
    user = factories.designer()
    if lang == "en":
        english(user)
    client = Client()
    client.force_login(user)
    url = reverse("geste_placement_selection", args=[block.pk])
    html = client.get(url).content.decode()
    # the screen names its block (« block » in a template is Django's block tag: the code was missing)
    assert re.search(rf"<title>[^<]*{block.code}", html)
    warning = re.search(r'<div class="help-block help-warning"[^>]*data-role="placement-missing".*?</div>', html, re.S)
    assert warning, html
    box = warning.group(0)
    said, choose, add = ADMIN[lang]
    assert said in _text_of(box), box
    assert caps["new"].title in box and caps["bare"].title in box
    assert caps["a"].title not in box and caps["draft"].title not in box
    # the capsule with graded questions: chosen on this screen (its fieldset); the other: add one on its design page
    assert re.search(rf'<a href="#capsule-{caps["new"].pk}">{choose}</a>', box), box
    assert f'id="capsule-{caps["new"].pk}"' in html
    edit = reverse("geste_capsule_edit", args=[caps["bare"].pk]) + "#add"
    assert re.search(rf'<a href="{re.escape(edit)}">{add}</a>', box), box

    # Proposed, not yet saved: still warned (only accepted questions are asked); saved: the warning goes.
    client.post(url, {"draft": "1"})
    assert 'data-role="placement-missing"' in client.get(url).content.decode()
    ids = [str(i) for i in PlacementQuestion.objects.filter(interaction__capsule__skills_block=block)
           .values_list("interaction_id", flat=True)]
    client.post(url, {"interaction": ids})
    html = client.get(url).content.decode()
    box = re.search(r'data-role="placement-missing".*?</div>', html, re.S).group(0)
    assert caps["new"].title not in box and caps["bare"].title in box


def _text_of(body: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())
