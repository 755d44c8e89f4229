"""Audit 37's leftover: the placement test answers at its own URL, outside Wagtail's routing, so a skills block
kept for one group (« Confidentialité » on its page or above) gave its questions to any signed-in learner, and a
capsule kept for some learners (a password, a group on its own page) had its questions asked to all. The test now
answers only to who passes the block's restrictions, and asks no question of a capsule restricted on its own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from capsules.models import Interaction, PlacementQuestion
from tests import factories
from tests.capsules.test_placement_coverage import world  # noqa: F401  (a live block, two placement questions)

pytestmark = pytest.mark.django_db


def _restrict(page, kind: str, group: Group | None = None) -> PageViewRestriction:
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind,
                                                     password="secret" if kind == "password" else "")
    if group is not None:
        restriction.groups.add(group)
    return restriction


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("on", ["block", "certification"])
def test_a_block_kept_for_a_group_gives_its_placement_to_that_group_only(world, on):  # noqa: F811
    block, _caps = world
    page = block.page if on == "block" else block.page.get_parent()
    group = Group.objects.create(name="Session de mai")
    _restrict(page, "groups", group)
    url = reverse("learner-placement", args=[block.pk])
    outsider = _client(factories.learner(username="hors-groupe"))
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"interaction": "1", "choice": "a"}).status_code == 404
    member = factories.learner(username="dans-le-groupe")
    member.groups.add(group)
    response = _client(member).get(url)
    assert response.status_code == 200 and response.context["question"] is not None


def test_a_capsule_kept_for_some_learners_is_not_asked_in_the_blocks_placement(world):  # noqa: F811
    block, caps = world
    hidden = factories.InteractionFactory(capsule=caps["new"], prompt="Quelle vanne fermer en premier ?")
    PlacementQuestion.objects.create(interaction=hidden, accepted=True)
    _restrict(caps["new"].page, "password")
    client = _client(factories.learner(username="tout-le-monde"))
    url = reverse("learner-placement", args=[block.pk])
    asked = set()
    for _ in range(3):
        response = client.get(url)
        question = response.context.get("question") if response.context else None
        if question is None:
            break
        asked.add(int(question.id))
        inter = Interaction.objects.get(pk=int(question.id))
        client.post(url, {"interaction": inter.pk, **({"choice": "a"} if inter.kind == "single_choice"
                                                       else {"value": "true"})})
    assert asked and hidden.pk not in asked
    assert "Quelle vanne" not in client.get(url, follow=True).content.decode()
