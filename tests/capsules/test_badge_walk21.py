"""Walk 21: a mandatory question answered wrong, then « Continuer »: the capsule is complete (the rule in
progress.py asks the mandatory questions answered) while the block's badge needs them right
(``require_mandatory_correct``). The server says so for that capsule: badge.json (the player's end panel)
and the skills block page name the question, with a way back to it; the answer never leaves the server."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from capsules.models import Achievement, Progress
from tests import factories
from tests.capsules.test_recognition import block, complete, login  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SENTENCE = ("Capsule terminée. Pour le badge du bloc, la question obligatoire «\u00a0{}\u00a0» doit être réussie.")


def badge_json(client, capsule) -> dict:
    response = client.get(reverse("recognition-capsule-badge", args=[capsule.pk]))
    assert response.status_code == 200
    return response.json()


def page_text(client, page) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", client.get(page.url).content.decode())).split())


def test_badge_json_names_the_completed_capsules_mandatory_question_to_get_right(
        block, django_capture_on_commit_callbacks):  # noqa: F811
    first, second = block["capsules"]
    q = first.interactions.get()
    learner = factories.learner()
    client = login(learner)
    complete(client, first, ["b"], django_capture_on_commit_callbacks)  # wrong, then « Continuer »
    assert Progress.objects.get(user=learner, capsule=first).completed  # the rule: answered is enough
    data = badge_json(client, first)
    assert data["to_get_right"] == [{
        "id": q.pk, "capsule_id": first.pk, "prompt": q.prompt, "excerpt": q.prompt, "capsule": "Capsule 1",
        "time": "0:05",
        "url": first.page.url + "#t=5", "answered": True, "status": "répondue, mais jamais juste"}]
    assert "answer_key" not in str(data) and '"correct"' not in str(data)
    # Another capsule, not complete: nothing to retake there (the end panel says what is left to finish).
    assert badge_json(client, second)["to_get_right"] == []
    # The badge does not ask them right: nothing to say.
    Achievement.objects.filter(pk=block["achievement"].pk).update(require_mandatory_correct=False)
    assert badge_json(client, first)["to_get_right"] == []
    Achievement.objects.filter(pk=block["achievement"].pk).update(require_mandatory_correct=True)
    complete(client, first, ["a"], django_capture_on_commit_callbacks)  # right on the retry
    assert badge_json(client, first)["to_get_right"] == []


def test_block_page_says_under_the_completed_capsule_which_question_the_badge_needs_right(
        block, django_capture_on_commit_callbacks):  # noqa: F811
    first, second = block["capsules"]
    q1, q2 = first.interactions.get(), second.interactions.get()
    learner = factories.learner()
    client = login(learner)
    block_page = first.page.get_parent()
    complete(client, first, ["b"], django_capture_on_commit_callbacks)
    body = client.get(block_page.url).content.decode()
    items = re.findall(r'<p class="capsule-to-get-right">(.*?)</p>', body, re.S)
    assert len(items) == 1  # the second capsule is not complete: not said there
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", items[0])).split(" "))
    assert text.startswith(SENTENCE.format(q1.prompt)), text
    assert f'href="{first.page.url}#t=5"' in items[0]
    assert "Aller à la question «&nbsp;Quel outil faut-il pour serrer l&#x27;écrou ?&nbsp;» (0:05)" in items[0]
    assert q2.prompt not in items[0]
    # Right on a retry: no longer said.
    complete(client, first, ["a"], django_capture_on_commit_callbacks)
    assert "capsule-to-get-right" not in client.get(block_page.url).content.decode()


def test_block_page_counts_say_what_they_count(block, django_capture_on_commit_callbacks):  # noqa: F811
    """Walk 21: « à consolider : 0 bonne réponse sur 1 question obligatoire » at the top and « 2 questions
    obligatoires n'ont pas encore reçu de bonne réponse » under the badge, on the same page: the first
    counts the completed capsules' mandatory questions, the second the whole block's (a capsule not
    finished included). Each now says which questions it counts."""
    first, _second = block["capsules"]
    learner = factories.learner()
    client = login(learner)
    complete(client, first, ["b"], django_capture_on_commit_callbacks)  # completed, its question wrong
    text = page_text(client, first.page.get_parent())
    assert ("1 capsule terminée sur 2 (50 %) — à consolider pour le badge : questions obligatoires réussies "
            "dans les capsules terminées, 0 sur 1") in text
    assert ("Dans tout le bloc, capsules non terminées comprises, 2 questions obligatoires n'ont pas encore "
            "reçu de bonne réponse :") in text
    assert "bonne réponse sur" not in text
