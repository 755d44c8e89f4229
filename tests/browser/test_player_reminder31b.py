"""Walk 31b: a learner answered the capsule's mandatory questions wrong, went on (« Continuer ») to the end
(the server completed the capsule: answered is enough), and came back later, on a phone, from a browser
that keeps nothing of hers (a new device, a cleared cache). On every return the reminder under the player
(« Questions obligatoires à reprendre ») and the marks on the steps named every mandatory question whose
last answer is still wrong, whatever the position saved on her last visit: it varied with that position
(questions before it only), and vanished when she had gone back to the first step before leaving.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from capsules import models
from tests import factories
from tests.browser.test_learner_journey import START, journey  # noqa: F401  (fixture)
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"


@pytest.mark.timeout(240)
def test_every_mandatory_question_still_wrong_is_reminded_on_each_return(live_server, browser, journey):  # noqa: F811
    multi, tf = journey["multi"], journey["tf"]  # 0:01 and 0:06 of the capsule, both mandatory
    user = factories.learner()
    for inter in (multi, tf):
        models.Attempt.objects.create(user=user, interaction=inter, response={}, correct=False, score=0,
                                      answered_at=timezone.now())
    progress = models.Progress.objects.create(user=user, capsule=journey["capsule"], position=12.0,
                                              watched=[[START, 12.0]], watched_fraction=1, completed=True,
                                              completed_at=timezone.now())
    url = f"{live_server.url}{journey['page'].url}"
    # Where she left it on her last visit: back on the first step (0:00), then between the two questions.
    for position in (START, multi.time + 2.0):
        models.Progress.objects.filter(pk=progress.pk).update(position=position, updated_at=timezone.now())
        ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True)
        try:
            log_in(ctx, live_server, user)
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            open_capsule(page, url)
            # The player has placed the video (resume() runs on the video's metadata).
            page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
            page.wait_for_timeout(500)
            assert page.get_attribute(PLAYER, "data-completed") == "1"
            state = page.evaluate("""() => ({hidden: document.querySelector('.gp-todo').hidden,
                text: document.querySelector('.gp-todo').innerText,
                ids: [...document.querySelectorAll('.gp-todo-go')].map((b) => +b.dataset.interaction).sort(),
                steps: [...document.querySelectorAll('.gp-steps li')].filter((li) => li.querySelector('.gp-step-todo'))
                  .map((li) => li.querySelector('.gp-step-title').textContent.trim())})""")
            where = f"position {position - START:.1f} s: {state}"
            assert not state["hidden"], where
            assert state["text"].startswith("2 questions obligatoires à reprendre"), where
            assert state["ids"] == sorted([multi.pk, tf.pk]), where
            assert state["steps"] == ["Dévisser l'écrou", "Serrer le joint"], where
            leave(page)
            assert not errors, errors
        finally:
            ctx.close()
