"""Walk 41 in Debian's Chromium: the trainer's page for one learner lists their answers; on a 360-px phone the
tables scroll inside their own region (the page itself does not), reached with the keyboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import Interaction
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.capsules.test_cohort_answers41 import _answer
from tests.capsules.test_cohort_walk29 import _session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("width", [360, 1280])
def test_a_learner_s_answers_on_a_phone_and_a_desktop(live_server, browser, width):
    ensure_baseline()
    cohort, trainer, karim, capsule = _session(reviews=False)
    trainer.username = f"formatrice41-{width}"
    trainer.set_password("motdepasse-geste")
    trainer.save()
    choice = factories.InteractionFactory(capsule=capsule, time=5.0)
    blank = factories.InteractionFactory(capsule=capsule, time=13.6, kind=Interaction.Kind.CLOZE, choices=[],
                                         prompt="Vous allez maintenant joindre la ____.",
                                         answer_key={"blanks": [["conférence"]]})
    _answer(karim, choice, {"choice": "b"}, False, 1)
    _answer(karim, blank, {"blanks": ["<img src=x onerror=alert(1)>tasse"]}, False, 2)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, live_server.url, trainer.username)
    page.goto(live_server.url + reverse("geste_cohort_learner", args=[cohort.pk, karim.pk]))
    table = page.locator(f'table[data-answers="{capsule.pk}"]')
    assert table.locator("tr[data-question]").count() == 2
    assert "Un marteau" in table.inner_text() and "<img src=x onerror=alert(1)>tasse" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # the page does not scroll sideways
    region = table.locator("xpath=ancestor::div[@role='region'][1]")
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    page.get_by_role("heading", name="Réponses aux questions").scroll_into_view_if_needed()
    shot(page, f"cohort-answers41-{width}", full_page=False)
    assert not dialogs, dialogs
    ctx.close()
