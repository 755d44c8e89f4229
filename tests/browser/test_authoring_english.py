"""The capsule design screen in a real browser for a designer whose Wagtail admin language is English: the
page, the form's labels, the script's own messages (authoring.js, djangojs catalogue) and the server's
step-time warning after saving are English; the question the learner reads stays as typed (French)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Interaction
from tests.browser.conftest import login
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_english_designer_designs_a_capsule_in_english(live_server, browser, approved_footage):  # noqa: F811
    footage, _reviewer, author = approved_footage
    profile = UserProfile.get_for_user(author)
    profile.preferred_language = "en"
    profile.save()
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})  # a French browser
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Add an interaction")).to_be_visible()
    expect(page.get_by_role("button", name="Send to the expert for approval")).to_be_visible()

    form = page.locator('form[data-role="interaction-form"]')
    time = form.get_by_label("Time (seconds)")
    time.fill("abc")
    time.blur()
    expect(form.locator('[data-role="time-error"]')).to_have_text(
        "Write the time in seconds (65.5) or in minutes:seconds (1:05.5), the seconds from 00 to 59."
    )
    time.fill("99")
    time.blur()
    expect(form.locator('[data-role="time-error"]')).to_have_text(
        "The time must be between 0 and 18.0 seconds from the start of the capsule (0:00.0 – 0:18.0)."
    )

    form.get_by_label("Interaction type").select_option("hotspot")
    form.locator('input[name="hotspot_x"]').fill("1,5")
    form.locator('input[name="hotspot_y"]').fill("0,1")
    form.locator('input[name="hotspot_w"]').fill("0,1")
    form.locator('input[name="hotspot_h"]').fill("0,1")
    form.locator('input[name="hotspot_h"]').blur()
    expect(form.locator('[data-role="hotspot-error"]')).to_have_text(
        "Zone: x and y are fractions of the picture, between 0 and 1 (for example 0.25)."
    )

    form.get_by_label("Interaction type").select_option("single_choice")
    time.fill("3")
    form.get_by_label("Step", exact=True).select_option(label="Serrer au couple (0:12.0 – 0:18.0)")
    form.get_by_label("Question or instruction").fill("Quel outil pour serrer au couple ?")
    form.locator("#id_choices").fill("* Une clé dynamométrique\nUne pince")
    form.get_by_role("button", name="Add the interaction").click()
    expect(page.get_by_text("Interaction added: Single choice at 0:03.0.")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(
        "This question appears at 0:03.0, before the step “Serrer au couple” it is about"
    )
    expect(page.locator('[data-role="before-step"]').first).to_contain_text("Place at the end of the step (0:18.0)")
    inter = capsule.interactions.get(kind=Interaction.Kind.SINGLE_CHOICE)
    assert inter.prompt == "Quel outil pour serrer au couple ?"
    ctx.close()
