"""First users: while a question was open, the step cards (the list of gestures beside or under the video)
showed as empty boxes: every card's name and picture were hidden for any question. A question whose answer
the steps' names do not give keeps the cards' names and times (only the key points, often the answer, are
hidden); one they would give away (an ordering question, a "what comes next?" naming the steps) hides the
names, and each card then reads « Étape 2 » with its time, never an empty box. At 360 px and on a desktop."""

from __future__ import annotations

import pytest

from capsules.models import Interaction
from tests.browser import test_player as base
from tests.browser.learner_capsule import STEPS
from tests.browser.test_player import SCREENSHOTS, leave, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMES = ["0:00", "0:04", "0:08"]


def _cards(page) -> list[dict]:
    """What a learner sees of each step card: the text drawn on it, and its size."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.gp-steps > ol > li')).map((li) => {
        const seen = (el) => { if (!el) return ''; const b = el.getBoundingClientRect(); const s = getComputedStyle(el);
            return b.width > 0 && b.height > 0 && s.visibility !== 'hidden' ? el.textContent.trim() : ''; };
        const b = li.querySelector('.gp-step');
        return { title: seen(b.querySelector('.gp-step-title')), masked: seen(b.querySelector('.gp-step-masked')),
                 time: seen(b.querySelector('.gp-step-time')), kp: seen(li.querySelector('.key-points')),
                 w: b.getBoundingClientRect().width };
    })""")


def _ask_at(page, t: float, pk: int):
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, f"(v.pause(), v.currentTime = {t})")
    page.wait_for_selector(f"[data-geste-player][data-asking='{pk}']", timeout=10000)
    page.wait_for_timeout(400)  # a few more ticks: nothing changes while it is open


@pytest.mark.timeout(180)
@pytest.mark.parametrize("ctx_name", ["phone_context", "context"])
def test_step_cards_keep_their_titles_and_times_while_a_question_is_open(live_server, request, published, ctx_name):
    ctx = request.getfixturevalue(ctx_name)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    titles = [t for _a, _b, t in STEPS]
    assert [c["title"] for c in _cards(page)] == titles
    # « Avant de dévisser l'écrou, que faut-il faire ? »: no step's name in it, and its answer is the
    # key point of the step (« Coupez l'arrivée d'eau avant de dévisser. »).
    _ask_at(page, 4.96, published["q1"].pk)
    assert video(page, "v.paused")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/steps-during-question-{ctx_name}.png", full_page=True)
    cards = _cards(page)
    assert [c["title"] for c in cards] == titles
    assert [c["time"] for c in cards] == TIMES
    assert all(c["w"] > 100 for c in cards)
    assert not any(c["kp"] for c in cards)  # the answer stays hidden
    # The step's key point was never in the list (it waits for the answer, walk 29): nothing to mask there.
    assert page.locator(".gp-steps .gp-kp-later").count() == 1
    # The current step is still shown under the player and in the list.
    assert page.locator(".gp-steps li.current").count() == 1
    assert "Dévisser l'écrou" in page.inner_text(".gp-step-now")
    assert not page.locator(".gp-caption").is_visible() and not page.locator(".gp-transcript").is_visible()
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
@pytest.mark.parametrize("ctx_name", ["phone_context", "context"])
def test_a_question_the_step_names_would_answer_hides_them_but_no_card_is_empty(live_server, request, published,
                                                                                 ctx_name):
    capsule, steps = published["capsule"], published["steps"]
    capsule.interactions.all().delete()
    nxt = Interaction.objects.create(
        capsule=capsule, time=4.0, kind="single_choice", step=steps[1], mandatory=True,
        prompt="Après « Préparer le siphon », quelle est l'étape suivante ?",
        choices=[{"id": "a", "text": "Dévisser l'écrou"}, {"id": "b", "text": "Serrer le joint"}],
        answer_key={"correct": ["a"]},
    )
    ctx = request.getfixturevalue(ctx_name)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    _ask_at(page, 3.96, nxt.pk)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/steps-during-next-question-{ctx_name}.png", full_page=True)
    cards = _cards(page)
    assert [c["title"] for c in cards] == ["", "", ""]  # the answer is not on the page
    assert [c["masked"] for c in cards] == ["Étape 1", "Étape 2", "Étape 3"]
    assert [c["time"] for c in cards] == TIMES
    assert not page.locator(".gp-step-now").is_visible()
    assert page.locator(".gp-mark-step[title]").count() == 0
    # Answered: the names come back, the placeholders go.
    page.click(".gq-choice:has-text('Dévisser')")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    cards = _cards(page)
    assert [c["title"] for c in cards] == [t for _a, _b, t in STEPS]
    assert not any(c["masked"] for c in cards)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_key_points_of_a_step_with_a_question_wait_for_the_answer(live_server, phone_context, published):
    """Walk 29: under step 1 the point of vigilance, the very answer to the question at 0:03, was in the step
    list before the question (hidden only while it was open). A step with a question not yet answered shows
    « Les points de vigilance de cette étape s'affichent une fois que vous avez répondu à sa question. »
    instead: not in the page's HTML nor in the manifest,
    and its mark on the seek bar has no tooltip. Once answered, the point shows in the list."""
    kp = "Coupez l'arrivée d'eau avant de dévisser."
    url = f"{live_server.url}{published['page'].url}"
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    html = page.request.get(url).text()
    assert kp not in html.replace("&#x27;", "'").replace("&#39;", "'")
    later_text = "Les points de vigilance de cette étape s'affichent une fois que vous avez répondu à sa question."
    assert later_text in html.replace("&#x27;", "'")
    open_capsule(page, url)
    later = page.locator(".gp-steps li").nth(1).locator(".gp-kp-later")
    assert later.is_visible() and later.inner_text() == later_text
    assert not page.locator(".gp-steps .key-points").count()
    assert page.locator(".gp-mark-kp[title]").count() == 0
    _ask_at(page, 4.96, published["q1"].pk)
    page.click(".gq-choice:has-text('Couper')")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    shown = page.locator(".gp-steps li").nth(1).locator(".key-points li.kp-safety")
    shown.wait_for(state="visible", timeout=10000)
    assert shown.inner_text() == kp
    assert not page.locator(".gp-steps .gp-kp-later").count()
    leave(page)
    assert not errors, errors
