"""Walk 39b: after a mandatory question was added to a capsule a learner had finished, the block header said
« à consolider pour le badge : … 3 sur 4 » beside the badge the learner already held. With the badge held the
header says « badge obtenu » and the count; without it, « à consolider pour le badge » as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.test import Client

from capsules.learning.progress import blocks_progress, skills_block_progress
from capsules.models import Achievement, Attempt, Interaction, Progress
from capsules.recognition import issuance
from tests import factories
from tests.capsules.test_paths import block_world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _header(client, block) -> str:
    text = unescape(client.get(block.page.url).content.decode())
    return text.split('data-live="block-progress"')[1].split("</p>")[0]


@pytest.mark.parametrize("lang, held, not_held", [
    ("fr", "badge obtenu\u00a0; questions obligatoires réussies dans les capsules terminées, 2 sur 3",
     "à consolider pour le badge"),
    ("en", "badge earned; mandatory questions answered right in the completed capsules, 2 of 3",
     "to consolidate for the badge"),
])
def test_the_header_does_not_ask_to_consolidate_a_badge_already_held(block_world, lang, held,  # noqa: F811
                                                                       not_held):
    block, caps, q = block_world
    achievement = Achievement.objects.create(skills_block=block, name="Plomberie", description="d",
                                             criteria_narrative="c")
    Interaction.objects.filter(pk__in=[q["a1"].pk, q["a2"].pk]).update(mandatory=True)
    learner = factories.learner(username=f"badge40-{lang}")
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    when = datetime.now(UTC) - timedelta(hours=1)
    for inter in (q["a1"], q["a2"]):
        Attempt.objects.create(user=learner, interaction=inter, response={}, correct=True, score=1, answered_at=when)
    Progress.objects.create(user=learner, capsule=caps[0], watched_fraction=1, completed=True,
                            completed_at=when + timedelta(minutes=1))
    factories.InteractionFactory(capsule=caps[0], mandatory=True, time=20.0)  # added since
    # Without the badge: to consolidate for it.
    assert not skills_block_progress(learner, block).badge_held
    assert not_held in _header(client, block)
    issuance.award_by_hand(learner, achievement, factories.designer(), "Observé en atelier.")
    progress = skills_block_progress(learner, block)
    assert (progress.questions, progress.right, progress.added, progress.badge_held) == (3, 2, 1, True)
    assert blocks_progress(learner, [block.pk])[block.pk].badge_held
    header = _header(client, block)
    assert held in header and not_held not in header
