"""First-user walk 15, in Chromium: « Placer à la fin de l'étape » on a question's edit screen keeps the
edits typed and not yet saved (it used to move the saved question and reload the screen, losing them)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import Footage, Interaction
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.factories import CapsuleFactory, FootageFactory, InteractionFactory, StepFactory, designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def excerpt(django_db_serialized_rollback, transactional_db):
    """A capsule from 0:06 to 0:50 of the footage, its question timed before the step it asks about."""
    ensure_baseline()
    footage = FootageFactory(duration=60.0, status=Footage.Status.APPROVED)
    for i, (a, b, title) in enumerate([(0.0, 6.0, "Avant"), (6.0, 18.0, "Préparer"),
                                       (18.0, 30.0, "Serrer l'écrou"), (30.0, 50.0, "Contrôler")]):
        StepFactory(footage=footage, order=i, start=a, end=b, title=title, approved=True)
    capsule = CapsuleFactory(footage=footage, title="Changer une roue", start=6.0, end=50.0)
    inter = InteractionFactory(capsule=capsule, time=10.5, step=footage.steps.get(title="Serrer l'écrou"),
                               kind=Interaction.Kind.TRUE_FALSE, prompt="Texte enregistré",
                               answer_key={"correct": True}, choices=[])
    return capsule, inter


def test_placer_a_la_fin_keeps_the_typed_edits(live_server, context, excerpt):
    capsule, inter = excerpt
    designer(username="ines15")
    page = context.new_page()
    login(page, live_server.url, "ines15")
    page.goto(live_server.url + reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]))
    warning = page.locator("[data-role=before-step]")
    assert "avant l'étape « Serrer l'écrou »" in warning.inner_text()

    page.fill("#id_prompt", "Texte tapé, pas encore enregistré")
    page.check("input[name=true_false][value=false]")
    button = warning.get_by_role("button", name="Placer à la fin de l'étape (0:24,0)")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.input_value("#id_prompt") == "Texte tapé, pas encore enregistré"
    assert page.is_checked("input[name=true_false][value=false]")
    assert page.input_value("#id_time") == "24"
    assert page.locator("[data-role=before-step]").count() == 0
    assert "placée à la fin de l'étape « Serrer l'écrou » (0:24,0)" in page.inner_text("body")
    inter.refresh_from_db()
    assert (inter.time, inter.prompt, inter.answer_key) == (30.0, "Texte tapé, pas encore enregistré",
                                                            {"correct": False})
    page.close()
