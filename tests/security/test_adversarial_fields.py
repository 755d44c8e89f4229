"""Hostile text in the fields added with paths and recognition (issue "polish", item 5).

Each field gets every script/markup payload of HOSTILE_TEXTS and must come out inert on every page
that shows it: cohort names (admin lists and reports, CSV), achievement name / description / criteria
(admin, learner portfolio, shared portfolio, verification page, baked SVG, attestation in the ZIP
export, cohort report), trainer evidence comments (admin list, verification page), share-link labels
(owner's portfolio), a learner's name (reports, CSV). CSV cells a spreadsheet would run as a formula
start with an apostrophe. The LRS endpoint accepts http(s) only.
The browser side (nothing runs in Chromium) is tests/browser/test_hostile_sweep.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capsules.interop import lrs
from capsules.models import Achievement, BadgeCredential, Cohort, PortfolioShare, Progress, Step
from capsules.recognition import issuance
from tests import factories, pages
from tests.security.test_adversarial import HOSTILE_TEXTS, MARK

pytestmark = pytest.mark.django_db

FORMULAS = ["=HYPERLINK(\"http://evil.example/\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]
# Payloads aimed at the places where escaping is not HTML's: a CDATA section, a JSON string in a <script>.
EXTRA = ["]]><script>" + MARK + "</script>", "</script><script>" + MARK + "</script>"]
PAYLOADS = HOSTILE_TEXTS + EXTRA


class _Active(HTMLParser):
    """Parts of a page that would run the payload: a tag or attribute carrying its marker, a javascript:
    URL, inline script text with the marker. The page's own inline SVG icons and scripts are fine."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on") and "__xss" in value:
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and \
                    value.lower().startswith(("javascript:", "data:text/html", "vbscript:")):
                self.found.append(f"<{tag} {name}={value[:30]}>")
            if name == "srcdoc":
                self.found.append(f"<{tag} srcdoc>")
        if tag == "script":
            self._script = True
        if tag in ("mglyph", "mtext"):  # only the payload brings MathML
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and "__xss" in data:
            self.found.append(f"inline script: {data.strip()[:50]}")


def assert_inert(body: str, where: str) -> None:
    parser = _Active()
    parser.feed(body)
    parser.close()
    assert not parser.found, (where, parser.found)



def assert_pdf_inert(pdf: bytes, where: str) -> None:
    """The PDF attestation: no script or launch action, links only to http(s), typed text shown as text."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert "/JavaScript" not in reader.trailer["/Root"] and "/OpenAction" not in reader.trailer["/Root"], where
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A") or {}
            assert action.get("/S") in (None, "/URI"), f"{where}: action {action.get('/S')}"
            uri = str(action.get("/URI", "https://"))
            assert uri.startswith(("http://", "https://")), f"{where}: link {uri[:60]}"

def assert_svg_inert(svg: str, where: str) -> None:
    root = ElementTree.fromstring(svg.encode())  # well-formed: nothing broke out of an attribute or CDATA
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        assert tag not in ("script", "foreignObject", "iframe", "img"), (where, tag)
        assert not any(a.lower().startswith("on") for a in el.attrib), (where, el.attrib)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def assert_no_formula(rows: list[list[str]], where: str) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (where, cell)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def build_hostile_recognition(text: str, code: str = "RNCP37274BC01") -> dict:
    """A live block with a capsule, its badge, a cohort with a trainer and a learner, all typed by hostile
    people (also used by the browser sweep)."""
    block = factories.SkillsBlockFactory(code=code, certification__rncp_code=code[:9])
    footage = factories.FootageFactory(skills_block=block, duration=20.0)
    Step.objects.create(footage=footage, order=0, start=0, end=10, title="Geste", approved=True)
    capsule = factories.CapsuleFactory(footage=footage, title="Capsule 1")
    pages.capsule_page(capsule)
    achievement = Achievement.objects.create(
        skills_block=block, name=f"Badge {text}", description=f"Description {text}",
        criteria_narrative=f"Critères {text}", min_first_try_score=0)
    trainer = factories.UserFactory(groups=["Trainers"], first_name="Formatrice")
    learner = factories.learner(first_name=FORMULAS[0], last_name=text[:100])
    cohort = Cohort.objects.create(name=f"Session {text}"[:255], skills_block=block, start_date=date(2026, 3, 1),
                                   end_date=date(2026, 3, 31))
    cohort.trainers.add(trainer)
    cohort.learners.add(learner)
    Progress.objects.create(user=learner, capsule=capsule, watched=[[0, 20]], watched_fraction=1, completed=True)
    credential = issuance.award_by_hand(learner, achievement, trainer, f"Observé en atelier {text}")
    return {"text": text, "block": block, "achievement": achievement, "trainer": trainer, "learner": learner,
            "cohort": cohort, "credential": credential}


@pytest.fixture
def hostile_world(request, storage_root):
    return build_hostile_recognition(request.param)


@pytest.mark.parametrize("hostile_world", PAYLOADS, indirect=True)
def test_hostile_recognition_and_cohort_texts_render_inert_everywhere(hostile_world):
    w = hostile_world
    credential, achievement, cohort = w["credential"], w["achievement"], w["cohort"]
    designer, trainer, learner = login(factories.designer()), login(w["trainer"]), login(w["learner"])
    anonymous = Client()

    seen: dict[str, str] = {}

    def page(client, url, where, status=200):
        resp = client.get(url)
        assert resp.status_code == status, (where, resp.status_code)
        body = resp.content.decode()
        assert_inert(body, where)
        seen[where] = body
        return body

    # Admin: badges of the blocks, issued badges (with the trainer's evidence), cohorts and their report.
    page(designer, reverse("achievement:index"), "admin achievements")
    page(designer, reverse("achievement:edit", args=[achievement.pk]), "admin achievement edit")
    page(trainer, reverse("geste_badges"), "admin issued badges")
    page(designer, reverse("cohort:index"), "admin cohorts")
    page(designer, reverse("cohort:edit", args=[cohort.pk]), "admin cohort edit")
    page(trainer, reverse("geste_cohorts"), "trainer cohorts")
    page(trainer, reverse("geste_cohort", args=[cohort.pk]), "cohort report")
    # Learner: portfolio; share link with a hostile label, then the shared view an employer opens.
    learner.post(reverse("recognition-share-create"), {"days": "7", "label": w["text"][:120]})
    assert PortfolioShare.objects.get().label == w["text"][:120].strip()
    mine = page(learner, reverse("recognition-portfolio"), "learner portfolio")
    link = re.search(r'value="https?://[^/"]+(/reconnaissance/partage/[^"]+/)"', mine).group(1)
    page(anonymous, link, "shared portfolio")
    # Verification: the credential's public page, its JSON, its baked SVG.
    page(anonymous, reverse("recognition-credential", args=[credential.uuid]), "verification page")
    as_json = anonymous.get(reverse("recognition-credential-json", args=[credential.uuid]))
    assert "html" not in as_json["Content-Type"] and json.loads(as_json.content)["credentialSubject"]
    svg = anonymous.get(reverse("recognition-credential-baked", args=[credential.uuid, "svg"]))
    assert svg["Content-Disposition"].startswith("attachment")
    assert_svg_inert(svg.content.decode(), "baked svg")
    # The attestation in the portfolio export.
    export = learner.get(reverse("recognition-portfolio-export"))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert_pdf_inert(archive.read("attestation.pdf"), "attestation in the ZIP")

    # Each hostile text reached a page (escaped): the sweep looked where it shows.
    shown = "\n".join(seen.values())
    for needle in ("Badge", "Session", "Observé en atelier"):
        assert needle in shown

    # CSV exports: nothing a spreadsheet would run.
    for name in ("geste_cohort_learners_csv", "geste_cohort_indicators_csv"):
        resp = trainer.get(reverse(name, args=[cohort.pk]))
        assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
        rows = csv_rows(resp)
        assert_no_formula(rows, name)
    learners_rows = csv_rows(trainer.get(reverse("geste_cohort_learners_csv", args=[cohort.pk])))
    assert any(cell.startswith("'=HYPERLINK") for row in learners_rows for cell in row), learners_rows


@pytest.mark.parametrize("name", FORMULAS)
def test_csv_cells_from_typed_names_never_start_a_formula(name, storage_root):
    block = factories.SkillsBlockFactory()
    footage = factories.FootageFactory(skills_block=block, duration=20.0)
    capsule = factories.CapsuleFactory(footage=footage, title=name)
    pages.capsule_page(capsule)
    trainer = factories.UserFactory(groups=["Trainers"])
    learner = factories.learner(first_name=name, last_name="")
    achievement = Achievement.objects.create(skills_block=block, name=name, description="d", criteria_narrative="c")
    BadgeCredential.objects.create(achievement=achievement, user=learner, status_index=7, document={},
                                   issued_at=timezone.now())
    cohort = Cohort.objects.create(name=name, skills_block=block, start_date=date(2026, 3, 1),
                                   end_date=date(2026, 3, 1) + timedelta(days=10))
    cohort.trainers.add(trainer)
    cohort.learners.add(learner)
    client = login(trainer)
    for url in (reverse("geste_cohort_learners_csv", args=[cohort.pk]),
                reverse("geste_cohort_indicators_csv", args=[cohort.pk])):
        rows = csv_rows(client.get(url))
        assert_no_formula(rows, url)
    designer = login(factories.designer())
    for url in (reverse("geste_reports_csv"),):
        rows = csv_rows(designer.get(url))
        assert_no_formula(rows, url)


@pytest.mark.parametrize("endpoint", [
    "javascript:alert(1)//",
    "JavaScript:alert(document.domain)",
    "file:///etc/passwd",
    "ftp://lrs.example.fr/xapi",
    "gopher://127.0.0.1:6379/_FLUSHALL",
    "data:text/html,<script>alert(1)</script>",
    "//lrs.example.fr/xapi",
    "lrs.example.fr/xapi",
    "http:///xapi",
    " https://lrs.example.fr/xapi\n<script>",
])
def test_lrs_endpoint_is_http_or_https_only(endpoint, settings):
    settings.GESTE_LRS_ENDPOINT = endpoint
    cfg = lrs.config()
    assert not cfg.enabled and cfg.endpoint == ""
    assert cfg.problem  # the admin page says why nothing is sent
    body = login(factories.designer()).get(reverse("geste_packages")).content.decode()
    assert "http" in cfg.problem and cfg.problem.split(" (")[0][:30] in body.replace("&#x27;", "'")
    assert_inert(body, "packages")
    assert "javascript:" not in body.lower() and "file:///" not in body


@pytest.mark.parametrize("endpoint", ["https://lrs.example.fr/xAPI/", "http://127.0.0.1:8100/xAPI"])
def test_lrs_endpoint_http_and_https_accepted(endpoint, settings):
    settings.GESTE_LRS_ENDPOINT = endpoint
    cfg = lrs.config()
    assert cfg.enabled and cfg.endpoint == endpoint.rstrip("/") and not cfg.problem
