"""The processing page as a run ends (first-user walk 39: « it reloads blank once as it finishes »).

The page used to ``window.location.reload()`` when the run ended (and when the steps became ready): for a
moment the designer saw a white page, and a keyboard user's focus went back to the top of the document.
Now the page stays put: it redraws the parts that changed from the server's own rendering, says
« Traitement terminé » (or that it failed / was cancelled) in a live region that takes the focus, and
offers the next action. Watched on a real Celery worker, and on the real status endpoint for the ends that
a worker cannot be made to give on demand (a failed stage, a run cancelled from another tab).
"""

from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.ingest import ingest_file
from capsules.pipeline.workflow import cancel_run, fail_run
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser]
SHOTS = os.environ.get("GESTE_SCREENSHOTS")

# Sampled in the page every 40 ms from the moment it is drawn: how much the footage page says, and whether
# the page was left (a reload starts a fresh document: the samples are lost and ``__gesteSampler`` is gone).
SAMPLER = """() => {
  window.__gesteSamples = [];
  window.__gesteSampler = setInterval(() => {
    const main = document.querySelector('.geste-footage');
    window.__gesteSamples.push(main ? main.innerText.trim().length : 0);
  }, 40);
  return true;
}"""


@pytest.fixture
def silent_clip(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("fin39") / "silent.mp4", duration=6, size="320x180", audio=None)


def _open(page, live_server, footage):
    """Open the footage page and watch it: main-frame navigations after this point, and in-page samples."""
    navigations: list[str] = []
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/")
    page.wait_for_load_state("networkidle")
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.evaluate(SAMPLER)
    return navigations


def _no_blank(page, navigations):
    assert navigations == [], f"the page was reloaded as the run ended: {navigations}"
    # Still the same document (a reload would have dropped the sampler), and never an empty main.
    samples = page.evaluate("window.__gesteSamples || null")
    assert samples, "the page's document was replaced (reloaded)"
    assert min(samples) > 50, f"a blank footage page was shown: {min(samples)} characters"


def _focus_on_the_news(page) -> bool:
    return page.evaluate("!!(document.activeElement && document.activeElement.closest('[data-role=run-outcome]'))")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.worker
@pytest.mark.timeout(400)
def test_a_real_run_ends_without_a_blank_reload_and_says_what_next(live_server, browser, worker_factory,
                                                                   silent_clip):
    ensure_baseline()
    designer = factories.designer(username="concepteur-fin39")
    footage = ingest_file(silent_clip, original_name="joint.mp4", skills_block=factories.SkillsBlockFactory(),
                          title="Joint à remplacer", user=designer)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, designer.username)
    navigations = _open(page, live_server, footage)
    expect(page.locator("[data-footage-status]")).to_have_text("En traitement")
    worker_factory()

    done = page.locator("[data-role='run-outcome']")
    expect(done).to_contain_text("Traitement terminé", timeout=240_000)
    _shot(page, "fin39-done-desktop")
    footage.refresh_from_db()
    assert footage.latest_run.status == PipelineRun.Status.SUCCEEDED
    _no_blank(page, navigations)
    # The next action: the review of the steps, as the footage page offers it once the steps are ready.
    link = done.get_by_role("link", name="Ouvrir la relecture des étapes")
    expect(link).to_have_attribute("href", reverse("geste_review", args=[footage.pk]))
    # Said to a screen reader, and the keyboard user's focus is on the news, not lost at the top.
    expect(done).to_have_attribute("role", "status")
    assert _focus_on_the_news(page)
    # The page below is the finished run's: every stage over, « Relancer le traitement » offered, no cancel.
    for name in ("ingest", "transcode", "segment"):
        expect(page.locator(f"tr[data-stage='{name}'] [data-field='status']")).to_have_text("Terminé")
    expect(page.get_by_role("button", name="Relancer le traitement")).to_be_visible()
    expect(page.get_by_role("button", name="Annuler le traitement")).to_have_count(0)
    expect(page.locator("[data-footage-status]")).not_to_have_text("En traitement")
    # Tab goes on from the news to the next action.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Ouvrir la relecture des étapes"
    assert not errors, errors
    ctx.close()


def _waiting_footage(silent_clip, username):
    """A footage whose run waits in the queue (no worker): the test ends it itself, as a worker or another
    tab would, and the page finds it out from the status endpoint."""
    ensure_baseline()
    designer = factories.designer(username=username)
    footage = ingest_file(silent_clip, original_name="joint.mp4", skills_block=factories.SkillsBlockFactory(),
                          title="Joint à remplacer", user=designer)
    assert footage.latest_run.status == PipelineRun.Status.RUNNING
    return designer, footage


@pytest.mark.timeout(180)
@pytest.mark.parametrize("width", [360, 1280])
def test_a_failed_stage_ends_the_page_in_place_with_the_error_and_a_retry(live_server, browser, silent_clip,
                                                                          django_db_serialized_rollback,
                                                                          transactional_db, width):
    designer, footage = _waiting_footage(silent_clip, f"concepteur-echec39-{width}")
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 740 if width == 360 else 800},
                              has_touch=width == 360, is_mobile=width == 360)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, designer.username)
    navigations = _open(page, live_server, footage)
    stage = StageRun.objects.get(run=footage.latest_run, name="ingest")
    StageRun.objects.filter(pk=stage.pk).update(status=StageRun.Status.RUNNING, progress=40)
    expect(page.locator("tr[data-stage='ingest'] [data-field='progress']")).to_have_text("40 %")
    fail_run(stage, "Le fichier vidéo est illisible.")

    done = page.locator("[data-role='run-outcome']")
    expect(done).to_contain_text("Le traitement a échoué", timeout=15_000)
    expect(done).to_contain_text("Le fichier vidéo est illisible.")
    _shot(page, f"fin39-failed-{width}")
    _no_blank(page, navigations)
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.FAILED
    expect(page.locator("[data-footage-status]")).to_have_text("Échec du traitement")
    expect(page.locator("tr[data-stage='ingest'] [data-field='status']")).to_have_text("Échec")
    # The next action: run it again (the stage's own « Relancer » is in its row, redrawn from the server).
    expect(done.get_by_role("button", name="Relancer le traitement")).to_be_visible()
    expect(page.locator("tr[data-stage='ingest']").get_by_role("button", name="Relancer")).to_be_visible()
    assert _focus_on_the_news(page)
    # Nothing wider than the screen at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = done.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert not errors, errors
    ctx.close()


@pytest.mark.timeout(180)
def test_a_run_cancelled_elsewhere_ends_the_page_in_place(live_server, browser, silent_clip,
                                                         django_db_serialized_rollback, transactional_db):
    designer, footage = _waiting_footage(silent_clip, "concepteur-annule39")
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    navigations = _open(page, live_server, footage)
    expect(page.get_by_role("button", name="Annuler le traitement")).to_be_visible()
    cancel_run(footage.latest_run)  # from another tab, or by another designer

    done = page.locator("[data-role='run-outcome']")
    expect(done).to_contain_text("Traitement annulé", timeout=15_000)
    _no_blank(page, navigations)
    expect(page.get_by_role("button", name="Annuler le traitement")).to_have_count(0)
    expect(done.get_by_role("button", name="Relancer le traitement")).to_be_visible()
    expect(page.locator("tr[data-stage='ingest'] [data-field='status']")).to_have_text("Annulé")
    assert _focus_on_the_news(page)
    ctx.close()


@pytest.mark.worker
@pytest.mark.timeout(400)
def test_with_the_expert_chosen_the_news_says_who_has_the_review(live_server, browser, worker_factory, silent_clip):
    """Walk 47: the run's news moved « Ouvrir la relecture des étapes » in as the designer's next thing, over
    « Relecture confiée à … : rien d'autre à faire ». With the expert chosen at upload the news repeats who has the
    review."""
    ensure_baseline()
    designer = factories.designer(username="concepteur-fin47")
    expert = factories.expert(username="expert-fin47", first_name="Jean", last_name="Plombier")
    footage = ingest_file(silent_clip, original_name="joint.mp4", skills_block=factories.SkillsBlockFactory(),
                          title="Joint confié", user=designer, expert=expert)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    _open(page, live_server, footage)
    worker_factory()
    done = page.locator("[data-role='run-outcome']")
    expect(done).to_contain_text("Traitement terminé", timeout=240_000)
    expect(done).to_contain_text("Relecture confiée à Jean Plombier")
    expect(done.get_by_role("link", name="Ouvrir la relecture des étapes")).to_have_count(0)
    # The review stays where it was, a plain button.
    link = page.locator(".geste-review-link").get_by_role("link", name="Ouvrir la relecture des étapes")
    expect(link).to_have_class(re.compile(r"button-secondary"))
    ctx.close()
