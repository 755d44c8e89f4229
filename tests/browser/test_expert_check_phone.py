"""The expert's « Vérifier » screen and the designer's side of it, on a 360 x 740 phone: the framed
capsule opens on its video (not on the public site's header), a right answer to a hotspot question
draws the expected zone in that preview, Wagtail's own workflow preview plays the capsule under the
public policy, the request for changes reaches the designer (banner below Wagtail's « ≡ », Wagtail's
workflow history), and « Capsules à publier » fits the screen. Screenshots under /tmp/expert15/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Page, TaskState

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Interaction, Step
from cms.models import CapsulePage
from tests.browser.conftest import login
from tests.browser.test_authoring import approved_footage  # noqa: F401 (fixture)

SHOTS = Path("/tmp/expert15")
RECT = [0.6, 0.6, 0.3, 0.3]  # the expected zone: bottom right of the picture
COMMENT = "Serrez l'écrou <b>à la main</b> avant la clé : montrez-le dans l'étape 2."
W, H = 360, 740

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _sent(footage, author, title: str, with_hotspot: bool = False):
    made = authoring.create_capsule(footage, title=title, user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    if with_hotspot:
        step = Step.objects.filter(footage=footage).order_by("order")[1]
        Interaction.objects.create(capsule=capsule, time=1.0, kind="hotspot", step=step, image=step.keyframe,
                                   mandatory=True, prompt="Montrez l'écrou à dévisser.",
                                   answer_key={"regions": [{"rect": RECT}]}, feedback_correct="Exact.",
                                   feedback_wrong="Non.")
    authoring.submit_for_validation(capsule, author)
    return CapsulePage.objects.get(pk=made.page_id)


def _settled(page) -> None:
    """Wait until the page has stopped scrolling (Wagtail's admin scrolls smoothly)."""
    page.evaluate("() => new Promise(done => { let last = -1, same = 0; const tick = () => {"
                  " if (scrollY === last) { if (++same > 10) return done(); } else { same = 0; last = scrollY; }"
                  " requestAnimationFrame(tick); }; tick(); })")


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.timeout(600)
def test_expert_checks_on_a_phone_and_the_designer_reads_the_request(live_server, browser, approved_footage):  # noqa: F811
    footage, reviewer, author = approved_footage
    page_obj = _sent(footage, author, "Changer le joint d'un siphon", with_hotspot=True)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": W, "height": H}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server.url, reviewer.username)

    # 1. the framed capsule opens on its video, without the public site's header
    page.goto(f"{live_server.url}{reverse('geste_expert_check', args=[page_obj.pk])}")
    frame = page.frame_locator("iframe.geste-check__frame")
    video = frame.locator(".gp-video")
    expect(video).to_be_visible(timeout=20000)
    expect(frame.locator("[data-geste-player][data-ready='1']")).to_have_count(1, timeout=20000)
    # each check is noted, not asserted at once: one run without the fixes shows every one that fails
    failed: list[str] = []
    check = lambda ok, what: None if ok else failed.append(what)  # noqa: E731
    check(frame.locator(".site-header, .breadcrumb").count() == 0, "public header in the frame")
    box = video.bounding_box()
    check(box["y"] >= 0 and box["y"] + box["height"] <= H, f"video not on the first screen: {box}")
    assert page.evaluate("document.documentElement.scrollWidth") <= W
    _shot(page, "1-check-screen-360")

    # 2. a right answer to the hotspot question draws the expected zone on the picture
    frame.locator(".gp-play").click()
    hotspot = frame.locator(".gq-hotspot img")
    expect(hotspot).to_be_visible(timeout=30000)
    frame.locator(".gq-hotspot img").evaluate("img => img.decode()")
    pic = hotspot.bounding_box()
    hotspot.click(position={"x": 0.75 * pic["width"], "y": 0.75 * pic["height"]})
    frame.locator(".gq-submit").click()
    expect(frame.locator(".gq-right")).to_be_visible(timeout=15000)
    zone = frame.locator(".gq-solution .gq-zone")
    check(zone.count() == 1, "no expected zone drawn after the right answer")
    if zone.count() == 1:
        frame.locator(".gq-solution").scroll_into_view_if_needed()
        drawn = frame.locator(".gq-solution-frame img").bounding_box()
        z = zone.bounding_box()
        assert z["x"] - drawn["x"] == pytest.approx(RECT[0] * drawn["width"], abs=4)
        assert z["y"] - drawn["y"] == pytest.approx(RECT[1] * drawn["height"], abs=4)
        assert z["width"] == pytest.approx(RECT[2] * drawn["width"], abs=4)
        assert z["height"] == pytest.approx(RECT[3] * drawn["height"], abs=4)
        mark = frame.locator(".gq-solution .gq-marker").bounding_box()  # the expert's own point, in the zone
        assert z["x"] <= mark["x"] + mark["width"] / 2 <= z["x"] + z["width"]
    _shot(page, "2-hotspot-zone-360")

    # 3. Wagtail's own workflow preview plays the capsule under the public page's policy
    task_id = TaskState.objects.get(workflow_state__object_id=str(page_obj.pk),
                                    status=TaskState.STATUS_IN_PROGRESS).task_id
    wagtail_preview = ctx.new_page()
    wagtail_preview.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    res = wagtail_preview.goto(
        f"{live_server.url}{reverse('wagtailadmin_pages:workflow_preview', args=[page_obj.pk, task_id])}")
    assert "'unsafe-inline'" not in res.headers["content-security-policy"]
    expect(wagtail_preview.locator("[data-geste-player][data-ready='1'] .gp-play")).to_be_visible(timeout=20000)
    wagtail_preview.close()

    # 4. « Demander des modifications »: the comment box fits the phone, reached with the keyboard
    page.locator("#decision").focus()
    comment = page.locator("#geste-check-comment")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "geste-check-comment":
            break
    expect(comment).to_be_focused()
    page.keyboard.type(COMMENT)
    for el in (comment, page.get_by_role("button", name="Demander des modifications")):
        b = el.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= W, b
    page.get_by_role("button", name="Demander des modifications").scroll_into_view_if_needed()
    _shot(page, "4-change-request-360")
    page.get_by_role("button", name="Demander des modifications").click()
    page.wait_for_url("**/admin/")
    assert violations == [] and errors == [], (violations, errors)

    # 5. the designer: the request, in a banner that Wagtail's fixed « ≡ » does not cover after a jump
    # to « Publication »; the comment in Wagtail's workflow history of the page
    ctx.clear_cookies()
    login(page, live_server.url, author.username)
    edit = f"{live_server.url}{reverse('geste_capsule_edit', args=[page_obj.capsule_id])}"
    page.goto(edit + "#publication")
    banner = page.locator('[data-role="changes-requested-publication"]')
    expect(banner).to_contain_text("Serrez l'écrou <b>à la main</b>")
    page.wait_for_function("() => { const b = document.querySelector("
                           "'[data-role=changes-requested-publication]').getBoundingClientRect();"
                           " return b.top >= 0 && b.bottom <= innerHeight; }")  # the jump is done
    _settled(page)
    menu, seen = page.locator(".sidebar-nav-toggle").first.bounding_box(), banner.bounding_box()
    check(not _overlap(menu, seen), f"« ≡ » {menu} covers the banner {seen} after the jump")
    # going back up with the keyboard (Maj+Tab) to the link in the banner at the top of the capsule's
    # screen: the browser scrolls it to the top edge, where the fixed « ≡ » sat on the banner's start
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    top_banner = page.locator('[data-role="changes-requested"]')
    page.locator('[data-role="changes-requested"] + *').evaluate(
        "el => { el.tabIndex = -1; el.focus({preventScroll: true}); }")  # just after the banner
    page.keyboard.press("Shift+Tab")
    expect(top_banner.locator("a")).to_be_focused()
    page.wait_for_function("() => { const b = document.querySelector('[data-role=changes-requested]')"
                           ".getBoundingClientRect(); return b.top > -b.height && b.bottom <= innerHeight; }")
    _settled(page)
    seen = top_banner.bounding_box()
    check(not _overlap(menu, seen), f"« ≡ » {menu} covers the banner {seen} after Maj+Tab")
    _shot(page, "5-designer-publication-360")
    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:workflow_history', args=[page_obj.pk])}")
    history = page.locator('[data-role="task-comment"]')
    check(history.count() == 1 and COMMENT in history.inner_text(), "comment not in the workflow history")
    assert page.evaluate("document.documentElement.scrollWidth") <= W
    _shot(page, "5-workflow-history-360", full_page=True)

    # 6. « Capsules à publier » once an expert approved another capsule
    other = _sent(footage, author, "Purger un radiateur en fonte avec une clé de purge")
    state = TaskState.objects.get(workflow_state__object_id=str(other.pk), status=TaskState.STATUS_IN_PROGRESS)
    state.task.specific.on_action(state.specific, reviewer, "approve")
    page.goto(f"{live_server.url}/admin/")
    panel = page.locator("#geste-to-publish")
    expect(panel).to_contain_text("Purger un radiateur en fonte")
    panel.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= W
    for el in panel.locator("h2, li, a").all():
        b = el.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= W, b
    publish = panel.locator(".geste-to-check__button")
    check(publish.bounding_box()["height"] >= 44, f"« Publier » too small to tap: {publish.bounding_box()}")
    _shot(page, "6-capsules-to-publish-360", full_page=True)
    assert failed == [], failed
    assert Page.objects.filter(pk=other.pk).exists()
    ctx.close()
