"""Offline on a 360x740 phone beyond the downloaded capsule itself (frontend/src/sw/sw.js, cms/offline.py):
the skills block and the other learner pages visited online open offline from the device's copy, marked
« Hors ligne — version du 4 décembre à 23:27 »; a page never kept gets the offline page with the site's header,
the capsules downloaded on this device (which open offline) and « Réessayer » once back online; signing
out drops what the account's pages showed."""

from __future__ import annotations

import re
import time

import pytest

from tests import factories
from tests.browser.shots import shot
from tests.browser.test_player import (  # noqa: F401 - fixtures
    accessibility_violations,
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STALE = re.compile(r"^Hors ligne — version du \d{1,2} [a-zéû]+ à \d\d:\d\d$")  # « 4 décembre »
KEPT = """p => caches.open('geste-pages').then(c => c.keys())
    .then(k => k.some(r => new URL(r.url).pathname === '/__pages__' + p))"""


def until(page, expression: str, arg, expected: bool) -> None:
    """Poll an async check in the page (wait_for_function takes a pending promise for a truthy value)."""
    deadline = time.monotonic() + 15
    while page.evaluate(expression, arg) is not expected:
        assert time.monotonic() < deadline, f"{expression} never became {expected}"
        page.wait_for_timeout(100)


def test_block_and_visited_pages_open_offline_and_the_rest_lists_downloads(live_server, phone_context, published):  # noqa: F811
    capsule_page = published["page"]
    block = capsule_page.get_parent().specific
    certification = block.get_parent().specific
    home = certification.get_parent().specific
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The first user's path: the block, then the capsule, downloaded (the service worker starts there).
    page.goto(f"{live_server.url}{block.url}")
    page.click(f"a[href='{capsule_page.url}']")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.click(".gp-offline")
    page.wait_for_selector("text=Disponible hors ligne ✓", timeout=30000)
    # A page visited once the worker runs is kept for this account.
    page.goto(f"{live_server.url}{certification.url}")
    until(page, KEPT, certification.url, True)
    cert_title = page.inner_text("main h1")

    phone_context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-offline-stale]")
    assert STALE.match(page.inner_text("[data-offline-stale]"))
    assert page.inner_text("main h1") == cert_title and page.locator(".site-header").is_visible()

    # The capsule reloads offline; the breadcrumb's block opens offline, its capsules listed, marked.
    open_capsule(page, f"{live_server.url}{capsule_page.url}")
    page.click(f".breadcrumb a[href='{block.url}']")
    page.wait_for_selector("[data-offline-stale]")
    assert STALE.match(page.inner_text("[data-offline-stale]"))
    assert page.inner_text("main h1") == block.skills_block.title
    assert page.locator(f"ol.capsules a[href='{capsule_page.url}']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "offline-block-360", full_page=False)

    # A page never visited: the offline page, with the header and the downloaded capsule.
    page.goto(f"{live_server.url}{home.url}")
    page.wait_for_selector("[data-offline-page][data-listed='1']")
    assert page.locator(".site-header .site-name").is_visible()
    assert page.locator(".breadcrumb").is_visible()
    assert "n'a pas été enregistrée" in page.inner_text("[data-offline-state]")
    link = page.locator(f"[data-offline-capsules] a[href='{capsule_page.url}']")
    assert link.inner_text() == published["capsule"].title
    assert page.locator("[data-offline-retry]").is_hidden()
    # The other pages on the device: the block (it came with the download), the certification (visited).
    assert page.locator(f"[data-offline-pages] a[href='{block.url}']").inner_text() == block.skills_block.title
    assert page.locator(f"[data-offline-pages] a[href='{certification.url}']").inner_text() == cert_title
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "offline-fallback-360", full_page=False)
    assert not accessibility_violations(page)
    phone_context.set_offline(False)
    page.wait_for_selector("[data-offline-retry]:not([hidden])")
    shot(page, "offline-fallback-online-360", full_page=False)
    phone_context.set_offline(True)
    page.wait_for_selector("[data-offline-retry]", state="hidden")
    link.click()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.get_attribute("[data-geste-player]", "data-source") == "mp4"

    # Back online, signing out drops the pages kept for this account and the downloaded page copies.
    phone_context.set_offline(False)
    page.goto(f"{live_server.url}{block.url}")
    assert page.locator("[data-offline-stale]").count() == 0  # online: the network's page
    until(page, KEPT, block.url, True)
    page.click(".logout-form button")
    page.wait_for_url(f"{live_server.url}/")
    until(page, KEPT, block.url, False)
    assert not page.evaluate("p => caches.match(p, {ignoreVary: true}).then(Boolean)", capsule_page.url)
    leave(page)
    assert not errors, errors
