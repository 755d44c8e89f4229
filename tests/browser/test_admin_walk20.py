"""First-user walk 20 of the designer's admin screens, at 360 px and on a desktop: one language on the whole
page (the user's chosen one, else French, whatever the browser's Accept-Language: an English browser got
Wagtail's English beside Geste's French); controls on one row are one height (upload, footage); our pages'
header holds on two short lines at 360 px (a capsule's title wrapped on 7 lines); the new-capsule and the
question forms sent back with errors open on the first field in error, marked for screen readers, in
French. Screenshots go to var/shots/ (tests/browser/shots.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.authoring import capsule as authoring
from capsules.models import Capsule
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.factories import FootageFactory, designer, expert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 860}}


def _page(browser, live_server, user, size="desktop", locale="fr-FR"):
    ctx = browser.new_context(locale=locale, viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    return ctx, page


def _text(page) -> str:
    """What the page says, the sidebar included (its labels travel as JSON in a script)."""
    props = page.evaluate("document.getElementById('wagtail-sidebar-props')?.textContent || ''")
    return page.inner_text("body") + props


def test_an_english_browser_gets_the_whole_admin_in_french(live_server, browser):
    author = designer(username="concepteur-anglais")
    footage = FootageFactory(title="Pose d'un robinet", expert=expert(username="expert-anglais"))
    ctx, page = _page(browser, live_server, author, locale="en-US")  # Accept-Language: en-US
    for url in (reverse("geste_upload"), reverse("geste_footage_detail", args=[footage.pk]), "/admin/"):
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.lang") == "fr", url
        seen = _text(page)
        for french in ("Rechercher", "Relecture des étapes", "Capsules (conception)"):
            assert french in seen, (url, french)
        shown = page.inner_text("body")
        for english in ("Search", "Upload a video", "Reviewing expert", "Dashboard", "Help"):
            assert english not in shown, (url, english)
    shot(page, "walk20-admin-english-browser-french-desktop")
    ctx.close()


def test_a_user_who_chose_english_gets_our_menu_entries_in_english_too(live_server, browser):
    author = designer(username="concepteur-en")
    profile = UserProfile.get_for_user(author)
    profile.preferred_language = "en"
    profile.save()
    ctx, page = _page(browser, live_server, author, locale="fr-FR")
    page.goto(live_server.url + reverse("geste_review_index"))
    assert page.evaluate("document.documentElement.lang") == "en"
    seen = page.inner_text("body")
    for english in ("Search", "Step review", "Capsules (design)", "Upload a video"):
        assert english in seen, english
    for french in ("Rechercher", "Relecture des étapes", "Capsules (conception)"):
        assert french not in seen, french
    shot(page, "walk20-admin-english-user-desktop")
    ctx.close()


ROWS = """() => {
  const seen = [...document.querySelectorAll('main select, main button, main .button, main input[type=text]')]
    .filter((e) => e.getClientRects().length && e.offsetWidth > 1)
    .map((e) => {
      const r = e.getBoundingClientRect();
      return {what: (e.name || e.textContent.trim()).slice(0, 30), top: r.top, bottom: r.bottom, h: r.height};
    });
  const rows = [];
  for (const c of seen) {
    const row = rows.find((r) => c.top < r[0].bottom && r[0].top < c.bottom);  // they overlap vertically
    if (row) row.push(c); else rows.push([c]);
  }
  return {all: seen, rows: rows.filter((r) => r.length > 1)};
}"""


@pytest.mark.parametrize("size", SIZES)
def test_controls_on_one_row_are_one_height(live_server, browser, size):
    author = designer(username=f"concepteur-rangs-{size}")
    footage = FootageFactory(title="Pose d'un robinet", expert=None)
    expert(username=f"expert-rangs-{size}")
    ctx, page = _page(browser, live_server, author, size)
    pages = (("upload", reverse("geste_upload")), ("footage", reverse("geste_footage_detail", args=[footage.pk])))
    for name, url in pages:
        page.goto(live_server.url + url)
        found = page.evaluate(ROWS)
        shot(page, f"walk20-admin-{name}-controls-{size}")
        for row in found["rows"]:
            heights = {round(c["h"]) for c in row}
            assert max(heights) - min(heights) <= 1, (name, size, row)
        if name == "upload":  # the upload form's fields and its buttons: one height, whatever the row
            heights = {round(c["h"]) for c in found["all"]}
            assert max(heights) - min(heights) <= 1, (name, size, found["all"])
    ctx.close()


@pytest.mark.parametrize("size", SIZES)
def test_our_pages_header_is_compact_at_360(live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon sous un évier de cuisine encastré",
                                    user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    ctx, page = _page(browser, live_server, author, size)
    for name, url in (("capsule-edit", reverse("geste_capsule_edit", args=[capsule.pk])),
                      ("capsule-new", reverse("geste_capsule_create", args=[footage.pk])),
                      ("review", reverse("geste_review", args=[footage.pk])),
                      ("footage", reverse("geste_footage_detail", args=[footage.pk]))):
        page.goto(live_server.url + url)
        header = page.locator("header.w-header").first
        expect(header).to_be_visible()
        height = header.evaluate("e => e.getBoundingClientRect().height")
        title = page.locator("#header-title")
        assert title.inner_text().split("\n")[0].strip()  # the title is there, read whole by screen readers
        if size == "phone":
            # Walk 20: 4 to 7 lines, 290 px; clamped to two lines then. Walk 37: read whole, never cut with « … »,
            # from the content's left edge: this 63-character title takes 3 lines and its subtitle one (119 px).
            assert height <= 130, (name, height)
            assert title.evaluate("h => h.scrollHeight <= h.clientHeight + 1"), name
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
        shot(page, f"walk20-admin-header-{name}-{size}", full_page=False)
    ctx.close()


@pytest.mark.parametrize("size", SIZES)
def test_new_capsule_sent_back_opens_on_the_field_in_error(live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, author = approved_footage
    ctx, page = _page(browser, live_server, author, size)
    page.goto(live_server.url + reverse("geste_capsule_create", args=[footage.pk]))
    page.get_by_label("Titre de la capsule").fill(" ")
    page.get_by_label("Résumé").fill("Un résumé gardé")
    page.get_by_role("button", name="Créer la capsule").click()
    title = page.get_by_label("Titre de la capsule")
    expect(title).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
    described = title.get_attribute("aria-describedby")
    expect(page.locator(f"#{described}")).to_have_text("Donnez un titre à la capsule.")
    expect(page.get_by_label("Résumé")).to_have_value("Un résumé gardé")
    assert page.get_by_label("Première étape").get_attribute("aria-invalid") is None
    shot(page, f"walk20-admin-capsule-new-error-{size}")
    ctx.close()


@pytest.mark.parametrize("size", SIZES)
def test_question_sent_back_opens_on_the_first_field_in_error(live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    ctx, page = _page(browser, live_server, author, size)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[made.capsule_id]) + "#add")
    form = page.locator('[data-role="interaction-form"]')
    form.get_by_label("Type d'interaction").select_option("single_choice")
    form.get_by_label("Instant (secondes)").fill("2")
    form.get_by_label("Question ou consigne").fill("")
    form.locator("#id_choices").fill("Une seule réponse")
    form.get_by_role("button", name="Ajouter l'interaction").click()
    prompt = page.get_by_label("Question ou consigne")
    expect(prompt).to_be_focused()  # the first field in error, in the page's order
    expect(prompt).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{prompt.get_attribute('aria-describedby')}")).to_have_text(
        "Écrivez la question ou la consigne.")
    choices = page.locator("#id_choices")
    expect(choices).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{choices.get_attribute('aria-describedby')}")).to_have_text(
        "Il faut au moins deux réponses, une par ligne.")
    assert page.get_by_label("Instant (secondes)").get_attribute("aria-invalid") is None
    page.wait_for_timeout(300)
    box = prompt.evaluate("e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }")
    assert 0 <= box[0] and box[1] <= box[2], box  # in view, where the keyboard is
    shot(page, f"walk20-admin-question-error-{size}", full_page=False)
    ctx.close()
