"""A first user's walk of the learner journey (walk 26), in Chromium:

1. the placement test, by keyboard: after each answer the next question's page came back with the focus at
   the top of the page (the whole page to tab through again). Now the focus is on the next question's
   heading « Question N sur M », and at the end on the placement's result on the block page.
2. the player's end panel offered two links to the same block page (« Retour au bloc : … » and the badge's
   « Page du bloc de compétences »): one is left.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from capsules.models import Achievement, Attempt, PlacementQuestion, Progress
from tests import factories, pages
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"


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
    assert "Résultat du positionnement\u00a0: 1 bonne réponse sur 2." in focused["text"], focused
    assert not errors, errors


@pytest.mark.timeout(180)
def test_end_panel_links_the_block_page_once(live_server, phone_context, published):  # noqa: F811
    """The block has a badge: its box on the end panel carried « Page du bloc de compétences » next to the
    actions' « Retour au bloc : … », two links to the same page."""
    Achievement.objects.create(skills_block=published["capsule"].skills_block, name="Plomberie", description="d",
                               criteria_narrative="Toutes les capsules, 100 % au premier essai.",
                               min_first_try_score=100, require_mandatory_correct=True)
    learner = factories.learner(username="fin26")
    now = datetime.now(UTC) - timedelta(minutes=2)
    for n, key in enumerate(("q1", "q2")):  # wrong at the first try: the badge is not earned
        Attempt.objects.create(user=learner, interaction=published[key], response={}, correct=False, score=0,
                               answered_at=now + timedelta(seconds=n))
    Progress.objects.create(user=learner, capsule=published["capsule"], position=12.0, watched=[[0, 12]],
                            watched_fraction=1.0, completed=True, completed_at=now + timedelta(seconds=5))
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.ended()")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge", timeout=10000)
    block = published["page"].get_parent()
    links = page.eval_on_selector_all(".gp-end a", "as => as.map(a => [a.getAttribute('href'), a.innerText])")
    to_block = [text for href, text in links if href == block.url]
    assert to_block == [f"Retour au bloc\u00a0: {block.title}"], links
    assert "Badge du bloc pas encore obtenu" in page.inner_text(".gp-end .gp-badge")
    leave(page)
