"""Adversarial inputs, by class. A new feature that takes a name, a text or a path from a person
extends the lists here (HOSTILE_NAMES, HOSTILE_TEXTS, NON_CANONICAL) or adds its own case.

Classes: hostile file names (stored under and served with names and types the server decides),
hostile metadata (never reaches HTML unescaped), hostile rich text (escaped or sanitised before
a rich-text field and again when rendered), non-canonical media paths (refused, never a way round
the publication check), response headers (CSP, nosniff, cache privacy, deploy settings).
The browser side (nothing executes in Chromium) is tests/browser/test_hostile_sweep.py.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from capsules.authoring.capsule import create_capsule, update_capsule_texts
from capsules.models import Footage
from capsules.pipeline.ingest import ingest_file
from capsules.pipeline.uploads import clean_original_name
from capsules.sanitize import clean_html, rich_text_from_plain
from cms.media import access, content_type_for, is_canonical
from media_pipeline.filenames import original_filename
from tests import factories, pages
from tests.mediagen import make_clip

pytestmark = pytest.mark.django_db

# Payloads set window.__xss and open a dialog: the browser sweep watches both.
MARK = "window.__xss=(window.__xss||0)+1;alert(document.domain)"
HOSTILE_TEXTS = [
    f"<img src=x onerror=\"{MARK}\">",
    f"<script>{MARK}</script>",
    f"javascript:{MARK}",
    f"\"><svg onload=\"{MARK}\">",
    f"'><iframe srcdoc=\"<script>parent.{MARK}</script>\"></iframe>",
    f"<a href=\"javascript:{MARK}\">lien</a>",
    f"</textarea><script>{MARK}</script>",
    f"{{{{7*7}}}} <style>body{{display:none}}</style><math><mtext><table><mglyph><style><img src=x onerror=\"{MARK}\">",
]
HOSTILE_NAMES = [
    "notes.html",
    "page.htm",
    "image.svg",
    "doc.xhtml",
    "evil.mp4.html",
    "../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "<script>alert(1)</script>.mp4",
    "\"><svg onload=alert(1)>.mov",
    "-rf .mp4",
    ".htaccess",
    "clip.php",
]
# Spellings of a protected key the file system resolves to the same file.
NON_CANONICAL = [
    "footage//{shard}/{sha}/original/{name}",
    "./footage/{shard}/{sha}/original/{name}",
    "x/../footage/{shard}/{sha}/original/{name}",
    "footage/{shard}/./{sha}/original/{name}",
    "footage/{shard}/{sha}//original/{name}",
    "footage/{shard}/{sha}/original/./{name}",
    "footage/{shard}/{sha}/transcode/../original/{name}",
    "footage/./{shard}/{sha}/original/{name}",
]
DANGEROUS_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml",
                   "application/javascript", "text/javascript")


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_clip(tmp_path_factory.mktemp("adv") / "clip.mp4", duration=1.0, size="160x90", fps=10)


def _dangerous(content_type: str) -> bool:
    return content_type.split(";")[0].strip() in DANGEROUS_TYPES


# --- hostile file names -------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_upload_name_is_stored_and_served_as_the_server_decides(name, clip, storage_root):
    designer = factories.designer(username=f"d{secrets.token_hex(4)}")
    footage = ingest_file(clip, original_name=name, user=designer, start=False)
    key = footage.original.name
    assert key == f"footage/{footage.checksum[:2]}/{footage.checksum}/original/source.mp4"
    # kept for display only (escaped there), without folders or control characters
    assert footage.original_name == clean_original_name(name)
    assert "\x00" not in footage.original_name and "/" not in footage.original_name
    client = Client()
    client.force_login(designer)
    resp = client.get(f"/media/{key}")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "video/mp4"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp["Content-Security-Policy"]
    detail_resp = client.get(f"/admin/geste/footage/{footage.pk}/")
    assert detail_resp.status_code == 200
    detail = detail_resp.content.decode()
    assert "<script>alert(1)" not in detail and "<svg onload" not in detail


@pytest.mark.parametrize("stored", ["notes.html", "x.svg", "x.xhtml", "x.htm", "x.xml", "x.js", "x", "x.HTML"])
def test_files_of_any_name_are_never_served_as_active_content(stored, storage_root):
    """Files already stored under a user's name by older code: never rendered by the browser."""
    footage = factories.FootageFactory(checksum=secrets.token_hex(32))
    designer = factories.designer(username=f"d{secrets.token_hex(4)}")
    for stage in ("original", "transcode"):
        key = factories.footage_key(footage.checksum, stage, stored)
        (storage_root / key).parent.mkdir(parents=True, exist_ok=True)
        (storage_root / key).write_bytes(b"<html><script>alert(1)</script></html>")
        client = Client()
        client.force_login(designer)
        resp = client.get(f"/media/{key}")
        assert resp.status_code == 200
        assert not _dangerous(resp["Content-Type"]), resp["Content-Type"]
        assert resp["Content-Type"] == "application/octet-stream"
        assert resp["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("ext,expected", [
    ("mp4", "video/mp4"), ("m3u8", "application/vnd.apple.mpegurl"), ("ts", "video/mp2t"),
    ("vtt", "text/vtt; charset=utf-8"), ("jpg", "image/jpeg"), ("json", "application/json"),
    ("m4s", "video/iso.segment"),
])
def test_derived_files_have_server_decided_types_and_play_inline(ext, expected):
    key = f"footage/ab/{'ab' * 32}/transcode/0123/360p/index.{ext}"
    assert content_type_for(key) == (expected, False)
    original = f"footage/ab/{'ab' * 32}/original/source.{ext}"
    assert content_type_for(original)[1] is True  # originals are downloads


def test_original_names_come_from_the_probed_container():
    assert original_filename("mp4") == "source.mp4"
    assert original_filename("matroska") == "source.mkv"
    assert original_filename("html") == original_filename("") == "source.bin"


# --- hostile metadata ---------------------------------------------------------------------------


def test_hostile_container_metadata_never_reaches_html(tmp_path, storage_root):
    src = make_clip(tmp_path / "meta.mp4", duration=1.0, size="160x90", fps=10,
                    container_args=("-metadata", f"title=<script>{MARK}</script>",
                                    "-metadata", f"comment=<img src=x onerror=\"{MARK}\">"))
    designer = factories.designer(username="meta-designer")
    footage = ingest_file(src, original_name="meta.mp4", user=designer, start=False)
    assert "<script>" not in footage.title
    client = Client()
    client.force_login(designer)
    for url in (f"/admin/geste/footage/{footage.pk}/", reverse("footage:index")):
        resp = client.get(url)
        assert resp.status_code == 200, url
        body = resp.content.decode()
        assert "<script>window.__xss" not in body and "<img src=x onerror" not in body


# --- hostile rich text --------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_sanitiser_removes_every_active_part(text):
    for html in (clean_html(text), clean_html(rich_text_from_plain(text)), rich_text_from_plain(text)):
        _assert_inert(html)
        assert not re.search(r"<(script|svg|iframe|style|math)\b", html.lower())


def test_plain_text_keeps_its_words_and_paragraphs():
    html = rich_text_from_plain("Couper l'eau & purger\nle circuit\n\nPuis <dévisser>")
    assert html == "<p>Couper l&#x27;eau &amp; purger<br>le circuit</p><p>Puis &lt;dévisser&gt;</p>"
    assert clean_html(html) == html.replace("&#x27;", "'")


def _approved_footage():
    footage = factories.FootageFactory(status=Footage.Status.APPROVED)
    factories.StepFactory(footage=footage, start=0, end=5, title="Étape", approved=True)
    return footage


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_capsule_summary_reaches_the_page_escaped(text, storage_root):
    from tests.baseline import ensure_baseline

    ensure_baseline()
    footage = _approved_footage()
    authored = create_capsule(footage, title=f"Titre {text}", summary=f"Résumé {text}")
    from cms.models import CapsulePage

    page = CapsulePage.objects.get(pk=authored.page_id)
    for intro in (page.intro, page.get_latest_revision_as_object().intro):
        assert "<script" not in intro and "<img" not in intro and "<svg" not in intro and "<a " not in intro
    capsule = page.capsule
    update_capsule_texts(capsule, title="Autre", summary=f"Encore {text}")
    latest = CapsulePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert "<script" not in latest.intro and "<img" not in latest.intro and "<svg" not in latest.intro
    latest.save_revision().publish()
    for ancestor in page.get_ancestors():
        if not ancestor.specific.live:
            ancestor.specific.save_revision().publish()
    body = Client().get(CapsulePage.objects.get(pk=page.pk).url).content.decode()
    assert "Encore" in body
    _assert_inert(body)


class _ActiveParts(HTMLParser):
    """Every part of an HTML document that could run script, as the browser's parser sees it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("svg", "iframe", "object", "embed", "math", "base"):
            self.found.append(f"<{tag}>")
        if tag == "script" and not attrs.get("src"):
            self._in_script = True
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcdoc") and value and (
                name == "srcdoc" or value.strip().lower().startswith(("javascript:", "data:text/html"))
            ):
                self.found.append(f"<{tag} {name}={value[:30]}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:40]}")


def _assert_inert(body: str) -> None:
    parser = _ActiveParts()
    parser.feed(body)
    parser.close()
    assert not parser.found, parser.found


def test_intro_stored_raw_is_sanitised_when_rendered(storage_root):
    """An intro written before escaping existed (or by code that forgets it) renders inert."""
    capsule = factories.CapsuleFactory(footage=_approved_footage())
    page = pages.capsule_page(capsule, publish=False)
    # the safe link first: the last payload (a <style> inside MathML) swallows what follows it
    page.intro = '<p><a href="https://exemple.fr/">lien sûr</a></p>' + "".join(f"<p>{t}</p>" for t in HOSTILE_TEXTS)
    page.save_revision().publish()
    for ancestor in page.get_ancestors():
        if not ancestor.specific.live:
            ancestor.specific.save_revision().publish()
    body = Client().get(page.url).content.decode()
    assert 'href="https://exemple.fr/"' in body, body[body.find("<main"):body.find("<main") + 3000]
    _assert_inert(body)
    # the draft view (a designer previewing) gets the same treatment and the strict policy
    designer = factories.designer(username="preview-designer")
    client = Client()
    client.force_login(designer)
    resp = client.get(f"/admin/pages/{page.pk}/view_draft/")
    assert resp.status_code == 200
    _assert_inert(resp.content.decode())
    assert "unsafe-inline" not in resp["Content-Security-Policy"]


# --- non-canonical media paths ------------------------------------------------------------------


@pytest.fixture
def unpublished_original(storage_root):
    footage = factories.FootageFactory(checksum=secrets.token_hex(32), status=Footage.Status.IN_REVIEW)
    key = factories.footage_key(footage.checksum, "original", "source.mp4")
    path = storage_root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    return footage, key


@pytest.mark.parametrize("spelling", NON_CANONICAL)
def test_non_canonical_paths_do_not_bypass_the_publication_check(spelling, unpublished_original):
    footage, key = unpublished_original
    anon = Client()
    assert anon.get(f"/media/{key}").status_code == 404  # the canonical form: checked, refused
    path = spelling.format(shard=footage.checksum[:2], sha=footage.checksum, name="source.mp4")
    assert not is_canonical(path)
    assert anon.get(f"/media/{path}").status_code == 404
    designer = factories.designer(username="canon-designer")
    client = Client()
    client.force_login(designer)
    assert client.get(f"/media/{key}").status_code == 200
    assert client.get(f"/media/{path}").status_code == 404  # one spelling for everyone


@pytest.mark.parametrize("path", [
    "footage/zz/{sha}/original/source.mp4",          # shard that is not the checksum's
    "footage/{shard}/{sha}",                          # no stage
    "Footage/{shard}/{sha}/original/source.mp4",      # case variant
    "footage/{shard}/{sha}/original/source.mp4\\..\\x",
    "documents/secret.pdf",                           # Wagtail documents go through /documents/
    "footage/{shard}/{sha}/original/source.mp4\x00",
])
def test_other_unusual_keys_are_refused(path, unpublished_original):
    footage, _ = unpublished_original
    designer = factories.designer(username="odd-designer")
    path = path.format(shard=footage.checksum[:2], sha=footage.checksum)
    assert access(designer, path) is None


# --- headers ------------------------------------------------------------------------------------


def test_private_media_are_not_cached_by_shared_caches(unpublished_original):
    footage, key = unpublished_original
    designer = factories.designer(username="cache-designer")
    client = Client()
    client.force_login(designer)
    resp = client.get(f"/media/{key}")
    assert resp.status_code == 200
    assert resp["Cache-Control"].startswith("private")
    assert "public" not in resp["Cache-Control"]
    # once published, the same footage's renditions may be cached publicly
    capsule = factories.CapsuleFactory(footage=footage, skills_block=footage.skills_block)
    pages.capsule_page(capsule)
    rendition = factories.footage_key(footage.checksum, "transcode", "360p.mp4")
    from django.conf import settings

    target = Path(settings.MEDIA_ROOT) / rendition
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\x00" * 32)
    public = Client().get(f"/media/{rendition}")
    assert public.status_code == 200 and public["Cache-Control"].startswith("public")


def test_every_page_has_a_content_security_policy(storage_root):
    capsule = factories.CapsuleFactory(footage=_approved_footage())
    page = pages.capsule_page(capsule)
    for ancestor in page.get_ancestors():
        if not ancestor.specific.live:
            ancestor.specific.save_revision().publish()
    anon = Client()
    for url in (page.url, "/recherche/?q=joint", "/"):
        resp = anon.get(url)
        csp = resp["Content-Security-Policy"]
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'", (url, csp)
        assert "unsafe-inline" not in directives["style-src"]
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
        assert resp["X-Content-Type-Options"] == "nosniff"
    designer = factories.designer(username="csp-designer")
    client = Client()
    client.force_login(designer)
    admin = client.get("/admin/")
    assert "script-src 'self' 'unsafe-inline'" in admin["Content-Security-Policy"]
    assert "object-src 'none'" in admin["Content-Security-Policy"]


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.production",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_ALLOWED_HOSTS": "geste.example"}
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "W004" not in done.stderr and "W008" not in done.stderr
    off = {**env, "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_SECURE_HSTS_SECONDS": "0"}
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy"],
                          cwd=Path(__file__).resolve().parents[2], env=off, capture_output=True, text=True)
    assert "W004" in done.stderr + done.stdout and "W008" in done.stderr + done.stdout  # settings come from env


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_truth_export_carries_hostile_titles_as_inert_json(text):
    """Step titles travel into the truth export: a JSON download, never a page a browser would render."""
    import json

    who = factories.expert(username="expert-truth-hostile")
    footage = factories.FootageFactory(expert=who, duration=20.0, status=Footage.Status.APPROVED,
                                       original_name=text[:200])
    factories.StepFactory(footage=footage, order=1, start=0.0, end=10.0, title=text[:255], approved=True)
    client = Client()
    client.force_login(factories.designer(username="designer-truth-hostile"))  # the export is theirs (walk 36)
    res = client.get(reverse("review_api:truth", args=[footage.pk]))
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/json") and res["X-Content-Type-Options"] == "nosniff"
    assert res["Content-Disposition"] == f'attachment; filename="verite-terrain-{footage.pk}.json"'
    data = json.loads(res.content)
    assert data["steps"][0]["title"] == text[:255] and data["video"]["name"] == text[:200]


@pytest.mark.parametrize("text", HOSTILE_TEXTS + [f"did:web:exemple.fr:{t}" for t in HOSTILE_TEXTS]
                         + [f"did:key:z6Mk{t}" for t in HOSTILE_TEXTS])
def test_hostile_texts_are_never_accepted_as_a_learner_did(text):
    """The DID a learner types into their portfolio (capsules/recognition/did.py) ends up in signed badges."""
    from django.core.exceptions import ValidationError

    from capsules.recognition.did import normalise_did

    with pytest.raises(ValidationError):
        normalise_did(text)


# --- LTI 1.3 inputs: OIDC login parameters, id_token, the deep-linking form (capsules/interop/lti) -----


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_lti_login_parameters_stay_inert(text):
    """Every OIDC login parameter is echoed into the cookie-check page only as an escaped attribute
    of a URL Geste builds itself; the page carries no inline script."""
    from lti_tool.models import LtiRegistration

    LtiRegistration.objects.create(name="LMS", issuer="https://lms.example", client_id="c1",
                                   auth_url="https://lms.example/auth", token_url="https://lms.example/token",
                                   keyset_url="https://lms.example/jwks")
    params = {"iss": "https://lms.example", "client_id": "c1", "login_hint": text, "lti_message_hint": text,
              "target_link_uri": text, "lti_deployment_id": text}
    html = Client().get("/lti/connexion/", params).content.decode()
    assert "<img" not in html and "<svg" not in html and "onerror=" not in html.replace("onerror%3D", "")
    assert re.findall(r"<script[^>]*>([^<]*)</script>", html) == [""]  # only <script src=…></script>


@pytest.mark.parametrize("value", ["capsule:1 OR 1=1", "bloc:../1", "<script>x</script>", "capsule:" + "9" * 40])
def test_lti_forms_refuse_forged_values(value):
    from capsules.interop.lti.targets import parse_key, parse_uri

    assert parse_key(value) is None and parse_uri(value) is None
    response = Client().post("/lti/liens/", {"launch_id": value, "cible": value})
    assert response.status_code == 400 and "<script>x" not in response.content.decode()
    response = Client().post("/lti/lancement/", {"id_token": value, "state": value})
    assert response.status_code == 400


# --- cmi5 launch parameters (capsules/interop/cmi5_launch.py) ------------------------------------------


@pytest.mark.parametrize("param", ["endpoint", "fetch", "actor", "registration", "activityId"])
@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_cmi5_launch_parameters_are_refused_before_any_request(param, text, settings, monkeypatch):
    """Each launch parameter is checked before Geste sends anything anywhere; the refusal page
    echoes none of it."""
    import json
    import uuid

    import requests

    settings.GESTE_CMI5_LMS_ORIGINS = ["https://lms.example"]
    sent = []
    monkeypatch.setattr(requests, "post", lambda *a, **k: sent.append(a))  # would be a request: none expected
    monkeypatch.setattr(requests, "get", lambda *a, **k: sent.append(a))
    capsule = factories.CapsuleFactory()
    pages.capsule_page(capsule)
    query = {"endpoint": "https://lms.example/xapi", "fetch": "https://lms.example/fetch/1",
             "actor": json.dumps({"account": {"homePage": "https://lms.example", "name": "a"}}),
             "registration": str(uuid.uuid4()), "activityId": "https://lms.example/au/1", param: text}
    response = Client().get(f"/interop/cmi5/capsules/{capsule.pk}/", query)
    html = response.content.decode()
    assert response.status_code == 400 and "Lancement cmi5 refusé" in html
    assert "<img" not in html and "<svg" not in html and "<iframe" not in html and "__xss" not in html
    assert sent == []
