"""First-user walk 38, the designer's capsule screen (and the review screen's « Rouvrir la relecture »).

1. The designer tapped the step « Ouvrir le hublot » on the timeline (the playhead went to its start), pressed
   « Utiliser la tête de lecture », left « Étape » on « (celle qui contient l'instant) »: the question was saved
   on the step that ENDS there, listed under it, and the learner's « Revoir l'étape » replayed it. Steps are
   [start, end): a step's start is its own (capsules.learner_steps.step_at, authoring.js's stepForTime).
2. At 360 px Wagtail's « ≡ » covered the first words of a message at the top of the page.
4. « Rouvrir la relecture » acted at once when no published capsule used the steps; it now asks, as the
   approval and « Renvoyer à l'expert » do.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Footage, Step
from cms.models import CapsulePage
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.browser.test_review_walk19 import _focus_on, _open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def _capsule(footage, user) -> Capsule:
    steps = list(Step.objects.filter(footage=footage).order_by("start"))
    made = authoring.create_capsule(footage, title="Joint de siphon", first_step_id=steps[0].pk,
                                    last_step_id=steps[-1].pk, user=user)
    return Capsule.objects.get(pk=made.capsule_id)


@pytest.mark.parametrize("size", SIZES)
def test_a_tapped_steps_start_from_the_playhead_puts_the_question_on_that_step(live_server, browser,
                                                                               approved_footage, size):  # noqa: F811
    footage, _reviewer, author = approved_footage
    # No rendition to play: the live server here serves no byte ranges (the video is not seekable, a tap would
    # come back to 0:00); the playhead is then the page's own, moved by the tap as the walk's was.
    Footage.objects.filter(pk=footage.pk).update(renditions={})
    capsule = _capsule(footage, author)
    second = Step.objects.get(footage=footage, title="Dévisser l'écrou")  # 0:06,0 – 0:12,0, where « Couper l'eau » ends
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    block = page.locator('.geste-timeline__step[title="Dévisser l\'écrou"]')
    if size == "phone":
        block.tap()
    else:
        block.click()
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:06,0")
    form = page.locator('form[data-role="interaction-form"]')
    form.get_by_label("Type d'interaction").select_option("true_false")
    form.get_by_role("button", name="Utiliser la tête de lecture").click()
    assert form.get_by_label("Instant (secondes)").input_value() == "6,0"
    assert form.get_by_label("Étape", exact=True).input_value() == ""  # « (celle qui contient l'instant) »
    form.get_by_label("Question ou consigne").fill("On dévisse l'écrou à la main.")
    form.get_by_role("radio", name="Fausse").check()
    form.get_by_role("button", name="Ajouter l'interaction").click()
    expect(page.get_by_text("Interaction ajoutée : Vrai / faux à 0:06,0.")).to_be_visible()
    inter = capsule.interactions.get()
    assert inter.step_id == second.pk, inter.step
    row = page.locator('[data-role="interactions"] > li[data-kind]')
    expect(row.locator('[data-role="step"]')).to_have_text("Étape 2 — Dévisser l'écrou")
    shot(page, f"walk38-design-step-start-{size}", full_page=False)
    ctx.close()

    # The learner's manifest (the page published): listed under that step, « Revoir l'étape » replays it.
    CapsulePage.objects.get(capsule=capsule).save_revision().publish()
    client = Client()
    client.force_login(author)
    shown = client.get(reverse("learner-manifest", args=[capsule.pk])).json()["interactions"][0]
    assert shown["step_id"] == second.pk and shown["step"] == {"start": 6.0, "end": 12.0}, shown


def test_the_click_zone_shows_the_keyframe_of_the_step_that_starts_at_the_instant(live_server, browser,
                                                                                   approved_footage):  # noqa: F811
    """authoring.js resolves « (celle qui contient l'instant) » too, for the click zone's picture: the same rule."""
    footage, _reviewer, author = approved_footage
    capsule = _capsule(footage, author)
    second = Step.objects.get(footage=footage, title="Dévisser l'écrou")
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES["desktop"])
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    form = page.locator('form[data-role="interaction-form"]')
    form.get_by_label("Type d'interaction").select_option("hotspot")
    form.get_by_label("Instant (secondes)").fill("6")
    form.get_by_label("Instant (secondes)").dispatch_event("change")
    picture = form.locator('[data-role="hotspot-image"]')
    expect(picture).to_be_visible()
    assert picture.get_attribute("src").endswith(second.keyframe.rsplit("/", 1)[-1]), picture.get_attribute("src")
    ctx.close()


# Each message's text at the top of the page (Wagtail's .messages, before our header), its lines' boxes.
MESSAGES_UNDER_TOGGLE = """() => {
  const t = [...document.querySelectorAll('.sidebar-nav-toggle')].find(b => b.getBoundingClientRect().width > 0);
  if (!t) return {toggle: null, hits: [], messages: 0};
  const tr = t.getBoundingClientRect();
  const meets = r => r.width > 0 && r.height > 0 && r.left < tr.right && r.right > tr.left
                     && r.top < tr.bottom && r.bottom > tr.top;
  const items = [...document.querySelectorAll('.messages li')];
  const hits = [];
  for (const li of items) {
    const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange(); range.selectNodeContents(n);
      for (const r of range.getClientRects()) if (meets(r)) { hits.push(n.textContent.trim().slice(0, 40)); break; }
    }
  }
  return {toggle: [tr.left, tr.top, tr.right, tr.bottom], hits, messages: items.length};
}"""


def test_no_message_starts_under_the_menu_button_on_a_phone(live_server, browser, approved_footage):  # noqa: F811
    footage, _reviewer, author = approved_footage
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES["phone"], has_touch=True, is_mobile=True)
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_create", args=[footage.pk]))
    page.get_by_label("Titre de la capsule").fill("Changer le joint d'un siphon")
    page.get_by_role("button", name="Créer la capsule").click()
    expect(page.get_by_text("Capsule créée en brouillon.")).to_be_visible()
    # A second, longer message under the first one, as the walk had (« 6 propositions de quiz, préparées… »).
    page.evaluate("""() => document.dispatchEvent(new CustomEvent('w-messages:add', {detail: {type: 'info',
      text: '6 propositions de quiz, préparées pendant le traitement de la vidéo, sont à examiner.'}}))""")
    expect(page.locator(".messages li")).to_have_count(2)
    page.wait_for_timeout(400)
    found = []
    for y in range(0, 400, 40):
        page.evaluate(f"() => {{ window.scrollTo(0, {y}); const c = document.querySelector('.content-wrapper');"
                      f" if (c) c.scrollTop = {y}; }}")
        page.wait_for_timeout(60)
        seen = page.evaluate(MESSAGES_UNDER_TOGGLE)
        assert seen["toggle"], "no « ≡ » button at 360 px"
        if seen["hits"]:
            found.append((y, seen["hits"]))
    page.evaluate("() => { window.scrollTo(0, 0); const c = document.querySelector('.content-wrapper');"
                  " if (c) c.scrollTop = 0; }")
    page.wait_for_timeout(300)
    shot(page, "walk38-design-phone-messages", full_page=False)
    ctx.close()
    assert not found, found


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone-360"])
def test_reopening_asks_first_even_with_no_published_capsule(live_server, browser, footage_in_review,  # noqa: F811
                                                             phone):
    footage, reviewer = footage_in_review
    reviewer.groups.add(Group.objects.get(name="Designers"))  # the expert is a designer too: may reopen
    footage.steps.update(approved=True)
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.APPROVED)
    size = {"width": 360, "height": 740} if phone else {}
    ctx, page = _open(browser, live_server, footage, reviewer, **size)

    reopen = page.get_by_role("button", name="Rouvrir la relecture")
    reopen.focus()
    page.keyboard.press("Enter")
    dialog = page.locator('[data-dialog="reopen"]')
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Les étapes redeviendront modifiables et devront être validées de nouveau par "
                                   "l'expert.")
    expect(dialog.locator('[data-role="reopen-live"]')).to_be_hidden()  # no published capsule to name
    expect(dialog.locator('[data-role="reopen-learners"]')).to_be_hidden()
    shot(page, f"walk38-review-reopen-dialog-{'phone' if phone else 'desktop'}", full_page=False)
    # It starts on « Annuler »: Enter pressed at once reopens nothing.
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED
    _focus_on(page, "action:reopen")

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")  # « Annuler » → « Rouvrir la relecture »
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Relecture rouverte.")
    expect(reopen).to_be_hidden()
    _focus_on(page, "action:approve")
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.IN_REVIEW
    ctx.close()
