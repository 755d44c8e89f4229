"""A first user's walk of the learner journey (walk 26), in Chromium:

1. the placement test, by keyboard: after each answer the next question's page came back with the focus at
   the top of the page (the whole page to tab through again). Now the focus is on the next question's
   heading « Question N sur M », and at the end on the placement's result on the block page.
"""

from __future__ import annotations

import pytest
from django.test import Client

from capsules.models import PlacementQuestion
from tests import factories, pages
from tests.browser.test_player import built_player  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page) -> dict:
    return page.evaluate("""() => { const a = document.activeElement;
        return {tag: a.tagName, id: a.id, cls: a.className, text: (a.innerText || '').trim()}; }""")


@pytest.mark.timeout(120)
def test_placement_keeps_the_focus_on_the_next_question_then_on_the_result(live_server, phone_context,
                                                                           built_player):  # noqa: F811
    block = factories.SkillsBlockFactory()
    caps = []
    for i, title in enumerate(["Choisir la clé", "Serrer au couple"]):
        footage = factories.FootageFactory(skills_block=block, duration=30.0)
        capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title=title, order=i)
        pages.capsule_page(capsule)
        PlacementQuestion.objects.create(interaction=factories.InteractionFactory(capsule=capsule), accepted=True)
        caps.append(capsule)
    learner = factories.learner(username="focus26")
    client = Client()
    client.force_login(learner)
    phone_context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                "url": live_server.url}])
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{block.page.url}")
    page.get_by_role("link", name="Passer le positionnement").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/positionnement/")
    # The first question: the page's intro is read first (the focus is not moved past it).
    assert _focused(page)["tag"] == "BODY"
    page.get_by_label("Une clé dynamométrique").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Question 2 sur 2" in page.inner_text("main")
    focused = _focused(page)
    assert focused["text"] == "Question 2 sur 2", focused
    assert page.evaluate("document.activeElement.getAttribute('tabindex')") == "-1"
    # From there, Tab goes into the question (its first answer), not through the page's header again.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('fieldset.path-question') !== null")
    page.get_by_label("Un marteau").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**#parcours")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.path-placement-result')")
    focused = _focused(page)
    assert "Résultat du positionnement : 1 bonne réponse sur 2." in focused["text"], focused
    assert not errors, errors
