"""A designer finds "Paquets SCORM / cmi5" in the admin menu and downloads a skills block as a
SCORM 1.2 package, on a desktop and on a 360 px phone; the zip is complete."""

from __future__ import annotations

import os
import zipfile

import pytest

from tests import factories, pages
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("GESTE_SCREENSHOTS")


@pytest.fixture
def world(django_db_serialized_rollback, transactional_db, storage_root):
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Remplacer un joint")
    pages.capsule_page(capsule)
    factories.designer(username="conceptrice", password="motdepasse-geste")
    return capsule


def test_designer_downloads_a_scorm_package(world, live_server, browser, tmp_path):
    for viewport in [(1280, 800), (360, 740)]:
        download_package(live_server, browser, tmp_path, viewport)


def download_package(live_server, browser, tmp_path, viewport):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": viewport[0], "height": viewport[1]},
                              accept_downloads=True)
    page = ctx.new_page()
    login(page, live_server.url, "conceptrice")
    page.goto(f"{live_server.url}/admin/geste/paquets/")
    assert "Paquets pour une plateforme de formation" in page.inner_text("main")
    assert "Aucun LRS n'est configuré" in page.inner_text("main")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/interop-{viewport[0]}.png", full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="Bloc entier en SCORM 1.2").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.endswith("-scorm12.zip")
    with zipfile.ZipFile(target) as archive:
        assert {"imsmanifest.xml", "geste_launcher.js", "capsule-001.html"} <= set(archive.namelist())
        assert "Remplacer un joint" in archive.read("imsmanifest.xml").decode()
    ctx.close()
