"""Screens a designer drives in Debian's Chromium: the learner reports (index, one capsule, the CSV it
downloads) and the footage processing page's cancel, re-run and stage re-run buttons, on a real
Celery worker.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from capsules.learning.grading import grade
from capsules.models import Attempt, PipelineRun, Progress, StageRun
from capsules.pipeline.ingest import ingest_file
from tests import factories, pages
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.conftest import wait_for
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser]
SHOTS = os.environ.get("GESTE_SCREENSHOTS")


# --- reports ----------------------------------------------------------------------------------------


def _answer(user, inter, response, minutes):
    result = grade(inter, response)
    Attempt.objects.create(user=user, interaction=inter, response=response, correct=result.correct,
                           score=result.score, answered_at=timezone.now() - timedelta(minutes=100 - minutes))
    return result.correct


@pytest.fixture
def cohort(django_db_serialized_rollback, transactional_db):
    """A published capsule with a choice question and a free recall, answered by three learners."""
    ensure_baseline()
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Changer un joint")
    choice = factories.InteractionFactory(
        capsule=capsule, time=5.0, kind="single_choice", prompt="Quel outil serre l'écrou ?",
        choices=[{"id": "a", "text": "Clé dynamométrique"}, {"id": "b", "text": "Marteau"},
                 {"id": "c", "text": "Pince"}], answer_key={"correct": ["a"]})
    recall = factories.InteractionFactory(capsule=capsule, time=12.0, kind="free_recall", prompt="Citez le couple.",
                                          choices=[], answer_key={"model_answer": "12 N·m"})
    pages.capsule_page(capsule)
    alice = factories.learner(username="alice", first_name="Alice", last_name="Martin")
    bob, chloe = factories.learner(username="bob"), factories.learner(username="chloe")
    # The choice: alice right at once, bob wrong (marteau) then right, chloe wrong (marteau).
    assert [_answer(alice, choice, {"choice": "a"}, 1), _answer(bob, choice, {"choice": "b"}, 2),
            _answer(bob, choice, {"choice": "a"}, 3), _answer(chloe, choice, {"choice": "b"}, 4)] == [
        True, False, True, False]
    # The free recall: alice says she knew, bob that he did not ("je ne savais pas").
    assert [_answer(alice, recall, {"text": "12", "self_assessment": "knew"}, 5),
            _answer(bob, recall, {"text": "?", "self_assessment": "didnt"}, 6)] == [True, False]
    for user, fraction, done in [(alice, 1.0, True), (bob, 0.5, False), (chloe, 0.3, False)]:
        Progress.objects.create(user=user, capsule=capsule, watched_fraction=fraction, completed=done,
                                completed_at=timezone.now() if done else None)
    return {"capsule": capsule, "choice": choice, "recall": recall}


@pytest.mark.timeout(180)
def test_designer_reads_the_reports_and_downloads_the_csv(live_server, browser, cohort):
    capsule, choice, recall = cohort["capsule"], cohort["choice"], cohort["recall"]
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, factories.designer(username="concepteur-rapports").username)

    # From Wagtail's "Rapports" menu to the index.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("button", name="Rapports", exact=True).click()
    page.get_by_role("link", name="Apprenants par capsule").click()
    expect(page.get_by_role("heading", name="Rapports des apprenants")).to_be_visible()
    row = page.locator(f"tr[data-capsule='{capsule.pk}']")
    expect(row.locator("[data-started]")).to_have_text("3")
    expect(row.locator("[data-completed]")).to_have_text("1")
    expect(row.locator("[data-rate]")).to_contain_text("33 %")
    expect(row).to_contain_text("Publiée")

    # One capsule: per question, then per learner.
    row.get_by_role("link", name="Changer un joint").click()
    expect(page.get_by_role("heading", name="Rapport : Changer un joint")).to_be_visible()
    q_choice = page.locator(f"tr[data-question='{choice.pk}']")
    expect(q_choice.locator("[data-learners]")).to_have_text("3")
    expect(q_choice.locator("[data-first-try]")).to_contain_text("33 %")
    expect(q_choice.locator("[data-mean-attempts]")).to_have_text("1,5")
    marteau = q_choice.locator("li[data-choice='b']")
    expect(marteau).to_have_attribute("data-count", "2")
    expect(marteau).to_contain_text("Erreur la plus fréquente")
    expect(q_choice.locator("li[data-choice='a']")).to_contain_text("✔")
    # The free recall is right for alice only (bob did not know), and said to be self-assessed.
    q_recall = page.locator(f"tr[data-question='{recall.pk}']")
    expect(q_recall.locator("[data-first-try]")).to_contain_text("50 %")
    expect(q_recall.locator("[data-self-assessed]")).to_be_visible()
    learners = page.locator("tr[data-learner]")
    expect(learners).to_have_count(3)
    alice = learners.filter(has_text="Alice Martin")
    expect(alice.locator("[data-score]")).to_contain_text("2 / 2")
    expect(learners.filter(has_text="bob").locator("[data-score]")).to_contain_text("1 / 2")
    expect(learners.filter(has_text="chloe").locator("[data-completed]")).to_have_text("Non")

    # The questions CSV, downloaded from its link, holds the same numbers (Excel FR: ';' and ',').
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter les questions en CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[2] for r in rows[1:]] == ["Quel outil serre l'écrou ?", "Citez le couple."]
    assert (rows[1][4], rows[1][6]) == ("3", "33,0") and (rows[2][4], rows[2][6]) == ("2", "50,0")
    assert rows[0][-1] == "Auto-évaluée" and [r[-1] for r in rows[1:]] == ["non", "oui"]

    # On a phone, the wide tables scroll inside their box; the page itself does not.
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    assert not errors, errors
    ctx.close()


@pytest.mark.timeout(180)
def test_report_tables_scroll_in_their_own_focusable_box_at_360_px(live_server, browser, cohort):
    """On a 360 px phone a report table wider than the screen is not cut off: it scrolls inside its
    own box, which says so (hint and edge shadow), has a name for screen readers and scrolls from the
    keyboard; the page itself does not scroll sideways."""
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, factories.designer(username="concepteur-360").username)
    for url in ["/admin/geste/rapports/", f"/admin/geste/rapports/capsules/{cohort['capsule'].pk}/"]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1, url
        box = page.locator(".geste-report-scroll").first
        expect(box).to_have_attribute("tabindex", "0")
        expect(box).to_have_attribute("role", "region")
        assert "tableau défilant" in box.get_attribute("aria-label")
        geometry = box.evaluate("""b => ({scroll: b.scrollWidth, client: b.clientWidth,
            right: b.getBoundingClientRect().right, overflowing: b.hasAttribute('data-overflowing'),
            shadow: getComputedStyle(b).backgroundImage})""")
        assert geometry["scroll"] > geometry["client"] and geometry["overflowing"], geometry  # wider: it scrolls
        assert geometry["right"] <= 360, geometry  # the box itself fits the screen (nothing clipped)
        assert "radial-gradient" in geometry["shadow"]  # the edge shadow that shows more lies beyond
        hint = box.locator("xpath=preceding-sibling::p[1]")
        expect(hint).to_have_text("Faites défiler le tableau vers la droite →")
        expect(hint).to_be_visible()
        # The keyboard reaches the last column: focus the box, then End / arrows scroll it.
        last = box.locator("thead th").last
        assert last.evaluate("th => th.getBoundingClientRect().right") > 360
        box.focus()
        assert page.evaluate("document.activeElement.classList.contains('geste-report-scroll')")
        page.keyboard.press("End")
        for _ in range(30):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("b => b.scrollLeft + b.clientWidth >= b.scrollWidth - 1", arg=box.element_handle())
        # now in view (2 px: scrollLeft is a whole pixel, the table's width a fractional one)
        assert last.evaluate("th => th.getBoundingClientRect().right") <= geometry["right"] + 2
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/reports-360-{'index' if url.endswith('rapports/') else 'capsule'}.png",
                            full_page=True)
    # On a desktop the same table fits: no hint.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/geste/rapports/")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".geste-scroll-hint").first).to_be_hidden()
    assert not errors, errors
    ctx.close()


# --- processing page: cancel, re-run, re-run a stage -------------------------------------------------


@pytest.fixture(scope="module")
def silent_clip(tmp_path_factory):
    """A short clip without sound: no Whisper in the run, so the screens are what takes the time."""
    return make_clip(tmp_path_factory.mktemp("runs") / "silent.mp4", duration=8, size="320x180", audio=None)


def _stage(page, name: str):
    return page.locator(f"tr[data-stage='{name}']")


@pytest.mark.worker
@pytest.mark.timeout(400)
def test_designer_cancels_reruns_and_reruns_a_stage_from_the_processing_page(
        live_server, browser, worker_factory, silent_clip):
    ensure_baseline()
    designer = factories.designer(username="concepteur-traitement")
    # Uploaded while no worker runs: the run is waiting in the queue, so it can be cancelled for sure.
    footage = ingest_file(silent_clip, original_name="joint.mp4", skills_block=factories.SkillsBlockFactory(),
                          title="Joint à remplacer", user=designer)
    first = footage.latest_run
    assert first.status == PipelineRun.Status.RUNNING
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, designer.username)
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/")
    expect(page.locator("[data-footage-status]")).to_have_text("En traitement")
    expect(_stage(page, "ingest").locator("[data-field='status']")).to_have_text(re.compile("Dans la file|En attente"))

    # Cancel: every waiting stage is cancelled and the page offers a new run instead.
    page.get_by_role("button", name="Annuler le traitement").click()
    expect(page.get_by_text("Traitement annulé.")).to_be_visible()
    for name in ("ingest", "transcode", "segment"):
        expect(_stage(page, name).locator("[data-field='status']")).to_have_text("Annulé")
    first.refresh_from_db()
    assert first.status == PipelineRun.Status.CANCELLED
    # The silent clip's audio stages were « Sans objet » from the start (walk 38): finished, so not cancelled.
    skipped = set(first.stages.filter(status=StageRun.Status.SKIPPED).values_list("name", flat=True))
    assert skipped == {"audio", "transcribe", "translate"}
    assert not first.stages.exclude(status__in=(StageRun.Status.CANCELLED, StageRun.Status.SKIPPED)).exists()

    # A worker starts: the cancelled run stays cancelled (its queued task is dropped).
    worker_factory()
    page.get_by_role("button", name="Relancer le traitement").click()
    expect(page.get_by_text("Nouveau traitement lancé")).to_be_visible()
    second = footage.latest_run
    assert second.pk != first.pk
    # The page follows the run live, then reloads once it is over.
    for name in ("ingest", "transcode", "motion", "segment"):
        expect(_stage(page, name).locator("[data-field='status']")).to_have_text("Terminé", timeout=180_000)
    expect(_stage(page, "transcribe").locator("[data-field='status']")).to_have_text("Sans objet")
    expect(_stage(page, "transcode").locator("[data-field='progress']")).to_have_text("100 %")
    expect(page.get_by_role("button", name="Relancer le traitement")).to_be_visible(timeout=30_000)
    second.refresh_from_db()
    assert second.status == PipelineRun.Status.SUCCEEDED
    first.refresh_from_db()
    assert first.status == PipelineRun.Status.CANCELLED and first.stages.filter(executions__gt=0).count() == 0

    # Re-run one stage from its row: it and what follows run again, what comes before does not.
    motion = StageRun.objects.get(run=second, name="motion")
    assert motion.executions == 1
    _stage(page, "motion").get_by_role("button", name="Relancer").click()
    expect(page.get_by_text("L'étape « Analyse du mouvement » et les suivantes sont relancées.")).to_be_visible()
    wait_for(lambda: PipelineRun.objects.get(pk=second.pk).status == PipelineRun.Status.SUCCEEDED,
             timeout=180, message="the re-run to finish")
    expect(_stage(page, "segment").locator("[data-field='status']")).to_have_text("Terminé", timeout=30_000)
    expect(page.get_by_role("button", name="Relancer le traitement")).to_be_visible(timeout=30_000)
    stages = {s.name: s for s in StageRun.objects.filter(run=second)}
    assert stages["motion"].executions == 2, "the re-run stage recomputed"
    assert stages["transcode"].executions == 1 and stages["ingest"].executions == 1, "upstream untouched"
    assert not errors, errors
    ctx.close()
