"""First-user walk 37, Geste's admin screens on a 360 x 740 phone.

4. Wagtail's « ≡ » menu button (fixed at the top left, 50 x 50) covered the start of our content as it scrolled
   under it: « Renvoyer avec un commentaire », « Tête de lecture », « Ouvrir l'aperçu… » read « envoyer… »,
   « …rir l'aperçu… ». Nothing of ours sits under it at any scroll position now (capsules/admin/header.css).
5. Cut text: the upload page's « Choisir une vidéo… » label was cut; Wagtail's header clamped our screens' titles
   with « … » (now read whole on every screen of ours, as the review screen's was since walk 36).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_admin_fit_360 import approved  # noqa: F401  (fixture)
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.browser.test_expert_check_phone import _sent
from tests.browser.test_review_timeline35 import _open, take_68s  # noqa: F401  (fixture)
from tests.factories import designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("GESTE_SHOTS", "/work/notes/admin37"))
W, H = 360, 740

# Everything of ours a person reads or touches (the header too), its box on screen, and what it says: a text's
# own lines (a Range over its text: a paragraph's box is wider than its words), a control's whole box.
UNDER_TOGGLE = """() => {
  const t = [...document.querySelectorAll('.sidebar-nav-toggle')].find(b => b.getBoundingClientRect().width > 0);
  if (!t) return {toggle: null, hits: []};
  const tr = t.getBoundingClientRect();
  const meets = r => r.width > 0 && r.height > 0 && r.left < tr.right && r.right > tr.left
                     && r.top < tr.bottom && r.bottom > tr.top;
  const main = document.querySelector('#main');
  const hits = [];
  const controls = 'button, a, input, select, textarea, video, img, summary, label, output, progress';
  for (const el of main.querySelectorAll(controls)) {
    if (el.closest('.messages')) continue;
    const r = el.getBoundingClientRect();
    if (meets(r) && getComputedStyle(el).visibility !== 'hidden')
      hits.push((el.innerText || el.value || el.tagName).trim().slice(0, 40));
  }
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || n.parentElement.closest('.messages, script, style, template')) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    for (const r of range.getClientRects()) if (meets(r)) { hits.push(n.textContent.trim().slice(0, 40)); break; }
  }
  return {toggle: [tr.left, tr.top, tr.right, tr.bottom], hits};
}"""

SCROLLER = """() => { const c = document.querySelector('.content-wrapper');
  return c && c.scrollHeight > c.clientHeight + 1 ? 'wrapper' : 'window'; }"""


def _phone(browser, live_server, user):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": W, "height": H}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    return ctx, page


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _nothing_under_the_toggle(page, name) -> list:
    """Scroll the whole page by a third of a screen at a time; at each stop, what of ours meets « ≡ »."""
    page.wait_for_timeout(300)
    total = page.evaluate("Math.max(document.documentElement.scrollHeight,"
                          " document.querySelector('.content-wrapper').scrollHeight)")
    found = []
    for i, y in enumerate(range(0, total, H // 3)):
        page.evaluate(f"() => {{ window.scrollTo(0, {y}); const c = document.querySelector('.content-wrapper');"
                      f" if (c) c.scrollTop = {y}; }}")
        page.wait_for_timeout(60)
        seen = page.evaluate(UNDER_TOGGLE)
        assert seen["toggle"], "no « ≡ » button at 360 px"
        if seen["hits"]:
            found.append((y, seen["hits"]))
            if len(found) == 1:
                _shot(page, f"{name}-under-toggle-{y}")
        elif i in (2, 4):
            _shot(page, f"{name}-scroll-{y}")
    return found


def test_nothing_of_the_review_screen_sits_under_the_menu_button(live_server, browser, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    ctx = browser.new_context(locale="fr-FR", viewport={"width": W, "height": H}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    _open(page, live_server, footage, reviewer)
    found = _nothing_under_the_toggle(page, "review-phone")
    ctx.close()
    assert not found, found


def test_nothing_of_the_capsule_design_screen_sits_under_the_menu_button(live_server, browser, approved):  # noqa: F811
    _footage, capsule, user = approved
    ctx, page = _phone(browser, live_server, user)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))
    page.wait_for_selector("[data-role=timeline]")
    found = _nothing_under_the_toggle(page, "design-phone")
    ctx.close()
    assert not found, found


def test_nothing_of_the_experts_check_screen_sits_under_the_menu_button(live_server, browser, approved_footage):  # noqa: F811
    footage, reviewer, author = approved_footage
    page_obj = _sent(footage, author, "Changer le joint d'un siphon")
    ctx, page = _phone(browser, live_server, reviewer)
    page.goto(live_server.url + reverse("geste_expert_check", args=[page_obj.pk]))
    expect(page.get_by_role("button", name="Approuver", exact=True)).to_be_attached()
    found = _nothing_under_the_toggle(page, "check-phone")
    ctx.close()
    assert not found, found


# --- 5. cut text ----------------------------------------------------------------------------------------

WASHINGCUP = [(0.0, 12.2, "Ouvrir le robinet"), (12.2, 25.7, "Savonner la tasse"),
              (25.7, 32.5, "Frotter l'intérieur à l'éponge"), (32.5, 64.4, "Rincer la tasse"),
              (64.4, 67.4, "Poser la tasse à égoutter")]
LONG = "Évier : laver une tasse à la main, sans la casser ni ébrécher son anse (walk37)"

CUT = """(sel) => [...document.querySelectorAll(sel)].filter(e => e.getBoundingClientRect().width > 0).map(e => {
  const r = e.getBoundingClientRect();
  return { text: e.textContent.replace(/\\s+/g, ' ').trim().slice(0, 200),
           cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
           right: r.right, w: innerWidth }; })"""


def test_the_upload_pages_choose_button_reads_whole(live_server, browser, transactional_db, tmp_path):
    ctx, page = _phone(browser, live_server, designer(username="concepteur-upload-37"))
    page.goto(live_server.url + reverse("geste_upload"))
    clip = tmp_path / "egohomes-site-washer.mp4"
    clip.write_bytes(b"\0" * 2048)
    page.set_input_files("#gu-file", str(clip))
    expect(page.locator("[data-file-name]")).to_have_text("egohomes-site-washer.mp4")
    label = page.evaluate(CUT, "#gu-file-button")
    name = page.evaluate(CUT, "[data-file-name]")
    _shot(page, "upload-phone-filled")
    ctx.close()
    assert label and not label[0]["cut"] and label[0]["right"] <= W, label
    assert label[0]["text"] == "Choisir une vidéo…", label
    assert name and name[0]["right"] <= W, name


@pytest.fixture
def washingcup(django_db_serialized_rollback, transactional_db):
    from tests import factories
    from tests.baseline import ensure_baseline

    ensure_baseline()
    footage = factories.FootageFactory(title=LONG, duration=67.4, status="approved")
    for i, (start, end, title) in enumerate(WASHINGCUP):
        factories.StepFactory(footage=footage, order=i + 1, start=start, end=end, title=title, approved=True)
    capsule = factories.CapsuleFactory(footage=footage, title=LONG)
    return footage, capsule, designer(username="concepteur-tasse-37")


def test_our_screens_headers_read_whole_on_a_phone(live_server, browser, washingcup):
    footage, capsule, user = washingcup
    ctx, page = _phone(browser, live_server, user)
    cut = {}
    for name, url in (("design", reverse("geste_capsule_edit", args=[capsule.pk])),
                      ("footage", reverse("geste_footage_detail", args=[footage.pk])),
                      ("new-capsule", reverse("geste_capsule_create", args=[footage.pk]))):
        page.goto(live_server.url + url)
        page.wait_for_timeout(200)
        seen = page.evaluate(CUT, ".w-header__title")
        _shot(page, f"header-{name}")
        if not seen or seen[0]["cut"] or LONG not in seen[0]["text"] or seen[0]["right"] > W:
            cut[name] = seen
    ctx.close()
    assert not cut, cut


# --- 6. the expert's shortcuts: « Fermer » in view --------------------------------------------------------

CLOSE_IN_VIEW = """() => { const d = document.querySelector('[data-dialog="keys"]');
  const b = [...d.querySelectorAll('button')].find(x => x.textContent.trim() === 'Fermer' && x.getClientRects().length);
  if (!b) return {found: false};
  const r = b.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {found: true, onTop: top === b || b.contains(top), top: r.top, bottom: r.bottom, right: r.right,
          h: innerHeight, w: innerWidth, scrolls: d.scrollHeight > d.clientHeight}; }"""


@pytest.mark.parametrize("size", [(1280, 800), (360, 740)])
def test_the_shortcuts_dialog_shows_fermer_at_once_and_while_scrolled(live_server, browser, take_68s, size):  # noqa: F811
    footage, reviewer = take_68s
    w, h = size
    kw = {"has_touch": True, "is_mobile": True} if w < 800 else {}
    ctx = browser.new_context(locale="fr-FR", viewport={"width": w, "height": h}, **kw)
    page = ctx.new_page()
    _open(page, live_server, footage, reviewer)
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("Shift+Slash")
    keys = page.locator('[data-dialog="keys"]')
    expect(keys).to_be_visible()
    seen = {}
    for where in ("open", "scrolled"):
        if where == "scrolled":
            keys.evaluate("d => { d.scrollTop = d.scrollHeight; }")
            page.wait_for_timeout(100)
        seen[where] = page.evaluate(CLOSE_IN_VIEW)
        _shot(page, f"keys-{where}-{w}")
    assert seen["open"]["scrolls"], seen  # the list is longer than the screen: the case of walk 37
    for where, b in seen.items():
        assert b["found"] and b["onTop"], (where, b)
        assert 0 <= b["top"] and b["bottom"] <= b["h"] and b["right"] <= b["w"], (where, b)
    keys.get_by_role("button", name="Fermer").click()
    expect(keys).to_be_hidden()
    ctx.close()
