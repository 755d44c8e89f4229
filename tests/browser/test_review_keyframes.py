"""Walk defect: in the expert's review screen a step made by splitting another had no thumbnail while the
others had one. Now the new step shows a placeholder at once, a real Celery worker extracts its picture
with ffmpeg, and the screen shows it without a reload (and without disturbing the edit in progress)."""

from __future__ import annotations

import re
import secrets

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from capsules.models import Step
from media_pipeline.keyframes import extract_keyframe
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.split_said import SPLIT_DONE
from tests.browser.test_review import _x_for
from tests.factories import FootageFactory, StepFactory, expert, footage_key
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def footage_with_keyframes(django_db_serialized_rollback, transactional_db, storage_root, media_dir, tmp_path):
    """Three steps with the pictures the segment stage gives them (one frame of each, by ffmpeg)."""
    ensure_baseline()
    clip = media_dir / "review-20s.mp4"
    if not clip.exists():
        make_clip(clip, duration=20, size="320x180", fps=10, audio=None)
    checksum = secrets.token_hex(32)
    with clip.open("rb") as fh:
        video = default_storage.save(footage_key(checksum, "test", "review.mp4"), File(fh))
    reviewer = expert(username="expert-images", first_name="Camille", last_name="Roux")
    footage = FootageFactory(title="Remplacement du joint de siphon", expert=reviewer, duration=20.0,
                             renditions={"mp4": video}, checksum=checksum)
    for i, (start, end, title) in enumerate(
        [(0, 6, "Couper l'eau"), (6, 13, "Dévisser l'écrou"), (13, 20, "Remonter le siphon")], start=1
    ):
        at = start + 1.0
        picture = extract_keyframe(clip, at, tmp_path / f"k{i}.jpg")
        with picture.open("rb") as fh:
            key = default_storage.save(footage_key(checksum, "segment", f"keyframe-{i:03d}.jpg"), File(fh))
        StepFactory(footage=footage, order=i, start=start, end=end, title=title, keyframe=key, keyframe_time=at)
    return footage, reviewer


def _background(page, index: int) -> str:
    return page.evaluate(f"document.querySelectorAll('.geste-timeline__step')[{index}].style.backgroundImage")


@pytest.mark.timeout(240)
def test_a_split_step_gets_a_placeholder_then_its_picture(live_server, page, worker_factory, footage_with_keyframes):
    footage, reviewer = footage_with_keyframes
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    for i in range(3):
        assert "keyframe-00" in _background(page, i)
    expect(page.locator('.geste-timeline__step[data-keyframe="pending"]')).to_have_count(0)

    # Split the last step at 16 s (its picture is at 14 s: the first half keeps it).
    page.mouse.click(*_x_for(page, 16.0))
    page.keyboard.press("s")
    expect(page.locator('[data-role="saved"]')).to_have_text(SPLIT_DONE)
    blocks = page.locator(".geste-timeline__step")
    expect(blocks).to_have_count(4)
    new = blocks.nth(3)
    # At once: a placeholder, said in the block's title, never an empty grey box.
    expect(new).to_have_attribute("data-keyframe", "pending")
    expect(new).to_have_class(re.compile(r"\bis-keyframe-pending\b"))
    expect(new).to_have_attribute("title", re.compile("image en préparation"))
    shot(page, "review-split-placeholder", full_page=False)
    assert "keyframe-003" in _background(page, 2)

    # No worker yet: the placeholder stays. With one, the picture comes, without a reload.
    worker_factory(name="keyframes", queues="media")
    expect(new).not_to_have_attribute("data-keyframe", "pending", timeout=90000)
    url = re.search(r'url\("([^"]+)"\)', _background(page, 3)).group(1)
    assert "/step-keyframes/" in url
    step = Step.objects.get(footage=footage, start__gte=15.5)
    assert step.keyframe and step.start <= step.keyframe_time <= step.end
    response = page.request.get(f"{live_server.url}{url}")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert response.body()[:3] == b"\xff\xd8\xff"
    shot(page, "review-split-picture", full_page=False)

    # After a reload every step has its own picture.
    page.reload()
    expect(blocks).to_have_count(4)
    expect(page.locator('.geste-timeline__step[data-keyframe="pending"]')).to_have_count(0)
    assert all(_background(page, i).startswith('url("') for i in range(4))
