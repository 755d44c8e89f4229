"""Walk 40: the transcript editor's « Début » / « Fin » were number fields that dropped « : » and « , » as they were
typed, so « 0:03,5 » (the clock the page writes beside them) became 35 s, and « 3,5 » too. They are text fields
now, read like the server reads them: seconds with a comma or a point, or the page's clock."""

from __future__ import annotations

import pytest

from capsules.models import Transcript
from tests import factories
from tests.browser.conftest import login
from tests.capsules.test_transcript_edit import footage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_times_typed_as_the_page_writes_them_are_kept(live_server, page, footage):  # noqa: F811
    factories.designer(username="transcripteur40")
    login(page, live_server.url, "transcripteur40")
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/transcript/")
    start = page.locator('input[name="start-0"]')
    assert start.input_value() == "1"  # seconds written the French way (1.0 s)
    start.fill("0:03,5")
    label = page.locator('[data-role="label"]').first
    assert label.inner_text() == "0:03,5 – 0:20,0"
    page.locator('input[name="end-0"]').fill("19,5")
    assert label.inner_text() == "0:03,5 – 0:19,5"
    page.get_by_role("button", name="Enregistrer et régénérer les sous-titres").click()
    page.wait_for_load_state("networkidle")
    segs = Transcript.objects.get(footage=footage).segments
    assert [(s["start"], s["end"]) for s in segs] == [(3.5, 19.5)]


def test_a_time_that_is_not_one_says_so_in_french(live_server, page, footage):  # noqa: F811
    factories.designer(username="transcripteur40b")
    login(page, live_server.url, "transcripteur40b")
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/transcript/")
    page.locator('input[name="end-0"]').fill("1:75")
    assert page.locator('[data-role="label"]').first.inner_text() == "0:01,0 – ?"
    page.get_by_role("button", name="Enregistrer et régénérer les sous-titres").click()
    page.wait_for_load_state("networkidle")
    assert "Un temps n'est pas un nombre." in page.locator('[role="alert"]').inner_text()
    assert not Transcript.objects.get(footage=footage).edited
