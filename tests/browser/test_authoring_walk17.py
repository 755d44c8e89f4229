"""First-user walk 17, the capsule editor's click-zone question: the zone's fields read « 0,55 » as the
time beside them reads « 5,95 » (they showed « 0.55 », browser number fields), take a comma or a point,
say a wrong value in French under the fields, and the drawn zone round-trips: drawn, written in the
fields, saved, shown again at the same place when the question is opened again."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Interaction
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ZONE = ("hotspot_x", "hotspot_y", "hotspot_w", "hotspot_h")


def _zone(form) -> list[str]:
    return [form.locator(f'input[name="{n}"]').input_value() for n in ZONE]


def _keyframe(page, form):
    image = form.locator('[data-role="hotspot-image"]')
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('[data-role=hotspot-image]').naturalWidth > 0")
    image.scroll_into_view_if_needed()
    return image.bounding_box()


def _within(rect: dict, picture: dict) -> list[float]:
    """Where a box lies on the picture, in fractions of it (the two screens lay the picture out apart)."""
    return [(rect["x"] - picture["x"]) / picture["width"], (rect["y"] - picture["y"]) / picture["height"],
            rect["width"] / picture["width"], rect["height"] / picture["height"]]


def test_the_zone_reads_and_takes_decimal_commas_and_round_trips(live_server, browser, approved_footage):  # noqa: F811
    footage, _reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    form = page.locator('form[data-role="interaction-form"]')
    form.get_by_label("Type d'interaction").select_option("hotspot")
    form.get_by_label("Instant (secondes)").fill("8,5")
    form.get_by_label("Étape", exact=True).select_option(label="Dévisser l'écrou (0:06,0 – 0:12,0)")
    form.get_by_label("Question ou consigne").fill("Touchez l'écrou à dévisser.")

    # drawn: the fields read the zone with commas, as the time does
    box = _keyframe(page, form)
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.8)
    page.mouse.up()
    drawn = _zone(form)
    assert all("," in v and "." not in v for v in drawn), drawn
    rect = form.locator('[data-role="hotspot-rect"]')
    expect(rect).to_be_visible()
    before = _within(rect.bounding_box(), box)
    expect(form.locator('[data-role="hotspot-error"]')).to_be_hidden()
    form.get_by_role("button", name="Ajouter l'interaction").click()
    expect(page.get_by_text("Interaction ajoutée : Zone à cliquer à 0:08,5.")).to_be_visible()
    inter = capsule.interactions.get(kind=Interaction.Kind.HOTSPOT)
    saved = inter.answer_key["regions"][0]["rect"]
    assert saved == [float(v.replace(",", ".")) for v in drawn]
    assert saved == pytest.approx([0.2, 0.3, 0.55, 0.5], abs=0.03)

    # opened again: the same commas, the zone drawn at the same place
    edit = live_server.url + reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])
    page.goto(edit)
    form = page.locator('form[data-role="interaction-form"]')
    box = _keyframe(page, form)
    assert [v.rstrip("0") for v in _zone(form)] == [v.rstrip("0") for v in drawn]
    rect = form.locator('[data-role="hotspot-rect"]')
    expect(rect).to_be_visible()
    assert _within(rect.bounding_box(), box) == pytest.approx(before, abs=0.01), before

    # typed with a point, it is taken too (and the drawn zone follows the field)
    width = form.get_by_label("largeur", exact=True)
    width.fill("0.3")
    expect(rect).to_be_visible()
    assert rect.evaluate("r => r.style.width") == "30%"
    # a typo is said in French under the fields once the field is left; the browser's own bubble is not used
    height = form.get_by_label("hauteur", exact=True)
    height.focus()
    expect(width).to_have_value("0,3")  # written back with a comma once left
    height.fill("0,4x")
    height.press("Tab")
    error = form.locator('[data-role="hotspot-error"]')
    expect(error).to_have_text(
        "Zone, hauteur : un nombre entre 0 et 1 est attendu, par exemple 0,25 (virgule ou point).")
    expect(height).to_have_attribute("aria-invalid", "true")
    # beyond the picture
    height.fill("0,8")
    height.press("Tab")
    expect(error).to_have_text(
        "Zone : elle dépasse de l'image (x + largeur et y + hauteur ne peuvent pas dépasser 1).")
    form.locator("fieldset[data-kinds=hotspot]").scroll_into_view_if_needed()
    shot(page, "walk17-zone-commas", full_page=False)
    # the server says it too, and keeps what was typed
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_hotspot_error")).to_contain_text("elle dépasse de l'image")
    form = page.locator('form[data-role="interaction-form"]')
    assert _zone(form)[2:] == ["0,3", "0,8"]
    form.get_by_label("hauteur", exact=True).fill("0,45")
    expect(form.locator('[data-role="hotspot-error"]')).to_be_hidden()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    inter.refresh_from_db()
    assert inter.answer_key["regions"][0]["rect"][2:] == [0.3, 0.45]
    page.goto(edit)
    assert _zone(page.locator('form[data-role="interaction-form"]'))[2:] == ["0,3", "0,45"]
    ctx.close()


def test_the_zone_fields_fit_a_phone(live_server, browser, approved_footage):  # noqa: F811
    """The four text fields (wider than the number fields were) stay inside 360 px, the zone drawn."""
    footage, _reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True,
                              is_mobile=True)
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[made.capsule_id]))
    form = page.locator('form[data-role="interaction-form"]')
    form.get_by_label("Type d'interaction").select_option("hotspot")
    form.get_by_label("Étape", exact=True).select_option(label="Dévisser l'écrou (0:06,0 – 0:12,0)")
    _keyframe(page, form)
    for name, value in zip(ZONE, ("0,1", "0.2", "0,5", "0,25"), strict=True):
        form.locator(f'input[name="{name}"]').fill(value)
    expect(form.locator('[data-role="hotspot-rect"]')).to_be_visible()
    form.locator("fieldset[data-kinds=hotspot]").scroll_into_view_if_needed()
    shot(page, "walk17-zone-360", full_page=False)
    sizes = page.evaluate("() => ({doc: document.documentElement.scrollWidth, vw: innerWidth})")
    rights = [form.locator(f'input[name="{n}"]').bounding_box() for n in ZONE]
    ctx.close()
    assert sizes["doc"] <= sizes["vw"], sizes
    assert max(b["x"] + b["width"] for b in rights) <= sizes["vw"], rights
