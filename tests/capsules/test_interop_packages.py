"""Course packages: a skills block exported as cmi5 and SCORM 1.2 validates against the official
schemas, holds one unit per published capsule (drafts never), launches back to Geste; the commands,
the designer download and the relay's status behave."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from lxml import html as lxml_html

from capsules.interop import cmi5, scorm
from capsules.interop.course import EmptyPackage, capsule_course, skills_block_course
from capsules.interop.scorm_relay import safe_origin
from capsules.learning import delivery
from tests import factories, pages

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CMI5 = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"
IMSCP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
BASE = "https://geste.example.fr"


def cmi5_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / "cmi5" / "CourseStructure.xsd")))


def scorm_schema() -> etree.XMLSchema:
    """IMS CP 1.1.2 + ADL CP 1.2 together: the manifest's adlcp attributes are checked strictly."""
    folder = (FIXTURES / "scorm12").as_uri()
    wrapper = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
      <xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
                  schemaLocation="{folder}/imscp_rootv1p1p2.xsd"/>
      <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2" schemaLocation="{folder}/adlcp_rootv1p2.xsd"/>
    </xsd:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=str(FIXTURES / "scorm12") + "/"))


@pytest.fixture
def block():
    footage = factories.FootageFactory(duration=20.0)
    first = factories.CapsuleFactory(footage=footage, title="Changer un joint & « siphon »", order=1)
    block = first.skills_block
    second = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block, duration=20.0),
                                      title="Purger un radiateur", order=2)
    draft = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block, duration=20.0),
                                     title="Brouillon secret", order=3)
    for capsule in (second, first):
        pages.capsule_page(capsule)
    pages.capsule_page(draft, publish=False)
    return block, [first, second], draft


def test_cmi5_validates_and_points_at_published_capsules(block, tmp_path):
    block, published, draft = block
    out = tmp_path / "bloc.zip"
    call_command("export_cmi5", block.code, "--out", str(out), "--base-url", BASE, stdout=io.StringIO())
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["cmi5.xml"]
        xml = archive.read("cmi5.xml")
    doc = etree.fromstring(xml)
    schema = cmi5_schema()
    assert schema.validate(doc), schema.error_log
    aus = doc.findall(f"{CMI5}au")
    assert [au.findtext(f"{CMI5}title/{CMI5}langstring") for au in aus] == [c.title for c in published]
    urls = [au.findtext(f"{CMI5}url") for au in aus]
    assert urls == [f"{BASE}/interop/cmi5/capsules/{c.pk}/" for c in published]  # the AU launch view
    assert all(au.get("moveOn") == "Completed" for au in aus)
    assert len({au.get("id") for au in aus}) == 2
    assert b"Brouillon secret" not in xml
    # the same block exported twice gives the same bytes (stable ids, fixed zip dates)
    assert cmi5.package(skills_block_course(block, BASE)) == out.read_bytes()


def test_schema_rejects_a_broken_structure(block):
    """The validation can fail: an AU without a URL is refused by the official schema."""
    block, _, _ = block
    doc = etree.fromstring(cmi5.course_structure(skills_block_course(block, BASE)))
    url = doc.find(f"{CMI5}au/{CMI5}url")
    url.getparent().remove(url)
    assert not cmi5_schema().validate(doc)


def test_scorm_manifest_validates_and_launchers_are_complete(block, tmp_path):
    block, published, _ = block
    out = tmp_path / "bloc-scorm.zip"
    call_command("export_scorm", block.code, "--out", str(out), "--base-url", BASE, stdout=io.StringIO())
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        files = {n: archive.read(n) for n in names}
    schema = scorm_schema()
    assert schema.validate(manifest), schema.error_log
    assert manifest.findtext(f"{IMSCP}metadata/{IMSCP}schemaversion") == "1.2"
    items = manifest.findall(f".//{IMSCP}organization/{IMSCP}item")
    assert [i.findtext(f"{IMSCP}title") for i in items] == [c.title for c in published]
    for resource in manifest.iter(f"{IMSCP}resource"):
        assert resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") == "sco"
        for f in resource.iter(f"{IMSCP}file"):
            assert f.get("href") in names
        html = files[resource.get("href")].decode()
        assert '<script src="geste_launcher.js"></script>' in html
        assert "<script>" not in html  # no inline script
    pages_html = [files[r.get("href")].decode() for r in manifest.iter(f"{IMSCP}resource")]
    for capsule, html in zip(published, pages_html, strict=True):
        assert f'{BASE}/interop/capsules/{capsule.pk}/relais/' in html
        assert capsule.title.replace("&", "&amp;") in html
    assert b"LMSSetValue" in files["geste_launcher.js"] and b"cmi.core.score.raw" in files["geste_launcher.js"]
    assert not any(b"Brouillon secret" in data for data in files.values())


def test_scorm_schema_rejects_a_missing_resource_type(block):
    block, _, _ = block
    doc = etree.fromstring(scorm.manifest(skills_block_course(block, BASE)))
    del doc.find(f".//{IMSCP}resource").attrib["type"]
    assert not scorm_schema().validate(doc)


def test_commands_refuse_unknown_or_empty_blocks(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("export_cmi5", "RNCP0BC99", "--out", str(tmp_path / "x.zip"))
    empty = factories.SkillsBlockFactory()
    with pytest.raises(CommandError, match="aucune capsule publiée"):
        call_command("export_scorm", empty.code, "--out", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_single_capsule_course_and_draft_refused(block):
    _, published, draft = block
    course = capsule_course(published[0], BASE)
    assert len(course.units) == 1 and course.units[0].capsule_pk == published[0].pk
    assert cmi5_schema().validate(etree.fromstring(cmi5.course_structure(course)))
    with pytest.raises(EmptyPackage):
        capsule_course(draft, BASE)


def test_designer_downloads_learner_cannot(block):
    block, published, draft = block
    designer, learner = Client(), Client()
    designer.force_login(factories.designer())
    learner.force_login(factories.learner())
    listing = designer.get(reverse("geste_packages"))
    assert listing.status_code == 200
    assert "Bloc entier en SCORM 1.2" in listing.content.decode() and "Brouillon secret" not in listing.content.decode()
    resp = designer.get(reverse("geste_block_package_cmi5", args=[block.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.content)) as archive:
        assert cmi5_schema().validate(etree.fromstring(archive.read("cmi5.xml")))
    resp = designer.get(reverse("geste_capsule_package_scorm12", args=[published[1].pk]))
    assert resp.status_code == 200
    assert designer.get(reverse("geste_capsule_package_scorm12", args=[draft.pk])).status_code == 409
    for url in (reverse("geste_packages"), reverse("geste_block_package_scorm12", args=[block.pk])):
        refused = learner.get(url)  # no admin access: Wagtail sends learners to its login page
        assert refused.status_code in {302, 403} and refused.get("Content-Type") != "application/zip"
    editor = Client()
    editor.force_login(factories.expert())  # admin access, not a designer
    assert editor.get(reverse("geste_block_package_cmi5", args=[block.pk])).status_code == 403
    assert designer.get(f"/admin/geste/paquets/blocs/{block.pk}/exe.zip", follow=True).status_code == 404


@pytest.mark.parametrize(("value", "expected"), [
    ("https://moodle.univ.fr", "https://moodle.univ.fr"),
    ("http://localhost:8080/", "http://localhost:8080"),
    ("*", None), ("javascript:alert(1)", None), ("https://moodle.univ.fr/course?id=1", None),
    ("https://user:pw@moodle.univ.fr", None), ("https://moodle.univ.fr:99999", None), ("", None), (None, None),
])
def test_safe_origin(value, expected):
    assert safe_origin(value) == expected


def test_relay_and_status(block):
    _, published, draft = block
    capsule = published[0]
    question = factories.InteractionFactory(capsule=capsule, time=5.0, mandatory=True,
                                            choices=[{"id": "a", "text": "Oui"}, {"id": "b", "text": "Non"}])
    factories.InteractionFactory(capsule=capsule, time=15.0, kind="true_false", mandatory=False,
                                 prompt="Le joint se change à sec.", choices=[], answer_key={"correct": False})
    client = Client()
    relay = client.get(reverse("interop-scorm-relay", args=[capsule.pk]) + "?origin=*")
    assert relay.status_code == 200 and "X-Frame-Options" not in relay
    assert 'data-origin=""' in relay.content.decode()  # "*" is never a postMessage target
    assert client.get(reverse("interop-status", args=[capsule.pk])).status_code == 401
    assert client.get(reverse("interop-scorm-relay", args=[draft.pk])).status_code == 404
    learner = factories.learner()
    client.force_login(learner)
    assert client.get(reverse("interop-status", args=[capsule.pk])).json() == {
        "completed": False, "watched_fraction": 0, "score": 0.0}
    # the learner API speaks this learner's opaque choice ids (capsules/learning/delivery.py)
    response = delivery.response_to_public(question, {"choice": "a"}, delivery.audience_for(learner))
    answer = client.post(reverse("learner-answer", args=[question.pk]), json.dumps({"response": response}),
                         content_type="application/json").json()
    assert "correct" in answer, answer
    done = client.post(reverse("learner-progress", args=[capsule.pk]),
                       json.dumps({"position": 20, "watched": [[0, 20]]}), content_type="application/json").json()
    status = client.get(reverse("interop-status", args=[capsule.pk])).json()
    assert status["completed"] is done["completed"] is True
    assert status["score"] == (50.0 if answer["correct"] else 0.0)


def test_lrs_state_on_the_designer_screen(block, settings):
    from capsules.models import LearnerEvent, LrsStatement

    designer = Client()
    designer.force_login(factories.designer())
    settings.GESTE_LRS_ENDPOINT = ""
    page = designer.get(reverse("geste_packages")).content.decode()
    assert "Aucun LRS n'est configuré" in page
    settings.GESTE_LRS_ENDPOINT = "https://lrs.example.fr/xAPI"
    _, published, _ = block
    user = factories.learner()
    events = [LearnerEvent.objects.create(user=user, capsule=published[0], verb="played", timestamp=timezone.now(),
                                          data={"time": 1}) for _ in range(3)]
    LrsStatement.objects.create(event=events[0], status="pending", last_error="LRS injoignable : ConnectTimeout")
    LrsStatement.objects.create(event=events[1], status="sent")
    LrsStatement.objects.create(event=events[2], status="rejected", last_error="HTTP 422")
    page = designer.get(reverse("geste_packages")).content.decode()
    assert "LRS&nbsp;: https://lrs.example.fr/xAPI" in page
    assert "1 déclaration en attente" in page and "1 déclaration envoyée" in page
    assert "1 déclaration refusée par le LRS" in page and "HTTP 422" in page
    settings.GESTE_LRS_ENDPOINT = ""
    resp = designer.post(reverse("geste_lrs_push"), follow=True)
    assert "Aucun LRS n&#x27;est configuré" in resp.content.decode()


TRICKY = "Les gestes d'un \"pro\" : joint & siphon, 1 < 2 > 0 — <b>pas une balise</b> &amp; fin"


def test_titles_and_descriptions_survive_xml_and_json_unchanged():
    """Walk 29: « d&amp;#x27;un » in cmi5.xml. Text with ' " & < > goes in as typed and an XML or JSON
    parser reads back exactly what was typed: escaped once, by the serializer, never before it."""
    from capsules.analytics import xapi
    from capsules.sanitize import rich_text_from_plain

    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title=f"Capsule {TRICKY}")
    block = capsule.skills_block
    block.title, block.description = f"Bloc {TRICKY}", TRICKY  # plain text fields
    block.save()
    page = pages.capsule_page(capsule)
    page.intro = rich_text_from_plain(f"Présentation {TRICKY}")  # rich text: stored as HTML
    page.save_revision().publish()
    question = factories.InteractionFactory(capsule=capsule, time=5.0, prompt=f"Question {TRICKY} ?")

    course = skills_block_course(block, BASE)
    doc = etree.fromstring(cmi5.course_structure(course))
    assert doc.findtext(f"{CMI5}course/{CMI5}title/{CMI5}langstring") == f"{block.code} — Bloc {TRICKY}"
    assert doc.findtext(f"{CMI5}course/{CMI5}description/{CMI5}langstring") == TRICKY
    assert doc.findtext(f"{CMI5}au/{CMI5}title/{CMI5}langstring") == f"Capsule {TRICKY}"
    assert doc.findtext(f"{CMI5}au/{CMI5}description/{CMI5}langstring") == f"Présentation {TRICKY}"
    single = etree.fromstring(cmi5.course_structure(capsule_course(capsule, BASE)))
    assert single.findtext(f"{CMI5}course/{CMI5}description/{CMI5}langstring") == f"Présentation {TRICKY}"

    manifest = etree.fromstring(scorm.manifest(course))
    titles = [t.text for t in manifest.iter(f"{IMSCP}title")]
    assert titles == [f"{block.code} — Bloc {TRICKY}", f"Capsule {TRICKY}"]
    launcher = lxml_html.fromstring(next(iter(scorm.launcher_pages(course).values())))
    assert launcher.findtext(".//title") == f"Capsule {TRICKY} — Geste"

    scope = xapi.capsule_scopes([capsule], BASE)[capsule.pk]
    activity = json.loads(json.dumps(scope.capsule.as_dict()))
    assert activity["definition"]["name"] == {"fr": f"Capsule {TRICKY}"}
    asked = json.loads(json.dumps(xapi.interaction_activity(scope, scope.interactions[question.pk])))
    assert asked["definition"]["name"] == {"fr": f"Question {TRICKY} ?"}


def test_cmi5_download_warns_when_no_lms_may_launch(block, settings):
    """Walk 29: the cmi5 buttons were offered with no GESTE_CMI5_LMS_ORIGINS, the only hint at the
    bottom of the page. The warning sits by the buttons, says what fails and what to set; the menu
    entry says « Paquets SCORM / cmi5 », no longer « Plateformes de formation » (beside « Plateformes LTI »)."""
    from html import unescape

    block, published, draft = block
    designer = Client()
    designer.force_login(factories.designer())
    settings.GESTE_CMI5_LMS_ORIGINS = []
    html = unescape(designer.get(reverse("geste_packages")).content.decode())
    section = html[html.index(f'id="bloc-{block.pk}"'):html.index("</section>", html.index(f'id="bloc-{block.pk}"'))]
    button = section.index("Bloc entier en cmi5")
    warning = section.index('id="cmi5-warning-')
    assert 0 < warning - button < 600, "the warning follows the cmi5 button"
    text = " ".join(re.sub(r"<[^>]+>", " ", section[warning:]).split())
    assert "ne pourra pas lancer" in text and "GESTE_CMI5_LMS_ORIGINS" in text and "SCORM 1.2" in text
    warning_id = re.search(r'id="(cmi5-warning-\d+)"', section).group(1)
    cmi5_links = re.findall(r'<a[^>]*href="[^"]*cmi5[^"]*"[^>]*>', section)
    assert len(cmi5_links) == 1 + len(published)
    assert all(f'aria-describedby="{warning_id}"' in link for link in cmi5_links), cmi5_links

    settings.GESTE_CMI5_LMS_ORIGINS = ["https://moodle.univ.fr"]
    html = designer.get(reverse("geste_packages")).content.decode()
    assert "cmi5-warning-" not in html and "Bloc entier en cmi5" in html

    menu = unescape(designer.get("/admin/").content.decode())
    assert "Paquets SCORM / cmi5" in menu and "Plateformes de formation" not in menu
