"""Walk 29b of the designer's capsule page: after saving a question of a published capsule, the page lands
on « Interactions » and the confirmation (with « l'expert est prévenu et la revalidera ») is there, in
sight, not scrolled above the top of the screen. Screenshots go to var/shots/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.factories import InteractionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 860}}


@pytest.mark.parametrize("size", SIZES)
def test_saving_a_question_shows_the_confirmation_where_the_page_lands(live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    capsule.page.save_revision().publish()
    inter = InteractionFactory(capsule=capsule, time=capsule.start + 8.0, prompt="Quel outil pour l'écrou ?")
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]))
    page.locator("#id_prompt").fill("Quel outil pour desserrer l'écrou ?")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_url("**#interactions")
    saved = page.get_by_text("Interaction enregistrée.")
    expect(saved).to_be_in_viewport()
    expect(page.get_by_text("l'expert est prévenu et la revalidera.", exact=False).first).to_be_visible()
    notice = page.locator(".messages").get_by_text("l'expert est prévenu et la revalidera", exact=False)
    expect(notice).to_be_in_viewport()
    expect(page.locator("#interactions")).to_be_in_viewport()
    shot(page, f"walk29b-design-saved-{size}")
    ctx.close()
