"""cms/offline.py: what the service worker reads to keep learner pages for one account, and the page
it shows for a page not kept (one copy for every account of the device)."""

from __future__ import annotations

import pytest
from django.test import Client

from cms.offline import OFFLINE_HEADER, SCOPE_HEADER
from tests import factories
from tests.capsules.test_learner_api import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_learner_pages_say_whose_they_are_and_that_they_may_be_kept(world):  # noqa: F811
    block = world["page"].get_parent()
    mine = world["client"].get(block.url)
    assert mine.status_code == 200 and mine[OFFLINE_HEADER] == "1"
    assert mine[SCOPE_HEADER].startswith("u-")
    assert world["client"].get(world["page"].url)[SCOPE_HEADER] == mine[SCOPE_HEADER]
    other = Client()
    other.force_login(factories.learner())
    theirs = other.get(block.url)
    assert theirs[SCOPE_HEADER] not in (mine[SCOPE_HEADER], "invite") and theirs[OFFLINE_HEADER] == "1"
    for _ in range(2):  # rendered, then from the page cache: the same headers
        anon = Client().get(block.url)
        assert anon[SCOPE_HEADER] == "invite" and anon[OFFLINE_HEADER] == "1"
    # Other HTML says whose it is (a sign-out is seen on any page) but is not kept; JSON says nothing.
    search = world["client"].get("/recherche/", {"q": "joint"})
    assert search[SCOPE_HEADER] == mine[SCOPE_HEADER] and OFFLINE_HEADER not in search
    assert SCOPE_HEADER not in world["client"].get(f"/api/learner/capsules/{world['capsule'].pk}/manifest.json")


def test_offline_page_keeps_the_header_and_nothing_of_the_account(world):  # noqa: F811
    user = world["user"]
    user.first_name = "Prénomunique"
    user.save()
    resp = world["client"].get("/hors-ligne/")
    html = resp.content.decode()
    assert resp.status_code == 200 and 'class="site-header"' in html and 'class="breadcrumb"' in html
    assert "Capsules téléchargées sur cet appareil" in html and "Réessayer" in html and "cms/offline.js" in html
    assert "Prénomunique" not in html and user.username not in html and "csrf" not in html.lower()
    assert "Se déconnecter" not in html
