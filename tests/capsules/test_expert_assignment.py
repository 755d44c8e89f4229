"""Assigning the expert (upload form, processing page, footage form) and telling them what waits.

Only active members of the Experts group can be assigned, whatever the form sends; the expert is
e-mailed when footage is assigned or ready, and only the assigned expert hears of a capsule sent
for validation.
"""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse

from capsules import experts
from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES, advance
from tests import factories
from tests.mediagen import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(media_dir):
    path = media_dir / "assign.mp4"
    return path if path.exists() else make_clip(path, duration=3, size="320x240")


def test_review_list_shows_footage_without_expert(client):
    """Every fresh upload has no expert: the list used to crash with a 500."""
    client.force_login(factories.designer())
    factories.FootageFactory(title="Sans expert", expert=None, status=Footage.Status.PROCESSING)
    factories.FootageFactory(title="Avec expert", expert=factories.expert(first_name="Jean", last_name="Plombier"))
    res = client.get(reverse("geste_review_index"))
    assert res.status_code == 200
    html = res.content.decode()
    assert "Sans expert" in html and "Jean Plombier" in html


def test_eligible_experts_are_active_members_of_experts_by_full_name():
    jean = factories.expert(username="jp", first_name="Jean", last_name="Plombier")
    factories.expert(username="parti", is_active=False)
    factories.learner(username="lea")
    factories.designer(username="camille")
    assert list(experts.eligible_experts()) == [jean]
    assert experts.expert_label(jean) == "Jean Plombier"


def _upload(client, clip, **extra):
    data = clip.read_bytes()
    res = client.post("/admin/geste/uploads/", content_type="application/json",
                      data=json.dumps({"filename": "joint.mp4", "size": len(data), "title": "Joint", **extra}))
    return res, data


def test_upload_form_offers_only_experts_and_refuses_a_learner(client, storage_root, clip):
    client.force_login(factories.designer())
    factories.expert(username="jp", first_name="Jean", last_name="Plombier")
    lea = factories.learner(username="lea", first_name="Léa", last_name="Apprenante")
    page = client.get(reverse("geste_upload")).content.decode()
    assert "Jean Plombier" in page and "Léa Apprenante" not in page and 'name="expert"' in page
    res, _ = _upload(client, clip, expert=lea.pk)
    assert res.status_code == 400
    assert "groupe Experts" in res.json()["error"]


def test_upload_assigns_the_expert_and_emails_them(client, storage_root, clip, django_capture_on_commit_callbacks):
    client.force_login(factories.designer())
    jean = factories.expert(username="jp", first_name="Jean", last_name="Plombier", email="jean@example.org")
    res, data = _upload(client, clip, expert=jean.pk)
    assert res.status_code == 201, res.content
    url = res.json()["url"]
    client.patch(url, data, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        done = client.post(url + "complete/")
    assert done.status_code == 201, done.content
    footage = Footage.objects.get(pk=done.json()["footage"])
    assert footage.expert == jean
    for callback in callbacks:  # run the notification, not the pipeline (no worker in this test)
        if callback.__qualname__.startswith("upload_complete"):
            callback()
    assert [m.to for m in mail.outbox] == [["jean@example.org"]]
    assert "Joint" in mail.outbox[0].subject
    assert f"/admin/geste/relecture/{footage.pk}/" in mail.outbox[0].body


def test_processing_page_assigns_only_experts(client, django_capture_on_commit_callbacks):
    client.force_login(factories.designer())
    footage = factories.FootageFactory(expert=None, status=Footage.Status.IN_REVIEW)
    jean = factories.expert(username="jp", first_name="Jean", last_name="Plombier", email="jean@example.org")
    lea = factories.learner(username="lea")
    page = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    assert "Jean Plombier" in page and reverse("geste_footage_assign", args=[footage.pk]) in page
    url = reverse("geste_footage_assign", args=[footage.pk])
    client.post(url, {"expert": lea.pk})
    footage.refresh_from_db()
    assert footage.expert is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"expert": jean.pk})
    footage.refresh_from_db()
    assert footage.expert == jean
    assert [m.to for m in mail.outbox] == [["jean@example.org"]]
    assert "attend votre relecture" in mail.outbox[0].subject  # already in review: told it waits for them


def test_an_expert_cannot_assign(client):
    jean = factories.expert(username="jp")
    footage = factories.FootageFactory(expert=jean)
    client.force_login(jean)
    res = client.post(reverse("geste_footage_assign", args=[footage.pk]), {"expert": ""})
    assert res.status_code in (302, 403) and res.get("Location", "/admin/") == "/admin/"  # Wagtail: denied
    footage.refresh_from_db()
    assert footage.expert == jean


def test_footage_edit_form_refuses_a_learner(client):
    client.force_login(factories.designer())
    footage = factories.FootageFactory(expert=None)
    lea = factories.learner(username="lea", first_name="Léa", last_name="Apprenante")
    url = reverse("footage:edit", args=[footage.pk])
    assert "Léa Apprenante" not in client.get(url).content.decode()
    res = client.post(url, {"title": footage.title, "language": "fr", "expert": lea.pk})
    assert res.status_code == 200  # the form again, with an error
    footage.refresh_from_db()
    assert footage.expert is None


def test_footage_enters_review_as_soon_as_steps_exist_and_the_expert_is_told(django_capture_on_commit_callbacks):
    """Renditions still running: the review opens on the original and the expert gets an e-mail."""
    jean = factories.expert(username="jp", email="jean@example.org")
    footage = factories.FootageFactory(expert=jean, status=Footage.Status.PROCESSING)
    factories.StepFactory(footage=footage, order=1, start=0, end=5)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    for spec in STAGES:
        running = spec.name == "transcode"
        StageRun.objects.create(run=run, name=spec.name,
                                status=StageRun.Status.RUNNING if running else StageRun.Status.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=True):
        advance(run.pk)
    footage.refresh_from_db()
    run.refresh_from_db()
    assert footage.status == Footage.Status.IN_REVIEW and run.status == PipelineRun.Status.RUNNING
    assert [m.to for m in mail.outbox] == [["jean@example.org"]]


def test_capsule_sent_for_validation_emails_only_the_assigned_expert():
    jean = factories.expert(username="jp", email="jean@example.org")
    factories.expert(username="autre", email="autre@example.org")
    designer = factories.designer(username="camille", email="camille@example.org")
    footage = factories.FootageFactory(expert=jean, duration=20.0, status=Footage.Status.APPROVED)
    factories.StepFactory(footage=footage, order=1, start=0, end=10, approved=True)
    made = authoring.create_capsule(footage, title="Changer un joint", user=designer)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    factories.InteractionFactory(capsule=capsule)
    authoring.submit_for_validation(capsule, designer)
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert "jean@example.org" in recipients
    assert "autre@example.org" not in recipients


def test_admin_listings_speak_french(client):
    """No "Ajouter un(e) vidéo source": adding footage means uploading it."""
    client.force_login(factories.designer())
    footage_list = client.get(reverse("footage:index")).content.decode()
    assert "un(e)" not in footage_list and reverse("geste_upload") in footage_list
    assert "Téléverser une vidéo" in footage_list
    certifications = client.get(reverse("certification:index")).content.decode()
    assert "Ajouter une certification" in certifications and "un(e)" not in certifications
    blocks = client.get(reverse("skills_block:index")).content.decode()
    assert "Ajouter un bloc de compétences" in blocks and "un(e)" not in blocks
