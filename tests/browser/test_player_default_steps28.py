"""First-user walk 28: a step the pipeline could not name keeps the title « Étape N »; the player said it
twice (« Étape 1 : Étape 1, 0:00 » on the step bar, « Étape : Étape 3 » under the video, « Il reste à
regarder l'étape 1 « Étape 1 » » at the end). Now the number once. At 360 px."""

from __future__ import annotations

import pytest

from capsules.models import Step
from tests.browser import test_player as base
from tests.browser.test_player import leave, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(180)
def test_default_step_titles_are_said_once_in_the_player(live_server, phone_context, published):
    published["capsule"].interactions.all().delete()
    for n, step in enumerate(Step.objects.filter(footage=published["capsule"].footage).order_by("start"), start=1):
        step.title = f"Étape {n}"
        step.save()
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    labels = page.eval_on_selector_all(".gp-mark-step", "(bs) => bs.map((b) => b.getAttribute('aria-label'))")
    assert labels[0] == "Étape 1, 0:00", labels
    assert not any("Étape 1 : Étape" in x or "Étape 3 : Étape" in x for x in labels), labels
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, "(v.muted = true, v.currentTime = 10.5)")
    page.wait_for_timeout(300)
    page.click(".gp-play")
    page.wait_for_selector("[data-geste-player][data-ended='1']", timeout=15000)
    page.wait_for_timeout(800)
    assert page.inner_text(".gp-step-now").strip() == "Étape 3"
    left = page.locator(".gp-end:not([hidden]) .gp-end-left")
    left.first.wait_for(timeout=15000)
    texts = left.all_inner_texts()
    assert texts[0].startswith("Il reste à regarder l'étape 1."), texts
    assert not any("« Étape" in t or "«\u00a0Étape" in t for t in texts), texts
    leave(page)
    assert not errors, errors
