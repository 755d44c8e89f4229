"""First-user walk 39, F6: after the designer added a mandatory question to a published capsule a learner had
completed, the player said « Capsule terminée » and « Question obligatoire à reprendre » while the block page
said « Vous avez parcouru tout le bloc » and nothing of the new question. One story: the block page names the
capsule with its new question(s) to do, with a link, where it summarises what is left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils.html import escape

from capsules.learning import placement
from capsules.models import Attempt, Progress
from tests import factories
from tests.capsules.test_paths import block_world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _all_done(learner, caps, q, when):
    for inter in q.values():
        Attempt.objects.create(user=learner, interaction=inter, response={}, correct=True, score=1, answered_at=when)
    for capsule in caps:
        Progress.objects.create(user=learner, capsule=capsule, watched_fraction=1, completed=True,
                                completed_at=when + timedelta(minutes=1))


@pytest.mark.parametrize("lang, one, walked", [
    ("fr", "1\u00a0question nouvelle à faire", "Vous avez parcouru tout le bloc."),
    ("en", "1 new question to do", "You have been through the whole block."),
])
def test_a_question_added_after_completion_is_said_on_the_block_page(block_world, lang, one, walked):  # noqa: F811
    block, caps, q = block_world
    learner = factories.learner(username=f"nouvelle39-{lang}")
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    _all_done(learner, caps, q, datetime.now(UTC) - timedelta(hours=1))
    before = unescape(client.get(block.page.url).content.decode())
    assert walked in before and one not in before
    # The designer adds a mandatory question to C (published, completed by the learner).
    factories.InteractionFactory(capsule=caps[2], mandatory=True, time=20.0)
    path = placement.learner_path(learner, block)
    assert [(i.capsule.pk, i.new_questions) for i in path.to_consolidate] == [(caps[2].pk, 1)]
    body = client.get(block.page.url).content.decode()
    text = unescape(body)
    assert walked not in text  # not the whole story any more
    card = text.split('class="path-consolidate"')[1].split("</ul>")[0]
    assert caps[2].title in card and one in card
    assert f'href="{caps[2].page.url}"' in body.split('class="path-new-questions"')[1].split("</p>")[0]
    assert escape(caps[0].title) not in body.split('class="path-consolidate"')[1].split("</ul>")[0]
