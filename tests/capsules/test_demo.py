"""`make run`'s demo (seed_demo) goes through the paths people use, on what the pipeline proposed.

The whole command runs against a real Celery worker: the generated footage is processed by the
pipeline, the assigned expert approves the proposed steps through the review API, the designer
authors the capsule with Geste's drafts and submits it, and the Wagtail workflow "Validation par
l'expert" publishes it (expert task, then designer task). Nothing is renamed or approved behind it:
the expert names the steps in trade words through the review API, as on the review screen.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from capsules import demo, storage
from capsules.models import Attempt, Capsule, Footage, Interaction, PipelineRun, StageRun
from tests.baseline import ensure_baseline

pytestmark = [pytest.mark.worker, pytest.mark.slow]

CLIP = ["--clip-size", "640x360", "--clip-seconds", "40"]  # the demo's 40 s, at a cheaper size


def proposed_steps(footage: Footage) -> list[dict]:
    """The steps the segment stage stored (what the pipeline proposed, before any person acted)."""
    stage = StageRun.objects.get(run=footage.latest_run, name="segment")
    prefix, manifest = stage.output_keys["prefix"], stage.output_keys["manifest"]
    return storage.read_json(f"{prefix}/{manifest['files']['steps']}")


def test_seed_demo_takes_the_expert_and_workflow_paths(worker_factory):
    from wagtail.models import PageLogEntry, TaskState, WorkflowState

    ensure_baseline()  # groups, home page and workflow, as the migrations made them
    worker_factory()
    out = io.StringIO()
    call_command("seed_demo", "--wait", "--timeout", "900", *CLIP, stdout=out, stderr=io.StringIO())

    footage = Footage.objects.get(title=demo.DEMO_FOOTAGE_TITLE)
    assert footage.latest_run.status == PipelineRun.Status.SUCCEEDED
    assert footage.expert.username == "expert" and footage.created_by.username == "concepteur"
    assert footage.status == Footage.Status.APPROVED
    # The steps are the pipeline's proposal (same boundaries), named by the expert in trade words: the
    # titles the pipeline proposes come from the craftsman's sentences as heard (« Couper l'arrivée d'eau »,
    # « Retirer l'ancien joint », « Poser le joint neuf »), the expert's say the whole gesture
    # (« Couper l'eau et démonter la tête du robinet »).
    steps = list(footage.steps.order_by("start"))
    proposed = proposed_steps(footage)
    assert len(steps) >= 2
    assert [(round(s.start, 3), round(s.end, 3)) for s in steps] == [
        (round(p["start"], 3), round(p["end"], 3)) for p in proposed]
    assert [s.title for s in steps] == demo.expert_titles(len(steps)), [p.get("title") for p in proposed]
    assert all(s.approved for s in steps)
    # The commentary says the gestures and Whisper base heard it: the transcript behind the captions and
    # the proposed titles speaks of the tap (walk 30: it spoke of phone numbers).
    from capsules.models import Transcript

    heard = " ".join(seg["text"] for seg in Transcript.objects.get(footage=footage, task="transcribe").segments)
    assert "robinet" in heard and "joint" in heard and "numéro" not in heard, heard
    proposed_titles = " ".join(p.get("title") or "" for p in proposed)
    assert "numéro" not in proposed_titles and "fonctionne" not in proposed_titles, proposed_titles
    # Two writes to the review through the API: the expert's titles, then the approval.
    assert footage.review_version == 3

    capsule = Capsule.objects.get(footage=footage)
    page = capsule.page
    page.refresh_from_db()
    assert page.live and not page.has_unpublished_changes

    # Published by the workflow: the assigned expert approved the first task, the designer the second.
    workflow_state = WorkflowState.objects.for_instance(page).get()
    assert workflow_state.workflow.name == "Validation par l'expert"
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    tasks = list(TaskState.objects.filter(workflow_state=workflow_state).order_by("started_at", "pk"))
    assert [(t.task.name, t.status, t.finished_by.username) for t in tasks] == [
        (demo.EXPERT_TASK, TaskState.STATUS_APPROVED, "expert"),
        (demo.DESIGNER_TASK, TaskState.STATUS_APPROVED, "concepteur"),
    ]
    publish = PageLogEntry.objects.filter(page=page, action="wagtail.publish").order_by("-timestamp").first()
    assert publish is not None and publish.user.username == "concepteur"
    assert workflow_state.requested_by.username == "concepteur"

    # Geste's drafts, accepted by the designer; the ordering question lists the pipeline's titles.
    accepted = list(capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED))
    assert accepted and all(i.origin == Interaction.Origin.DRAFTED for i in accepted)
    assert {i.kind for i in accepted} <= set(demo.ACCEPTED_DRAFT_KINDS)
    # Each remembers its step (the ordering question, attached to none, the one its time lies in): a later
    # change of the approved steps flags it on the designer's list (walk 21: they had none).
    assert all(i.step_seen and i.step_seen["id"] in {s.pk for s in steps} for i in accepted), [
        (i.kind, i.time, i.step_seen) for i in accepted]
    ordering = [i for i in accepted if i.kind == Interaction.Kind.ORDERING]
    if ordering:
        titles = [c["text"] for c in ordering[0].choices]
        assert titles == [s.title or f"Étape {n}" for n, s in enumerate(steps, start=1)]
    assert "Capsule publiée" in out.getvalue()
    # Every text a learner meets reads as faucet-seal work: no telephone announcement (the demo's
    # commentary until walk 30) in the titles, questions, choices, feedback or placement test.
    from capsules.models import PlacementQuestion

    placement = PlacementQuestion.objects.filter(interaction__capsule=capsule, accepted=True)
    assert placement.exists() and {q.interaction_id for q in placement} <= {i.pk for i in accepted}
    shown = [s.title for s in steps] + [
        " ".join([i.prompt, i.feedback_correct, i.feedback_wrong, *(str(c.get("text", "")) for c in i.choices)])
        for i in accepted]
    for phrase in ("fonctionne", "numéro", "patience", "essayer", "Veuillez", "Merci"):
        assert not [t for t in shown if phrase.lower() in t.lower()], (phrase, shown)
    assert any("joint" in t for t in shown) and any("robinet" in t for t in shown), shown

    # The demo learner earned the block's badge through the learner API (graded by the server).
    from capsules.models import BadgeCredential

    badge = BadgeCredential.objects.get(user__username="apprenant", achievement__skills_block=capsule.skills_block)
    assert badge.revoked_at is None and "Badge du bloc obtenu" in out.getvalue()
    # The README's account for taking the capsule has not started it (walk 30).
    assert "Pour suivre la capsule vous-même : « apprenante »" in out.getvalue()
    assert not Attempt.objects.filter(user__username="apprenante").exists()
    assert Attempt.objects.filter(user__username="apprenant", correct=True).count() == len(
        [i for i in accepted if i.kind != Interaction.Kind.OBSERVE])

    # Idempotent: a second seed_demo finds everything done and changes nothing.
    call_command("seed_demo", *CLIP, stdout=io.StringIO(), stderr=io.StringIO())
    assert Footage.objects.filter(title=demo.DEMO_FOOTAGE_TITLE).count() == 1
    assert Capsule.objects.filter(footage=footage).count() == 1
    assert TaskState.objects.filter(workflow_state__object_id=str(page.pk)).count() == 2
    footage.refresh_from_db()
    assert footage.review_version == 3
