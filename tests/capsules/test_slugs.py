"""Slugs and file names built from titles people type carry no HTML scraps (walk 29: the title
``<img src=x onerror=alert(1)>Ranger une boîte`` gave the page's URL ``ranger-une-boite-img-srcx-…``
and the same scraps in the package's file name)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Footage
from capsules.sanitize import slug_from_text
from cms.models import CapsulePage
from tests import factories, pages

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>Ranger une boîte"


@pytest.mark.parametrize(("title", "slug"), [
    (HOSTILE, "ranger-une-boite"),
    ("Cap <b>caisse</b> & <script>alert(1)</script>co", "cap-caisse-co"),
    ("a < b", "a-b"),
    ("<img src=x>", ""),
])
def test_slug_from_text(title, slug):
    assert slug_from_text(title) == slug


def test_capsule_page_slug_has_no_tag():
    footage = factories.FootageFactory(duration=20.0, status=Footage.Status.APPROVED)
    factories.StepFactory(footage=footage, order=1, start=0.0, end=10.0, title="Soulever", approved=True)
    made = authoring.create_capsule(footage, title=HOSTILE, user=factories.designer(username="auteur"))
    assert CapsulePage.objects.get(pk=made.page_id).slug == "ranger-une-boite"
    tags_only = authoring.create_capsule(footage, title="<img src=x onerror=alert(1)>")
    assert CapsulePage.objects.get(pk=tags_only.page_id).slug == "capsule"


def test_package_file_name_has_no_tag():
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title=HOSTILE)
    pages.capsule_page(capsule)
    client = Client()
    client.force_login(factories.designer())
    resp = client.get(reverse("geste_capsule_package_scorm12", args=[capsule.pk]))
    assert resp.status_code == 200
    assert resp["Content-Disposition"] == 'attachment; filename="ranger-une-boite-scorm12.zip"'
