"""The portfolio lists the steps a learner completed, not those of a later approval.

A learner completes a capsule; the review is reopened, the steps retitled, split and merged, and the
expert approves again. Her portfolio (page, shared page, ZIP export's PDF attestation) still lists the
steps she saw, recorded on her completion (``Progress.completed_steps``), with a discreet note that the
capsule's steps have changed since; a learner completing it after that records the new steps. A
completion from before the steps were recorded (``completed_steps`` None) reads the capsule's current
steps, as the portfolio always did.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capsules.models import Footage, Progress, Step
from tests import pages
from tests.factories import CapsuleFactory, FootageFactory, StepFactory, designer, expert, learner

pytestmark = pytest.mark.django_db

OLD_TITLES = ["Couper l'arrivée d'eau", "Dévisser le siphon", "Remonter le siphon"]
NEW_TITLES = ["Fermer la vanne d'arrêt", "Dévisser le siphon", "Nettoyer puis remonter le joint"]
SPANS = [(0, 10), (10, 25), (25, 40)]
OWNER_NOTE = "Étapes de la capsule au moment où vous l'avez terminée"
SHARED_NOTE = "Étapes de la capsule au moment où elle a été terminée"


def _post(client, name, footage, body):
    return client.post(reverse(f"review_api:{name}", args=[footage.pk]), json.dumps(body),
                       content_type="application/json")


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(html: bytes) -> str:
    return html.decode().replace("&#x27;", "'")


@pytest.fixture
def world(db, storage_root):
    who = expert(username="expert-record")
    footage = FootageFactory(expert=who, duration=40.0, renditions={"mp4": "f/low.mp4"})
    steps = [StepFactory(footage=footage, order=i, start=start, end=end, title=title, keyframe="")
             for i, ((start, end), title) in enumerate(zip(SPANS, OLD_TITLES, strict=True), start=1)]
    capsule = CapsuleFactory(footage=footage, title="Changer un siphon")
    pages.capsule_page(capsule)
    expert_client = _login(who)
    assert _post(expert_client, "approve", footage, {"version": 1}).status_code == 200
    return {"footage": footage, "steps": steps, "capsule": capsule, "expert": expert_client}


def _complete(client, capsule):
    """Watch the whole capsule through the learner API (no mandatory question: that completes it)."""
    res = client.post(reverse("learner-progress", args=[capsule.pk]),
                      json.dumps({"position": 40, "watched": [[0, 40]]}), content_type="application/json")
    assert res.status_code == 200, res.content


def _change_steps_and_approve_again(world):
    """A designer reopens the approved review; the expert retitles the first step, moves the second's end,
    merges the third into a new one, and approves again."""
    footage, (first, second, third) = world["footage"], world["steps"]
    reopened = _post(_login(designer(username="designer-record")), "reopen", footage,
                     {"version": 2, "confirm_live": True})
    assert reopened.status_code == 200, reopened.content
    res = world["expert"].put(reverse("review_api:steps", args=[footage.pk]), json.dumps({"version": 3, "steps": [
        {"id": first.pk, "start": 0, "end": 10, "title": NEW_TITLES[0]},
        {"id": second.pk, "start": 10, "end": 18, "title": NEW_TITLES[1]},
        {"start": 18, "end": 40, "title": NEW_TITLES[2]},
    ]}), content_type="application/json")
    assert res.status_code == 200, res.content
    assert not Step.objects.filter(pk=third.pk).exists()  # merged away
    version = world["expert"].get(reverse("review_api:state", args=[footage.pk])).json()["version"]
    assert _post(world["expert"], "approve", footage, {"version": version}).status_code == 200
    footage.refresh_from_db()
    assert footage.status == Footage.Status.APPROVED
    # Learners now see the new steps on the capsule itself.
    manifest = Client().get(reverse("learner-manifest", args=[world["capsule"].pk])).json()
    assert [s["title"] for s in manifest["steps"]] == NEW_TITLES


def _pdf_text(client) -> str:
    from pypdf import PdfReader

    export = client.get(reverse("recognition-portfolio-export"))
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        raw = archive.read("attestation.pdf")
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages).split())


def _shared_page(client) -> str:
    res = client.post(reverse("recognition-share-create"), {"days": "7", "label": "Employeur"}, follow=True)
    link = next(str(m) for m in res.context["messages"] if "share-link" in m.tags)
    path = link[link.index("/reconnaissance/"):]
    return _text(Client().get(path).content)


@pytest.fixture
def lea(world):
    """Léa completed the capsule through the learner API; then its steps changed and were approved again."""
    lea = learner(username="lea-record", first_name="Léa", last_name="Apprenante")
    client = _login(lea)
    _complete(client, world["capsule"])
    progress = Progress.objects.get(user=lea, capsule=world["capsule"])
    assert progress.completed
    before = _text(client.get(reverse("recognition-portfolio")).content)
    assert all(t in before for t in OLD_TITLES) and OWNER_NOTE not in before
    completed_at = progress.completed_at
    _change_steps_and_approve_again(world)
    progress.refresh_from_db()
    assert progress.completed and progress.completed_at == completed_at  # nothing else of it moved
    return client


def test_completion_records_the_steps_the_learner_saw(world, lea):
    progress = Progress.objects.get(user__username="lea-record", capsule=world["capsule"])
    assert [(s["title"], s["start"], s["end"]) for s in progress.completed_steps] == [
        (t, float(a), float(b)) for t, (a, b) in zip(OLD_TITLES, SPANS, strict=True)]


def test_portfolio_page_keeps_the_steps_the_learner_completed(lea):
    page = _text(lea.get(reverse("recognition-portfolio")).content)
    assert all(t in page for t in OLD_TITLES), page
    assert NEW_TITLES[0] not in page and NEW_TITLES[2] not in page
    assert OWNER_NOTE in page


def test_shared_portfolio_keeps_the_steps_the_learner_completed(lea):
    shared = _shared_page(lea)
    assert all(t in shared for t in OLD_TITLES), shared
    assert NEW_TITLES[0] not in shared and NEW_TITLES[2] not in shared
    assert SHARED_NOTE in shared and OWNER_NOTE not in shared


def test_exported_attestation_keeps_the_steps_the_learner_completed(lea):
    pdf = _pdf_text(lea)
    assert "Changer un siphon" in pdf and "Léa Apprenante" in pdf
    assert all(t in pdf for t in OLD_TITLES), pdf
    assert NEW_TITLES[0] not in pdf and NEW_TITLES[2] not in pdf
    assert SHARED_NOTE in pdf


def test_a_completion_after_the_change_records_the_new_steps(world, lea):
    max_ = learner(username="max-record")
    client = _login(max_)
    _complete(client, world["capsule"])
    recorded = Progress.objects.get(user=max_, capsule=world["capsule"]).completed_steps
    assert [(s["title"], s["start"], s["end"]) for s in recorded] == [
        (NEW_TITLES[0], 0.0, 10.0), (NEW_TITLES[1], 10.0, 18.0), (NEW_TITLES[2], 18.0, 40.0)]
    theirs = _text(client.get(reverse("recognition-portfolio")).content)
    assert all(t in theirs for t in NEW_TITLES) and OLD_TITLES[0] not in theirs and OWNER_NOTE not in theirs
    pdf = _pdf_text(client)
    assert all(t in pdf for t in NEW_TITLES) and SHARED_NOTE not in pdf
    # Léa's portfolio is still hers.
    assert OLD_TITLES[0] in _text(lea.get(reverse("recognition-portfolio")).content)


def test_a_completion_recorded_before_the_steps_were_kept_reads_the_current_steps(world):
    """``completed_steps`` None (completions from before migration 0012): the capsule's current steps, no note."""
    old = learner(username="old-record")
    Progress.objects.create(user=old, capsule=world["capsule"], watched_fraction=1, completed=True,
                            completed_at=timezone.now())
    _change_steps_and_approve_again(world)
    page = _text(_login(old).get(reverse("recognition-portfolio")).content)
    assert all(t in page for t in NEW_TITLES) and OLD_TITLES[0] not in page and OWNER_NOTE not in page
