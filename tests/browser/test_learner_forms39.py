"""First-user walk 39, F12: the placement test (« Passer le positionnement », phone) sent without ranks showed
Chromium's own English bubble « Please select an item in the list. » (required selects). The learner's question
forms (placement, practice) are ``novalidate``: a French message in the page, under the question, and the focus
on the first field to fill."""

from __future__ import annotations

import pytest
from django.test import Client

from capsules.models import PlacementQuestion
from tests import factories, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _placement(live_server, phone_context, kind_fields: dict):
    block = factories.SkillsBlockFactory()
    footage = factories.FootageFactory(skills_block=block, duration=30.0)
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title="Changer le joint", order=0)
    pages.capsule_page(capsule)
    PlacementQuestion.objects.create(
        interaction=factories.InteractionFactory(capsule=capsule, **kind_fields), accepted=True)
    client = Client()
    client.force_login(factories.learner(username=f"rang39-{kind_fields['kind']}"))
    phone_context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                "url": live_server.url}])
    page = phone_context.new_page()
    page.goto(f"{live_server.url}{block.page.url}")
    page.get_by_role("link", name="Passer le positionnement").click()
    page.wait_for_url("**/positionnement/")
    return page


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind_fields, said", [
    ({"kind": "ordering", "prompt": "Remettez les étapes dans l'ordre.",
      "choices": [{"id": "s1", "text": "Couper l'eau"}, {"id": "s2", "text": "Dévisser"},
                  {"id": "s3", "text": "Changer le joint"}],
      "answer_key": {"order": ["s1", "s2", "s3"]}}, "Donnez un rang à chaque étape avant de valider."),
    ({"kind": "single_choice"}, "Choisissez une réponse avant de valider."),
    ({"kind": "cloze", "prompt": "Je change le ____.", "choices": [], "answer_key": {"blanks": [["joint"]]}},
     "Écrivez chaque mot manquant avant de valider."),
])
def test_a_question_sent_empty_is_told_in_french_in_the_page(live_server, phone_context, kind_fields, said):
    page = _placement(live_server, phone_context, kind_fields)
    form = page.locator("form.path-form")
    assert form.evaluate("f => f.noValidate"), "the browser's own (English) bubble would show"
    page.get_by_role("button", name="Valider et continuer").click()
    error = page.locator(".path-question .path-error")
    error.wait_for(state="visible")
    assert error.inner_text().strip() == said
    assert page.url.endswith("/positionnement/")
    first = page.locator(".path-question select, .path-question input:not([type=hidden])").first
    assert first.evaluate("e => e === document.activeElement")
    assert first.get_attribute("aria-invalid") == "true"
    # Then answered, the message goes and the answer is sent.
    if kind_fields["kind"] == "ordering":
        for n, select in enumerate(page.locator(".path-question select").all(), start=1):
            select.select_option(str(n))
    elif kind_fields["kind"] == "single_choice":
        page.get_by_label("Un marteau").check()
    else:
        page.get_by_label("Mot manquant 1").fill("joint")
    page.get_by_role("button", name="Valider et continuer").click()
    page.wait_for_url("**#parcours")
