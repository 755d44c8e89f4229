"""Playwright driving Debian's Chromium (no browser download possible here)."""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("GESTE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--no-first-run", "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        # Playwright's wait_for_function compiles its predicate with eval, which the site's
        # Content-Security-Policy forbids: functional tests bypass the policy unless they pass
        # bypass_csp=False; the policy itself is tested in test_hostile_sweep.py.
        new_context = b.new_context
        b.new_context = lambda **kw: new_context(**{"bypass_csp": True, **kw})
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


@pytest.fixture
def phone_context(browser):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True,
                              is_mobile=True)
    yield ctx
    ctx.close()


@pytest.fixture
def media_with_ranges(monkeypatch):
    """/media/ served by the site's own view (cms/media.py: permission check, HTTP Range), as in
    production. Django's live server otherwise answers /media/ itself with its static ``serve`` view,
    which ignores Range: Chromium then cannot seek an MP4 (``seekable`` is 0–0, ``currentTime`` stays 0)."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


@pytest.fixture
def page(context):
    p = context.new_page()
    yield p
    p.close()


def login(page, live_server_url: str, username: str, password: str = "motdepasse-geste") -> None:
    """A real session for ``username`` (Django's ``login``, its signal included), handed to the page's browser
    context as its cookie; the page does not move (the caller goes where the test starts). The form took 1.7 s
    a call, dashboard included, in about half the browser tests: the login form itself is walked by keyboard
    in ``test_paths_screens.py`` and through ``login_with_form``. The same session serves the public site."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_url}])


def login_with_form(page, live_server_url: str, username: str, password: str = "motdepasse-geste") -> None:
    """Log in through the Wagtail admin login form; the page ends on the admin's dashboard."""
    page.goto(f"{live_server_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
