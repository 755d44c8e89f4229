"""A first-user walk (walk 10) of the player on a phone: when a four-choice question opens on a
360x740 screen, its "Valider" button is on screen without the learner scrolling (it was ~100 px below
the fold: the question box of ~400 px sat under ~330 px of video and controls)."""

from __future__ import annotations

import pytest

from capsules import models
from tests.browser.test_player import built_player, capsule_media, leave, open_capsule, published  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOUR = [
    {"id": "a", "text": "Couper l'arrivée d'eau sous l'évier", "feedback": ""},
    {"id": "b", "text": "Serrer l'écrou au maximum avec la clé", "feedback": ""},
    {"id": "c", "text": "Démonter le meuble sous le lavabo", "feedback": ""},
    {"id": "d", "text": "Mettre un seau sous le siphon seulement", "feedback": ""},
]

GEOMETRY = """() => { const r = (s) => document.querySelector(s).getBoundingClientRect();
  const v = r('.gp-video'), b = r('.gp-question .gq-submit'), t = r('.gp-question h2');
  return {vtop: v.top, vbottom: v.bottom, btop: b.top, bbottom: b.bottom, ttop: t.top, inner: innerHeight,
          focused: document.activeElement.matches('.gp-question h2')}; }"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("scrolled", [False, True], ids=["top", "scrolled-to-controls"])
def test_phone_four_choice_question_shows_its_submit_button(live_server, browser, published, scrolled):  # noqa: F811
    q1 = published["q1"]
    models.Interaction.objects.filter(pk=q1.pk).update(choices=FOUR)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    if scrolled:  # the learner scrolled down to the controls, as in the first-user walk
        page.evaluate("scrollBy(0, document.querySelector('.gp-seek').getBoundingClientRect().top - 40)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=20000)
    page.wait_for_timeout(300)  # any scroll the focus caused has happened
    assert page.locator(".gq-choice").count() == 4
    b = page.evaluate(GEOMETRY)
    leave(page)
    ctx.close()
    assert b["focused"], b
    assert 0 <= b["btop"] and b["bbottom"] <= b["inner"], b  # Valider on screen, no scrolling
    assert b["ttop"] >= 0, b  # the question's title too
    assert b["vbottom"] > 0, b  # and some of the video still seen
