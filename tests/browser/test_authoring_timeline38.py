"""Walk 38, a designer on a 360-px phone: on the capsule's timeline a 3-s last step was drawn 13 px wide, too small
to see or tap. Every step block is now at least 24 px wide (WCAG 2.2 target size) while the whole still fits the
track, the longer steps shrinking in proportion; the step's name stays its accessible name and tooltip, and a
tap on the small block puts the playhead at its start."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Footage
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.factories import FootageFactory, StepFactory, designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIMITS = [0, 30, 62, 95, 117, 120]  # a 120-s footage, its last step 3 s long
TITLES = ["Couper l'eau", "Dévisser l'écrou", "Changer le joint", "Revisser l'écrou", "Rouvrir l'eau"]

BOXES = """() => {
  const track = document.querySelector('.geste-timeline__track').getBoundingClientRect();
  return { track: { left: track.left, right: track.right, width: track.width },
           steps: [...document.querySelectorAll('.geste-timeline__step')].map((b) => {
             const r = b.getBoundingClientRect();
             return { left: r.left, right: r.right, width: r.width, title: b.title }; }) }; }"""


@pytest.fixture
def capsule_with_a_short_last_step(django_db_serialized_rollback, transactional_db, storage_root):
    footage = FootageFactory(title="Joint de robinet", duration=120.0, status=Footage.Status.APPROVED)
    steps = [StepFactory(footage=footage, order=i + 1, start=a, end=z, title=TITLES[i], approved=True)
             for i, (a, z) in enumerate(zip(LIMITS[:-1], LIMITS[1:], strict=True))]
    author = designer(username="concepteur-frise38")
    made = authoring.create_capsule(footage, title="Joint de robinet", first_step_id=steps[0].pk,
                                    last_step_id=steps[-1].pk, user=author)
    return Capsule.objects.get(pk=made.capsule_id), author


@pytest.mark.parametrize("width", [360, 1280])
def test_every_step_block_is_at_least_24_px_and_all_fit(live_server, browser, capsule_with_a_short_last_step, width):
    capsule, author = capsule_with_a_short_last_step
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 740}, has_touch=width < 800)
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    blocks = page.locator(".geste-timeline__step")
    expect(blocks).to_have_count(5)
    page.wait_for_timeout(200)
    boxes = page.evaluate(BOXES)
    track, steps = boxes["track"], boxes["steps"]
    widths = [round(s["width"], 1) for s in steps]
    assert all(w >= 24 - 0.5 for w in widths), widths
    # All inside the track, side by side, none over another.
    assert steps[0]["left"] >= track["left"] - 0.5 and steps[-1]["right"] <= track["right"] + 0.5, (track, steps)
    assert all(b["left"] >= a["right"] - 0.5 for a, b in zip(steps, steps[1:], strict=False)), steps
    # The longer steps keep their order of size (shrunk in proportion).
    assert widths[0] < widths[1] and widths[2] > widths[3] > widths[4], widths
    if width == 360:
        # Without the minimum it would be 3/120 of the track (under 10 px here).
        assert 3 / 120 * track["width"] < 10
        shot(page, "walk38-authoring-timeline-360")
    # Its name is its tooltip and accessible name.
    last = blocks.nth(4)
    expect(last).to_have_attribute("title", "Rouvrir l'eau")
    expect(last).to_have_accessible_name("Rouvrir l'eau")
    # A tap (a click) on it puts the playhead at its start: 1:57 of the capsule, and the line on the block.
    if width < 800:
        last.tap()
    else:
        last.click()
    expect(page.locator('output[data-role="playhead"]')).to_have_text("1:57,0")
    line = page.locator('[data-role="playhead-line"]').bounding_box()
    assert steps[4]["left"] - 1 <= line["x"] <= steps[4]["left"] + 2, (line, steps[4])
    ctx.close()
