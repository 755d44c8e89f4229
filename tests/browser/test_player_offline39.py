"""Walk 39, offline on a 360-px phone: an answer queued offline, graded once the connection is back while its
question is still open. The banner said « 1 réponse hors ligne envoyée : 1 juste. » while the question's card
above it still said « elle sera envoyée et corrigée au retour de la connexion »: the card now says the result."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    published,
)
from tests.browser.test_player_offline28 import errors_of, mandatory_at_three, offline_copy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


GRADED = "Réponse envoyée et corrigée\u00a0: "


@pytest.mark.timeout(240)
@pytest.mark.parametrize("answer, said", [("true", f"{GRADED}bonne réponse\u00a0!"),
                                          ("false", f"{GRADED}ce n'est pas la bonne réponse.")], ids=["right", "wrong"])
def test_the_open_question_says_its_result_once_graded_back_online(live_server, phone_context, published,  # noqa: F811
                                                                   answer, said):
    q1, _q2 = mandatory_at_three(published)
    published["url"] = f"{live_server.url}{published['page'].url}"
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    errors = errors_of(page)
    offline_copy(phone_context, page, published)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    page.check(f".gp-question input[value='{answer}']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-queued")
    # Back online with the question still open (« Continuer » not pressed).
    phone_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("text=1 réponse hors ligne envoyée", timeout=15000)
    card = page.locator(".gp-question .gq-feedback")
    assert page.locator(".gq-queued").count() == 0, card.inner_text()
    assert said in card.inner_text(), card.inner_text()
    assert "corrigée au retour de la connexion" not in card.inner_text()
    assert card.locator(".gq-continue").is_visible()
    leave(page)
    assert not errors, errors
