"""First-user walk: every link to a question read « Aller à la question (0:05) », so two different questions
at the same time (Capsule 1's and Capsule 2's in the badge's list, one of them also under its capsule) had the
same link text, for screen readers (the links list) and sighted users alike. Each link now names its
question by a short excerpt of its prompt, and keeps the time."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests import factories
from tests.capsules.test_recognition import block, complete, login  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

LONG = "Quelle pièce faut-il changer quand le robinet fuit au niveau de la tête ?"


def _links(body: str) -> list[tuple[str, str]]:
    return [(url, " ".join(html.unescape(re.sub(r"<[^>]+>", "", label)).split()))
            for url, label in re.findall(r'<a class="question-link" href="([^"]*)"[^>]*>(.*?)</a>', body, re.S)]


@pytest.mark.parametrize("lang, first, second", [
    ("fr", "Aller à la question « Quel outil faut-il pour serrer l'écrou ? » (0:05)",
     "Aller à la question « Quelle pièce faut-il changer quand le… » (0:05)"),
    ("en", "Go to the question “Quel outil faut-il pour serrer l'écrou ?” (0:05)",
     "Go to the question “Quelle pièce faut-il changer quand le…” (0:05)"),
])
def test_links_to_two_questions_at_the_same_time_say_which_question(
        block, django_capture_on_commit_callbacks, lang, first, second):  # noqa: F811
    one, two = block["capsules"]
    two.interactions.update(prompt=LONG)  # both at 0:05
    learner = factories.learner()
    complete(login(learner), one, ["b"], django_capture_on_commit_callbacks)  # wrong: the badge needs it right
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    links = _links(client.get(one.page.get_parent().url).content.decode())
    # Under Capsule 1, and in the badge's list: Capsule 1's and Capsule 2's question.
    assert sorted(links) == sorted([(f"{one.page.url}#t=5", first), (f"{one.page.url}#t=5", first),
                                    (f"{two.page.url}#t=5", second)]), links
