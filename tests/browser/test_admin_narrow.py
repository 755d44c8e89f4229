"""First-user walk, the admin on a phone and on a laptop:

3. at 360 px the upload page shows its heading (the designer sees where they are);
4. at 1280 px the sidebar's long French labels of our menu items are read whole, not cut with "…".
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser]

SHOTS = Path(os.environ.get("GESTE_WALK_SHOTS", Path(__file__).resolve().parents[2] / "var" / "shots"))


def snap(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def inside_viewport(page, selector: str) -> dict:
    return page.eval_on_selector(selector, """e => {
        const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        const x = r.left + Math.min(r.width / 2, 20), y = r.top + r.height / 2;
        const top = document.elementFromPoint(x, y);
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height,
                vw: innerWidth, vh: innerHeight, visible: s.visibility !== 'hidden' && s.display !== 'none'
                && +s.opacity > 0, onTop: !!top && (e === top || e.contains(top)), text: e.innerText}; }""")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_upload_page_heading_is_seen(live_server, browser, width):
    ensure_baseline()
    factories.designer(username="camille")
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 740 if width < 400 else 800},
                              **({"has_touch": True, "is_mobile": True} if width < 400 else {}))
    page = ctx.new_page()
    login(page, live_server.url, "camille")
    page.goto(f"{live_server.url}/admin/geste/footage/upload/")
    snap(page, f"upload-{width}")
    box = inside_viewport(page, "h1")
    ctx.close()
    assert "Téléverser une vidéo" in box["text"]
    assert box["visible"] and box["onTop"], box
    assert box["width"] > 0 and box["height"] > 0, box
    assert 0 <= box["left"] and box["right"] <= box["vw"] and 0 <= box["top"] and box["bottom"] <= box["vh"], box


# Our own entries of the sidebar (top level and inside Wagtail's menus), as a superuser sees them all.
OUR_LABELS = ["Téléverser une vidéo", "Relecture des étapes", "Capsules (conception)",
              "Tests de positionnement",
              "Formations", "Sessions de formation", "Badges des blocs", "Badges délivrés",
              "Paquets SCORM / cmi5", "Certifications", "Blocs de compétences", "Vidéos sources",
              "Apprenants par capsule", "Plateformes LTI", "Plateformes", "Déploiements", "Notes envoyées",
              "Émetteur des badges"]

CUT = """() => [...document.querySelectorAll('.sidebar-main-menu .menuitem-label')]
    .filter(e => e.getClientRects().length && e.offsetWidth > 1)
    .map(e => ({text: e.textContent.trim(), cut: e.scrollWidth > e.clientWidth + 1,
                right: e.getBoundingClientRect().right,
                menu: e.closest('.sidebar-sub-menu-panel, .sidebar')?.getBoundingClientRect().right || 0}))"""


@pytest.mark.parametrize("width", [1280, 360])
def test_the_sidebar_labels_are_read_whole(live_server, browser, width):
    ensure_baseline()
    factories.UserFactory(username="admin-geste", is_superuser=True, is_staff=True)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, "admin-geste")
    page.goto(f"{live_server.url}/admin/")
    if width < 800:  # a phone: the sidebar is a drawer behind its toggle
        page.locator("button.sidebar-nav-toggle").first.click()
    page.wait_for_selector(".sidebar-main-menu .menuitem-label:visible")
    seen = {}
    for row in page.evaluate(CUT):
        seen[row["text"]] = row
    snap(page, f"sidebar-{width}")
    # The menus holding ours (Formations, Rapports, Paramètres, Plateformes LTI): opened one at a time.
    for menu in ("Formations", "Rapports", "Paramètres", "Plateformes LTI"):
        page.locator(".sidebar-main-menu button.sidebar-menu-item__link", has_text=menu).first.click()
        page.wait_for_timeout(300)
        for row in page.evaluate(CUT):
            seen[row["text"]] = row  # measured again now that its menu is open
        snap(page, f"sidebar-{width}-{menu.lower()}")
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    ctx.close()
    missing = [label for label in OUR_LABELS if label not in seen]
    assert not missing, (missing, sorted(seen))
    cut = [(label, seen[label]) for label in OUR_LABELS
           if seen[label]["cut"] or seen[label]["right"] > seen[label]["menu"] + 1]
    assert not cut, cut
