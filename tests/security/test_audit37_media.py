"""Audit 37: once one capsule of a footage is published, its renditions, captions and step pictures are for
everyone, but not the pipeline's working files beside them. The learner's own manifest gives the stage folders
away (a step picture lies at ``segment/<key>/keyframe-001.jpg``, the captions at ``transcribe/<key>/…``), so
``segment/<key>/steps.json`` (the machine's draft steps, before the expert), ``transcribe/<key>/transcript.json``
(the raw transcript, before the designer's corrections) and the original upload (predictable:
``original/source.<ext>``, with its container metadata) were one request away for any visitor."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client

from capsules.models import Footage
from tests import factories, pages

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef"
WORKING_FILES = [
    ("segment", f"{KEY}/steps.json"),
    ("segment", f"{KEY}/_stage.json"),
    ("transcribe", f"{KEY}/transcript.json"),
    ("draft_quizzes", f"{KEY}/proposals.json"),
    ("audio", f"{KEY}/audio.wav"),
    ("motion", f"{KEY}/motion.json"),
    ("original", "source.mp4"),
    ("original", "source.mov"),
]
LEARNER_MEDIA = [
    ("transcode", f"{KEY}/360p.mp4"),
    ("transcode", f"{KEY}/hls/master.m3u8"),
    ("transcode", f"{KEY}/hls/360p/seg_000.ts"),
    ("transcode", f"{KEY}/poster.jpg"),
    ("transcode", f"{KEY}/thumbnails.vtt"),
    ("transcribe", f"{KEY}/captions.fr.vtt"),
    ("segment", f"{KEY}/keyframe-001.jpg"),
    ("step-keyframes", "w640/000004000.jpg"),
]


@pytest.fixture
def published(storage_root):
    assigned = factories.expert()
    footage = factories.FootageFactory(checksum=secrets.token_hex(32), status=Footage.Status.APPROVED, expert=assigned)
    capsule = factories.CapsuleFactory(footage=footage)
    pages.capsule_page(capsule)
    for stage, name in WORKING_FILES + LEARNER_MEDIA:
        path = storage_root / factories.footage_key(footage.checksum, stage, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'{"draft": "Etape retiree par l\'expert"}')
    return footage, assigned


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "learner", "other_expert"])
def test_working_files_of_a_published_footage_stay_with_its_team(published, who):
    footage, _assigned = published
    client = _client({"anonymous": None, "learner": factories.learner(),
                      "other_expert": factories.expert()}[who])
    for stage, name in WORKING_FILES:
        key = factories.footage_key(footage.checksum, stage, name)
        assert client.get(f"/media/{key}").status_code == 404, (who, key)
    for stage, name in LEARNER_MEDIA:  # what the player needs stays public
        key = factories.footage_key(footage.checksum, stage, name)
        response = client.get(f"/media/{key}")
        assert response.status_code == 200, (who, key)
        assert response["Cache-Control"].startswith("public")


def test_the_footage_team_still_gets_every_file_privately(published):
    footage, assigned = published
    for user in (factories.designer(), assigned):
        client = _client(user)
        for stage, name in WORKING_FILES:
            response = client.get(f"/media/{factories.footage_key(footage.checksum, stage, name)}")
            assert response.status_code == 200, (user, stage, name)
            assert response["Cache-Control"].startswith("private")
