"""First-user walk 29 in Debian's Chromium: the session form's dates open a calendar, and an end before
the start is said under « Fin »."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Cohort
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.timeout(120)
def test_the_session_dates_open_a_calendar_and_a_reversed_period_is_said_under_fin(live_server, browser):
    ensure_baseline()
    factories.SkillsBlockFactory()
    designer = factories.designer(username="conceptrice-walk29")
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    page.goto(f"{live_server.url}/admin/cohort/new/")
    page.locator("#id_start_date").click()
    expect(page.locator(".xdsoft_datetimepicker .xdsoft_calendar").first).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#id_name").fill("Session de décembre")
    page.locator("#id_skills_block").select_option(index=1)
    page.locator("#id_start_date").fill("2026-12-15")
    page.locator("#id_end_date").fill("2026-12-01")
    page.locator("#id_name").click()
    page.get_by_role("button", name="Créer").click()
    expect(page.get_by_text("La date de fin doit être le jour du début ou après.")).to_be_visible()
    expect(page.get_by_text("cohort_dates_in_order")).to_have_count(0)
    assert not Cohort.objects.exists()
    ctx.close()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("field", ["id_start_date", "id_end_date"])
def test_escape_closes_the_date_calendar(live_server, browser, field):
    """Walk 29b: Escape left the calendar open over the checkboxes below « Début » / « Fin »."""
    ensure_baseline()
    designer = factories.designer(username="conceptrice-walk29b")
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    page.goto(f"{live_server.url}/admin/cohort/new/")
    page.locator("#id_name").focus()
    page.locator(f"#{field}").focus()
    calendar = page.locator(".xdsoft_datetimepicker:visible")
    expect(calendar).to_have_count(1)
    page.keyboard.press("Escape")
    expect(calendar).to_have_count(0)
    expect(page.locator(f"#{field}")).to_be_focused()
    ctx.close()
