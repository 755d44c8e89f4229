"""The Wagtail site: page tree rules, French admin, groups and the health page."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from capsules.models import Certification, SkillsBlock
from cms.models import CapsulePage, CertificationPage, HomePage, SkillsBlockPage
from tests import factories
from tests.pages import capsule_page, skills_block_page

pytestmark = pytest.mark.django_db


def test_home_page_is_the_site_root():
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)


def test_page_tree_rules():
    assert CertificationPage.allowed_parent_page_models() == [HomePage]
    assert SkillsBlockPage.allowed_parent_page_models() == [CertificationPage]
    assert CapsulePage.allowed_parent_page_models() == [SkillsBlockPage]
    assert CapsulePage.allowed_subpage_models() == []
    assert HomePage.allowed_subpage_models() == [CertificationPage]


def test_capsule_page_builds_under_its_skills_block():
    capsule = factories.CapsuleFactory()
    page = capsule_page(capsule)
    parent = page.get_parent().specific
    assert isinstance(parent, SkillsBlockPage) and parent.skills_block == capsule.skills_block
    assert page.url.startswith("/")


def test_groups_and_permissions_from_data_migration():
    designers = Group.objects.get(name="Designers")
    experts = Group.objects.get(name="Experts")
    learners = Group.objects.get(name="Learners")
    codes = set(designers.permissions.values_list("codename", flat=True))
    assert {"access_admin", "add_footage", "change_capsule", "add_interaction"} <= codes
    expert_codes = set(experts.permissions.values_list("codename", flat=True))
    assert {"access_admin", "review_footage", "change_step"} <= expert_codes
    assert "add_footage" not in expert_codes
    assert learners.permissions.count() == 0
    assert designers.page_permissions.filter(permission__codename="publish_page").exists()


@pytest.mark.parametrize("code,ok", [("RNCP37274", True), ("37274", False), ("RNCPabc", False)])
def test_rncp_code_validation(code, ok):
    cert = Certification(title="T", rncp_code=code)
    if ok:
        cert.full_clean()
    else:
        with pytest.raises(ValidationError):
            cert.full_clean()


def test_skills_block_code_validation():
    cert = factories.CertificationFactory()
    with pytest.raises(ValidationError):
        SkillsBlock(certification=cert, code="BC01", title="x").full_clean()
    SkillsBlock(certification=cert, code="RNCP37274BC01", title="x").full_clean()


def test_admin_speaks_french(client):
    user = factories.designer()
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert "Tableau de bord" in response.content.decode()


def test_admin_login_page_in_french(client):
    body = client.get("/admin/login/").content.decode()
    assert "Se connecter" in body or "Connexion" in body


def test_learner_has_no_admin_access(client):
    client.force_login(factories.learner())
    response = client.get("/admin/")
    assert response.status_code in (302, 403)


def test_designer_sees_skills_blocks_in_admin(client):
    block = factories.SkillsBlockFactory(code="RNCP37274BC07", title="Bloc visible")
    skills_block_page(block)
    client.force_login(factories.designer())
    body = client.get("/admin/skills_block/").content.decode()
    assert "RNCP37274BC07" in body


def test_english_is_available_as_second_language(client):
    from django.utils import translation

    from capsules.models import Footage

    with translation.override("en"):
        assert str(Footage.Status.IN_REVIEW.label) == "In expert review"
    with translation.override("fr"):
        assert str(Footage.Status.IN_REVIEW.label) == "En relecture par l'expert"
    from wagtail.users.models import UserProfile

    user = factories.designer()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    body = client.get("/admin/").content.decode()
    assert 'lang="en"' in body and "Dashboard" in body


def test_a_live_capsule_under_an_unpublished_skills_block_is_not_served(client):
    """Wagtail would route through the draft parent; the capsule (steps, transcript) must stay private."""
    capsule = factories.CapsuleFactory()
    page = capsule_page(capsule)
    assert client.get(page.url).status_code == 200
    parent = page.get_parent().specific
    parent.unpublish()
    page.refresh_from_db()
    assert page.live, "the capsule page itself is still live"
    assert client.get(page.url).status_code == 404
    parent.save_revision().publish()
    assert client.get(page.url).status_code == 200


def test_favicon_is_served_and_named_by_public_and_admin_pages(client):
    """A first user's browser logged "GET /favicon.ico 404" on every page: the small SVG icon answers
    there, and the public and admin templates name it."""
    from xml.etree import ElementTree

    from django.contrib.staticfiles import finders

    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    assert len(icon.content) < 1024 and ElementTree.fromstring(icon.content).tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<script" not in icon.content and "sandbox" in icon["Content-Security-Policy"]
    assert "max-age=86400" in icon["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200 and client.post("/favicon.ico").status_code == 405
    assert open(finders.find("cms/favicon.svg"), "rb").read() == icon.content

    link = '<link rel="icon" href="/static/cms/favicon.svg" type="image/svg+xml">'
    assert link in client.get("/").content.decode()  # the catalogue (cms/base.html)
    assert link in client.get("/admin/login/").content.decode()  # Wagtail's admin
    designer = factories.designer()
    client.force_login(designer)
    assert link in client.get("/admin/").content.decode()
