"""First-user walk 28 on a 360-px phone (Chromium):

1. offline, a mandatory question answered (queued) lets playback go on: « Continuer » plays on to the next
   question and the end (it bounced back to the question's time for ever); the end panel says the answers
   wait for the connection; a mandatory question still unanswered holds the way as before;
2. « Boucler l'étape » is not carried to another capsule nor a new visit; the speed kept on the device
   shows on the speed control (360 px too);
3. the step buttons under the video are 44x44 CSS px on a phone;
4. offline, the site's search box placeholder fits at 360 px.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from capsules import models
from tests import factories, pages
from tests.browser.shots import shot
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"


def errors_of(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def offline_copy(phone_context, page, world) -> None:
    open_capsule(page, world["url"])
    page.click(".gp-offline")
    page.wait_for_selector("text=Disponible hors ligne ✓", timeout=30000)
    phone_context.set_offline(True)
    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")


def mandatory_at_three(world) -> tuple:
    """The walk's capsule: a mandatory true/false at 0:03, another question at 0:06."""
    q1, q2 = world["q1"], world["q2"]
    models.Interaction.objects.filter(pk=q1.pk).update(
        time=3.0, step=world["steps"][0], kind="true_false", choices=[], answer_key={"correct": True},
        prompt="On coupe l'eau avant de démonter.")
    models.Interaction.objects.filter(pk=q2.pk).update(time=6.0, step=world["steps"][1])
    return q1, q2


@pytest.mark.timeout(240)
@pytest.mark.parametrize("wrong_before", [False, True], ids=["first-answer", "answered-wrong-online-before"])
def test_a_mandatory_answer_queued_offline_lets_playback_go_on(live_server, phone_context, published, wrong_before):  # noqa: F811
    """The walk: the question had been answered wrong online (the downloaded manifest says so); answered
    again offline, the queued answer is the newest: it lets the learner on, graded back online."""
    q1, q2 = mandatory_at_three(published)
    published["url"] = f"{live_server.url}{published['page'].url}"
    user = factories.learner()
    if wrong_before:
        models.Attempt.objects.create(user=user, interaction=q1, response={"value": False}, correct=False, score=0,
                                      answered_at=timezone.now())
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    offline_copy(phone_context, page, published)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    # Answered wrong again offline in the second case: graded once back online.
    page.check(f".gp-question input[value='{'false' if wrong_before else 'true'}']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-queued")
    page.click(".gq-continue")
    # Playback goes on past 0:03 to the next question at 0:06 (it bounced back to 0:03 for ever).
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=15000)
    assert video(page, "v.currentTime") >= 5.9
    page.check(".gp-question input[value='true']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-queued")
    page.click(".gq-continue")
    # And to the end, where the panel says the answers wait for the connection.
    page.wait_for_selector(f"{PLAYER}[data-ended='1']", timeout=20000)
    end = page.inner_text(".gp-end")
    assert "2 réponses hors ligne en attente de correction." in end, end
    # The step bar's « Étape 3 » is reached past the answered question.
    page.click(".gp-stepbar .gp-mark-step >> nth=2")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime >= 7.9")
    page.wait_for_selector(f"[data-asking='{q2.pk}']", state="detached")
    # Back online: graded; a mandatory answer graded wrong is « à reprendre » (the reminder), the video
    # is not sent back to it.
    phone_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    right = 1 if wrong_before else 2
    page.wait_for_selector(f"text=2 réponses hors ligne envoyées : {right} justes." if right == 2
                           else "text=2 réponses hors ligne envoyées : 1 juste.", timeout=15000)
    assert models.Attempt.objects.filter(user=user, interaction=q1).latest("id").correct is (not wrong_before)
    page.wait_for_timeout(1000)  # playback carries on a second: a gate would have sent it back to 0:03
    state = page.evaluate("""() => ({t: document.querySelector('video.gp-video').currentTime,
        todo: !document.querySelector('.gp-todo').hidden, text: document.querySelector('.gp-todo').innerText})""")
    assert state["t"] >= 7.9, state
    assert state["todo"] is wrong_before, state
    if wrong_before:
        assert "Question obligatoire à reprendre" in state["text"], state
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
def test_offline_a_mandatory_question_not_answered_still_holds_the_way(live_server, phone_context, published):  # noqa: F811
    q1, _q2 = mandatory_at_three(published)
    published["url"] = f"{live_server.url}{published['page'].url}"
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    errors = errors_of(page)
    offline_copy(phone_context, page, published)
    # « Étape 3 » (8 s) is refused at the unanswered mandatory question: it opens there.
    page.click(".gp-stepbar .gp-mark-step >> nth=2")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    assert video(page, "v.currentTime") <= 3.05
    leave(page)
    assert not errors, errors


PLACEHOLDER_FITS = """() => {
  const f = document.querySelector('#header-q'), cs = getComputedStyle(f);
  const c = document.createElement('canvas').getContext('2d');
  c.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  return {text: f.placeholder, need: c.measureText(f.placeholder).width,
          room: f.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
          wide: document.documentElement.scrollWidth};
}"""


@pytest.mark.timeout(240)
def test_offline_the_search_placeholder_fits_at_360(live_server, phone_context, published):  # noqa: F811
    """Offline the header's search field says why it does not search, whole (it read « Recherche indi… »)."""
    published["url"] = f"{live_server.url}{published['page'].url}"
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    errors = errors_of(page)
    offline_copy(phone_context, page, published)
    page.wait_for_selector("[data-offline-stale]")
    page.wait_for_function("document.querySelector('#header-q').placeholder !== 'Rechercher…'")
    fit = page.evaluate(PLACEHOLDER_FITS)
    assert fit["text"] == "Hors ligne", fit
    assert fit["need"] <= fit["room"], fit
    assert fit["wide"] <= 360, fit
    # The button still says why, and a search sent says it whole under the mark.
    assert page.get_attribute(".site-header .search-form button", "title") == "Indisponible hors ligne"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "offline28-search-360", full_page=False)
    leave(page)
    assert not errors, errors


STEP_BOXES = """() => {
  const r = (el) => { const b = el.getBoundingClientRect(); return {l: b.left, r: b.right, t: b.top, b: b.bottom,
                                                                   w: b.width, h: b.height}; };
  return {steps: [...document.querySelectorAll('.gp-stepbar .gp-mark-step')].map(r),
          kp: [...document.querySelectorAll('.gp-marks .gp-mark-kp')].map(r),
          legend: r(document.querySelector('.gp-legend')), seek: r(document.querySelector('.gp-seek')),
          wide: document.documentElement.scrollWidth};
}"""


@pytest.mark.timeout(180)
def test_step_buttons_are_44_px_targets_on_a_phone(live_server, phone_context, published):  # noqa: F811
    """Four steps, the last one half a second long (the walk's « 4 » was 37 px wide and every one 24 px tall)."""
    steps = published["steps"]
    models.Step.objects.filter(pk=steps[2].pk).update(end=11.5)
    models.Step.objects.create(footage=published["footage"], order=3, start=11.5, end=12.0, title="Vérifier",
                               approved=True)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelectorAll('.gp-stepbar .gp-mark-step').length === 4")
    boxes = page.evaluate(STEP_BOXES)
    for b in boxes["steps"]:
        assert b["w"] >= 44 and b["h"] >= 44, boxes["steps"]
    for a, b in zip(boxes["steps"], boxes["steps"][1:], strict=False):
        assert a["r"] <= b["l"], boxes["steps"]  # side by side, none over another
    bottom = max(b["b"] for b in boxes["steps"])
    assert all(b["t"] >= boxes["seek"]["b"] for b in boxes["steps"]), boxes
    # The key points' triangles on the buttons' top edge, under the seek bar; the legend under them all.
    assert all(boxes["seek"]["b"] <= k["t"] and k["b"] <= bottom for k in boxes["kp"]), boxes
    assert boxes["legend"]["t"] >= bottom, boxes
    assert page.evaluate("document.elementFromPoint(...(() => { const b = document.querySelector('.gp-mark-kp')"
                         ".getBoundingClientRect(); return [b.left + b.width / 2, b.top + 4]; })())"
                         ".classList.contains('gp-mark-step')"), "a tap on a triangle goes to its step's button"
    assert boxes["wide"] <= 360, boxes
    shot(page, "offline28-stepbar-360", full_page=False)
    leave(page)
    assert not errors, errors


SPEED_SHOWN = """() => {
  const s = document.querySelector('.gp-speed'), b = s.getBoundingClientRect(), cs = getComputedStyle(s);
  const c = document.createElement('canvas').getContext('2d');
  c.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  return {value: s.value, text: s.selectedOptions[0].text, lit: s.classList.contains('gp-speed-on'),
          bg: cs.backgroundColor, visible: b.width > 0 && b.right <= innerWidth && b.bottom > 0,
          room: s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
          need: c.measureText(s.selectedOptions[0].text).width,
          rate: document.querySelector('video.gp-video').playbackRate,
          loop: document.querySelector('.gp-loop').getAttribute('aria-pressed')};
}"""


@pytest.mark.timeout(240)
def test_the_loop_stays_with_its_visit_and_the_kept_speed_shows(live_server, phone_context, published):  # noqa: F811
    """Walk 28: another capsule opened at 0,5× with the loop already on. The loop is the step's of this visit
    (a reload keeps it, nothing else); the speed is kept for every capsule and the speed menu shows it, lit."""
    capsule = published["capsule"]
    other = factories.CapsuleFactory(footage=published["footage"], title="Changer le joint : geste réel",
                                     skills_block=capsule.skills_block)
    other_page = pages.capsule_page(other)
    here, there = f"{live_server.url}{published['page'].url}", f"{live_server.url}{other_page.url}"
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, here)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    assert page.evaluate(SPEED_SHOWN)["lit"] is False  # 1×: nothing to say
    page.select_option(".gp-speed", "0.5")
    page.click(".gp-loop")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    # A reload is the same visit: both come back.
    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1']")
    page.wait_for_function("document.querySelector('.gp-loop').getAttribute('aria-pressed') === 'true'")
    # Another capsule: no loop; the speed kept, and shown on the menu, lit, whole, on the first row at 360 px.
    page.goto(there)
    page.wait_for_selector(f"{PLAYER}[data-ready='1']")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    page.wait_for_timeout(300)  # resume() (where a kept loop came back) has run
    shown = page.evaluate(SPEED_SHOWN)
    assert shown["loop"] == "false", shown
    assert shown["value"] == "0.5" and shown["text"] == "0,5×" and shown["rate"] == 0.5, shown
    assert shown["lit"] and shown["bg"] == "rgb(11, 92, 173)" and shown["visible"], shown
    assert shown["need"] <= shown["room"], shown
    shot(page, "offline28-speed-kept-360", full_page=False)
    # Back to the first capsule later (a new visit, not a reload): no loop either.
    page.goto(here)
    page.wait_for_selector(f"{PLAYER}[data-ready='1']")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    page.wait_for_timeout(300)
    assert page.evaluate(SPEED_SHOWN)["loop"] == "false"
    # A loop kept on the device by an older player is not brought back, and is dropped.
    page.evaluate(f"localStorage.setItem('geste:loop:{capsule.pk}', '{published['steps'][0].pk}')")
    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1']")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    page.wait_for_timeout(300)
    assert page.evaluate(SPEED_SHOWN)["loop"] == "false"
    assert page.evaluate(f"localStorage.getItem('geste:loop:{capsule.pk}')") is None
    leave(page)
    assert not errors, errors
