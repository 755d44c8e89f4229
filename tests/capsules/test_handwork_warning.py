"""The review screen and the footage page warn the expert when the motion stage saw no hands working."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

WARNING = "Peu de gestes des mains détectés"


def _footage(hands_seen_working: bool | None):
    curve = {"fps": 2, "values": [0.1, 0.5]}
    if hands_seen_working is not None:
        curve["handwork"] = {"hands_seen_working": hands_seen_working, "share": 0.0, "reason": "", "camera": 0.04}
    return factories.FootageFactory(title="Rue", expert=None, motion_curve=curve)


@pytest.mark.parametrize("name", ["geste_review", "geste_footage_detail"])
@pytest.mark.parametrize(("seen", "warned"), [(False, True), (True, False), (None, False)])
def test_warning_when_no_hands_are_seen_working(client, name, seen, warned):
    client.force_login(factories.designer())
    footage = _footage(seen)
    res = client.get(reverse(name, args=[footage.pk]))
    assert res.status_code == 200
    assert (WARNING in res.content.decode()) is warned


def test_the_motion_stage_stores_the_verdict_with_the_curve():
    from types import SimpleNamespace

    from capsules.pipeline.stages.motion import MotionStage

    footage = factories.FootageFactory(title="Rue", expert=None)
    verdict = {"hands_seen_working": False, "share": 0.0, "reason": "Caméra fixe", "camera": 0.04}
    manifest = {"files": {"motion": "motion.json"}, "handwork": verdict,
                "curve": {"fps": 2, "start": 0, "activity": [0.1, 0.2]}}
    MotionStage().apply(SimpleNamespace(footage=footage), manifest, "prefix")
    footage.refresh_from_db()
    assert footage.motion_curve["handwork"] == verdict and footage.few_hands_at_work
