"""A first-user walk of the learner player (issue "player walk"):

1. a reload while the capsule's last question (at its very end, unanswered) is open resumes there with
   the question open, not at 0:00 with nothing to answer;
2. a step chosen past a mandatory question says why the video stopped (visible and announced) and keeps
   the video in view;
3. the playback speed (on this device) and the step loop (per capsule) survive a reload;
4. the hotspot question speaks to the pointer in hand: "Cliquez" with a mouse, "Touchez" on a phone,
   and keyboard help only where a keyboard is likely.
"""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser.test_learner_journey import journey  # noqa: F401  (fixture)
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GATE = "Répondez d'abord à la question obligatoire"


def ready(page) -> None:
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)


def player(page, expr: str):
    return page.evaluate(
        f"(() => {{ const p = document.querySelector('[data-geste-player]').gestePlayer; return {expr}; }})()")


@pytest.mark.timeout(180)
def test_reload_on_the_last_unanswered_question_resumes_at_the_end(live_server, context, journey):  # noqa: F811
    capsule, last = journey["capsule"], journey["order"]
    capsule.interactions.exclude(pk=last.pk).delete()
    models.Interaction.objects.filter(pk=last.pk).update(time=11.8)  # the capsule ends at 12.0
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    player(page, "p.seek(10.8)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{last.pk}']", timeout=15000)
    assert video(page, "v.currentTime") > 11.5

    page.reload()
    ready(page)
    page.wait_for_selector(f"[data-asking='{last.pk}']", timeout=10000)
    assert video(page, "v.currentTime") > 11.5
    assert page.locator(".gq-order li").count() > 1
    assert not page.locator(".gp-end").is_visible()
    # Answered now: nothing is left, the end screen comes (not a restart at 0:00).
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    page.click(".gq-feedback .gq-continue")
    page.wait_for_selector(".gp-end", state="visible", timeout=10000)
    assert video(page, "v.currentTime") > 11.5
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_step_past_a_mandatory_question_says_why_and_keeps_the_video_in_view(live_server, context, journey):  # noqa: F811
    multi = journey["multi"]
    log_in(context, live_server, factories.learner(username="walk"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{journey['page'].url}")

    def check(action) -> None:
        page.evaluate("document.getElementById('gp-live').textContent = ''")
        action()
        page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=8000)
        page.wait_for_timeout(400)  # every announcement made (the last one wins in the live region)
        assert video(page, "v.currentTime") <= multi.time + 0.06
        note = page.locator(".gp-question .gq-gate")
        assert note.is_visible() and GATE in note.inner_text()
        assert GATE in page.inner_text("#gp-live")
        top, bottom, height = video(
            page, "[v.getBoundingClientRect().top, v.getBoundingClientRect().bottom, innerHeight]")
        assert bottom > 40 and top < height - 40, (top, bottom, height)

    # A step of the list, below the player: the page scrolled down to click it.
    check(lambda: page.click(".gp-steps .gp-step:has-text('Serrer le joint')"))
    # "Étape suivante" while the question is open.
    check(lambda: page.click(".gp-step-fwd"))
    # A question opened by plain playback carries no such note.
    player(page, "p.closeQuestion()")
    player(page, "p.seek(4.2)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=8000)
    assert page.locator(".gp-question .gq-gate").count() == 0
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_speed_and_loop_survive_a_reload(live_server, context, journey):  # noqa: F811
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    page.select_option(".gp-speed", "1.5")
    page.click(".gp-loop")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    page.reload()
    ready(page)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    page.wait_for_timeout(300)
    assert page.eval_on_selector(".gp-speed", "s => s.value") == "1.5"
    assert video(page, "v.playbackRate") == 1.5
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    # Playing keeps the speed (a source reload must not reset it) and loops the step.
    page.click(".gp-play")
    page.wait_for_timeout(500)
    assert video(page, "v.playbackRate") == 1.5
    # Off again: a reload keeps it off and back at 1x.
    page.click(".gp-loop")
    page.select_option(".gp-speed", "1")
    page.reload()
    ready(page)
    page.wait_for_timeout(300)
    assert page.get_attribute(".gp-loop", "aria-pressed") == "false"
    assert page.eval_on_selector(".gp-speed", "s => s.value") == "1"
    # The speed is the device's (walk 15): one kept per capsule by an older player does not override it.
    other = models.Capsule.objects.exclude(pk=journey["capsule"].pk).get()
    page.evaluate("id => localStorage.setItem('geste:speed:' + id, '2')", other.pk)
    page.reload()
    ready(page)
    assert page.eval_on_selector(".gp-speed", "s => s.value") == "1"
    leave(page)


def open_hotspot(page, live_server, journey) -> None:  # noqa: F811
    capsule = journey["capsule"]
    step = models.Step.objects.get(footage=capsule.footage, order=1)
    inter = models.Interaction.objects.create(
        capsule=capsule, time=6.0, kind="hotspot", step=step, image=step.keyframe, mandatory=False,
        prompt="Montrez l'écrou à dévisser.", answer_key={"regions": [{"rect": [0.1, 0.1, 0.4, 0.4]}]})
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", inter.pk)
    page.wait_for_selector(f"[data-asking='{inter.pk}']")


@pytest.mark.timeout(120)
def test_hotspot_speaks_to_a_mouse_user(live_server, context, journey):  # noqa: F811
    page = context.new_page()
    open_hotspot(page, live_server, journey)
    help_text = page.inner_text(".gq-help")
    label = page.get_attribute(".gq-hotspot", "aria-label")
    assert "Cliquez" in help_text and "Touchez" not in help_text, help_text
    assert "flèche" in help_text  # a keyboard is at hand: its help is given
    assert "Touchez" not in label and "flèches" in label, label
    page.click(".gq-submit")
    error = page.inner_text(".gq-error")
    assert "Cliquez" in error and "Touchez" not in error, error
    leave(page)


@pytest.mark.timeout(120)
def test_hotspot_on_a_phone_says_touch_and_no_keyboard_help(live_server, phone_context, journey):  # noqa: F811
    page = phone_context.new_page()
    open_hotspot(page, live_server, journey)
    help_text = page.inner_text(".gq-help")
    assert "Touchez" in help_text, help_text
    assert "clavier" not in help_text and "flèche" not in help_text and "Entrée" not in help_text, help_text
    page.tap(".gq-submit")
    error = page.inner_text(".gq-error")
    assert "Touchez" in error and "flèche" not in error, error
    leave(page)
