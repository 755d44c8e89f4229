"""A first user's walk of the skills block page (walk 27), on a 360x740 phone (Chromium):

1. before any capsule was started, the badge's box listed every mandatory question still to answer, a
   screen and more on a phone. It now says how many in one line, the reason and the list behind it in a
   disclosure (« 6 questions obligatoires à réussir »), opened by keyboard; in English too.
2. the block done (the placement's capsule acquired, the other followed through, the badge earned), the
   path still said « Positionnement passé. Vous pourrez le repasser à partir du … »: nothing was left to
   place. It is no longer said then; it is while a capsule remains.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from capsules.models import Achievement, Attempt, BadgeCredential, PlacementQuestion, PlacementSession, Progress
from tests import factories, pages
from tests.browser.shots import shot
from tests.browser.test_player import built_player, log_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PROMPTS = ["Quel outil pour desserrer l'écrou du siphon sans abîmer le chrome ?",
           "Que placer sous le siphon avant de le démonter ?",
           "Dans quel sens visser le joint conique ?"]


def _block(questions_each: int = 2):
    block = factories.SkillsBlockFactory()
    caps = []
    for n, title in enumerate(["Démonter le siphon", "Changer le joint", "Remonter et tester"]):
        footage = factories.FootageFactory(skills_block=block, duration=60.0)
        capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title=title, order=n)
        for k in range(questions_each):
            factories.InteractionFactory(capsule=capsule, mandatory=True, time=10.0 + 20 * k, prompt=PROMPTS[k])
        pages.capsule_page(capsule)
        caps.append(capsule)
    achievement = Achievement.objects.create(
        skills_block=block, name="Plomberie", description="d",
        criteria_narrative="Toutes les capsules du bloc terminées, questions obligatoires réussies.",
        require_mandatory_correct=True)
    return block, caps, achievement


def _tab_to(page, selector: str, presses: int = 80) -> bool:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


@pytest.mark.timeout(180)
@pytest.mark.parametrize(("lang", "screen"), [("fr", PHONE), ("en", PHONE), ("fr", DESKTOP)],
                         ids=["fr-360", "en-360", "fr-1280"])
def test_badge_box_before_any_capsule_is_one_line_with_the_list_behind_a_disclosure(  # noqa: F811
        live_server, browser, built_player, lang, screen):  # noqa: F811
    block, caps, _badge = _block()
    width = screen["viewport"]["width"]
    ctx = browser.new_context(locale="fr-FR" if lang == "fr" else "en-GB", **screen)
    log_in(ctx, live_server, factories.learner())
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{block.page.url}")
    box = page.locator(".block-badge")
    details = box.locator("details.badge-questions")
    assert details.count() == 1
    summary = details.locator("summary")
    assert summary.inner_text() == {"fr": "6 questions obligatoires à réussir",
                                    "en": "6 mandatory questions to get right"}[lang]
    # One line on the phone, and the list closed: not a screen of questions.
    line = page.evaluate("""() => { const s = document.querySelector('.badge-questions summary');
        const lh = parseFloat(getComputedStyle(s).lineHeight) || 24, r = s.getBoundingClientRect();
        const range = document.createRange(); range.selectNodeContents(s);
        return {lines: new Set([...range.getClientRects()].map(x => Math.round(x.top))).size, height: r.height}; }""")
    shot(page, f"block-badge-summary-closed-{width}-{lang}")
    assert line["lines"] == 1 and line["height"] >= 44, line  # one line, a finger's target
    assert not details.evaluate("d => d.open")
    assert details.locator("ul li").first.is_hidden()
    assert box.bounding_box()["height"] < 740 / 2, box.bounding_box()  # the list shown, more than a screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # By keyboard: Tab reaches it, Enter opens it; the same information as before is there, with its links.
    assert _tab_to(page, ".badge-questions summary")
    page.keyboard.press("Enter")
    assert details.evaluate("d => d.open")
    items = details.locator("ul li")
    assert items.count() == 6
    assert items.first.is_visible()
    text = details.inner_text().replace("\xa0", " ")  # the line's guillemets and dash hold with no-break spaces
    if lang == "fr":
        assert ("Dans tout le bloc, capsules non terminées comprises, 6 questions obligatoires n'ont pas encore "
                "reçu de bonne réponse :") in text
        assert f"« {PROMPTS[0]} » — Démonter le siphon, à 0:10 : pas encore répondue" in text
    else:
        assert "6 mandatory questions have not been answered right yet" in text, text
    # Walk 27: « » — » wrapped onto a line of its own after a long prompt: held to the prompt and the time.
    line = items.first.inner_text()
    assert "\xa0»\xa0—" in line or "”\xa0—" in line, repr(line)
    assert items.first.locator("a").get_attribute("href") == f"{caps[0].page.url}#t=10"
    shot(page, f"block-badge-summary-open-{width}-{lang}")
    assert not errors, errors
    ctx.close()


@pytest.mark.timeout(180)
def test_the_block_done_the_path_no_longer_invites_to_retake_the_placement(live_server, browser,
                                                                            built_player):  # noqa: F811
    block, caps, badge = _block(questions_each=1)
    for capsule in caps:
        PlacementQuestion.objects.create(interaction=capsule.interactions.get(), accepted=True)
    learner = factories.learner()
    placed = datetime.now(UTC) - timedelta(hours=2)
    PlacementSession.objects.create(user=learner, skills_block=block, started_at=placed,
                                    finished_at=placed + timedelta(minutes=5), acquired_capsule_ids=[caps[0].pk])
    for capsule in caps[1:2]:
        Progress.objects.create(user=learner, capsule=capsule, watched=[[0, 60]], watched_fraction=1.0,
                                completed=True, completed_at=placed + timedelta(hours=1))
    ctx = browser.new_context(locale="fr-FR", **PHONE)
    log_in(ctx, live_server, learner)
    page = ctx.new_page()
    page.goto(f"{live_server.url}{block.page.url}")
    # A capsule remains: the retake's date is said.
    assert "Vous pourrez le repasser à partir du" in page.inner_text("#parcours")
    # The last one followed through, the badge earned: nothing left to place.
    Progress.objects.create(user=learner, capsule=caps[2], watched=[[0, 60]], watched_fraction=1.0, completed=True,
                            completed_at=placed + timedelta(hours=1, minutes=10))
    for capsule in caps:
        Progress.objects.get_or_create(user=learner, capsule=capsule, defaults={
            "watched": [[0, 60]], "watched_fraction": 1.0, "completed": True,
            "completed_at": placed + timedelta(hours=1, minutes=20)})
    for n, capsule in enumerate(caps):  # every question right
        Attempt.objects.create(user=learner, interaction=capsule.interactions.get(), response={}, correct=True,
                               score=1, answered_at=placed + timedelta(hours=1, minutes=n))
    assert BadgeCredential.objects.filter(achievement=badge, user=learner).exists()  # issued on the last answer
    page.goto(f"{live_server.url}{block.page.url}")
    path = page.inner_text("#parcours")
    assert "Vous avez parcouru tout le bloc." in path, path
    assert "Positionnement passé" not in path and "repasser" not in path.lower(), path
    assert page.get_by_role("link", name="Repasser le positionnement").count() == 0
    assert "Badge obtenu" in page.inner_text(".block-badge")
    shot(page, "block-path-done-no-retake-360")
    ctx.close()
