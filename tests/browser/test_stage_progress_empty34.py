"""A stage's progress bar at 0 % reads empty (walk 34: on the footage page the queued stages' bars at 0 % were
solid grey, the colour of a full bar to a first user), and one at 100 % reads full: the track is light, the
value dark."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image, ImageStat

from capsules.models import PipelineRun, StageRun
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.factories import FootageFactory, designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _lightness(locator) -> float:
    img = Image.open(io.BytesIO(locator.screenshot())).convert("L")
    w, h = img.size
    inner = img.crop((3, 3, max(4, w - 3), max(4, h - 3)))  # the bar's inside, not its border
    return ImageStat.Stat(inner).mean[0]


def test_an_empty_progress_bar_looks_empty_and_a_full_one_full(live_server, browser):
    author = designer(username="concepteur-barres")
    footage = FootageFactory(title="Pose d'un robinet", expert=None)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    StageRun.objects.create(run=run, name="ingest", status=StageRun.Status.SUCCEEDED, progress=100)
    StageRun.objects.create(run=run, name="transcode", status=StageRun.Status.QUEUED, progress=0)
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_footage_detail", args=[footage.pk]))
    shot(page, "walk34-stage-progress")
    empty = page.locator('.geste-stages progress[value="0"]').first
    full = page.locator('.geste-stages progress[value="100"]').first
    assert _lightness(empty) > 200, "a bar at 0 % looks filled"
    assert _lightness(full) < 150, "a bar at 100 % looks empty"
    ctx.close()
