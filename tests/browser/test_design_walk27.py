"""First-user walk 27 of an instructional designer, in Chromium.

1. Once the steps are approved, the review screen leads on: « Créer une capsule » (the footage page's own
   action, for those who may create capsules; never for an expert who may not), and the capsules already
   made from the footage, linked. It appears in the page when the steps are approved there, without a reload,
   and the keyboard reaches it from the note the focus goes to.
2. « Envoyer en validation à l'expert » says what it needs before the click: with no accepted question, a hint
   beside the button (aria-describedby) says so; the server still refuses. Screenshots go to var/shots/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Footage, Interaction, Step
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.factories import InteractionFactory, designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 860}}

# What the focus looks like: a visible outline or ring, not the browser's nothing.
FOCUS_SEEN = """() => {
  const s = getComputedStyle(document.activeElement);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
  return outline || (s.boxShadow && s.boxShadow !== 'none');
}"""


def _open(browser, live_server, user, url, size):
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, user.username)
    page.goto(live_server.url + url)
    return ctx, page, errors


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def _approve_steps(footage) -> None:
    Step.objects.filter(footage=footage).update(approved=True)
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.APPROVED)
    footage.refresh_from_db()


# --- 1. the review screen leads on to a capsule ----------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_approving_the_steps_on_the_review_screen_offers_create_a_capsule(
        live_server, browser, footage_in_review, size):  # noqa: F811
    footage, _expert = footage_in_review
    Footage.objects.filter(pk=footage.pk).update(expert=None)  # no expert: the designer signs off
    author = designer(username="concepteur-relecture")
    ctx, page, errors = _open(browser, live_server, author, reverse("geste_review", args=[footage.pk]), size)
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    create = page.get_by_role("link", name="Créer une capsule")
    expect(create).to_be_hidden()  # not before the approval

    page.get_by_role("button", name="Valider les étapes").click()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    # There at once, without a reload: the same action as the footage page's.
    expect(create).to_be_visible()
    expect(create).to_have_attribute("href", reverse("geste_capsule_create", args=[footage.pk]))
    # The focus is on the note that says the steps are approved; the next Tab is the way forward.
    expect(page.locator('[data-role="locked"]')).to_be_focused()
    page.keyboard.press("Tab")
    expect(create).to_be_focused()
    assert page.evaluate(FOCUS_SEEN), "the focused link shows no focus"
    _fits(page)
    shot(page, f"walk27-review-approved-create-capsule-{size}", full_page=False)

    page.reload()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    expect(create).to_be_visible()
    create.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Titre de la capsule")).to_be_visible()
    assert page.url.endswith(reverse("geste_capsule_create", args=[footage.pk]))
    assert errors == []
    ctx.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_review_screen_links_the_capsules_already_made_and_never_offers_an_expert_to_create(
        live_server, browser, footage_in_review, size):  # noqa: F811
    footage, reviewer = footage_in_review
    _approve_steps(footage)
    author = designer(username="concepteur-relecture")
    made = authoring.create_capsule(footage, title="Joint de siphon", user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)

    ctx, page, errors = _open(browser, live_server, author, reverse("geste_review", args=[footage.pk]), size)
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    link = page.get_by_role("link", name="Joint de siphon")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", reverse("geste_capsule_edit", args=[capsule.pk]))
    expect(page.get_by_role("link", name="Créer une capsule")).to_be_visible()  # another range of steps
    link.focus()
    assert page.evaluate(FOCUS_SEEN), "the focused link shows no focus"
    _fits(page)
    shot(page, f"walk27-review-approved-capsule-link-{size}", full_page=False)
    assert errors == []
    ctx.close()

    # The expert who approved may not create capsules: nothing of it on their screen.
    ctx, page, errors = _open(browser, live_server, reviewer, reverse("geste_review", args=[footage.pk]), size)
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    expect(page.locator('[data-role="locked"]')).to_be_visible()
    assert "Créer une capsule" not in page.content()
    assert "Joint de siphon" not in page.content()
    expect(page.locator('[data-role="footage-capsules"]')).to_have_count(0)
    assert errors == []
    ctx.close()


def test_an_expert_who_approves_on_the_review_screen_is_not_offered_create_a_capsule(
        live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page, errors = _open(browser, live_server, reviewer, reverse("geste_review", args=[footage.pk]), "desktop")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    page.get_by_role("button", name="Valider les étapes").click()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    expect(page.locator('[data-role="locked"]')).to_be_visible()
    assert "Créer une capsule" not in page.content()
    assert errors == []
    ctx.close()


# --- 2. what « Envoyer en validation » needs, said before the click ------------------------------------


def _capsule(footage, user):
    return Capsule.objects.get(pk=authoring.create_capsule(footage, title="Joint de siphon", user=user).capsule_id)


@pytest.mark.parametrize("size", SIZES)
def test_send_for_validation_says_before_the_click_that_a_question_is_needed(
        live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, author = approved_footage
    capsule = _capsule(footage, author)
    url = reverse("geste_capsule_edit", args=[capsule.pk])
    ctx, page, errors = _open(browser, live_server, author, url, size)
    send = page.get_by_role("button", name="Envoyer en validation à l'expert")
    hint = page.locator('[data-role="submit-requirement"]')
    expect(hint).to_be_visible()
    expect(hint).to_have_text("Ajoutez au moins une interaction avant d'envoyer la capsule en validation.")
    expect(send).to_have_attribute("aria-describedby", hint.get_attribute("id"))
    expect(send).to_have_accessible_description(
        "Ajoutez au moins une interaction avant d'envoyer la capsule en validation.")
    # Still reachable by the keyboard (not disabled), with its focus seen.
    page.get_by_role("button", name="Enregistrer les textes").focus()
    page.keyboard.press("Tab")
    expect(send).to_be_focused()
    assert page.evaluate(FOCUS_SEEN), "the focused button shows no focus"
    _fits(page)
    send.scroll_into_view_if_needed()
    shot(page, f"walk27-design-send-requirement-{size}", full_page=False)
    # The server refuses all the same, with the same words.
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(
        "Ajoutez au moins une interaction avant d'envoyer la capsule en validation.")
    assert not Capsule.objects.get(pk=capsule.pk).page.workflow_in_progress

    # A proposal does not count until accepted: the hint says so.
    InteractionFactory(capsule=capsule, time=capsule.start + 3, draft_status=Interaction.DraftStatus.PROPOSED)
    page.goto(live_server.url + url)
    expect(hint).to_contain_text("Les propositions de quiz ne comptent qu'une fois acceptées.")
    expect(send).to_have_attribute("aria-describedby", hint.get_attribute("id"))

    # One accepted question: no hint, no description, and the capsule goes to the expert.
    InteractionFactory(capsule=capsule, time=capsule.start + 4)
    page.goto(live_server.url + url)
    expect(send).to_be_visible()
    expect(hint).to_have_count(0)
    assert send.get_attribute("aria-describedby") is None
    send.click()
    expect(page.locator(".messages")).to_contain_text("Capsule envoyée en validation à l'expert.")
    assert errors == []
    ctx.close()


# --- 3. who may decide, said beside the greyed buttons (walk 27, first-user walk) --------------------------


@pytest.mark.parametrize("size", SIZES)
def test_the_designer_is_told_who_may_approve_the_steps(live_server, browser, footage_in_review, size):  # noqa: F811
    """The designer opened the review of footage assigned to an expert: « Valider les étapes » and « Renvoyer avec
    un commentaire » greyed, with no word why. The note names the expert and the buttons point to it; the expert
    sees no such note."""
    footage, expert = footage_in_review
    author = designer(username=f"concepteur-note-{size}")
    ctx, page, errors = _open(browser, live_server, author, reverse("geste_review", args=[footage.pk]), size)
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    note = page.locator('[data-role="approve-note"]')
    expect(note).to_be_visible()
    name = expert.get_full_name() or expert.get_username()
    expect(note).to_have_text(f"Seul l'expert désigné, {name}, peut valider les étapes ou les renvoyer.")
    approve = page.get_by_role("button", name="Valider les étapes")
    expect(approve).to_be_disabled()
    expect(approve).to_have_attribute("aria-describedby", "approve-note")
    _fits(page)
    shot(page, f"walk27-review-designer-note-{size}")
    assert not errors, errors
    ctx.close()
    ctx, page, errors = _open(browser, live_server, expert, reverse("geste_review", args=[footage.pk]), size)
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.get_by_role("button", name="Valider les étapes")).to_be_enabled()
    expect(page.locator('[data-role="approve-note"]')).to_be_hidden()
    # walk 29: the designated expert is not told, even to a screen reader, that only he may decide
    for name in ("Valider les étapes", "Renvoyer avec un commentaire"):
        assert page.get_by_role("button", name=name).get_attribute("aria-describedby") is None, name
    assert "Seul l'expert désigné" not in page.content()
    assert not errors, errors
    ctx.close()
