"""A learner completes a skills block (answers graded by the server, progress recorded through the
learner API from the browser session), sees the badge appear on the block page and in their portfolio,
checks it on the public verification page, shares the portfolio (link copied), and the link opens for
an anonymous visitor; on a desktop and at 360 px, where nothing is wider than the screen."""

from __future__ import annotations

import pytest
from django.test import Client

from capsules.learning import delivery
from capsules.models import Achievement, BadgeCredential, Step
from tests import factories, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

API = """async ([progressUrl, answerUrl, choice]) => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const send = (url, body) => fetch(url, {method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}, body: JSON.stringify(body)})
    .then(r => r.json());
  await send(progressUrl, {position: 20, watched: [[0, 20]]});
  return send(answerUrl, {response: {choice}, client_id: crypto.randomUUID()});
}"""


@pytest.fixture
def block(storage_root):
    block = factories.SkillsBlockFactory()
    footage = factories.FootageFactory(skills_block=block, duration=20.0)
    Step.objects.create(footage=footage, order=0, start=0, end=10, title="Serrer le joint", approved=True)
    capsule = factories.CapsuleFactory(footage=footage, title="Remplacer un joint")
    question = factories.InteractionFactory(capsule=capsule, mandatory=True)
    capsule_page = pages.capsule_page(capsule)
    Achievement.objects.create(skills_block=block, name="Badge plomberie sanitaire", description="Joints et robinets.",
                               criteria_narrative="Capsules terminées, questions obligatoires réussies.")
    return {"capsule": capsule, "question": question, "block_url": capsule_page.get_parent().url}


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_learner_earns_badge_and_shares_portfolio(live_server, browser, block, screen):
    learner = factories.learner(first_name="Léa", last_name="Apprenante")
    client = Client()
    client.force_login(learner)
    size = {"width": 360, "height": 740} if screen == "phone" else {"width": 1280, "height": 800}
    ctx = browser.new_context(locale="fr-FR", viewport=size, is_mobile=screen == "phone", has_touch=screen == "phone",
                              permissions=["clipboard-read", "clipboard-write"])
    ctx.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + block["block_url"])  # the block says which badge it leads to, and how
    assert "Badge du bloc «\u00a0Badge plomberie sanitaire\u00a0»" in page.inner_text(".block-badge")
    assert "Pour l'obtenir\u00a0: Capsules terminées" in page.inner_text(".block-badge")
    # Signed in: where this learner stands, the mandatory question named with a link to its moment.
    status = page.locator(".block-badge .badge-status")
    assert "Badge pas encore obtenu" in status.inner_text()
    status.locator("summary", has_text="1 question obligatoire à réussir").click()  # the list behind one line
    assert "« Quel outil faut-il pour serrer l'écrou ? » — Remplacer un joint, à 0:05 : pas encore répondue" \
        in status.inner_text().replace("\xa0", " ")
    assert status.locator("a").get_attribute("href") == block["capsule"].page.url + "#t=5"  # at the question
    page.goto(f"{live_server.url}/reconnaissance/portfolio/")
    assert "Aucun badge pour l'instant." in page.inner_text("main")
    capsule, question = block["capsule"], block["question"]
    # the learner API speaks this learner's opaque choice ids (capsules/learning/delivery.py)
    choice = delivery.response_to_public(question, {"choice": "a"}, delivery.audience_for(learner))["choice"]
    result = page.evaluate(API, [f"/api/learner/capsules/{capsule.pk}/progress",
                                 f"/api/learner/interactions/{question.pk}/answer", choice])
    assert result["correct"] is True and result["completed"] is True

    page.goto(live_server.url + block["block_url"])
    assert "Badge obtenu" in page.inner_text(".block-badge")
    page.click("text=mon portfolio")
    card = page.locator(".badge-card")
    card.wait_for()
    assert "Badge plomberie sanitaire" in card.inner_text()
    assert "Remplacer un joint" in page.inner_text(".capsules-done")
    credential = BadgeCredential.objects.get(user=learner)

    card.locator("a").click()
    page.wait_for_selector("[data-verified='true']")
    assert "Badge vérifié" in page.inner_text(".verdict")
    page.go_back()

    page.fill("#share-label", "Employeur")
    page.select_option("#share-days", "7")
    page.click("text=Créer un lien de partage")
    link = page.input_value("#share-link")
    assert "/reconnaissance/partage/" in link
    # Keyboard focus is on the one-time link (selected), the "Copier le lien" button next in tab order.
    assert page.evaluate("document.activeElement.id") == "share-link"
    assert page.evaluate("(() => { const i = document.activeElement; return i.selectionEnd - i.selectionStart; })()") \
        == len(link)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Copier le lien"
    page.click("text=Copier le lien")
    page.wait_for_selector("#share-link-status:has-text('Lien copié.')")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]  # nothing wider than the screen
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    anonymous = browser.new_context(locale="fr-FR", viewport=size)
    visitor = anonymous.new_page()
    visitor.goto(live_server.url + path)
    assert "Portfolio de Léa Apprenante" in visitor.inner_text("h1")
    assert "Badge plomberie sanitaire" in visitor.inner_text(".badges")
    visitor.click(".badge-card a")
    visitor.wait_for_selector("[data-verified='true']")
    assert str(credential.uuid) in visitor.url

    page.goto(f"{live_server.url}/reconnaissance/portfolio/")
    page.click("text=Révoquer")
    visitor.goto(live_server.url + path)
    assert "Lien de partage invalide" in visitor.inner_text("h1")
    visitor.goto(f"{live_server.url}/reconnaissance/portfolio/")  # someone else's portfolio: sign in first
    assert "/compte/connexion/" in visitor.url
    assert errors == []
    anonymous.close()
    ctx.close()
