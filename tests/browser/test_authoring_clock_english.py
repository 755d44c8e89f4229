"""The capsule editor in a real browser writes the moments it computes (the playhead moved on the timeline, the
clock beside the typed time, the range message authoring.js says) with the tenth in the admin user's language:
« 0:06.0 » for an English designer, « 0:06,0 » for a French one (walk en34: « 0:01,0 » on an English page)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.authoring import capsule as authoring
from capsules.models import Capsule
from tests.browser.conftest import login
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("lang, sep", [("en", "."), ("fr", ",")])
def test_the_capsule_editor_writes_the_tenth_in_the_designer_s_language(
    live_server, browser, approved_footage, media_with_ranges, lang, sep  # noqa: F811
):
    footage, _reviewer, author = approved_footage
    profile = UserProfile.get_for_user(author)
    profile.preferred_language = lang
    profile.save()
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    other = "fr-FR" if lang == "en" else "en-US"  # the browser's own language is not the one the page speaks
    ctx = browser.new_context(locale=other, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    video = "document.querySelector('[data-role=video]')"
    page.wait_for_function(f"{video}.readyState >= 1 && !{video}.seeking", timeout=15000)
    playhead = page.locator('[data-role="playhead"]').first
    expect(playhead).to_have_text(f"0:00{sep}0")

    # The playhead follows the video (the script writes it).
    page.evaluate(f"{video}.currentTime = 9.5")
    expect(playhead).to_have_text(f"0:09{sep}5")

    # The clock beside the typed time, written by the script.
    form = page.locator('form[data-role="interaction-form"]')
    time = form.locator('input[name="time"]')
    time.fill("1")
    expect(form.locator('[data-role="time-clock"]')).to_have_text(f"0:01{sep}0")
    time.fill("2,5")
    expect(form.locator('[data-role="time-clock"]')).to_have_text(f"0:02{sep}5")

    # The range message the script says before sending (the server's words).
    time.fill("99")
    time.blur()
    expect(form.locator('[data-role="time-error"]')).to_contain_text(f"(0:00{sep}0 – 0:18{sep}0).")

    # The number the script writes into the time field (session 34: « 9,5 » in an English field).
    page.locator('[data-role="use-playhead"]').click()
    expect(time).to_have_value(f"9{sep}5")
    ctx.close()
