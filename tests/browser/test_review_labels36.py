"""Walk 36: step names broken inside a word in the timeline's blocks (« Étap e 2 » on the review screen at 360 px,
« Frotter l'extérieu r » on the capsule screen). Names now wrap between words only; a block too narrow for one of
its words shows the step's number (the name stays its tooltip)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.models import Step
from tests.browser.conftest import login
from tests.browser.test_review_timeline35 import phone, take_68s  # noqa: F401  (fixtures)
from tests.factories import StepFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# On a 360-px phone the track is about 320 px: 11 s is a ~52-px block, wide enough for « Étape », too narrow for
# « Frotter »; 28 s and 18 s hold their words.
STEPS = [(0, 11, ""), (11, 22, "Frotter l'extérieur"), (22, 50, "Frotter l'extérieur de la tasse"), (50, 68, "Rincer")]

LABELS = """() => [...document.querySelectorAll('[data-role="track"] .geste-timeline__step > span')].map(s => ({
    number: getComputedStyle(s, '::before').content !== 'none', n: s.dataset.n, text: s.textContent,
    overflows: s.scrollWidth > s.clientWidth + 1, wrap: getComputedStyle(s).overflowWrap,
    shown: getComputedStyle(s, '::before').content, width: s.parentElement.getBoundingClientRect().width }))"""


def _reset(footage):
    Step.objects.filter(footage=footage).delete()
    for i, (start, end, title) in enumerate(STEPS, start=1):
        StepFactory(footage=footage, order=i, start=start, end=end, title=title)


def test_phone_step_names_never_break_inside_a_word(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    _reset(footage)
    page = phone.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator('[data-role="track"] .geste-timeline__step')).to_have_count(4)
    page.wait_for_timeout(400)
    labels = page.evaluate(LABELS)
    assert all(x["wrap"] == "normal" for x in labels), labels
    # « Frotter » does not fit its block: the number, not « Frott er ». The first block (« Étape 1 ») was 52 px wide and
    # held « Étape »; since walk 37 the content keeps right of Wagtail's « ≡ » (290 px, not 320) and it may not: either
    # way never broken inside the word (overflows checked below).
    assert [x["number"] for x in labels][1:] == [True, False, False], labels
    assert labels[1]["shown"].startswith('"2"'), labels
    assert not any(x["overflows"] for x in labels if not x["number"]), labels
    assert labels[2]["text"] == "Frotter l'extérieur de la tasse"
    # Wider (the phone turned): the first blocks have room for their words again.
    page.set_viewport_size({"width": 740, "height": 360})
    page.wait_for_timeout(500)
    wide = page.evaluate(LABELS)
    assert [x["number"] for x in wide][1:] == [False, False, False], wide
    assert not any(x["overflows"] for x in wide if not x["number"]), wide
    # Back to upright: measured again.
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(500)
    assert [x["number"] for x in page.evaluate(LABELS)][1:] == [True, False, False]


def test_capsule_screen_step_names_carry_their_number(live_server, browser, take_68s):  # noqa: F811
    from capsules.models import Capsule
    from tests.factories import CapsuleFactory, designer

    footage, _ = take_68s
    _reset(footage)
    footage.status = "approved"
    footage.save(update_fields=["status"])
    capsule = Capsule.objects.filter(footage=footage).first() or CapsuleFactory(footage=footage)
    user = designer(username="concepteur-labels36")
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    spans = page.locator(".geste-timeline__track .geste-timeline__step > span")
    expect(spans).to_have_count(4)
    page.wait_for_timeout(400)
    labels = page.evaluate(LABELS.replace('[data-role="track"]', ".geste-timeline__track"))
    assert [x["n"] for x in labels] == ["1", "2", "3", "4"]
    assert all(x["wrap"] == "normal" for x in labels), labels
    assert not any(x["overflows"] for x in labels if not x["number"]), labels
    ctx.close()
