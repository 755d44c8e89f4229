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


NO_STEP = "Aucune étape n'a donc été proposée"


@pytest.mark.parametrize(("name", "todo"), [("geste_review", "«&nbsp;Nouvelle étape&nbsp;»"),
                                             ("geste_footage_detail", "ouvrez la relecture")])
def test_footage_without_hands_at_work_says_why_no_step_was_proposed_and_what_to_do(client, name, todo):
    """The segmenter proposed no step (``HandworkVerdict.no_hands``): the expert reads, in French, what
    was seen and how to add steps by hand."""
    client.force_login(factories.designer())
    footage = _footage(False)
    footage.motion_curve["handwork"].update(no_hands=True, reason="Caméra fixe")
    footage.save()
    page = client.get(reverse(name, args=[footage.pk])).content.decode()
    assert WARNING in page and NO_STEP in page and "aucune main" in page and todo in page
    plain = _footage(False)  # hands rarely seen, steps still proposed: the plain notice
    page = client.get(reverse(name, args=[plain.pk])).content.decode()
    assert WARNING in page and NO_STEP not in page


def test_the_expert_starts_from_no_step_and_adds_one_by_hand(client):
    import json

    who = factories.expert(username="expert-sans-mains")
    footage = factories.FootageFactory(title="Rue", expert=who, duration=20.0,
                                       motion_curve={"fps": 2, "values": [0.1], "handwork": {
                                           "hands_seen_working": False, "share": 0.0, "reason": "", "camera": 0.04,
                                           "no_hands": True}})
    client.force_login(who)
    page = client.get(reverse("geste_review", args=[footage.pk])).content.decode()
    assert 'data-action="add-step"' in page and NO_STEP in page
    state = client.get(reverse("review_api:state", args=[footage.pk])).json()
    assert state["steps"] == []
    body = {"version": state["version"], "steps": [{"id": None, "start": 4, "end": 9, "title": ""}]}
    res = client.put(reverse("review_api:steps", args=[footage.pk]), json.dumps(body),
                     content_type="application/json")
    assert res.status_code == 200, res.content
    assert [(s.start, s.end) for s in footage.steps.all()] == [(4, 9)]
    # once steps exist, "no step was proposed, add them by hand" is history (a walk saw the instruction
    # still shown beside approved steps); but they were not proposed either: a walk read « Les étapes
    # proposées sont à vérifier de près » beside steps the expert had drawn. The notice says what happened.
    for name in ("geste_review", "geste_footage_detail"):
        page = client.get(reverse(name, args=[footage.pk])).content.decode()
        assert WARNING in page and NO_STEP not in page, name
        assert "étapes proposées" not in page, name
        assert "Les étapes affichées ont été ajoutées à la main." in page, name


@pytest.mark.parametrize("no_hands", [True, False])
def test_a_finished_run_without_steps_opens_the_review_only_when_no_hands_work(no_hands):
    """Footage the motion stage is sure shows no hands at work goes to the expert's review with no step
    (the screen says why; the expert draws steps): a first-user walk found it left "uploaded", its review
    locked, beside a red "too short or still" message. Without that verdict, 0 steps stays an error."""
    from django.utils import timezone

    from capsules.models import Footage, PipelineRun, StageRun
    from capsules.pipeline.workflow import STAGES, advance

    footage = _footage(False)
    footage.motion_curve["handwork"]["no_hands"] = no_hands
    footage.status = Footage.Status.PROCESSING
    footage.save()
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING, started_at=timezone.now())
    StageRun.objects.bulk_create([StageRun(run=run, name=spec.name, status=StageRun.Status.SUCCEEDED)
                                  for spec in STAGES])
    advance(run.pk)
    footage.refresh_from_db()
    run.refresh_from_db()
    assert not footage.steps.exists()
    if no_hands:
        assert footage.status == Footage.Status.IN_REVIEW and run.error_message == ""
    else:
        assert footage.status == Footage.Status.UPLOADED and "aucune étape de geste" in run.error_message
