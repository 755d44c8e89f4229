"""Walk 15 of the processing page: « Relancer » on a stage that would withdraw the expert's approval asks
first (the server refuses without ``confirm``), the others rerun at once and keep the review's state; the
approved footage leads on to « Créer une capsule »."""

from __future__ import annotations

import re

import pytest

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories

pytestmark = pytest.mark.django_db

WITHDRAWN = "L'approbation des étapes par l'expert sera retirée\u00a0: il devra les relire à nouveau."


def _approved(**kw) -> Footage:
    footage = factories.FootageFactory(duration=30.0, status=Footage.Status.APPROVED,
                                       skills_block=factories.SkillsBlockFactory(), **kw)
    for i in range(2):
        factories.StepFactory(footage=footage, order=i, approved=True)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.SUCCEEDED)
    for spec in STAGES:
        StageRun.objects.create(run=run, name=spec.name, status=StageRun.Status.SUCCEEDED, progress=100)
    return footage


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize("stage", ["segment", "motion", "ingest"])
def test_redoing_the_steps_of_an_approved_footage_asks_first(client, stage):
    footage = _approved()
    client.force_login(factories.designer())
    url = f"/admin/geste/footage/{footage.pk}/rerun/{stage}/"
    response = client.post(url)
    assert response.status_code == 200
    text = _text(response)
    assert WITHDRAWN in text
    assert 'name="confirm" value="1"' in text and f'action="{url}"' in text
    assert f'href="/admin/geste/footage/{footage.pk}/"' in text  # « Annuler » back to the page
    footage.refresh_from_db()
    assert footage.status == Footage.Status.APPROVED, "nothing happens before the designer confirms"
    assert not StageRun.objects.exclude(status=StageRun.Status.SUCCEEDED).exists()
    assert client.post(url, {"confirm": "0"}).status_code == 200  # anything but "1" is no confirmation
    footage.refresh_from_db()
    assert footage.status == Footage.Status.APPROVED

    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "et les suivantes sont relancées" in _text(response)
    footage.refresh_from_db()
    assert footage.status == Footage.Status.PROCESSING
    assert StageRun.objects.get(name="segment").status == StageRun.Status.PENDING


def test_the_confirmation_names_the_capsules_made_from_the_footage(client):
    footage = _approved()
    factories.CapsuleFactory(footage=footage, title="Changer un joint")
    client.force_login(factories.designer())
    text = _text(client.post(f"/admin/geste/footage/{footage.pk}/rerun/segment/"))
    assert "La capsule déjà créée depuis cette vidéo reste inchangée." in text


def test_restarting_the_whole_run_of_an_approved_footage_asks_first(client):
    footage = _approved()
    client.force_login(factories.designer())
    url = f"/admin/geste/footage/{footage.pk}/restart/"
    assert WITHDRAWN in _text(client.post(url))
    assert PipelineRun.objects.count() == 1
    footage.refresh_from_db()
    assert footage.status == Footage.Status.APPROVED
    client.post(url, {"confirm": "1"})
    assert PipelineRun.objects.count() == 2


@pytest.mark.parametrize("stage", ["transcode", "translate", "draft_quizzes"])
def test_stages_that_leave_the_steps_alone_rerun_at_once_and_keep_the_approval(client, stage):
    footage = _approved()
    client.force_login(factories.designer())
    response = client.post(f"/admin/geste/footage/{footage.pk}/rerun/{stage}/", follow=True)
    text = _text(response)
    assert WITHDRAWN not in text and "et les suivantes sont relancées" in text
    assert StageRun.objects.get(name=stage).status == StageRun.Status.PENDING
    footage.refresh_from_db()
    assert footage.status == Footage.Status.APPROVED, "the expert's approval is kept"


def test_steps_not_yet_approved_rerun_without_asking(client):
    footage = _approved()
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.IN_REVIEW)
    client.force_login(factories.designer())
    response = client.post(f"/admin/geste/footage/{footage.pk}/rerun/segment/", follow=True)
    assert "et les suivantes sont relancées" in _text(response)
    assert StageRun.objects.get(name="segment").status == StageRun.Status.PENDING


def test_the_approved_footage_page_offers_to_create_a_capsule_and_lists_its_capsules(client):
    footage = _approved()
    capsule = factories.CapsuleFactory(footage=footage, title="Changer un joint")
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert re.search(rf'<a class="button" href="/admin/geste/[^"]*{footage.pk}[^"]*"[^>]*>Créer une capsule</a>', body)
    assert f'href="/admin/geste/capsules/{capsule.pk}/' in body or f"/{capsule.pk}/" in body
    assert ">Changer un joint</a>" in body

    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.IN_REVIEW)
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert "Créer une capsule" not in body, "not before the expert approved the steps"


KEPT = ("Les titres et les limites des étapes fixés par l'expert sont conservés\u00a0: il les retrouvera tels quels "
        "pour les relire.")


@pytest.mark.parametrize("restart", [False, True])
def test_withdrawing_the_approval_unmarks_the_steps_and_keeps_their_titles(client, restart):
    """Walk 16: after « Relancer » on « Découpage en étapes » of an approved footage, the page said « En relecture
    par l'expert » above steps all marked « ✔ approuvée ». Now the steps are no longer approved, and the
    confirmation says (truly) that the expert's titles and boundaries are kept."""
    footage = _approved()
    before = list(footage.steps.order_by("order").values_list("pk", "title", "start", "end"))
    client.force_login(factories.designer())
    url = f"/admin/geste/footage/{footage.pk}/" + ("restart/" if restart else "rerun/segment/")
    assert KEPT in _text(client.post(url))
    client.post(url, {"confirm": "1"})
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.IN_REVIEW)  # as once the run is done
    assert not footage.steps.filter(approved=True).exists()
    footage.refresh_from_db()
    assert footage.review_version > 1, "the segment stage keeps steps of a footage past its first version"
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert "approuvée" not in body.split('class="geste-steps"')[1].split("</ol>")[0]
    assert list(footage.steps.order_by("order").values_list("pk", "title", "start", "end")) == before


def test_the_segment_stage_keeps_the_expert_steps_after_the_approval_is_withdrawn():
    from capsules.pipeline.stages.segment import SegmentStage
    from capsules.pipeline.workflow import withdraw_step_approval

    footage = _approved()
    before = list(footage.steps.order_by("order").values_list("pk", "title"))
    withdraw_step_approval(footage.pk)
    footage.refresh_from_db()

    class Ctx:
        pass

    ctx = Ctx()
    ctx.footage = footage
    SegmentStage().apply(ctx, {"files": {"steps": "missing.json"}}, "nowhere")  # returns before reading
    assert list(footage.steps.order_by("order").values_list("pk", "title")) == before
