"""First-user walk 4, the admin on a 360 px phone: the capsule design page (video, timeline) and the
footage processing page fit the screen, nothing spills off the right edge, and the processing
table's "Relancer" is reachable without a sideways scroll hidden inside the table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("GESTE_WALK_SHOTS", Path(__file__).resolve().parents[2] / "var" / "shots"))

OVERFLOW = "() => ({doc: document.documentElement.scrollWidth, vw: innerWidth})"


@pytest.fixture
def approved(django_db_serialized_rollback, transactional_db):
    ensure_baseline()
    footage = factories.FootageFactory(title="Réglage à l'atelier (caméra frontale)", duration=47.0,
                                       status=Footage.Status.APPROVED)
    for i, title in enumerate(["Au comptoir", "Préparer le plan de travail", "Traverser l'atelier", "Cuire"]):
        factories.StepFactory(footage=footage, order=i + 1, start=i * 11.0, end=i * 11.0 + 11.0, title=title,
                              approved=True)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.SUCCEEDED)
    for spec in STAGES:
        StageRun.objects.create(run=run, name=spec.name, status=StageRun.Status.SUCCEEDED, progress=100)
    capsule = factories.CapsuleFactory(footage=footage, title="Cuisiner à la poêle en atelier")
    factories.InteractionFactory(capsule=capsule, time=12.0, mandatory=True)
    return footage, capsule, factories.designer(username="concepteur-360")


def _phone(browser, live_server, user):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    return ctx, page


def test_capsule_design_page_fits_360(live_server, browser, approved):
    footage, capsule, user = approved
    ctx, page = _phone(browser, live_server, user)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    page.wait_for_selector("[data-role=timeline]")
    page.screenshot(path=str(SHOTS / "capsule-design-360.png"))
    sizes = page.evaluate(OVERFLOW)
    hint = page.locator(".geste-author").inner_text()
    boxes = page.evaluate("""() => ['[data-role=video]', '[data-role=timeline]', '.geste-author__grid > section']
        .map(s => document.querySelector(s).getBoundingClientRect().right)""")
    ctx.close()
    assert sizes["doc"] <= sizes["vw"], sizes
    assert max(boxes) <= sizes["vw"], (boxes, sizes)
    # a finger touches the timeline; "Cliquez" is for a mouse
    assert "Touchez la frise pour vous déplacer." in hint and "Cliquez sur la frise" not in hint


def test_capsule_design_page_says_click_with_a_mouse(live_server, browser, approved):
    footage, capsule, user = approved
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    hint = page.locator(".geste-author").inner_text()
    ctx.close()
    assert "Cliquez sur la frise pour vous déplacer." in hint and "Touchez la frise" not in hint


def test_footage_page_fits_360_and_relancer_is_reachable(live_server, browser, approved):
    footage, capsule, user = approved
    ctx, page = _phone(browser, live_server, user)
    page.goto(live_server.url + reverse("geste_footage_detail", args=[footage.pk]))
    page.wait_for_selector(".geste-stages")
    sizes = page.evaluate(OVERFLOW)
    relancer = page.locator(".geste-stages").get_by_role("button", name="Relancer").first
    # Scrolled down only, as a thumb does: nothing scrolls the table sideways.
    relancer.evaluate("e => window.scrollTo(0, scrollY + e.getBoundingClientRect().top - innerHeight / 2)")
    wrap = page.eval_on_selector(".geste-stages-wrap", "e => ({scroll: e.scrollWidth, client: e.clientWidth})")
    page.screenshot(path=str(SHOTS / "footage-360.png"))
    box = relancer.evaluate("""e => { const r = e.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {left: r.left, right: r.right, onTop: !!top && (top === e || e.contains(top))}; }""")
    message_right = page.evaluate("""() => Math.max(...[...document.querySelectorAll('.geste-stages td')]
        .map(td => td.getBoundingClientRect().right))""")
    ctx.close()
    assert sizes["doc"] <= sizes["vw"], sizes
    assert wrap["scroll"] <= wrap["client"], wrap  # no column hidden behind a sideways scroll
    assert 0 <= box["left"] and box["right"] <= sizes["vw"] and box["onTop"], box
    assert message_right <= sizes["vw"], message_right


def test_review_list_fits_360(live_server, browser, approved):
    """Walk 12: on a phone the review list's Statut and Étapes columns were cut off (a 446-px table in a
    container that hides overflow); each video is now a card with every field in view."""
    footage, capsule, user = approved
    ctx, page = _phone(browser, live_server, user)
    page.goto(live_server.url + reverse("geste_review_index"))
    row = page.locator("table.listing tbody tr").first
    row.wait_for()
    sizes = page.evaluate(OVERFLOW)
    right = row.evaluate("r => Math.max(...[...r.querySelectorAll('td')]"
                         ".map(td => td.getBoundingClientRect().right))")
    labels = row.evaluate("r => [...r.querySelectorAll('td[data-label]')]"
                          ".map(td => getComputedStyle(td, '::before').content)")
    page.screenshot(path=str(SHOTS / "review-list-360.png"))
    ctx.close()
    assert sizes["doc"] <= sizes["vw"], sizes
    assert right <= sizes["vw"], right  # every field in view, Statut and Étapes included
    assert '"Étapes" " : "' in labels or any("Étapes" in c for c in labels), labels  # each value says what it is
