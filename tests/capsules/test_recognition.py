"""Open Badges 3.0 per skills block: issued through the real completion path (answers graded by the
server), valid against 1EdTech's JSON Schema, verified, revoked, keys rotated; the portfolio and its
share links."""

from __future__ import annotations

import copy
import importlib
import io
import json
import re
import uuid
import zipfile
from datetime import timedelta
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from jsonschema import Draft201909Validator
from PIL import Image
from pyld import jsonld

from capsules.learning import delivery
from capsules.models import Achievement, BadgeCredential, Cohort, IssuerKey, PortfolioShare, Progress, Step
from capsules.recognition import baking, issuance, keys, signing, status_list
from capsules.recognition.contexts import document_loader
from capsules.recognition.verification import verify_credential
from tests import factories, pages

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "openbadges" /
                     "achievementcredential.json").read_text())


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def block(storage_root):
    """A live skills block with two 20 s capsules, one mandatory question each, and its badge."""
    block = factories.SkillsBlockFactory(code="RNCP37274BC01", certification__rncp_code="RNCP37274")
    capsules = []
    for n in range(2):
        footage = factories.FootageFactory(skills_block=block, duration=20.0)
        Step.objects.create(footage=footage, order=0, start=0, end=10, title=f"Geste {n}", approved=True)
        capsule = factories.CapsuleFactory(footage=footage, title=f"Capsule {n + 1}")
        factories.InteractionFactory(capsule=capsule, mandatory=True)
        pages.capsule_page(capsule)
        capsules.append(capsule)
    achievement = Achievement.objects.create(
        skills_block=block, name="Maintenir les équipements sanitaires", description="Réparer robinetterie et joints.",
        criteria_narrative="Toutes les capsules du bloc terminées, questions obligatoires réussies.",
        min_first_try_score=50)
    return {"block": block, "capsules": capsules, "achievement": achievement}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def complete(client, capsule, answers, capture):
    """Watch the whole capsule and answer its question(s) through the learner API."""
    with capture(execute=True):
        post(client, reverse("learner-progress", args=[capsule.pk]), {"position": 20, "watched": [[0, 20]]})
    q = capsule.interactions.get()
    learner = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    for choice in answers:
        # the learner API speaks this learner's opaque choice ids (capsules/learning/delivery.py)
        response = delivery.response_to_public(q, {"choice": choice}, delivery.audience_for(learner))
        with capture(execute=True):
            resp = post(client, reverse("learner-answer", args=[q.pk]),
                        {"response": response, "client_id": str(uuid.uuid4())})
        assert resp.status_code == 200


def earn(block, user, capture, first_answers=("a",)):
    client = login(user)
    complete(client, block["capsules"][0], ["a"], capture)
    complete(client, block["capsules"][1], list(first_answers), capture)
    return client


def test_badge_issued_through_completion_valid_schema_and_proof(block, django_capture_on_commit_callbacks):
    learner = factories.learner(email="lea.apprenante@example.org")
    client = login(learner)
    complete(client, block["capsules"][0], ["a"], django_capture_on_commit_callbacks)
    assert not BadgeCredential.objects.exists()  # one capsule of two
    complete(client, block["capsules"][1], ["b", "a"], django_capture_on_commit_callbacks)  # wrong, then right
    credential = BadgeCredential.objects.get(user=learner)
    doc = credential.document

    errors = sorted(Draft201909Validator(SCHEMA).iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors]
    assert isinstance(doc["proof"], list) and doc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert "lea.apprenante" not in json.dumps(doc) and learner.username not in json.dumps(doc)
    ident = doc["credentialSubject"]["identifier"][0]
    assert ident["hashed"] and ident["identityHash"] == signing_hash("lea.apprenante@example.org", ident["salt"])
    alignment = doc["credentialSubject"]["achievement"]["alignment"][0]
    assert (alignment["targetCode"], alignment["targetFramework"]) == ("RNCP37274BC01", "RNCP")
    assert alignment["targetUrl"] == "https://www.francecompetences.fr/recherche/rncp/37274/"
    assert [e["name"] for e in doc["evidence"]] == ["Score au premier essai sur le bloc", "Capsule 1", "Capsule 2"]
    # The rule's figure first (the whole block), then each capsule's count: its first try was wrong.
    assert doc["evidence"][0]["narrative"] == ("50 % (1 sur 2 questions notées réussies du premier coup ; "
                                               "minimum exigé : 50 %).")
    assert "0 sur 1 question notée réussie du premier coup" in doc["evidence"][2]["narrative"]
    assert doc["validFrom"].endswith("Z")
    report = verify_credential(doc)
    assert report.valid, report

    page = Client().get(reverse("recognition-credential", args=[credential.uuid]))
    assert page.status_code == 200 and "Badge vérifié" in page.content.decode()
    download = Client().get(reverse("recognition-credential-json", args=[credential.uuid]))
    assert download["Content-Type"] == "application/ld+json" and "attachment" in download["Content-Disposition"]
    assert json.loads(download.content) == doc
    png = Client().get(reverse("recognition-credential-baked", args=[credential.uuid, "png"]))
    assert png["Content-Type"] == "image/png" and baking.unbake_png(png.content) == doc
    assert Image.open(io.BytesIO(png.content)).size == (512, 512)
    svg = Client().get(reverse("recognition-credential-baked", args=[credential.uuid, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and baking.unbake_svg(svg.content.decode()) == doc
    ElementTree.fromstring(svg.content)  # well-formed XML
    # Idempotent: more answers and progress do not issue a second badge.
    complete(client, block["capsules"][1], ["a"], django_capture_on_commit_callbacks)
    assert BadgeCredential.objects.filter(user=learner).count() == 1


def signing_hash(value, salt):
    from capsules.recognition.credentials import identity_hash
    return identity_hash(value, salt)


def test_every_value_of_the_credential_is_signed(block, django_capture_on_commit_callbacks):
    """A term missing from the shipped contexts would be dropped by canonicalisation, so left unsigned."""
    earn(block, factories.learner(), django_capture_on_commit_callbacks)
    doc = BadgeCredential.objects.get().document
    nquads = signing.canonicalize(signing.unsecured(doc))
    leaves = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("@context", "proof"):
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key not in ("type", "id"):
            leaves.append(str(node).lower() if isinstance(node, bool) else str(node))
    walk(doc)
    missing = [leaf for leaf in leaves if json.dumps(leaf, ensure_ascii=False)[1:-1] not in nquads]
    assert len(leaves) > 20 and not missing


def test_rule_not_met_means_no_badge_and_command_exit_1(block, django_capture_on_commit_callbacks):
    block["achievement"].min_first_try_score = 80
    block["achievement"].save()
    learner = factories.learner(username="camille")
    earn(block, learner, django_capture_on_commit_callbacks, first_answers=("b", "a"))  # 50 % at first try
    assert not BadgeCredential.objects.exists()
    with pytest.raises(CommandError, match="n'a pas obtenu le badge du bloc RNCP37274BC01"):
        call_command("badge_credential", "camille", "RNCP37274BC01")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "badge_credential", "camille", "RNCP37274BC01"]).execute()
    assert exit_info.value.code == 1


def test_command_prints_signed_credential(block, django_capture_on_commit_callbacks):
    earn(block, factories.learner(username="lea"), django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("badge_credential", "lea", "RNCP37274BC01", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["type"] == ["VerifiableCredential", "OpenBadgeCredential"] and verify_credential(printed).valid


def test_tampered_credential_fails(block, django_capture_on_commit_callbacks):
    earn(block, factories.learner(), django_capture_on_commit_callbacks)
    credential = BadgeCredential.objects.get()
    tampered = copy.deepcopy(credential.document)
    tampered["credentialSubject"]["achievement"]["name"] = "Expert en tout"
    report = verify_credential(tampered)
    assert not report.proof_valid and not report.valid and "Signature invalide" in report.proof_message
    credential.document = tampered
    credential.save()
    html = Client().get(reverse("recognition-credential", args=[credential.uuid])).content.decode()
    assert 'data-verified="false"' in html and "Signature invalide" in html


def test_revoked_credential_reports_revoked(block, django_capture_on_commit_callbacks):
    earn(block, factories.learner(), django_capture_on_commit_callbacks)
    credential = BadgeCredential.objects.get()
    assert verify_credential(credential.document).revoked is False
    issuance.revoke(credential, factories.designer(), "Erreur de saisie")
    report = verify_credential(credential.document)
    assert report.revoked is True and report.proof_valid and not report.valid
    listing = json.loads(Client().get(reverse("recognition-status-list", args=["revocation"])).content)
    assert signing.verify(listing, keys.resolve).valid
    bits = status_list.decode(listing["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == status_list.LIST_SIZE and status_list.is_set(bits, credential.status_index)
    assert sum(bin(b).count("1") for b in bits) == 1
    html = Client().get(reverse("recognition-credential", args=[credential.uuid])).content.decode()
    assert "Badge révoqué" in html and "révoqué par l&#x27;émetteur" in html


def test_key_rotation_keeps_old_credentials_verifiable(block, django_capture_on_commit_callbacks):
    earn(block, factories.learner(), django_capture_on_commit_callbacks)
    old = BadgeCredential.objects.get()
    call_command("rotate_issuer_key", stdout=StringIO())
    new = issuance.award_by_hand(factories.learner(), block["achievement"], factories.designer(),
                                 "Geste observé en atelier : serrage au couple correct.")
    assert old.document["proof"][0]["verificationMethod"] != new.document["proof"][0]["verificationMethod"]
    assert verify_credential(old.document).valid and verify_credential(new.document).valid
    controller = json.loads(Client().get(reverse("recognition-issuer")).content)
    assert controller["id"] == old.document["issuer"]["id"]
    assert {m["id"] for m in controller["verificationMethod"]} == {
        old.document["proof"][0]["verificationMethod"], new.document["proof"][0]["verificationMethod"]}
    assert IssuerKey.objects.filter(retired_at=None).count() == 1
    expanded = jsonld.expand(controller, {"documentLoader": document_loader})  # shipped contexts only
    assert "https://w3id.org/security#publicKeyMultibase" in json.dumps(expanded)
    assert new.document["evidence"][-1]["narrative"].startswith("Geste observé en atelier")
    with pytest.raises(ValueError):
        issuance.award_by_hand(factories.learner(), block["achievement"], factories.designer(), "  ")


# --- portfolio and share links ---------------------------------------------------------------------


def test_portfolio_private_and_share_links(block, django_capture_on_commit_callbacks):
    lea = factories.learner(first_name="Léa", last_name="Apprenante")
    client = earn(block, lea, django_capture_on_commit_callbacks)
    other = factories.learner(first_name="Paul", last_name="Autre")
    mine = client.get(reverse("recognition-portfolio")).content.decode()
    assert "Maintenir les équipements sanitaires" in mine and "Capsule 2" in mine and "Geste 1" in mine
    # Another learner sees their own, empty portfolio, never Léa's.
    theirs = login(other).get(reverse("recognition-portfolio")).content.decode()
    assert "Maintenir les équipements sanitaires" not in theirs and "Aucun badge" in theirs
    anonymous = Client().get(reverse("recognition-portfolio"))  # anonymous: the learners' sign-in page
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("learner-login") + "?next=")

    export = client.get(reverse("recognition-portfolio-export"))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        names = archive.namelist()
        badge_file = next(n for n in names if n.startswith("badges/"))
        assert verify_credential(json.loads(archive.read(badge_file))).valid
        assert archive.read("attestation.pdf").startswith(b"%PDF-")
    assert Client().get(reverse("recognition-portfolio-export")).status_code == 302

    resp = client.post(reverse("recognition-share-create"), {"days": "7", "label": "Employeur"}, follow=True)
    link = re.search(r'value="(https?://[^"]+/reconnaissance/partage/[^"]+/)"', resp.content.decode()).group(1)
    path = link.split("://", 1)[1].split("/", 1)[1]
    shared = Client().get("/" + path)
    assert shared.status_code == 200 and "Portfolio de Léa Apprenante" in shared.content.decode()
    assert "Maintenir les équipements sanitaires" in shared.content.decode()
    share = PortfolioShare.objects.get()
    assert share.token not in link  # only the digest is stored

    share.expires_at = timezone.now() - timedelta(seconds=1)
    share.save()
    refused = Client().get("/" + path)
    assert refused.status_code == 410 and "expiré" in refused.content.decode()

    share.expires_at = timezone.now() + timedelta(days=1)
    share.save()
    assert Client().get("/" + path).status_code == 200
    # Only the owner can revoke; someone else's revoke is a no-op.
    login(other).post(reverse("recognition-share-revoke", args=[share.pk]))
    assert Client().get("/" + path).status_code == 200
    client.post(reverse("recognition-share-revoke", args=[share.pk]))
    assert Client().get("/" + path).status_code == 410
    assert Client().get("/reconnaissance/partage/pas-un-vrai-jeton/").status_code == 410


def pdf_text(raw: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)


def test_portfolio_export_holds_french_pdf_attestation(block, django_capture_on_commit_callbacks, settings):
    """The ZIP's PDF names the learner, the organisation, each badge (name, RNCP code, date,
    verification URL), the capsules with dates and scores, the gestures with their keyframes;
    nothing of another learner."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from pypdf import PdfReader

    from capsules.recognition.site import issuer_profile

    profile = issuer_profile()
    profile.name = "Centre de formation des Compagnons"
    profile.save()
    frame = io.BytesIO()
    Image.new("RGB", (1280, 720), (40, 120, 200)).save(frame, format="JPEG")
    key = default_storage.save("footage/ab/keyframes/step-0.jpg", ContentFile(frame.getvalue()))
    Step.objects.filter(footage=block["capsules"][0].footage).update(keyframe=key, title="Couper l'eau")

    lea = factories.learner(first_name="Léa", last_name="Apprenante")
    client = earn(block, lea, django_capture_on_commit_callbacks)
    paul = factories.learner(first_name="Paul", last_name="Autre")
    paul_client = login(paul)
    complete(paul_client, block["capsules"][0], ["b"], django_capture_on_commit_callbacks)

    export = client.get(reverse("recognition-portfolio-export"))
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        raw = archive.read("attestation.pdf")
        assert "attestation.pdf" in archive.read("LISEZMOI.txt").decode()
    text = " ".join(pdf_text(raw).split())
    credential = BadgeCredential.objects.get(user=lea)
    assert "Attestation de compétences" in text
    assert "Léa Apprenante" in text and "Centre de formation des Compagnons" in text
    assert "Maintenir les équipements sanitaires" in text and "RNCP37274BC01" in text
    issued = timezone.localtime(credential.issued_at)
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]
    assert f"{issued.day} {months[issued.month - 1]} {issued.year}" in text
    assert "".join(credential.document["id"].split()) in "".join(text.split())  # the URL may wrap
    assert "Capsule 1" in text and "Capsule 2" in text and "score au premier essai : 100 %" in text
    assert "Couper l'eau" in text and "Geste 1" in text
    assert "Paul" not in text and "Autre" not in text
    images = [image for page in PdfReader(io.BytesIO(raw)).pages for image in page.images]
    assert len(images) == 1 and max(images[0].image.size) <= 240  # a thumbnail, not the 1280 px frame

    # Paul's own export: his capsule at 0 %, no badge, nothing of Léa's.
    with zipfile.ZipFile(io.BytesIO(paul_client.get(reverse("recognition-portfolio-export")).content)) as archive:
        theirs = " ".join(pdf_text(archive.read("attestation.pdf")).split())
        assert not [n for n in archive.namelist() if n.startswith("badges/")]
    assert "Paul Autre" in theirs and "Aucun badge" in theirs and "score au premier essai : 0 %" in theirs
    assert "Léa" not in theirs and "Maintenir les équipements sanitaires" not in theirs


def test_pdf_fetcher_reads_only_local_media_and_static(storage_root, live_server):
    """Rendering never reaches the network or the file system at large, even for a URL that would answer."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from capsules.recognition.attestation import LocalFetcher

    frame = io.BytesIO()
    Image.new("RGB", (800, 600), (0, 0, 0)).save(frame, format="PNG")
    default_storage.save("footage/kf.png", ContentFile(frame.getvalue()))
    fetcher = LocalFetcher()
    thumb = fetcher.fetch("geste-media:footage/kf.png")
    assert thumb.content_type == "image/jpeg" and Image.open(io.BytesIO(thumb.read())).size == (240, 180)
    assert fetcher.fetch("geste-static:recognition/recognition.css").read().startswith(b".badge")
    for url in (live_server.url + "/reconnaissance/emetteur", "https://example.org/x.png", "file:///etc/passwd",
                "geste-media:../../etc/passwd", "geste-media:/etc/passwd", "geste-media:footage/../../x",
                "geste-static:../settings.py", "geste-static:/etc/passwd", "ftp://example.org/a",
                "data:image/png;base64,iVBORw0KGgo="):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# --- admin: designers edit badges; trainers and designers award by hand and revoke -----------------


def test_admin_award_by_hand_and_revoke(block):
    trainer = factories.UserFactory(groups=["Trainers"])
    learner = factories.learner()
    _session(block, trainer, learner)
    client = login(trainer)
    resp = client.post(reverse("geste_badges"), {"learner": learner.pk, "achievement": block["achievement"].pk,
                                                 "narrative": "Serrage au couple observé en atelier."})
    assert resp.status_code == 302
    credential = BadgeCredential.objects.get(user=learner)
    assert credential.awarded_by == trainer and verify_credential(credential.document).valid
    assert credential.document["evidence"][-1]["narrative"] == "Serrage au couple observé en atelier."
    assert str(credential.uuid) in client.get(reverse("geste_badges")).content.decode()

    client.post(reverse("geste_badge_revoke", args=[credential.pk]), {"reason": "Doublon", "confirm": "1"})
    credential.refresh_from_db()
    assert credential.revoked_at and verify_credential(credential.document).revoked is True

    expert = factories.expert()
    assert login(expert).get(reverse("geste_badges")).status_code == 403
    assert login(expert).post(reverse("geste_badge_revoke", args=[credential.pk])).status_code == 403
    assert login(learner).get(reverse("geste_badges")).status_code == 302  # no admin access at all

    designer = login(factories.designer())
    assert designer.get(reverse("geste_badges")).status_code == 200
    assert designer.post(reverse("geste_badge_rotate_key")).status_code == 403
    admin = login(factories.UserFactory(is_superuser=True, is_staff=True))
    old_key = IssuerKey.objects.get(retired_at=None)
    admin.post(reverse("geste_badge_rotate_key"))
    assert IssuerKey.objects.get(retired_at=None) != old_key and verify_credential(credential.document).proof_valid
    listing = designer.get(reverse("achievement:index"))
    assert listing.status_code == 200 and "Maintenir les équipements sanitaires" in listing.content.decode()
    edit = designer.get(reverse("achievement:edit", args=[block["achievement"].pk]))
    assert edit.status_code == 200 and "score minimum au premier essai" in edit.content.decode().lower()


def _session(block, trainer, *learners, name="Session"):
    cohort = Cohort.objects.create(name=name, skills_block=block["block"], start_date=timezone.localdate(),
                                   end_date=timezone.localdate() + timedelta(days=30))
    cohort.trainers.add(trainer)
    cohort.learners.add(*learners)
    return cohort


def _learner_options(client) -> list[str]:
    html = client.get(reverse("geste_badges")).content.decode()
    select = re.search(r'<select name="learner".*?</select>', html, re.S).group(0)
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r'<option value="\d+"[^>]*>(.*?)</option>', select)]


def test_trainer_awards_sees_and_revokes_only_their_sessions_learners(block):
    """A trainer reaches only the learners enrolled in a session they train, by full name; never a designer,
    expert or administrator account, nor another trainer's learner. Enforced on the POSTs, not only the list."""
    trainer = factories.UserFactory(groups=["Trainers"])
    other_trainer = factories.UserFactory(groups=["Trainers"])
    mine = factories.learner(first_name="Léa", last_name="Apprenante", username="lea")
    theirs = factories.learner(first_name="Hugo", last_name="Ailleurs", username="hugo")
    _session(block, trainer, mine)
    _session(block, other_trainer, theirs, name="Autre session")
    designer = factories.designer(username="concepteur")
    admin = factories.UserFactory(is_superuser=True, is_staff=True, username="admin")
    achievement = block["achievement"]
    theirs_badge = issuance.award_by_hand(theirs, achievement, other_trainer, "Observé par l'autre formateur.")

    client = login(trainer)
    assert _learner_options(client) == ["Léa Apprenante"]
    for outsider in (designer, admin, theirs, other_trainer):
        resp = client.post(reverse("geste_badges"), {"learner": outsider.pk, "achievement": achievement.pk,
                                                     "narrative": "Tentative."})
        assert resp.status_code == 200 and "Sélectionnez un choix valide" in resp.content.decode()
        assert not BadgeCredential.objects.filter(user=outsider, awarded_by=trainer).exists()
    listing = client.get(reverse("geste_badges")).content.decode()
    assert "Hugo Ailleurs" not in listing and str(theirs_badge.uuid) not in listing
    resp = client.post(reverse("geste_badge_revoke", args=[theirs_badge.pk]), {"reason": "Abus", "confirm": "1"})
    assert resp.status_code == 404
    assert client.get(reverse("geste_badge_revoke", args=[theirs_badge.pk])).status_code == 404
    theirs_badge.refresh_from_db()
    assert theirs_badge.revoked_at is None

    resp = client.post(reverse("geste_badges"), {"learner": mine.pk, "achievement": achievement.pk,
                                                 "narrative": "Serrage observé."}, follow=True)
    assert "Badge attribué à Léa Apprenante." in resp.content.decode()

    # designers and superusers reach every learner, but never a non-learner account
    factories.learner(first_name="Léa", last_name="Apprenante", username="lea2")  # a namesake: logins shown
    expected = ["Hugo Ailleurs", "Léa Apprenante (lea)", "Léa Apprenante (lea2)"]
    assert _learner_options(login(designer)) == expected
    assert _learner_options(login(admin)) == expected
    resp = login(admin).post(reverse("geste_badges"), {"learner": designer.pk, "achievement": achievement.pk,
                                                      "narrative": "Tentative."})
    assert resp.status_code == 200 and not BadgeCredential.objects.filter(user=designer).exists()
    assert str(theirs_badge.uuid) in login(designer).get(reverse("geste_badges")).content.decode()


def test_revoking_a_badge_asks_a_reason_and_a_confirmation(block):
    trainer = factories.UserFactory(groups=["Trainers"])
    learner = factories.learner(first_name="Léa", last_name="Apprenante")
    _session(block, trainer, learner)
    credential = issuance.award_by_hand(learner, block["achievement"], trainer, "Observé.")
    client = login(trainer)
    url = reverse("geste_badge_revoke", args=[credential.pk])
    assert f'href="{url}"' in client.get(reverse("geste_badges")).content.decode()

    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Révoquer le badge de Léa Apprenante&nbsp;?" in text and "Cette révocation est publiée et définitive" in text
    assert 'name="confirm" value="1"' in text and "required" in text
    # the old one-click form (no confirm) only brings the confirmation page
    assert client.post(url, {"reason": "Doublon"}).status_code == 200
    for empty in ("", "   "):
        resp = client.post(url, {"reason": empty, "confirm": "1"})
        assert resp.status_code == 400 and "Indiquez le motif de la révocation" in resp.content.decode()
    credential.refresh_from_db()
    assert credential.revoked_at is None

    resp = client.post(url, {"reason": " Doublon ", "confirm": "1"}, follow=True)
    assert "Badge révoqué" in resp.content.decode()
    credential.refresh_from_db()
    assert credential.revoked_at and credential.revocation_reason == "Doublon" and credential.revoked_by == trainer


def test_demo_learner_earns_badge_through_learner_api(block, django_capture_on_commit_callbacks):
    from capsules.models import Attempt, Interaction
    from capsules.recognition.demo_badge import earn_as_learner, ensure_block_achievement

    factories.InteractionFactory(capsule=block["capsules"][1], kind=Interaction.Kind.ORDERING, time=12,
                                 choices=[{"id": "s1", "text": "Couper"}, {"id": "s2", "text": "Serrer"}],
                                 answer_key={"order": ["s1", "s2"]})
    assert ensure_block_achievement(block["block"]) == block["achievement"]  # idempotent, keeps the designer's
    learner = factories.learner()
    with django_capture_on_commit_callbacks(execute=True):  # callbacks run at the end of this block
        earn_as_learner(learner, block["block"])
    credential = BadgeCredential.objects.get(user=learner)
    assert verify_credential(credential.document).valid
    assert Attempt.objects.filter(user=learner).count() == 3 and not Attempt.objects.filter(correct=False).exists()


def test_outside_verifier_accepts_over_http(block, django_capture_on_commit_callbacks):
    """Verify as a third party would, with none of Geste's verification code: fetch the controller
    document and the status list at the URLs the credential names, canonicalise with pyld, check
    Ed25519 with cryptography."""
    import hashlib
    from urllib.parse import urlsplit

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    earn(block, factories.learner(), django_capture_on_commit_callbacks)
    doc = json.loads(Client().get(reverse("recognition-credential-json",
                                          args=[BadgeCredential.objects.get().uuid])).content)
    web = Client()

    def fetch(url):
        resp = web.get(urlsplit(url).path)
        assert resp.status_code == 200 and resp["Access-Control-Allow-Origin"] == "*"
        return json.loads(resp.content)

    def canon(d):
        return jsonld.normalize(d, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                    "documentLoader": document_loader})

    def check(signed):
        (proof,) = signed["proof"]
        controller = fetch(proof["verificationMethod"].split("#")[0])
        method = next(m for m in controller["verificationMethod"] if m["id"] == proof["verificationMethod"])
        assert method["id"] in controller["assertionMethod"] and method["controller"] == controller["id"]
        raw = signing.b58decode(method["publicKeyMultibase"][1:])
        assert raw[:2] == b"\xed\x01"
        config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": signed["@context"]}
        data = hashlib.sha256(canon(config).encode()).digest() + hashlib.sha256(
            canon({k: v for k, v in signed.items() if k != "proof"}).encode()).digest()
        Ed25519PublicKey.from_public_bytes(raw[2:]).verify(signing.b58decode(proof["proofValue"][1:]), data)
        return controller

    controller = check(doc)
    assert doc["issuer"]["id"] == controller["id"]
    status = doc["credentialStatus"]
    listing = fetch(status["statusListCredential"])
    check(listing)
    bits = status_list.decode(listing["credentialSubject"]["encodedList"])
    assert not bits[int(status["statusListIndex"]) // 8] & (0x80 >> (int(status["statusListIndex"]) % 8))
    assert Draft201909Validator(SCHEMA).is_valid(doc)


def test_achievement_image_in_credential_and_baked_png(block):
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image as WagtailImage

    buffer = io.BytesIO()
    Image.new("RGB", (640, 640), (200, 30, 30)).save(buffer, format="PNG")
    image = WagtailImage.objects.create(title="Médaille", file=ImageFile(buffer, name="medaille.png"))
    block["achievement"].image = image
    block["achievement"].save()
    credential = issuance.award_by_hand(factories.learner(), block["achievement"], factories.designer(),
                                        "Observé en atelier.")
    achievement = credential.document["credentialSubject"]["achievement"]
    assert achievement["image"]["type"] == "Image" and achievement["image"]["id"].startswith("http")
    assert Draft201909Validator(SCHEMA).is_valid(credential.document)
    png = Client().get(reverse("recognition-credential-baked", args=[credential.uuid, "png"])).content
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    assert picture.size == (512, 512) and picture.getpixel((256, 256)) == (200, 30, 30)
    assert baking.unbake_png(png) == credential.document


# --- the learner's own DID as credentialSubject.id -------------------------------------------------


def ed25519_did_key() -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "did:key:z" + signing.b58encode(b"\xed\x01" + raw)


def test_did_forms_accepted_and_normalised():
    from capsules.recognition.did import normalise_did

    # The Ed25519 did:key of the DID-key method's specification, and did:web with port and path.
    spec = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert normalise_did(f"  {spec}\n") == spec
    assert normalise_did("did:web:Exemple.FR") == "did:web:exemple.fr"
    assert normalise_did("did:web:localhost%3A8443:apprenants:lea") == "did:web:localhost%3A8443:apprenants:lea"
    assert normalise_did("did:web:w3c-ccg.github.io:user:alice") == "did:web:w3c-ccg.github.io:user:alice"
    key = ed25519_did_key()
    assert normalise_did(key) == key


HOSTILE_DIDS = [
    ("", "Saisissez"),
    ("did:key:z6Mk" + "a" * 600, "trop long"),
    ("<script>alert(1)</script>", "did:key et did:web"),
    ("did:web:exemple.fr<script>alert(1)</script>", "sans chemin"),
    ("did:web:exemple.fr:<script>alert(1)<", "caractères non permis"),
    ("did:key:z6Mk<img src=x onerror=alert(1)>", "ni espace"),
    ("did:web:\"><svg onload=alert(1)>", "ni espace"),
    ("javascript:alert(1)", "did:key et did:web"),
    ("https://exemple.fr/moi", "did:key et did:web"),
    ("mailto:lea@example.org", "did:key et did:web"),
    ("did:example:123456789abcdefghi", "did:key et did:web"),
    ("did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a", "did:key et did:web"),
    ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do", "type connu"),  # one character short
    ("did:key:z0OIl", "did:key:z"),  # 0, O, I and l are not base58
    ("did:key:6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "did:key:z"),
    ("did:web:192.168.1.10", "sans adresse IP"),
    ("did:web:exemple.fr%3A99999", "port"),
    ("did:web:exemple.fr:..:admin", "caractères non permis"),
    ("did:web:exemple.fr/chemin", "sans chemin"),
    ("did:web:exemple.fr#cle-1", "fragment"),
    ("did:web:exemple.fr?service=x", "paramètre"),
    ("did:web:exémple.fr", "accent"),
    ("did:web:exemple.fr\x00", "contrôle"),
    ("did:web:-exemple.fr", "nom-de-domaine"),
    ("did:web:", "nom-de-domaine"),
]


@pytest.mark.parametrize(("value", "message"), HOSTILE_DIDS)
def test_hostile_did_refused_with_french_message(value, message):
    from django.core.exceptions import ValidationError

    from capsules.recognition.did import normalise_did

    with pytest.raises(ValidationError) as refused:
        normalise_did(value)
    assert message in " ".join(refused.value.messages)


def test_learner_did_names_new_credentials_only(block, django_capture_on_commit_callbacks):
    """The DID saved on the portfolio page becomes credentialSubject.id of badges issued afterwards,
    still valid against the schema and verified; a refused DID is shown back escaped and saves nothing."""
    from capsules.models import LearnerDid

    lea = factories.learner(first_name="Léa", last_name="Apprenante", email="lea@example.org")
    client = login(lea)
    page = client.get(reverse("recognition-portfolio")).content.decode()
    assert '<label for="did">Votre DID</label>' in page and 'aria-describedby="did-help"' in page

    payload = '"><script>alert(1)</script>'
    refused = client.post(reverse("recognition-did"), {"did": payload})
    body = refused.content.decode()
    assert refused.status_code == 400 and 'aria-invalid="true"' in body and 'role="alert"' in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert not LearnerDid.objects.exists()
    overlong = client.post(reverse("recognition-did"), {"did": "did:web:" + "a" * 100_000})
    assert overlong.status_code == 400 and "trop long" in overlong.content.decode()
    assert len(re.search(r'id="did" name="did" type="text" value="([^"]*)"', overlong.content.decode()).group(1)) <= 513

    earn(block, lea, django_capture_on_commit_callbacks)  # before any DID: the hashed identity
    first = BadgeCredential.objects.get(user=lea)
    assert "id" not in first.document["credentialSubject"]
    assert first.document["credentialSubject"]["identifier"][0]["hashed"] is True

    did = ed25519_did_key()
    saved = client.post(reverse("recognition-did"), {"did": f" {did} "}, follow=True)
    assert LearnerDid.objects.get(user=lea).did == did and "DID enregistré" in saved.content.decode()
    assert f'value="{did}"' in saved.content.decode()
    assert "id" not in BadgeCredential.objects.get(pk=first.pk).document["credentialSubject"]  # issued ones unchanged

    issuance.revoke(first, None, "réémission")
    second = issuance.award_if_earned(lea, block["block"])
    subject = second.document["credentialSubject"]
    assert subject["id"] == did and "identifier" not in subject and "lea@example.org" not in json.dumps(second.document)
    assert Draft201909Validator(SCHEMA).is_valid(second.document)
    assert verify_credential(second.document).valid
    shown = Client().get(reverse("recognition-credential", args=[second.uuid])).content.decode()
    assert did in shown and "identifiant décentralisé" in shown

    # Another learner cannot change Léa's DID (the form only ever writes the poster's own row).
    paul = login(factories.learner())
    paul.post(reverse("recognition-did"), {"did": "did:web:paul.example.org"})
    assert LearnerDid.objects.get(user=lea).did == did
    assert Client().post(reverse("recognition-did"), {"did": "did:web:x.example.org"}).status_code == 302
    client.post(reverse("recognition-did"), {"remove": "1"})
    assert not LearnerDid.objects.filter(user=lea).exists()


def test_first_try_score_counts_right_answers_not_partial_credit(block, django_capture_on_commit_callbacks):
    """A first user answered every question wrong: partial credit (a multiple choice half right) made the
    portfolio say 8 % where the end screen said 0 %. First-try score is the share of questions right."""
    from capsules.models import Attempt, Progress
    from capsules.recognition.achievements import evaluate
    from capsules.recognition.portfolio import build_portfolio

    capsule = block["capsules"][0]
    extra = [factories.InteractionFactory(capsule=capsule, kind="multiple_choice", mandatory=False,
                                          answer_key={"correct": ["a", "b"]}) for _ in range(3)]
    learner = factories.learner()
    when = timezone.now() - timedelta(minutes=3)
    for n, interaction in enumerate([capsule.interactions.get(mandatory=True), *extra]):
        Attempt.objects.create(user=learner, interaction=interaction, response={}, correct=False,
                               score=0.5 if n else 0.0, answered_at=when)
        Attempt.objects.create(user=learner, interaction=interaction, response={}, correct=True, score=1.0,
                               answered_at=when + timedelta(minutes=1))  # right later: not the first try
    Progress.objects.create(user=learner, capsule=capsule, watched_fraction=1, completed=True, completed_at=when)

    [entry] = build_portfolio(learner).capsules
    assert entry.first_try_score == 0 and (entry.first_try_right, entry.first_try_answered) == (0, 4)
    page = login(learner).get(reverse("recognition-portfolio")).content.decode()
    assert "score au premier essai 0&nbsp;% (0 juste sur 4)" in page
    assert "8&nbsp;%" not in page and "38&nbsp;%" not in page
    outcome = evaluate(learner, block["achievement"])
    assert outcome.first_try_score == 0 and outcome.capsules[0].first_try_score == 0
    assert any("Score au premier essai\u00a0: 0\u00a0% (minimum" in u for u in outcome.unmet)


def without_scores(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "scores"}


def test_end_screen_learns_from_the_server_that_this_capsule_earned_the_badge(block,
                                                                             django_capture_on_commit_callbacks):
    """The player's end screen announces the block badge only when the server says this capsule's
    completion earned it: not for an earlier capsule, not for someone else, not once revoked."""
    first, second = block["capsules"]

    def asked(client, capsule):
        response = client.get(reverse("recognition-capsule-badge", args=[capsule.pk]))
        assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
        return response.json()

    learner = factories.learner()
    client = login(learner)
    assert asked(client, first)["earned"] is False
    complete(client, first, ["a"], django_capture_on_commit_callbacks)
    not_yet = asked(client, first)  # one capsule of two: no badge yet, and the learner is told why
    assert not_yet["earned"] is False
    assert "Capsule non terminée\u00a0: Capsule 2 (pas encore commencée)." in not_yet["text"]
    complete(client, second, ["b", "a"], django_capture_on_commit_callbacks)  # wrong, then right: completes
    credential = BadgeCredential.objects.get(user=learner)
    data = asked(client, second)
    assert data["earned"] is True and data["title"] == "Badge obtenu\u00a0!"
    assert data["text"] == ("En terminant cette capsule, vous avez obtenu le badge «\u00a0Maintenir les équipements "
                            f"sanitaires\u00a0» du bloc «\u00a0{block['block'].title}\u00a0».")
    # Walk 30: a badge named as its block read « le badge « X » du bloc X »: the name is said once.
    Achievement.objects.filter(pk=block["achievement"].pk).update(name=block["block"].title)
    assert asked(client, second)["text"] == (
        f"En terminant cette capsule, vous avez obtenu le badge du bloc «\u00a0{block['block'].title}\u00a0».")
    Achievement.objects.filter(pk=block["achievement"].pk).update(name=block["achievement"].name)
    assert data["links"] == [
        {"label": "Voir mon badge", "url": reverse("recognition-credential", args=[credential.uuid])},
        {"label": "Page du bloc de compétences", "url": block["block"].page.url}]
    # Walk 44: watched again later, the end screen says the badge is held, and since when, not « obtenu ! ».
    BadgeCredential.objects.filter(pk=credential.pk).update(issued_at=F("issued_at") - timedelta(days=3))
    Progress.objects.filter(user=learner).update(completed_at=F("completed_at") - timedelta(days=3))
    again = asked(client, second)
    day = date_format(timezone.localtime(BadgeCredential.objects.get(pk=credential.pk).issued_at), "j F Y")
    assert again["earned"] is True and again["title"] == "Badge déjà obtenu", again
    assert again["text"] == ("Vous avez obtenu le badge «\u00a0Maintenir les équipements sanitaires\u00a0» du bloc "
                             f"«\u00a0{block['block'].title}\u00a0» le {day}, en terminant cette capsule."), again
    assert again["links"] == data["links"]
    # Walk 45: minutes after, from a player opened on the completed capsule (`revu`), held too.
    BadgeCredential.objects.filter(pk=credential.pk).update(issued_at=F("issued_at") + timedelta(days=3))
    Progress.objects.filter(user=learner).update(completed_at=F("completed_at") + timedelta(days=3))
    assert asked(client, second)["title"] == "Badge obtenu\u00a0!"
    seen_again = client.get(reverse("recognition-capsule-badge", args=[second.pk]) + "?revu=1").json()
    assert seen_again["title"] == "Badge déjà obtenu" and seen_again["text"].startswith("Vous avez obtenu le badge")
    BadgeCredential.objects.filter(pk=credential.pk).update(issued_at=F("issued_at") - timedelta(days=3))
    Progress.objects.filter(user=learner).update(completed_at=F("completed_at") - timedelta(days=3))
    BadgeCredential.objects.filter(pk=credential.pk).update(issued_at=F("issued_at") + timedelta(days=3))
    Progress.objects.filter(user=learner).update(completed_at=F("completed_at") + timedelta(days=3))
    assert without_scores(asked(client, first)) == {"earned": False}  # completed before: held, no text
    assert asked(Client(), second) == {"earned": False}  # a visitor
    assert asked(login(factories.learner()), second)["earned"] is False  # another learner
    issuance.revoke(credential, None, "erreur")
    assert without_scores(asked(client, second)) == {"earned": False}
    # Awarded by a trainer (not by completing anything): no capsule claims it.
    issuance.award_by_hand(learner, block["achievement"], factories.designer(), "Observé en atelier.")
    assert without_scores(asked(client, second)) == {"earned": False}
    second.page.unpublish()
    assert client.get(reverse("recognition-capsule-badge", args=[second.pk])).status_code == 404


def answer(client, question, response, capture):
    learner = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    public = delivery.response_to_public(question, response, delivery.audience_for(learner))
    with capture(execute=True):
        resp = post(client, reverse("learner-answer", args=[question.pk]),
                    {"response": public, "client_id": str(uuid.uuid4())})
    assert resp.status_code == 200
    return resp.json()


def test_not_yet_names_the_missing_mandatory_questions_and_says_what_is_final(block,
                                                                              django_capture_on_commit_callbacks):
    """The walk: right after retries (100 %), yet no badge. The learner is told which mandatory question is
    missing (prompt, capsule, time, a link the player opens at), whether it was answered at all, and that a
    first-try score under the minimum can no longer be mended; a mandatory self-assessment answered counts."""
    capture = django_capture_on_commit_callbacks
    first, second = block["capsules"]
    hostile = "<script>alert(1)</script> " + "Quel couple de serrage faut-il appliquer sur le raccord " * 3
    factories.InteractionFactory(capsule=second, mandatory=True, time=12.0, prompt=hostile)
    recall = factories.InteractionFactory(capsule=first, mandatory=True, time=8.0, kind="free_recall",
                                          prompt="Citez les trois contrôles.", choices=[], answer_key={})
    learner = factories.learner()
    client = login(learner)
    with capture(execute=True):
        post(client, reverse("learner-progress", args=[first.pk]), {"position": 20, "watched": [[0, 20]]})
    q1 = first.interactions.get(kind="single_choice")
    assert answer(client, q1, {"choice": "b"}, capture)["correct"] is False
    assert answer(client, q1, {"choice": "a"}, capture)["correct"] is True  # right on a retry: 100 % on screen
    answer(client, recall, {"self_assessment": "partly"}, capture)  # self-rated: answered is enough
    q2 = second.interactions.get(prompt=factories.InteractionFactory.prompt)
    assert answer(client, q2, {"choice": "b"}, capture)["correct"] is False  # never right

    data = client.get(reverse("recognition-capsule-badge", args=[first.pk])).json()
    assert data["earned"] is False and data["final"] is True
    by_code = {r["code"]: r for r in data["reasons"]}
    # What capsule 2 still needs, as the player's end panel says it (walk 24).
    assert by_code["capsules"]["text"] == (
        "Capsule non terminée\u00a0: Capsule 2 (il reste à regarder l'étape 1 «\u00a0Geste 1\u00a0»\u00a0; "
        "il reste à répondre à la question obligatoire de 0:12).")
    first_try = by_code["first_try"]
    assert first_try["final"] is True
    assert first_try["text"].startswith("Score au premier essai\u00a0: 0\u00a0% (minimum 50\u00a0%).")
    assert "ne peut plus être atteint" in first_try["text"]
    mandatory = by_code["mandatory"]
    assert mandatory["text"] == ("Dans tout le bloc, capsules non terminées comprises, 2 questions obligatoires "
                                 "n'ont pas encore reçu de bonne réponse\u00a0:")
    assert "(s)" not in data["text"]
    wrong, missing = mandatory["questions"]
    assert (wrong["prompt"], wrong["capsule"], wrong["answered"], wrong["status"]) == (
        "Quel outil faut-il pour serrer l'écrou ?", "Capsule 2", True, "répondue, mais jamais juste")
    assert wrong["time"] == "0:05" and wrong["url"] == second.page.url + "#t=5"  # at the question
    assert missing["answered"] is False and missing["status"] == "pas encore répondue"
    assert missing["prompt"].startswith("<script>alert(1)</script> Quel couple") and missing["prompt"].endswith("…")
    assert len(missing["prompt"]) <= 80 and missing["url"] == second.page.url + "#t=12"
    assert "Citez les trois" not in data["text"]  # the self-assessment answered "en partie" is not missing
    assert data["scores"] == {"graded": 1, "answered": 1, "first_try_right": 0, "first_try_percent": 0,
                              "last_right": 1, "last_percent": 100}

    html = client.get(block["block"].page.url).content.decode()  # the block page says the same
    assert 'data-earned="false"' in html and 'data-final="true"' in html
    assert "Badge pas encore obtenu" in html and "répondue, mais jamais juste" in html
    assert f'href="{second.page.url}#t=5"' in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Quel couple" in html
    assert "Badge pas encore obtenu" not in Client().get(block["block"].page.url).content.decode()


def test_first_try_minimum_still_reachable_is_not_final_and_unanswered_self_assessment_is_missing(
        block, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    first, _second = block["capsules"]
    recall = factories.InteractionFactory(capsule=first, mandatory=True, time=8.0, kind="free_recall",
                                          prompt="Citez les trois contrôles.", choices=[], answer_key={})
    client = login(factories.learner())
    answer(client, first.interactions.get(kind="single_choice"), {"choice": "b"}, capture)  # 0 % of 1, 1 left
    data = client.get(reverse("recognition-capsule-badge", args=[first.pk])).json()
    by_code = {r["code"]: r for r in data["reasons"]}
    assert data["final"] is False and by_code["first_try"]["final"] is False
    assert "répondez juste du premier coup à la question qui reste" in by_code["first_try"]["text"]
    tool = "Quel outil faut-il pour serrer l'écrou ?"
    assert [(q["capsule"], q["prompt"], q["status"]) for q in by_code["mandatory"]["questions"]] == [
        ("Capsule 1", tool, "répondue, mais jamais juste"), ("Capsule 1", "Citez les trois contrôles.",
                                                             "pas encore répondue"),
        ("Capsule 2", tool, "pas encore répondue")]
    # Walk 25: « 3 questions obligatoires n'ont pas encore reçu de bonne réponse », then « parmi les 2
    # questions notées qui restent »: a self-assessed question has no right answer, said so.
    assert by_code["mandatory"]["text"] == (
        "Dans tout le bloc, capsules non terminées comprises, 3 questions obligatoires n'ont pas encore reçu "
        "de bonne réponse, dont 1 question d'auto-évaluation, «\u00a0Citez les trois contrôles.\u00a0» (sans bonne "
        "réponse\u00a0: y répondre suffit)\u00a0:")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = client.get(reverse("recognition-capsule-badge", args=[first.pk])).json()
    assert next(r for r in english["reasons"] if r["code"] == "mandatory")["text"] == (
        "In the whole block, unfinished capsules included, 3 mandatory questions have not been answered right "
        "yet, including 1 self-assessment question, «\u00a0Citez les trois contrôles.\u00a0» (no right answer: "
        "answering it is enough):")
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    answer(client, recall, {"self_assessment": "didnt"}, capture)  # answered: no longer missing
    data = client.get(reverse("recognition-capsule-badge", args=[first.pk])).json()
    mandatory = next(r for r in data["reasons"] if r["code"] == "mandatory")
    assert [q["capsule"] for q in mandatory["questions"]] == ["Capsule 1", "Capsule 2"]


def test_only_self_assessments_left_says_answering_is_enough(block, django_capture_on_commit_callbacks):
    """Walk 25: the questions with a right answer all right, a mandatory self-assessment not answered yet:
    no « bonne réponse » asked of it."""
    capture = django_capture_on_commit_callbacks
    first, second = block["capsules"]
    factories.InteractionFactory(capsule=first, mandatory=True, time=8.0, kind="free_recall",
                                 prompt="Citez les trois contrôles.", choices=[], answer_key={})
    client = login(factories.learner())
    for capsule in (first, second):
        assert answer(client, capsule.interactions.get(kind="single_choice"), {"choice": "a"}, capture)["correct"]
    data = client.get(reverse("recognition-capsule-badge", args=[first.pk])).json()
    mandatory = next(r for r in data["reasons"] if r["code"] == "mandatory")
    assert mandatory["text"] == (
        "Dans tout le bloc, capsules non terminées comprises, 1 question obligatoire d'auto-évaluation attend "
        "encore une réponse (sans bonne réponse\u00a0: y répondre suffit)\u00a0:")
    assert [q["status"] for q in mandatory["questions"]] == ["pas encore répondue"]


def test_capsule_published_after_the_badge_is_explained_to_learner_and_trainer(block,
                                                                              django_capture_on_commit_callbacks):
    """The badge stays (an issued credential is not undone by new content) but neither the block page nor
    the trainer's cohort page shows « Badge obtenu » beside 67 % without saying the block has grown."""
    learner = factories.learner()
    client = earn(block, learner, django_capture_on_commit_callbacks)
    credential = BadgeCredential.objects.get(user=learner)
    issued = timezone.localtime(credential.issued_at).strftime("%d/%m/%Y")  # the trainer's table
    with translation.override("fr"):  # the learner's page names the month (walk 25b)
        issued_day = date_format(timezone.localtime(credential.issued_at), "j F Y")
    block_url = pages.skills_block_page(block["block"]).url

    def badge_text(html: str) -> str:
        section = re.search(r'<section class="card block-badge.*?</section>', html, re.S).group(0)
        return " ".join(re.sub(r"<[^>]+>", " ", section).split())

    before = client.get(block_url).content.decode()
    assert "Badge obtenu le" in badge_text(before) and "nouvelle" not in badge_text(before)

    footage = factories.FootageFactory(skills_block=block["block"], duration=20.0)
    pages.capsule_page(factories.CapsuleFactory(footage=footage, title="Capsule 3"))
    html = client.get(block_url).content.decode()
    assert (f"Badge obtenu le {issued_day} (le bloc comptait alors 2 capsules) — 1 nouvelle capsule publiée "
            "depuis&nbsp;: votre badge reste valable.") in badge_text(html)
    assert "2 capsules terminées sur 3 (67&nbsp;%)" in " ".join(html.split())
    credential.refresh_from_db()
    assert credential.revoked_at is None
    assert sorted(credential.block_capsule_ids) == sorted(c.pk for c in block["capsules"])

    trainer = factories.UserFactory(groups=["Trainers"])
    cohort = Cohort.objects.create(name="Session", skills_block=block["block"], start_date=timezone.localdate(),
                                   end_date=timezone.localdate() + timedelta(days=30))
    cohort.trainers.add(trainer)
    cohort.learners.add(learner)
    row = re.search(r"<tr><td>(?:<a [^>]*>)?[^<]*(?:</a>)?</td><td>67\u00a0%</td>.*?</tr>",
                    login(trainer).get(reverse("geste_cohort", args=[cohort.pk])).content.decode(), re.S).group(0)
    assert (f"Oui, le {issued} (le bloc comptait alors 2 capsules) — 1 nouvelle capsule publiée depuis"
            in " ".join(row.split()))
    # Walk 41: the trainer's home showed « Bloc terminé 0 % » beside « Badge obtenu 100 % », unexplained there.
    home = login(trainer).get(reverse("wagtailadmin_home")).content.decode()
    cells = re.search(rf'<tr data-cohort="{cohort.pk}">.*?</tr>', home, re.S).group(0)
    badge = " ".join(re.sub(r"<[^>]+>", " ", re.search(r"<td data-badge>.*?</td>", cells, re.S).group(0)).split())
    assert badge == "100 % dont 1 obtenu avant l'ajout de capsules au bloc", badge
    indicators = login(trainer).get(reverse("geste_cohort", args=[cohort.pk])).content.decode()
    assert "dont 1 obtenu avant l'ajout de capsules au bloc" in indicators


def test_badges_issued_before_the_capsule_list_was_recorded_get_it_from_publication_dates(
        block, django_capture_on_commit_callbacks):
    from django.apps import apps
    migration = importlib.import_module("capsules.migrations.0009_badge_block_capsules")
    learner = factories.learner()
    earn(block, learner, django_capture_on_commit_callbacks)
    footage = factories.FootageFactory(skills_block=block["block"], duration=20.0)
    pages.capsule_page(factories.CapsuleFactory(footage=footage, title="Capsule 3"))
    BadgeCredential.objects.update(block_capsule_ids=None)  # as issued before the field existed
    migration.backfill(apps, None)
    credential = BadgeCredential.objects.get(user=learner)
    assert sorted(credential.block_capsule_ids) == sorted(c.pk for c in block["capsules"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_badge_before_any_capsule_started_says_so_once_without_listing_them_again(block, lang):
    """Walk 27: before anything was started, the badge box named every capsule again, each « (pas encore
    commencée) », under the path and the capsule list that name them already: one short sentence instead.
    Once one is started, the others are named with what they still need (as before)."""
    from capsules.models import Progress
    from capsules.recognition.achievements import evaluate

    learner = factories.learner()
    with translation.override(lang):
        outcome = evaluate(learner, block["achievement"])
    [text] = [r.text for r in outcome.reasons if r.code == "capsules"]
    if lang == "fr":
        assert "Aucune des 2 capsules du bloc n'est encore commencée\u00a0: le badge demande de les suivre toutes en " \
               "entier." in text, text
        assert "pas encore commencée" not in text and "Capsule 1" not in text
    else:
        assert "None of the block's 2 capsules has been started yet: the badge asks you to follow them all " \
               "through." in text, text
    first = block["capsules"][0]
    Progress.objects.create(user=learner, capsule=first, watched=[[0, 5]], watched_fraction=0.25, position=5)
    [text] = [r.text for r in evaluate(learner, block["achievement"]).reasons if r.code == "capsules"]
    assert "Capsule 1 (il reste à regarder" in text and "Capsule 2 (pas encore commencée)" in text, text
