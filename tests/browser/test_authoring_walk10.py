"""First-user walk 10, the interaction form in Chromium: the time field shows "4,5" (the browser's number
field showed "4.5"), takes "4,5" or "4.5", and a wrong time gets a French message from the page (the
browser's own, "Value must be less than or equal to…", came in the browser's language)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule
from tests.browser.conftest import login
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RANGE = "Le moment doit être entre 0 et 12,0 secondes depuis le début de la capsule (0:00,0 – 0:12,0)."


def test_time_field_speaks_french_decimals(live_server, browser, approved_footage, media_with_ranges):  # noqa: F811
    # media_with_ranges: the page seeks its native MP4; without Range the seek only lands when the whole
    # file happens to be buffered already (CI, stop 32: the playhead stayed at 0:00,0).
    footage, _reviewer, author = approved_footage
    steps = list(footage.steps.order_by("start"))
    made = authoring.create_capsule(footage, title="Dévisser et serrer", first_step_id=steps[1].pk, user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)  # 6 s into the footage, 12 s long
    inter = authoring.apply_interaction_form(
        capsule, {"kind": "true_false", "time": "4,5", "prompt": "On dévisse à la main.", "true_false": "false"})
    ctx = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})  # an English browser
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(f"{live_server.url}/admin/geste/capsules/{capsule.pk}/interactions/{inter.pk}/")
    field = page.get_by_label("Instant (secondes)")
    assert field.input_value() == "4,5"
    error = page.locator('[data-role="time-error"]')
    expect(error).to_be_hidden()

    field.fill("13")
    field.press("Tab")  # the field is left: its message is shown
    expect(error).to_have_text(RANGE)
    assert field.evaluate("e => e.validationMessage") == RANGE  # the page's words, not the browser's
    assert field.get_attribute("aria-invalid") == "true"
    for typed in ("4,5,1", "1:75"):  # a clock is taken (walk instant40), not one with 75 seconds
        field.fill(typed)
        field.press("Tab")
        expect(error).to_have_text("L'instant s'écrit en secondes (65,5) ou en minutes:secondes (1:05,5), les "
                                   "secondes de 00 à 59.")
    field.fill("0:13")  # past the capsule's 12 s, written as a clock: the range message
    field.press("Tab")
    expect(error).to_have_text(RANGE)

    field.fill("7.5")  # a point is taken too
    expect(error).to_be_hidden()
    expect(page.locator('[data-role="time-clock"]')).to_have_text("0:07,5")
    assert field.evaluate("e => e.validationMessage") == "" and field.get_attribute("aria-invalid") is None
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Interaction enregistrée")
    inter.refresh_from_db()
    assert inter.time == pytest.approx(13.5)  # on the footage's clock
    page.goto(f"{live_server.url}/admin/geste/capsules/{capsule.pk}/interactions/{inter.pk}/")
    assert page.get_by_label("Instant (secondes)").input_value() == "7,5"

    # "Utiliser la tête de lecture" writes it the French way as well.
    video = "document.querySelector('[data-role=video]')"
    page.wait_for_function(f"{video}.readyState >= 1 && !{video}.seeking", timeout=15000)
    page.evaluate(f"{video}.currentTime = 9.5")
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:03,5")
    page.get_by_role("button", name="Utiliser la tête de lecture").click()
    assert page.get_by_label("Instant (secondes)").input_value() == "3,5"
    ctx.close()
