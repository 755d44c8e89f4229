"""Walk 39 on a 360x740 phone:

- F4: a long unbroken word in a question (a part number « REF-ROB-0000… », 120 characters without a space) ran out
  of the question card and was cut: choices, prompt and feedback now break it (``overflow-wrap: anywhere``), step
  titles too.
- F13: the ordering question (4 items with ↑/↓) scrolled inside its own card (``max-height: 631px; overflow:
  auto``), « Valider » cut in half under its edge, a scroll inside the page's scroll: the question now scrolls
  with the page only, and opening it shows « Valider » whole; the other question types the same."""

from __future__ import annotations

import pytest

from capsules import models
from capsules.authoring import capsule as authoring
from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PART = "REF-ROB-" + "0" * 40 + "-JOINT-" + "1234567890" * 7  # 125 characters, no space
ASK = ("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
       " p.ask(p.m.interactions.find(i => i.id === id)); }")
# Every element of the question card past the card's right edge (or the screen's), and the card's own scroll.
OVERFLOW = """() => {
  const card = document.querySelector('.gp-question'), c = card.getBoundingClientRect();
  const out = [...card.querySelectorAll('*')].filter(e => { const r = e.getBoundingClientRect();
      return r.width > 1 && !e.matches('.sr-only') && (r.right > Math.min(c.right, innerWidth) + 0.5
        || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'); })
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
  return {out, cardRight: c.right, pageWidth: document.documentElement.scrollWidth};
}"""
INNER_SCROLL = """() => { const q = document.querySelector('.gp-question');
  return {scrolls: /(auto|scroll)/.test(getComputedStyle(q).overflowY) && q.scrollHeight > q.clientHeight + 1,
          overflowY: getComputedStyle(q).overflowY, sh: q.scrollHeight, ch: q.clientHeight}; }"""
SUBMIT_SHOWN = """() => { const b = document.querySelector('.gp-question .gq-submit'); if (!b) return null;
  const r = b.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, h: innerHeight,
  whole: r.top >= 0 && r.bottom <= innerHeight}; }"""


def _page(phone_context, live_server, data):
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{data['page'].url}")
    assert page.evaluate("[innerWidth, innerHeight]") == [360, 740]
    return page, errors


@pytest.mark.timeout(240)
def test_a_long_unbroken_word_stays_inside_the_question_card(live_server, phone_context, published):
    q1 = published["q1"]
    q1.prompt = f"Quelle pièce commander pour le joint {PART} ?"
    q1.choices = [{"id": "a", "text": PART, "feedback": f"Oui : {PART}."},
                  {"id": "b", "text": "REF-ROB-" + "9" * 112, "feedback": f"Non, c'est {PART}."}]
    q1.feedback_wrong = f"Revoyez la pièce {PART}."
    q1.save()
    step = published["steps"][0]
    step.title = f"Préparer {PART}"
    step.save(update_fields=["title"])
    published["capsule"].page.save_revision().publish()
    page, errors = _page(phone_context, live_server, published)
    page.evaluate(ASK, q1.pk)
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=10000)
    found = page.evaluate(OVERFLOW)
    assert found["out"] == [], found
    assert found["pageWidth"] <= 360, found
    # The feedback of a wrong answer, with the part number in it.
    page.locator(".gq-choice", has_text="REF-ROB-999").click()
    page.click(".gp-question .gq-submit")
    page.wait_for_selector(".gp-question .gq-feedback:not(:empty)", timeout=5000)
    found = page.evaluate(OVERFLOW)
    assert found["out"] == [], found
    assert found["pageWidth"] <= 360, found
    # The step's title in the list under the player (hidden while the question stays open after a wrong answer,
    # walk 49: shown once it is closed).
    page.click(".gp-question .gq-continue")
    title = page.locator(".gp-steps .gp-step-title").first
    title.wait_for(state="visible", timeout=5000)
    box = title.bounding_box()
    assert box and box["x"] + box["width"] <= 360.5, box
    assert page.evaluate("document.querySelector('.gp-steps .gp-step-title').scrollWidth"
                         " <= document.querySelector('.gp-steps .gp-step-title').clientWidth + 1")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
def test_every_question_scrolls_with_the_page_and_shows_valider(live_server, phone_context, published):
    capsule, steps = published["capsule"], published["steps"]
    # Four steps, as in the walk (« Remettez les étapes du geste dans l'ordre », 4 items with ↑/↓).
    steps[2].end = 10.0
    steps[2].save(update_fields=["end"])
    models.Step.objects.create(footage=capsule.footage, order=3, start=10.0, end=12.0, title="Vérifier l'étanchéité",
                               approved=True, keyframe=steps[2].keyframe)
    ordering = authoring.apply_interaction_form(
        capsule, {"kind": "ordering", "time": "1.5", "prompt": "Remettez les étapes du geste dans l'ordre.",
                  "mandatory": "on"})
    multiple = models.Interaction.objects.create(
        capsule=capsule, time=3.0, kind="multiple_choice", step=steps[0], prompt="Que faut-il préparer ?",
        choices=[{"id": k, "text": t} for k, t in
                 [("a", "Une bassine"), ("b", "Un chiffon"), ("c", "Un joint neuf"), ("d", "Une clé à molette"),
                  ("e", "Un marteau")]],
        answer_key={"correct": ["a", "b", "c", "d"]})
    capsule.page.save_revision().publish()
    page, errors = _page(phone_context, live_server, published)
    for q in (ordering, multiple, published["q1"], published["q2"]):
        page.evaluate("window.scrollTo(0, 0)")
        page.evaluate(ASK, q.pk)
        page.wait_for_selector(f"[data-asking='{q.pk}']", timeout=10000)
        page.wait_for_timeout(300)  # reveal() has scrolled
        inner = page.evaluate(INNER_SCROLL)
        assert not inner["scrolls"], (q.kind, inner)
        shown = page.evaluate(SUBMIT_SHOWN)
        assert shown and shown["whole"], (q.kind, shown)
        assert page.evaluate("document.querySelector('.gp-question h2').getBoundingClientRect().top >= 0"), q.kind
        page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.closeQuestion()")
    leave(page)
    assert not errors, errors
