"""The learner's player on a desktop screen: video, seek bar and controls fit in 1280x800 without
scrolling (the video was so tall the controls fell below the fold), the 360-px phone layout is as it
was; the seek bar's marks each have their row (question dots above the bar, step ticks below it,
key-point triangles under the ticks), none drawn over another."""

from __future__ import annotations

import pytest

from tests.browser.test_player import built_player, capsule_media, leave, open_capsule, published  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOXES = """() => {
  const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height}; };
  const all = (sel) => [...document.querySelectorAll(sel)].map((e) => { const r = e.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom}; });
  return {video: box('.gp-video'), seek: box('.gp-seek'), controls: box('.gp-controls'), inner: innerHeight,
          width: innerWidth, q: all('.gp-mark-q'), step: all('.gp-mark-step'), kp: all('.gp-mark-kp')};
}"""


def _open(browser, live_server, capsule, phone=False):
    kw = ({"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True} if phone
          else {"viewport": {"width": 1280, "height": 800}})
    ctx = browser.new_context(locale="fr-FR", **kw)
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{capsule['page'].url}")
    return ctx, page


@pytest.mark.timeout(120)
def test_video_seek_bar_and_controls_fit_a_1280x800_screen(live_server, browser, published):  # noqa: F811
    ctx, page = _open(browser, live_server, published)
    b = page.evaluate(BOXES)
    fit = page.evaluate("getComputedStyle(document.querySelector('.gp-video')).objectFit")
    leave(page)
    ctx.close()
    # Without scrolling: the whole video, the seek bar and both rows of controls.
    assert b["video"]["top"] >= 0 and b["seek"]["bottom"] <= b["inner"], b
    assert b["controls"]["bottom"] <= b["inner"] == 800, b
    # Still a video one looks at (not a strip), its picture uncut and unstretched.
    assert b["video"]["height"] >= 360 and fit == "contain", (b, fit)


@pytest.mark.timeout(120)
def test_phone_keeps_a_full_width_16_9_video(live_server, browser, published):  # noqa: F811
    ctx, page = _open(browser, live_server, published, phone=True)
    b = page.evaluate(BOXES)
    leave(page)
    ctx.close()
    assert b["width"] == 360 and b["video"]["width"] == 328, b  # the page's 16-px margins, as before
    assert abs(b["video"]["height"] - 328 * 9 / 16) < 1, b


@pytest.mark.timeout(120)
@pytest.mark.parametrize("phone", [False, True], ids=["1280", "360"])
def test_seek_bar_marks_each_on_their_own_row(live_server, browser, published, phone):  # noqa: F811
    """Question dots above the bar, step ticks below it, key-point triangles below the ticks: a
    question, a step start and a key point at the same moment no longer cover each other."""
    from capsules.models import KeyPoint

    footage, steps = published["footage"], published["steps"]
    KeyPoint.objects.create(footage=footage, step=steps[2], time=8.0, kind="quality", text="Joint bien à plat.")
    published["q2"].__class__.objects.filter(pk=published["q2"].pk).update(time=8.0)
    ctx, page = _open(browser, live_server, published, phone=phone)
    b = page.evaluate(BOXES)
    leave(page)
    ctx.close()
    assert len(b["q"]) == 2 and len(b["step"]) == 3 and len(b["kp"]) == 2, b
    q_bottom = max(m["bottom"] for m in b["q"])
    step_top, step_bottom = min(m["top"] for m in b["step"]), max(m["bottom"] for m in b["step"])
    kp_top = min(m["top"] for m in b["kp"])
    middle = (b["seek"]["top"] + b["seek"]["bottom"]) / 2
    assert q_bottom <= middle <= step_top, b  # dots above the bar's line, ticks below it
    if phone:  # 44-px step buttons (walk 28): the triangles on their top edge, over them, not on their number
        assert q_bottom <= step_top <= kp_top and max(m["bottom"] for m in b["kp"]) <= step_top + 10, b
    else:
        assert q_bottom <= step_top and step_bottom <= kp_top, b  # no two rows overlap
    assert all(m["bottom"] - m["top"] > 0 for m in b["q"] + b["step"] + b["kp"]), b  # each drawn


def _with_summary_and_long_title(capsule):
    """The capsule's page with a summary above the player and a title on two lines (as on the
    catalogue's real capsules); the video's height cap once assumed a one-line title and nothing else."""
    page, cap = capsule["page"], capsule["capsule"]
    page.__class__.objects.filter(pk=page.pk).update(
        intro="<p>Résumé : couper l'eau, dévisser l'écrou du siphon à la main, changer le joint puis "
              "resserrer à la clé sans forcer.</p>")
    cap.__class__.objects.filter(pk=cap.pk).update(
        title="Remplacer le joint d'un siphon de lavabo sous un évier encastré, sans démonter le meuble")


@pytest.mark.timeout(120)
def test_controls_fit_1280x800_under_a_summary_and_a_two_line_title(live_server, browser, published):  # noqa: F811
    _with_summary_and_long_title(published)
    ctx, page = _open(browser, live_server, published)
    b = page.evaluate(BOXES)
    lines = page.evaluate("(() => { const h = document.querySelector('main h1'), lh = getComputedStyle(h).lineHeight;"
                          " return Math.round(h.getBoundingClientRect().height / parseFloat(lh)); })()")
    intro = page.evaluate("!!document.querySelector('.intro')")
    leave(page)
    ctx.close()
    assert intro and lines >= 2, (intro, lines)
    assert b["video"]["top"] >= 0 and b["controls"]["bottom"] <= b["inner"] == 800, b
    assert b["video"]["height"] >= 240, b  # 15rem: never a strip


@pytest.mark.timeout(120)
def test_phone_question_keeps_the_video_in_view(live_server, browser, published):  # noqa: F811
    """360x740: when a question opens, focus goes to its title without the browser's scroll that
    pushed the video off the screen; the learner sees the picture the question is about."""
    _with_summary_and_long_title(published)
    ctx, page = _open(browser, live_server, published, phone=True)
    # As in the first-user walk: the learner scrolled down to the controls (the seek bar near the
    # screen's top, the video above it), then pressed play.
    page.evaluate("scrollBy(0, document.querySelector('.gp-seek').getBoundingClientRect().top - 40)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=20000)
    page.wait_for_timeout(300)  # any scroll the focus caused has happened
    b = page.evaluate("""() => { const r = (e) => e.getBoundingClientRect();
      const v = r(document.querySelector('.gp-video')), t = r(document.querySelector('.gp-question h2'));
      return {vtop: v.top, vbottom: v.bottom, ttop: t.top, tbottom: t.bottom, inner: innerHeight,
              focused: document.activeElement.matches('.gp-question h2')}; }""")
    leave(page)
    ctx.close()
    assert b["focused"], b
    assert b["vbottom"] > 0 and b["vtop"] < b["inner"], b  # the video's box on screen
    assert (b["vbottom"] - max(b["vtop"], 0)) >= (b["vbottom"] - b["vtop"]) / 2 - 1, b  # at least its lower half
    assert 0 <= b["ttop"] and b["tbottom"] <= b["inner"], b  # and the question's title
