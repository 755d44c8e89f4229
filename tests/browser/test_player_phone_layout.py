"""A walk of the learner's player on a 360x740 touch phone (phone11):

1. after « Valider », the feedback and « Continuer » are on the screen with the video's lower half at
   least (the focus on the feedback scrolled the page and pushed the picture off the screen);
2. under a long summary, the video and its controls (play, speed, step loop) are on the first screen
   (the summary comes after the player);
3. the steps under the seek bar are targets of at least 24x24 CSS px (3-px ticks before), and one goes
   to its step.
"""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
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

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

# Four long choices, each with its own feedback, and long general feedbacks: the question and its
# feedback together are taller than the screen under the video.
FOUR = [
    {"id": "a", "text": "Couper l'arrivée d'eau sous l'évier avant toute chose",
     "feedback": "Oui : sinon l'eau du réseau jaillit dès que l'écrou lâche et inonde le meuble."},
    {"id": "b", "text": "Serrer l'écrou au maximum avec la clé à molette",
     "feedback": "Non : serrer l'écrou avant de le dévisser n'a pas de sens et abîme le joint en caoutchouc."},
    {"id": "c", "text": "Démonter entièrement le meuble sous le lavabo",
     "feedback": "Non : le siphon se démonte sans toucher au meuble, par l'ouverture de la porte."},
    {"id": "d", "text": "Mettre seulement un seau sous le siphon",
     "feedback": "Le seau est utile, mais il ne suffit pas : l'arrivée d'eau reste ouverte."},
]
LONG_FEEDBACK = ("Revoyez le début de l'étape : le formateur ferme le robinet d'arrêt sous l'évier, vérifie "
                 "qu'aucune goutte ne coule plus au robinet du lavabo, puis seulement dévisse l'écrou à la main.")

BOX = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height}; }"""


def _context(browser, live_server, kw):
    ctx = browser.new_context(locale="fr-FR", **kw)
    log_in(ctx, live_server, factories.learner())
    return ctx


def box(page, sel):
    return page.evaluate(BOX, sel)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("answer", ["wrong", "right"])
def test_phone_feedback_shows_with_the_video(live_server, browser, published, answer):  # noqa: F811
    q1 = published["q1"]
    models.Interaction.objects.filter(pk=q1.pk).update(choices=FOUR, feedback_wrong=LONG_FEEDBACK,
                                                       feedback_correct=LONG_FEEDBACK)
    ctx = _context(browser, live_server, PHONE)
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=20000)
    page.wait_for_timeout(300)
    page.locator(".gq-choice", has_text=FOUR[1 if answer == "wrong" else 0]["text"]).click()  # shuffled: by text
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    page.wait_for_timeout(400)  # any scroll the focus caused has happened
    v, fb, go = box(page, ".gp-video"), box(page, ".gq-feedback"), box(page, ".gq-feedback .gq-continue")
    inner = page.evaluate("innerHeight")
    focused = page.evaluate("!!document.activeElement.closest('.gq-feedback')")
    # « Continuer » answers a tap where it is (not hidden under another element nor scrolled away).
    page.click(".gq-feedback .gq-continue", timeout=3000)
    page.wait_for_selector(f"[data-asking='{q1.pk}']", state="detached", timeout=5000)
    leave(page)
    ctx.close()
    assert focused
    # The video's lower half at least, where the screen holds it with the feedback's way on: the question scrolls
    # with the page since walk 39 (a panel capped to the screen less the video's lower half cut « Valider » of a
    # 4-item ordering question and scrolled inside the page's scroll); here four long choices and a long feedback
    # are taller than that, and « Continuer » wins over the picture (it brings the video back whole).
    if go["bottom"] - (v["top"] + v["height"] / 2) <= inner - 8:
        assert v["bottom"] - max(v["top"], 0) >= v["height"] / 2 - 1, (v, inner)
    else:
        assert fb["top"] <= inner / 2, (fb, v, inner)  # scrolled the least: the feedback's start not far down
    assert 0 <= fb["top"] < inner, (fb, inner)  # the feedback starts on the screen
    assert 0 <= go["top"] and go["bottom"] <= inner, (go, inner)  # and its way on


LONG_SUMMARY = "".join(
    f"<p>{t}</p>" for t in [
        "Dans cette capsule, vous apprenez à remplacer le joint d'un siphon de lavabo sans démonter le meuble.",
        "Vous commencez par couper l'arrivée d'eau, puis vous placez un seau sous le siphon pour recueillir "
        "l'eau qui y reste. Vous dévissez ensuite l'écrou à la main, sans outil, pour ne pas le fendre.",
        "Le joint usé est retiré, la portée est nettoyée, puis le joint neuf est posé bien à plat. "
        "Vous resserrez à la main puis d'un quart de tour à la clé, et vous vérifiez l'étanchéité.",
    ])


@pytest.mark.timeout(120)
def test_phone_video_and_controls_come_before_a_long_summary(live_server, browser, published):  # noqa: F811
    page_ = published["page"]
    page_.__class__.objects.filter(pk=page_.pk).update(intro=LONG_SUMMARY)
    ctx = _context(browser, live_server, PHONE)
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{page_.url}")
    got = {sel: box(page, sel) for sel in (".gp-video", ".gp-play", ".gp-speed", ".gp-loop", ".intro")}
    inner, y = page.evaluate("innerHeight"), page.evaluate("scrollY")
    leave(page)
    ctx.close()
    assert y == 0 and got[".intro"]["height"] > 300, got  # a long summary, the page as it opens
    for sel in (".gp-video", ".gp-play", ".gp-speed", ".gp-loop"):
        assert 0 <= got[sel]["top"] and got[sel]["bottom"] <= inner, (sel, got[sel], inner)


LONG_TITLE = ("Remplacer le joint du siphon d'un lavabo en laiton chromé sans démonter le meuble "
              "ni couper l'arrivée d'eau principale")


@pytest.mark.timeout(180)
def test_phone_controls_on_the_first_screen_under_a_long_title(live_server, browser, published):  # noqa: F811
    """The header, the breadcrumb and a four-line title left the controls below the first screen:
    on a phone the breadcrumb keeps only the way back (the parent page)."""
    page_ = published["page"]
    page_.__class__.objects.filter(pk=page_.pk).update(title=LONG_TITLE, intro=LONG_SUMMARY)
    ctx = _context(browser, live_server, PHONE)
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{page_.url}")
    got = {sel: box(page, sel) for sel in ("h1", ".breadcrumb", ".gp-play", ".gp-speed", ".gp-loop")}
    page.screenshot(path="var/shots/player-phone-long-title.png")
    crumbs = page.evaluate("""() => [...document.querySelectorAll('.breadcrumb li')]
      .filter((li) => getComputedStyle(li).display !== 'none').map((li) => li.textContent.trim())""")
    parent = page_.get_parent().title
    inner = page.evaluate("innerHeight")
    leave(page)
    ctx.close()
    # On a phone the title is clamped to two lines at most (walk 17), the whole of it in the page; at 1.15rem
    # (walk 19: a compact top of the page) this capsule's title takes one.
    assert 18 < got["h1"]["height"] < 50, got["h1"]
    assert crumbs == [parent], crumbs  # the way back, not the whole path nor the title a second time
    for sel in (".gp-play", ".gp-speed", ".gp-loop"):
        assert 0 <= got[sel]["top"] and got[sel]["bottom"] <= inner, (sel, got[sel], inner)


STEPS = """() => [...document.querySelectorAll('.gp-stepbar button')].map((b) => { const r = b.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height,
          label: b.getAttribute('aria-label')}; })"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("short_step", [False, True], ids=["even", "a-0.2-s-step"])
def test_phone_step_targets_are_at_least_24_px(live_server, browser, published, short_step):  # noqa: F811
    steps = published["steps"]
    if short_step:  # a 0.2-s step (a quick gesture): its share of a 328-px bar is 5 px
        models.Step.objects.filter(pk=steps[0].pk).update(end=3.8)
        models.Step.objects.filter(pk=steps[1].pk).update(start=3.8, end=4.0)
        models.Step.objects.filter(pk=steps[2].pk).update(start=4.0)
    ctx = _context(browser, live_server, PHONE)
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    targets = page.evaluate(STEPS)
    seek = box(page, ".gp-seek")
    # Tapping the second step goes to its start (before the mandatory question at 0:05).
    start = models.Step.objects.get(pk=steps[1].pk).start
    page.tap(".gp-stepbar button >> nth=1")
    page.wait_for_function("document.querySelector('.gp-stepbar button:nth-child(2)').matches('.current')",
                           timeout=5000)
    at = video(page, "v.currentTime")
    leave(page)
    ctx.close()
    assert len(targets) == 3, targets
    for t in targets:
        assert t["width"] >= 24 and t["height"] >= 24, targets
        assert seek["left"] - 1 <= t["left"] and t["right"] <= seek["right"] + 1, (t, seek)  # under the bar
    assert all(a["right"] <= b["left"] for a, b in zip(targets, targets[1:], strict=False)), targets  # no overlap
    assert targets[1]["label"].startswith("Étape 2\u00a0: Dévisser l'écrou"), targets
    assert start - 0.05 <= at < start + 1.0, (at, start)
