"""First-user walk 15 of the admin, in Debian's Chromium:

1. « Relancer » on the segmentation of an approved footage asks first, by keyboard, in French, and
   « Annuler » leaves the approval as it was;
3. the processing table's percentage stays beside its bar, at 0 % as at 100 %, at 360 and 1280 px;
4. at 360 px the trainer's session heading wraps instead of being cut off on the right.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from capsules.models import Cohort, Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WITHDRAWN = "L'approbation des étapes par l'expert sera retirée : il devra les relire à nouveau."


def _context(browser, width: int):
    phone = width < 400
    return browser.new_context(locale="fr-FR", viewport={"width": width, "height": 740 if phone else 800},
                               **({"has_touch": True, "is_mobile": True} if phone else {}))


def _approved_footage(progress_of: dict[str, float] | None = None) -> Footage:
    footage = factories.FootageFactory(duration=30.0, status=Footage.Status.APPROVED, title="Joint de robinet",
                                       skills_block=factories.SkillsBlockFactory())
    for i in range(2):
        factories.StepFactory(footage=footage, order=i, approved=True)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.SUCCEEDED)
    for spec in STAGES:
        progress = (progress_of or {}).get(spec.name, 100)
        failed = progress < 100
        StageRun.objects.create(run=run, name=spec.name, progress=progress,
                                status=StageRun.Status.FAILED if failed else StageRun.Status.SUCCEEDED,
                                # the messages real runs leave (long French sentences squeeze the columns)
                                error_message=LONG_ERROR if failed else "")
    return footage


LONG_ERROR = ("Le travailleur a été arrêté pendant le calcul de cette étape (mémoire insuffisante) : relancez-la "
              "quand la machine est moins chargée, ou téléversez une prise plus courte.")


def _focus_by_tab(page, predicate: str, presses: int = 200) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({predicate}); }})()"):
            return
    pytest.fail(f"Tab never reached {predicate}")


@pytest.mark.timeout(180)
def test_rerunning_the_steps_of_an_approved_footage_asks_first_by_keyboard(live_server, browser):
    ensure_baseline()
    designer = factories.designer(username="conceptrice-relance")
    footage = _approved_footage()
    ctx = _context(browser, 1280)
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/")
    expect(page.locator("[data-footage-status]")).to_have_text("Étapes approuvées")
    segment_button = "e.closest('tr[data-stage=\"segment\"]') && e.textContent.trim() === 'Relancer'"
    _focus_by_tab(page, segment_button)
    page.keyboard.press("Enter")
    expect(page.get_by_text(WITHDRAWN)).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Relancer l'étape « Découpage en étapes » ?")
    # « Annuler » (reached by keyboard) goes back; nothing was rerun.
    _focus_by_tab(page, "e.textContent.trim() === 'Annuler'")
    page.keyboard.press("Enter")
    expect(page.get_by_text(WITHDRAWN)).to_have_count(0)
    expect(page.locator("[data-footage-status]")).to_have_text("Étapes approuvées")
    footage.refresh_from_db()
    assert footage.status == Footage.Status.APPROVED
    assert not StageRun.objects.exclude(status=StageRun.Status.SUCCEEDED).exists()

    # Confirmed: the steps are redone and the footage goes back to processing.
    _focus_by_tab(page, segment_button)
    page.keyboard.press("Enter")
    expect(page.get_by_text(WITHDRAWN)).to_be_visible()
    _focus_by_tab(page, "e.textContent.trim() === 'Relancer «\u00a0Découpage en étapes\u00a0»'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("L'étape « Découpage en étapes » et les suivantes sont relancées.")).to_be_visible()
    assert StageRun.objects.get(name="segment").status in (StageRun.Status.PENDING, StageRun.Status.QUEUED)
    ctx.close()


@pytest.mark.timeout(180)
@pytest.mark.parametrize("width", [360, 1280])
def test_the_percentage_stays_beside_its_bar_at_0_and_100(live_server, browser, width):
    ensure_baseline()
    designer = factories.designer(username=f"conceptrice-barre-{width}")
    footage = _approved_footage({"draft_quizzes": 0})
    ctx = _context(browser, width)
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/")
    expect(page.locator("tr[data-stage='draft_quizzes'] [data-field='progress']")).to_have_text("0 %")
    boxes = page.evaluate("""() => [...document.querySelectorAll('tr[data-stage]')].map(tr => {
        const bar = tr.querySelector('progress').getBoundingClientRect();
        const text = tr.querySelector('[data-field=progress]').getBoundingClientRect();
        return {stage: tr.dataset.stage, text: tr.querySelector('[data-field=progress]').textContent,
                barTop: bar.top, barBottom: bar.bottom, barRight: bar.right,
                textTop: text.top, textBottom: text.bottom, textLeft: text.left, vw: innerWidth}; })""")
    # The page writes « 0\xa0% » (the template's percent filter), the live update « 0 % » (footage_detail.js):
    # which one is read depends on whether a poll has run; the layout is what is checked here.
    assert {b["text"].replace("\xa0", " ") for b in boxes} == {"0 %", "100 %"}
    for b in boxes:
        middle = (b["textTop"] + b["textBottom"]) / 2
        assert b["barTop"] <= middle <= b["barBottom"], f"{b['text']} not beside its bar at {width} px: {b}"
        assert b["textLeft"] >= b["barRight"], b
    lefts = {round(b["textLeft"]) for b in boxes}
    assert len(lefts) == 1, f"the percentages start at the same place on every row: {boxes}"
    ctx.close()


@pytest.mark.timeout(120)
def test_the_session_heading_wraps_at_360_px(live_server, browser):
    ensure_baseline()
    trainer = factories.UserFactory(username="formatrice-walk15", groups=["Trainers"])
    cohort = Cohort.objects.create(name="Session de démonstration", skills_block=factories.SkillsBlockFactory(),
                                   start_date=date(2026, 3, 2), end_date=date(2026, 3, 30))
    cohort.trainers.add(trainer)
    ctx = _context(browser, 360)
    page = ctx.new_page()
    login(page, live_server.url, trainer.username)
    page.goto(f"{live_server.url}/admin/geste/sessions/{cohort.pk}/")
    heading = page.locator("h1", has_text="Session de démonstration")
    expect(heading).to_be_visible()
    # The heading keeps to the page's content column: its right edge no further than the text under it
    # (it ran to the screen's very edge, its last letter cut off on the trainer's phone).
    box = heading.evaluate("""e => { const range = document.createRange(); range.selectNodeContents(e);
        const t = range.getBoundingClientRect(), body = document.querySelector('.geste-cohort'),
              pad = parseFloat(getComputedStyle(body).paddingRight);
        return {textRight: t.right, textLeft: t.left, scroll: e.scrollWidth, client: e.clientWidth,
                contentRight: body.getBoundingClientRect().right - pad, vw: document.documentElement.clientWidth}; }""")
    assert box["textLeft"] >= 0 and box["textRight"] <= box["contentRight"], f"heading cut off at 360 px: {box}"
    assert box["scroll"] <= box["client"] + 1, box
    ctx.close()
