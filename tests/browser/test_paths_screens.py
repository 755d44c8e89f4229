"""The screens of individual paths as a first user meets them, on a 360-px phone and on a desktop, by
keyboard only: placement (choice, ranks, picture), the path, practice, and the trainer's indicators.

Every learner page fits the phone's width, has no inline script and no WCAG A/AA violation (axe-core);
the trainer's pages fit too. With GESTE_SCREENSHOTS set, screenshots go there for a human look.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from playwright.sync_api import expect

from capsules.learning import practice
from capsules.models import Attempt, Capsule, Cohort, Interaction, PlacementQuestion, PracticeReview, Progress
from tests import factories, pages
from tests.browser.learner_capsule import publish_capsule
from tests.browser.test_player import accessibility_violations, built_player, capsule_media  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("GESTE_SCREENSHOTS")
ORDER = [{"id": "s1", "text": "Couper l'eau"}, {"id": "s2", "text": "Dévisser l'écrou"},
         {"id": "s3", "text": "Changer le joint"}]


def shot(page, name: str, tall: bool = False) -> None:
    """``tall``: the admin scrolls inside its own container, so the viewport is stretched for the picture."""
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        size = page.viewport_size
        if tall:
            page.set_viewport_size({"width": size["width"], "height": 2600})
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
        if tall:
            page.set_viewport_size(size)


def check_learner_page(page, phone: bool) -> None:
    assert page.evaluate("[...document.scripts].every(s => s.src)"), "inline <script> found"
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert accessibility_violations(page) == []


def press_tab_until(page, predicate_js: str, limit: int = 40) -> None:
    """Tab through the page until the focused element matches (keyboard only, as a first user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => !!el && ({predicate_js}))(document.activeElement)"):
            return
    raise AssertionError(f"never focused: {predicate_js}")


@pytest.fixture
def world(capsule_media, storage_root, built_player):  # noqa: F811
    real = publish_capsule(capsule_media, storage_root)
    block = real["capsule"].skills_block
    Capsule.objects.filter(pk=real["capsule"].pk).update(order=2)
    caps = []
    for i, title in enumerate(["Choisir la clé", "Remplacer un joint"]):
        footage = factories.FootageFactory(skills_block=block, duration=90.0 + 60 * i)
        capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title=title, order=i)
        pages.capsule_page(capsule)
        caps.append(capsule)
    known = factories.InteractionFactory(capsule=caps[0])
    ordering = factories.InteractionFactory(capsule=caps[1], kind="ordering", choices=ORDER,
                                            answer_key={"order": ["s1", "s2", "s3"]},
                                            prompt="Remettez les gestes dans l'ordre")
    hotspot = Interaction.objects.create(
        capsule=real["capsule"], time=5.0, kind="hotspot", step=real["steps"][1],
        prompt="Touchez l'écrou à dévisser", image=f"{real['prefix']}/step1.jpg",
        answer_key={"regions": [{"rect": [0.3, 0.3, 0.4, 0.4]}]})
    for i, inter in enumerate((known, ordering, hotspot)):
        PlacementQuestion.objects.create(interaction=inter, accepted=True, order=i)
    return {"block": block, "caps": caps, "real": real, "ordering": ordering, "hotspot": hotspot}


def log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_paths_screens_by_keyboard(live_server, browser, world, device):
    phone = device == "phone"
    viewport = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(locale="fr-FR", viewport=viewport, has_touch=phone)
    learner = factories.learner(first_name="Inès", last_name="Martin")
    log_in(context, live_server, learner)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    block = world["block"]

    # The block page: the path, and placement offered.
    page.goto(live_server.url + block.page.url)
    check_learner_page(page, phone)
    shot(page, f"{device}-01-bloc")
    press_tab_until(page, "el.textContent.trim() === 'Passer le positionnement'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/positionnement/")

    # Question 1: a choice (right), by keyboard. The block is named.
    assert f"{block.code} — {block.title}" in page.inner_text("main")
    check_learner_page(page, phone)
    shot(page, f"{device}-02-positionnement-choix")
    press_tab_until(page, "el.type === 'radio'")
    page.keyboard.press("ArrowDown")  # the radio group: arrows move and pick
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.closest('label').textContent.includes('Une clé dynamométrique')") \
        or page.evaluate("document.activeElement.closest('label').textContent.includes('Un marteau')")
    page.get_by_label("Une clé dynamométrique").focus()  # labels are shuffled per learner: pick the right one
    page.keyboard.press("Space")
    press_tab_until(page, "el.type === 'submit'")
    with page.expect_navigation():  # a form post or a link: wait for the next page, not the current one
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    # Question 2: ranks with the keyboard (select: type the digit), the right order.
    assert "Question 2 sur 3" in page.inner_text("main")
    check_learner_page(page, phone)
    shot(page, f"{device}-03-positionnement-ordre")
    for label, rank in {"Couper l'eau": "1", "Dévisser l'écrou": "2", "Changer le joint": "3"}.items():
        page.get_by_label(label).focus()
        page.keyboard.type(rank)
    press_tab_until(page, "el.type === 'submit'")
    with page.expect_navigation():  # a form post or a link: wait for the next page, not the current one
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    # Question 3: the picture, marker moved with the arrow keys, a wrong place (top-left corner).
    assert "Question 3 sur 3" in page.inner_text("main")
    press_tab_until(page, "el.classList.contains('path-hotspot')")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowLeft")
        page.keyboard.press("Shift+ArrowUp")
    assert page.locator(".path-marker").is_visible()
    check_learner_page(page, phone)
    shot(page, f"{device}-04-positionnement-image")
    press_tab_until(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**#parcours")

    # The path: what remains (the capsule of the missed picture), what is acquired, and time saved.
    path = page.inner_text("#parcours")
    assert "Acquis au positionnement" in path
    assert "2 acquises au positionnement" in page.inner_text("main > p.meta")
    assert page.locator(".capsules .badge", has_text="Acquis au positionnement").count() == 2
    assert page.evaluate("getComputedStyle(document.querySelector('.path-remaining')).paddingLeft") == "0px"
    remaining = page.inner_text(".path-remaining")
    assert world["real"]["capsule"].title in remaining and "Choisir la clé" not in remaining
    check_learner_page(page, phone)
    shot(page, f"{device}-05-parcours")

    # Practice: the ordering capsule was trained two days ago with a wrong first try.
    two_days = datetime.now(UTC) - timedelta(days=2)
    Attempt.objects.create(user=learner, interaction=world["ordering"], response={}, correct=False, score=0,
                           answered_at=two_days)
    Progress.objects.create(user=learner, capsule=world["caps"][1], watched=[[0, 150]], watched_fraction=1,
                            completed=True, completed_at=two_days)
    practice.ensure_cards(learner)
    page.goto(live_server.url + block.page.url)
    press_tab_until(page, "el.textContent.includes('Entraînement')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/entrainement/")
    check_learner_page(page, phone)
    shot(page, f"{device}-06-entrainement")
    for label, rank in {"Couper l'eau": "1", "Dévisser l'écrou": "2", "Changer le joint": "3"}.items():
        page.get_by_label(label).focus()
        page.keyboard.type(rank)
    press_tab_until(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    expect(page.locator(".path-feedback")).to_contain_text("Bonne réponse.")
    check_learner_page(page, phone)
    shot(page, f"{device}-07-entrainement-reponse")
    assert PracticeReview.objects.filter(user=learner).count() == 1
    assert not errors
    context.close()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_trainer_indicators_screens(live_server, browser, world, device):
    phone = device == "phone"
    viewport = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 800}
    block = world["block"]
    trainer = factories.UserFactory(groups=["Trainers"], username=f"formatrice-{uuid.uuid4().hex[:6]}",
                                    first_name="Awa", last_name="Diallo")
    trainer.set_password("motdepasse-geste")
    trainer.save()
    learners = [factories.learner(first_name=n, last_name="Test") for n in ("Inès", "Paul", "Zoé")]
    cohort = Cohort.objects.create(name="Session de printemps", skills_block=block,
                                   start_date=date.today() - timedelta(days=20),
                                   end_date=date.today() + timedelta(days=20))
    cohort.trainers.add(trainer)
    cohort.learners.add(*learners)
    day = datetime.now(UTC) - timedelta(days=12)
    for i, u in enumerate(learners[:2]):
        Progress.objects.create(user=u, capsule=world["caps"][i], watched=[[0, 80]], watched_fraction=0.9,
                                completed=True, completed_at=day + timedelta(days=7 * i))
        Attempt.objects.create(user=u, interaction=world["ordering"], response={}, correct=bool(i), score=i,
                               answered_at=day)
    context = browser.new_context(locale="fr-FR", viewport=viewport, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/login/")
    page.focus("input[name=username]")
    page.keyboard.type(trainer.username)
    page.focus("input[name=password]")
    page.keyboard.type("motdepasse-geste")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    # From the admin's menu, by keyboard, to 'Sessions de formation' (on a phone, open the menu first).
    if phone:
        press_tab_until(page, "el.getAttribute('aria-label') === 'Afficher/masquer la barre latérale'")
        page.keyboard.press("Enter")
        shot(page, f"{device}-09-formateur-menu")
    press_tab_until(page, "el.textContent.trim() === 'Sessions de formation'", limit=80)
    page.keyboard.press("Enter")
    page.wait_for_url("**/geste/sessions/")
    shot(page, f"{device}-10-formateur-sessions")
    assert "Session de printemps" in page.inner_text("main")
    page.get_by_role("link", name="Session de printemps").focus()
    with page.expect_navigation():  # a form post or a link: wait for the next page, not the current one
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    main = page.inner_text("main")
    assert "Indicateurs d'efficacité" in main and "Réussite au premier essai" in main
    shot(page, f"{device}-11-formateur-indicateurs", tall=True)
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The designers' reports are refused, with the way to the trainer's own indicators.
    page.goto(f"{live_server.url}/admin/geste/rapports/")
    assert "réservés aux concepteurs" in page.inner_text("main")
    page.get_by_role("link", name="Voir les indicateurs de mes sessions de formation").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/geste/sessions/")
    assert "Session de printemps" in page.inner_text("main")
    assert not errors
    context.close()
