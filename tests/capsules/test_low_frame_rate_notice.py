"""Footage under 10 images a second: the expert and the designer are told the proposed boundaries are less
precise (walk 30: footage at 4 and 2 i/s, repeated pictures now filled by media_pipeline/repeated_frames.py,
showed nothing on the footage page or the review screen). Real ffmpeg clips, real probe, real PostgreSQL."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from capsules.pipeline.ingest import ingest_file
from tests import factories
from tests.mediagen import make_clip

pytestmark = pytest.mark.django_db

LOW = "Vidéo à 4 images par seconde : les limites des étapes proposées sont moins précises, vérifiez-les."


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("fps")
    return {"low": make_clip(d / "pail4fps.mp4", duration=3, size="160x120", fps=4),
            "normal": make_clip(d / "normal.mp4", duration=3, size="160x120", fps=25)}


def pages_of(footage, designer, expert) -> tuple[str, str]:
    as_designer, as_expert = Client(), Client()
    as_designer.force_login(designer)
    as_expert.force_login(expert)
    detail = as_designer.get(reverse("geste_footage_detail", args=[footage.pk]))
    review = as_expert.get(reverse("geste_review", args=[footage.pk]))
    assert detail.status_code == 200 and review.status_code == 200
    plain = [html.unescape(r.content.decode()).replace("\u00a0", " ") for r in (detail, review)]
    return plain[0], plain[1]


def test_footage_at_4_images_a_second_says_its_boundaries_are_less_precise(storage_root, clips):
    designer, expert = factories.designer(), factories.expert()
    block = factories.SkillsBlockFactory()
    low = ingest_file(clips["low"], original_name="pail4fps.mp4", skills_block=block, user=designer, expert=expert)
    assert round(low.probe["fps"]) == 4
    detail, review = pages_of(low, designer, expert)
    assert LOW in detail and LOW in review

    normal = ingest_file(clips["normal"], original_name="normal.mp4", skills_block=block, user=designer,
                         expert=expert)
    detail, review = pages_of(normal, designer, expert)
    assert "images par seconde" not in detail and "images par seconde" not in review

    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(designer)
    profile.preferred_language = "en"
    profile.save()
    detail, _ = pages_of(low, designer, expert)
    assert "Video at 4 frames per second: the proposed step boundaries are less precise; check them." in detail
