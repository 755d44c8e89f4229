"""First-user walk 39b: a designer added a mandatory question to a published capsule a learner had completed
(badge held). The capsule's card then said « Meilleure tentative complète : 0 % » (no past pass answered the
new question, so none counted as complete) and the header « questions obligatoires réussies … 3 sur 4 »
without saying that the fourth is the new question, not a wrong answer. The best complete pass is counted over
the questions the learner's passes met; the header says how many of its count were added since."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.test import Client

from capsules.learning import placement
from capsules.learning.progress import skills_block_progress
from capsules.models import Achievement, Attempt, Interaction, Progress
from tests import factories
from tests.capsules.test_paths import block_world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _card(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text.split('class="path-consolidate"')[1].split("</ul>")[0])


@pytest.mark.parametrize("lang, best, wrong_best, added", [
    ("fr", "Meilleure tentative complète\u00a0: 50\u00a0%", "Meilleure tentative complète\u00a0: 0\u00a0%",
     "1 sur 3\u00a0; reste 1\u00a0question ajoutée depuis votre passage"),
    ("en", "Best complete attempt: 50%", "Best complete attempt: 0%",
     "1 of 3; 1 question added since your visit is still to do"),
])
def test_a_question_added_after_completion_keeps_the_real_best_pass(block_world, lang, best, wrong_best,  # noqa: F811
                                                                     added):
    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c",
                               min_first_try_score=100)
    Interaction.objects.filter(pk__in=[q["a1"].pk, q["a2"].pk]).update(mandatory=True)
    learner = factories.learner(username=f"meilleure39-{lang}")
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    when = datetime.now(UTC) - timedelta(hours=1)
    # One pass through A: a1 right, a2 wrong (50 %, below the badge's 100 %); A completed.
    for inter, right in ((q["a1"], True), (q["a2"], False)):
        Attempt.objects.create(user=learner, interaction=inter, response={}, correct=right, score=int(right),
                               answered_at=when)
    Progress.objects.create(user=learner, capsule=caps[0], watched_fraction=1, completed=True,
                            completed_at=when + timedelta(minutes=1))
    before = unescape(client.get(block.page.url).content.decode())
    assert best in _card(before)
    # The designer adds a mandatory question to A.
    factories.InteractionFactory(capsule=caps[0], mandatory=True, time=20.0)
    item = placement.learner_path(learner, block).to_consolidate[0]
    assert (item.capsule.pk, item.new_questions, item.best_percent) == (caps[0].pk, 1, 50)
    text = unescape(client.get(block.page.url).content.decode())
    assert best in _card(text) and wrong_best not in text
    # The header: 1 right of 3 graded mandatory questions (a2 wrong, the new one never answered), and says so.
    progress = skills_block_progress(learner, block)
    assert (progress.questions, progress.right, progress.added) == (3, 1, 1)
    header = text.split('data-live="block-progress"')[1].split("</p>")[0]
    assert added in header
