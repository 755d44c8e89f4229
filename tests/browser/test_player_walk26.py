"""A first user's walk of the player (walk 26), on a 360x740 phone (Chromium, real video): a self-assessed
question (free recall) whose card scrolls inside itself over the video. After « Voir la réponse attendue » and
« Je savais », « Valider » was below the visible part of the card (its top at 760 px in a 740 px window): the
learner had chosen and saw nothing to do next. The choice now brings « Valider » into view."""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser.shots import shot
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"
MODEL = ("Couper l'arrivée d'eau au robinet d'arrêt, ouvrir le robinet pour vider la conduite, puis placer une "
         "bassine sous le siphon et garder un chiffon à portée de main.")

VISIBLE = """sel => {
  const el = document.querySelector(sel), r = el.getBoundingClientRect();
  let top = 0, bottom = innerHeight;
  for (let p = el.parentElement; p; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (/(auto|scroll)/.test(s.overflowY) && p.scrollHeight > p.clientHeight) {
      const b = p.getBoundingClientRect();
      top = Math.max(top, b.top); bottom = Math.min(bottom, b.bottom);
    }
  }
  return {top: r.top, bottom: r.bottom, seenTop: top, seenBottom: bottom,
          visible: r.top >= top - 0.5 && r.bottom <= bottom + 0.5};
}"""


@pytest.mark.timeout(240)
def test_valider_comes_into_view_after_the_self_rating_on_a_phone(live_server, phone_context, published):  # noqa: F811
    step = published["steps"][0]
    recall = models.Interaction.objects.create(
        capsule=published["capsule"], time=2.0, kind="free_recall", step=step, mandatory=True,
        prompt="Avant de démonter le siphon sous l'évier, que faites-vous, dans l'ordre, pour ne pas inonder "
               "le meuble et le sol ?", answer_key={"model_answer": MODEL},
        feedback_correct=f"Réponse attendue : {MODEL}")
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.evaluate("[innerWidth, innerHeight]") == [360, 740]
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", recall.pk)
    page.wait_for_selector(f"[data-asking='{recall.pk}']")
    page.get_by_label("Votre réponse", exact=True).fill("Je coupe l'eau et je mets une bassine.")
    page.get_by_role("button", name="Voir la réponse attendue").tap()
    page.wait_for_selector(".gq-model:not([hidden])")
    # The card scrolls inside itself: the rating is brought into view by a touch scroll, as a thumb would.
    page.locator(".gq-model .gq-choice").first.scroll_into_view_if_needed()
    page.get_by_text("Je savais", exact=True).tap()
    page.wait_for_timeout(600)  # a smooth scroll, if any, has ended
    seen = page.evaluate(VISIBLE, ".gq-submit")
    shot(page, "player-free-recall-rated-valider-360x740", full_page=False)
    assert seen["visible"], seen
    page.locator(".gq-submit").tap()
    page.wait_for_selector(".gq-feedback .gq-self")
    assert models.Attempt.objects.get(user=user, interaction=recall).response["self_assessment"] == "knew"
    leave(page)
    assert not errors, errors
