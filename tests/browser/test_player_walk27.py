"""A first user's walk of the player (walk 27), on a 360x740 phone (Chromium, real video):

1. a question at the very end of the video: its dot on the seek bar ran over the bar's right edge (the dot
   was centred on its time, half of it past 100 %). The dots now stay inside the bar; one in the middle
   still points at its own time.
2. a self-assessed question (free recall): once rated, « Valider » was brought into view flush with the
   bottom of the visible part of the card, no room under it. It now has some.
"""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser.shots import SHOTS, shot
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)
from tests.browser.test_player_walk26 import MODEL, VISIBLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKS = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top,
    bottom: r.bottom, width: r.width}; };
  return {seek: box(document.querySelector('.gp-seek')),
          questions: [...document.querySelectorAll('.gp-mark-q')].map(box),
          keyPoints: [...document.querySelectorAll('.gp-mark-kp')].map(box),
          scrollWidth: document.documentElement.scrollWidth};
}"""


@pytest.mark.timeout(180)
@pytest.mark.parametrize("screen", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_the_last_question_dot_stays_inside_the_seek_bar(live_server, browser, published, screen):  # noqa: F811
    capsule = published["capsule"]
    end = capsule.effective_end
    models.Interaction.objects.create(capsule=capsule, time=end, kind="true_false", step=published["steps"][2],
                                      prompt="Le joint est-il bien serré ?", answer_key={"correct": True})
    models.Interaction.objects.create(capsule=capsule, time=0.0, kind="true_false", step=published["steps"][0],
                                      prompt="Le siphon est-il sous l'évier ?", answer_key={"correct": True})
    models.KeyPoint.objects.create(footage=published["footage"], step=published["steps"][2], time=end,
                                   kind="quality", text="Vérifiez l'absence de fuite.")
    phone = screen["width"] == 360
    ctx = browser.new_context(locale="fr-FR", viewport=screen, has_touch=phone, is_mobile=phone)
    log_in(ctx, live_server, factories.learner())
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    marks = page.evaluate(MARKS)
    seek, dots = marks["seek"], marks["questions"]
    assert len(dots) == 4, marks
    # Every dot's whole box lies inside the bar's (the one at the end and the one at 0:00 included).
    for dot in dots:
        assert seek["left"] - 0.5 <= dot["left"] and dot["right"] <= seek["right"] + 0.5, (dot, seek)
    for kp in marks["keyPoints"]:
        assert seek["left"] - 0.5 <= kp["left"] and kp["right"] <= seek["right"] + 0.5, (kp, seek)
    # A question in the middle (q1 at 0:05 of 0:12) still points at its own time: the dot's centre there.
    middle = sorted(dots, key=lambda d: d["left"])[1]
    at = seek["left"] + seek["width"] * (published["q1"].time - capsule.start) / (end - capsule.start)
    assert abs((middle["left"] + middle["right"]) / 2 - at) <= 0.6, (middle, at)
    assert marks["scrollWidth"] <= screen["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".gp-bar").screenshot(path=str(SHOTS / f"player-seekbar-end-dot-{screen['width']}.png"))
    leave(page)
    ctx.close()


@pytest.mark.timeout(240)
def test_valider_has_room_under_it_after_the_self_rating_on_a_phone(live_server, phone_context,
                                                                    published):  # noqa: F811
    step = published["steps"][0]
    recall = models.Interaction.objects.create(
        capsule=published["capsule"], time=2.0, kind="free_recall", step=step, mandatory=True,
        prompt="Avant de démonter le siphon sous l'évier, que faites-vous, dans l'ordre, pour ne pas inonder "
               "le meuble et le sol ?", answer_key={"model_answer": MODEL},
        feedback_correct=f"Réponse attendue : {MODEL}")
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", recall.pk)
    page.wait_for_selector(f"[data-asking='{recall.pk}']")
    page.get_by_label("Votre réponse", exact=True).fill("Je coupe l'eau et je mets une bassine.")
    page.get_by_role("button", name="Voir la réponse attendue").tap()
    page.wait_for_selector(".gq-model:not([hidden])")
    page.locator(".gq-model .gq-choice").first.scroll_into_view_if_needed()
    page.get_by_text("Je savais", exact=True).tap()
    page.wait_for_timeout(600)
    seen = page.evaluate(VISIBLE, ".gq-submit")
    shot(page, "player-free-recall-valider-room-360x740", full_page=False)
    assert seen["visible"], seen
    assert seen["seenBottom"] - seen["bottom"] >= 8, seen
    leave(page)
