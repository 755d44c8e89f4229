"""Walk 29: the point of vigilance under a step was in the step list before its question, and it was the
answer. For a step with a question the learner has not answered, its points of vigilance are neither in the
page's HTML nor in the manifest (the seek bar's mark keeps its time, not its text); once the step's questions
are answered the manifest sends them."""

from __future__ import annotations

import html
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.capsules.test_learner_api import manifest_url, post, world  # noqa: F401  (world: a fixture)

KP = "Gants obligatoires"
pytestmark = pytest.mark.django_db

# Walk 30: « Points de vigilance affichés après la question », alone in italics under the step, read like a
# leftover; it is a sentence that says what waits and for what.
LATER = "Les points de vigilance de cette étape s'affichent une fois que vous avez répondu à sa question."
LATER_MANY = "Les points de vigilance de cette étape s'affichent une fois que vous avez répondu à ses questions."


def page_text(client, capsule) -> str:
    return html.unescape(client.get(capsule.page.url).content.decode())


def test_key_points_wait_for_the_steps_question(world):  # noqa: F811
    client, capsule, q2 = world["client"], world["capsule"], world["q2"]
    data = client.get(manifest_url(capsule)).json()
    second = data["steps"][1]  # « Dévisser l'écrou », with the question at 0:15 (q2)
    assert second["key_points"] == [] and second["key_points_after_question"] is True
    assert [kp["text"] for kp in data["key_points"]] == [""] and data["key_points"][0]["time"] == 9
    assert KP not in client.get(manifest_url(capsule)).content.decode()
    page = page_text(client, capsule)
    assert KP not in page and LATER in page
    visitor = Client()
    assert KP not in visitor.get(manifest_url(capsule)).content.decode()
    assert KP not in visitor.get(capsule.page.url).content.decode()

    res = post(client, reverse("learner-answer", args=[q2.pk]), {"response": {"value": True},
                                                                 "client_id": str(uuid.uuid4())})
    assert res.status_code == 200, res.content
    data = client.get(manifest_url(capsule)).json()
    assert data["steps"][1]["key_points"] == [KP] and "key_points_after_question" not in data["steps"][1]
    assert [kp["text"] for kp in data["key_points"]] == [KP]
    assert KP not in visitor.get(manifest_url(capsule)).content.decode()  # another learner: still waits


def test_a_step_without_question_keeps_its_key_points(world):  # noqa: F811
    world["q2"].delete()
    data = world["client"].get(manifest_url(world["capsule"])).json()
    assert data["steps"][1]["key_points"] == [KP]
    page = page_text(world["client"], world["capsule"])
    assert KP in page and LATER not in page


def test_a_step_with_two_questions_says_its_questions(world):  # noqa: F811
    from tests import factories

    factories.InteractionFactory(capsule=world["capsule"], time=world["q2"].time + 1, mandatory=False)
    from capsules import pages

    pages.new_content_generation()
    page = page_text(world["client"], world["capsule"])
    assert LATER_MANY in page and LATER not in page
