"""First-user walk (ux33), the player on a 360x740 phone: a self-assessed question (free recall). After « Voir la
réponse attendue », the expected answer showed and the focus went to it, but the self-rating (« Je savais », « En
partie », « Je ne savais pas ») and « Valider » stayed below the visible part of the card: the learner read the
answer and did not see what to do next. The reveal now brings the answer, the rating and « Valider » into view
together (a smooth scroll, instant when the learner asked for reduced motion); the focus stays on the answer, read
out first. On a 1366x900 screen « Valider » was below the window too."""

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
from tests.browser.test_player_walk26 import MODEL, VISIBLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The walk's own case was a longer answer than walk 26's: the rating itself was below the card's visible part.
LONG_MODEL = (f"{MODEL} Vérifier ensuite que le robinet d'arrêt ne fuit pas, puis desserrer l'écrou du siphon à "
              "la main, sans outil, pour ne pas abîmer le joint.")
PROMPT = ("Avant de démonter le siphon sous l'évier, que faites-vous, dans l'ordre, pour ne pas inonder le meuble et "
          "le sol ?")


def _reveal(page, live_server, published, recall, *, tap: bool) -> None:  # noqa: F811
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", recall.pk)
    page.wait_for_selector(f"[data-asking='{recall.pk}']")
    page.get_by_label("Votre réponse", exact=True).fill("Je coupe l'eau et je mets une bassine.")
    button = page.get_by_role("button", name="Voir la réponse attendue")
    if tap:
        button.tap()
    else:  # by keyboard
        button.focus()
        page.keyboard.press("Enter")
    page.wait_for_selector(".gq-model:not([hidden])")


def _recall(published):  # noqa: F811
    return models.Interaction.objects.create(
        capsule=published["capsule"], time=2.0, kind="free_recall", step=published["steps"][0], mandatory=True,
        prompt=PROMPT, answer_key={"model_answer": LONG_MODEL},
        feedback_correct=f"Réponse attendue : {LONG_MODEL}")


@pytest.mark.timeout(240)
@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_the_self_rating_and_valider_come_into_view_with_the_expected_answer_on_a_phone(
        live_server, phone_context, published, motion):  # noqa: F811
    recall = _recall(published)
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    page.emulate_media(reduced_motion=motion)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _reveal(page, live_server, published, recall, tap=True)
    assert page.evaluate("[innerWidth, innerHeight]") == [360, 740]
    if motion == "reduce":
        page.wait_for_timeout(100)  # no smooth scroll: in view at once
    else:
        page.wait_for_timeout(900)  # the smooth scroll has ended
    shot(page, f"player-recall-revealed-{motion}-360x740", full_page=False)
    rating = page.evaluate(VISIBLE, ".gq-model .gq-choices")
    assert rating["visible"], rating
    first_choice = page.evaluate(VISIBLE, ".gq-model .gq-choice")
    assert first_choice["visible"] and 0 <= first_choice["top"] and first_choice["bottom"] <= 740, first_choice
    submit = page.evaluate(VISIBLE, ".gq-submit")
    assert submit["visible"], submit
    answer = page.evaluate(VISIBLE, ".gq-model-text")
    assert answer["top"] >= answer["seenTop"] - 0.5, answer  # the expected answer's start still in view
    # The focus is on the answer, read out first (walk 15); Tab goes on to the rating.
    assert page.evaluate("document.activeElement.classList.contains('gq-model')")
    page.get_by_text("Je savais", exact=True).tap()
    page.locator(".gq-submit").tap()
    page.wait_for_selector(".gq-feedback .gq-self")
    assert models.Attempt.objects.get(user=user, interaction=recall).response["self_assessment"] == "knew"
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
def test_valider_comes_into_view_with_the_expected_answer_on_a_desktop_by_keyboard(
        live_server, browser, published):  # noqa: F811
    recall = _recall(published)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    try:
        log_in(context, live_server, factories.learner())
        page = context.new_page()
        _reveal(page, live_server, published, recall, tap=False)
        page.wait_for_timeout(900)
        shot(page, "player-recall-revealed-1366x900", full_page=False)
        for sel in (".gq-model-text", ".gq-model .gq-choices", ".gq-submit"):
            seen = page.evaluate(VISIBLE, sel)
            assert seen["visible"], (sel, seen)
        assert page.evaluate("document.activeElement.classList.contains('gq-model')")
        leave(page)
    finally:
        context.close()
