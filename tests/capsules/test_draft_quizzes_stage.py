"""The ``draft_quizzes`` stage does real work in the run (issue 18, item 3): on real French speech,
through a real Celery worker on Redis, it stores the transcript's proposals per step, and
authoring uses them as they are (no drafting again) until the transcript is corrected."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.authoring import drafting as quiz_drafting
from capsules.models import Footage, Interaction, PipelineRun, StageRun, Transcript
from capsules.pipeline.ingest import ingest_file
from capsules.pipeline.workflow import start_run
from capsules.storage import read_json
from media_pipeline.quiz_drafts import transcript_digest
from tests import factories
from tests.capsules.test_workflow import stages_of, wait_run
from tests.mediagen import make_clip, real_french_speech

pytestmark = [pytest.mark.worker]


@pytest.fixture(scope="module")
def spoken_clip(tmp_path_factory):
    d = tmp_path_factory.mktemp("drafts")
    # "Composez le nouveau numéro de poste… Composez votre mot de passe… Veuillez vérifier le
    # numéro…": real recordings (asterisk-core-sounds-fr), so Whisper hears real French.
    wav, _ = real_french_speech(["agent-newlocation", "agent-pass", "check-number-dial-again"], d / "n.wav")
    return make_clip(d / "spoken.mp4", duration=18, size="640x360", audio=wav)


def test_stage_prepares_proposals_that_authoring_uses(worker_factory, spoken_clip, monkeypatch, client):
    worker_factory()
    block = factories.SkillsBlockFactory()
    footage = ingest_file(spoken_clip, original_name="poste.mp4", skills_block=block)
    run = wait_run(footage.latest_run)
    stage = stages_of(run)["draft_quizzes"]
    assert run.status == PipelineRun.Status.SUCCEEDED
    assert stage.status == StageRun.Status.SUCCEEDED, stage.error_message  # no longer "Sans objet"
    assert stage.executions == 1
    manifest = stage.output_keys["manifest"]
    proposals = read_json(f"{stage.output_keys['prefix']}/{manifest['files']['proposals']}")
    steps = list(footage.steps.order_by("start"))
    assert manifest["steps"] == len(steps) == len(proposals["steps"])
    assert [(s["start"], s["end"]) for s in proposals["steps"]] == [(s.start, s.end) for s in steps]
    transcript = Transcript.objects.get(footage=footage, task="transcribe")
    assert proposals["transcript"] == transcript_digest(transcript.as_dict())
    stored = [q for s in proposals["steps"] for q in s["questions"]] + proposals["outside_steps"]
    assert manifest["count"] == len(stored) >= 1, [s["text"] for s in transcript.segments]
    for q in stored:
        assert q["kind"] == "cloze" and q["prompt"].count("____") == 1 and q["feedback_wrong"]
        assert "{moment}" in q["feedback_wrong"]  # written on the capsule's clock at authoring

    # A second run reuses the stored proposals: nothing is drafted again.
    again = wait_run(start_run(footage))
    reused = StageRun.objects.get(run=again, name="draft_quizzes")
    assert reused.status == StageRun.Status.SUCCEEDED and reused.executions == 0

    # The expert approves; the designer authors: the stored proposals are used, not recomputed.
    footage.steps.update(approved=True)
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.APPROVED)
    footage.refresh_from_db()
    made = authoring.create_capsule(footage, title="Composer un numéro", user=factories.designer())
    capsule = footage.capsules.get(pk=made.capsule_id)

    def no_drafting_again(*args, **kwargs):
        raise AssertionError("authoring drafted the transcript again")

    assert quiz_drafting.uses_prepared_proposals(capsule)
    with monkeypatch.context() as m:
        m.setattr(quiz_drafting, "draft_transcript_questions", no_drafting_again)
        drafts = quiz_drafting.draft_for_capsule(capsule)
    clozes = [d for d in drafts if d.kind == "cloze"]
    assert clozes and {d.prompt for d in clozes} <= {q["prompt"] for q in stored}
    approved = set(footage.steps.values_list("pk", flat=True))  # the second run re-created the steps
    assert all(d.step_id in approved and "{moment}" not in d.feedback_wrong for d in clozes)

    # A capsule created from the admin offers the prepared proposals at once, with no extra click.
    client.force_login(factories.designer(username="concepteur-nouvelle"))
    res = client.post(reverse("geste_capsule_create", args=[footage.pk]), {"title": "Deuxième capsule"}, follow=True)
    second = footage.capsules.get(title="Deuxième capsule")
    offered = second.interactions.filter(draft_status=Interaction.DraftStatus.PROPOSED)
    assert offered.filter(kind="cloze").exists(), res.content.decode()[-2000:]
    assert "préparée" in res.content.decode() and "pendant le traitement de la vidéo" in res.content.decode()

    # The expert corrects the transcript: the prepared proposals no longer match, authoring drafts again.
    segs = transcript.segments
    segs[0]["text"] = " Composez le nouveau numéro de poste maintenant."
    segs[0]["words"] = []
    Transcript.objects.filter(pk=transcript.pk).update(segments=segs, edited=True)
    assert quiz_drafting.prepared_proposals(footage, Transcript.objects.get(pk=transcript.pk).as_dict(),
                                            block.certification.vocabulary_terms) is None
    assert not quiz_drafting.uses_prepared_proposals(capsule)
    calls = []
    real = quiz_drafting.draft_transcript_questions
    monkeypatch.setattr(quiz_drafting, "draft_transcript_questions",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    client.force_login(factories.designer(username="concepteur-propositions"))
    res = client.post(reverse("geste_drafts_generate", args=[capsule.pk]), follow=True)
    assert "le commentaire a été analysé maintenant (transcription corrigée" in res.content.decode()
    assert calls == [1]
