"""Walk 15: a drafted click-zone question cannot be accepted with the zone the drafting placed (the fixed
centre box or the box around the hands, up to 60 % x 60 % of the picture): « Accepter » is disabled with
the reason, the server refuses in French, and once the designer drew the zone it is accepted."""

from __future__ import annotations

import re

import pytest

from capsules.models import Footage, Interaction
from media_pipeline.quiz_drafts import DEFAULT_REGION
from tests import factories

pytestmark = pytest.mark.django_db

HANDS = [0.2, 0.25, 0.6, 0.6]  # activity_region's largest box


def _proposal(rect, keyframe_region=HANDS):
    footage = factories.FootageFactory(duration=30.0, status=Footage.Status.APPROVED)
    step = factories.StepFactory(footage=footage, order=0, start=0, end=10, approved=True,
                                 keyframe="k/1.jpg", keyframe_region=keyframe_region)
    capsule = factories.CapsuleFactory(footage=footage, start=0, end=30)
    inter = factories.InteractionFactory(
        capsule=capsule, time=4.0, kind="hotspot", step=step, image="k/1.jpg", choices=[],
        prompt="Montrez sur l'image l'endroit qui demande de la vigilance pour la sécurité.",
        answer_key={"regions": [{"rect": list(rect)}]}, feedback_correct="Oui.", feedback_wrong="Attention.",
        origin=Interaction.Origin.DRAFTED, draft_status=Interaction.DraftStatus.PROPOSED)
    return capsule, inter


def _accept(client, capsule, inter):
    return client.post(f"/admin/geste/capsules/{capsule.pk}/propositions/{inter.pk}/",
                       {"decision": "accept", "mandatory_shown": "1", "mandatory": "on"}, follow=True)


@pytest.mark.parametrize("rect", [HANDS, DEFAULT_REGION], ids=["hands-box", "centre-box"])
def test_accepting_a_zone_placed_by_the_drafting_is_refused(client, rect):
    capsule, inter = _proposal(rect)
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/capsules/{capsule.pk}/").content.decode()
    item = re.search(r'<li data-kind="hotspot">(.*?)</li>', body, re.S).group(1)
    button = re.search(r"<button[^>]*>Accepter</button>", item).group(0)
    assert " disabled" in button and f'aria-describedby="zone-to-draw-{inter.pk}"' in button
    assert f'id="zone-to-draw-{inter.pk}"' in item and "tracez la bonne zone" in item

    text = _accept(client, capsule, inter).content.decode().replace("&#x27;", "'")
    assert "presque tout appui sur l'image serait compté juste" in text
    inter.refresh_from_db()
    assert inter.draft_status == Interaction.DraftStatus.PROPOSED


def test_a_drawn_zone_is_accepted(client):
    capsule, inter = _proposal([0.52, 0.41, 0.12, 0.1])
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/capsules/{capsule.pk}/").content.decode()
    item = re.search(r'<li data-kind="hotspot">(.*?)</li>', body, re.S).group(1)
    assert " disabled" not in re.search(r"<button[^>]*>Accepter</button>", item).group(0)
    assert "Proposition acceptée" in _accept(client, capsule, inter).content.decode()
    inter.refresh_from_db()
    assert inter.draft_status == Interaction.DraftStatus.ACCEPTED
