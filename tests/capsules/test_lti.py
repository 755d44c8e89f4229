"""LTI 1.3 end to end against a real platform implementation (PyPI ``lti1p3platform``, served on a
local port by ``tests/lti_platform.py``), with Geste on the live server and a real Celery worker:

a teacher deep-links a capsule from Geste's catalogue (the platform verifies the signed response
against Geste's JWKS), a learner launches it (account linked to the LMS identity, no password,
Learners), the course roster is synced into a cohort through NRPS, the tool's keys are rotated,
and the learner's completion and score reach the platform's line item through AGS — after the
platform has been down for a while (the task retries with backoff).
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from lti_tool.models import Key, LtiUser

from capsules.interop.lti import targets
from capsules.learning import delivery
from capsules.models import Cohort, LtiCourseCohort, LtiGradeLink
from tests import factories, pages
from tests.conftest import wait_for
from tests.lti_platform import INSTRUCTOR, LEARNER, Platform, registration_for


def form_of(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the first form of a page (what a browser would submit)."""
    action = unescape(re.search(r'<form[^>]*action="([^"]*)"', html).group(1))
    fields = {unescape(n): unescape(v) for n, v in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}
    return action, fields


def launch(session: requests.Session, platform: Platform, hint: str, sub: str) -> requests.Response:
    """OIDC login at Geste → platform's auth endpoint → id_token form posted to Geste's launch URL."""
    auth = session.get(platform.start_url(hint, sub), timeout=30)
    assert auth.status_code == 200, auth.text[:500]
    action, fields = form_of(auth.text)
    assert set(fields) == {"id_token", "state"}
    return session.post(action, data=fields, timeout=30)


@pytest.fixture
def platform(live_server):
    p = Platform(host="127.0.0.1").start()
    p.url = p.url.replace("127.0.0.1", "localhost")  # another origin of the same site as the live server
    p.connect_tool(live_server.url)
    yield p
    p.stop()


@pytest.fixture
def course(platform, storage_root):
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0),
                                       title="Remplacer le joint d'un siphon")
    question = factories.InteractionFactory(capsule=capsule, time=5.0, mandatory=True)
    pages.capsule_page(capsule)
    draft = factories.CapsuleFactory(footage=factories.FootageFactory(duration=10.0), skills_block=capsule.skills_block,
                                     title="Brouillon à ne pas montrer")
    pages.capsule_page(draft, publish=False)
    registration_for(platform)
    platform.add_person("t-1", "Claire", "Formatrice", [INSTRUCTOR])
    platform.add_person("s-1", "Alice", "Martin", [LEARNER])
    platform.add_person("s-2", "Bruno", "Petit", [LEARNER])
    platform.add_person("s-3", "Chloé", "Absente", [LEARNER], status="Inactive")
    return {"capsule": capsule, "question": question, "draft": draft}


@pytest.mark.django_db(transaction=True)
def test_deep_link_launch_roster_rotation_and_grade(live_server, platform, course, worker_factory):
    capsule, question = course["capsule"], course["question"]
    worker_factory(queues="lti", concurrency=1, name="ltiworker")

    # --- the teacher deep-links the capsule from Geste's catalogue -----------------------------
    teacher = requests.Session()
    picker = launch(teacher, platform, "dl", "t-1")
    assert picker.status_code == 200, picker.text[:1000]
    shown = unescape(picker.text)
    assert "Ajouter des contenus Geste" in shown and capsule.title in shown
    assert course["draft"].title not in shown  # drafts never reach an LMS
    assert f'frame-ancestors \'self\' {platform.url}' in picker.headers["Content-Security-Policy"]
    action, fields = form_of(picker.text)
    chosen = teacher.post(urljoin(picker.url, action),
                          data={**fields, "cible": [f"capsule:{capsule.pk}", "capsule:999999"]}, timeout=30)
    assert chosen.status_code == 200
    csp = chosen.headers["Content-Security-Policy"]
    assert "'sha256-" in csp and f"form-action 'self' {platform.url}" in csp
    return_url, jwt_form = form_of(chosen.text)
    assert return_url == f"{platform.url}/deep_link_return"
    placed = teacher.post(return_url, data=jwt_form, timeout=30)  # the platform verifies Geste's signature
    assert placed.status_code == 200 and "Contenus ajoutés" in placed.text, placed.text[:500]
    [item] = platform.state.deep_link_items  # the unknown capsule was dropped
    assert item["type"] == "ltiResourceLink" and item["title"] == capsule.title
    assert item["url"] == f"{live_server.url}/lti/cible/capsules/{capsule.pk}/"
    assert item["lineItem"] == {"scoreMaximum": 100, "label": capsule.title,
                                "resourceId": f"geste-capsule:{capsule.pk}", "tag": "geste"}
    [link_id] = platform.state.links

    # A learner may not pick contents.
    refused = launch(requests.Session(), platform, "dl", "s-1")
    assert refused.status_code == 403 and "Seuls les enseignants" in unescape(refused.text)

    # --- the tool's keys are rotated: the old key leaves the JWKS, the new one signs ----------
    old_kid = str(Key.objects.active().get())
    call_command("rotate_keys", "--deactivate-after", "0")
    jwks = requests.get(f"{live_server.url}/lti/jwks.json", timeout=10).json()
    assert [k["kid"] for k in jwks["keys"]] != [old_kid] and len(jwks["keys"]) == 1
    assert jwks["keys"][0]["alg"] == "RS256" and "d" not in jwks["keys"][0]  # public part only

    # --- the learner launches the placed link -------------------------------------------------
    alice = requests.Session()
    landed = launch(alice, platform, f"rl:{link_id}", "s-1")
    assert landed.status_code == 200
    assert landed.url == f"{live_server.url}{capsule.page.url}"
    assert "X-Frame-Options" not in landed.headers
    assert f"frame-ancestors 'self' {platform.url}" in landed.headers["Content-Security-Policy"]
    lti_user = LtiUser.objects.get(sub="s-1")
    user = lti_user.auth_user
    assert user.username.startswith("lti-") and not user.has_usable_password()
    assert (user.first_name, user.last_name, user.email) == ("Alice", "Martin", "s-1@univ.example")
    assert [g.name for g in user.groups.all()] == ["Learners"] and not user.is_staff
    grade_link = LtiGradeLink.objects.get(user=user)
    assert grade_link.capsule == capsule and grade_link.lineitem_url.endswith(f"/lineitems/{item_key(platform)}")

    # Launching again reuses the account.
    assert launch(requests.Session(), platform, f"rl:{link_id}", "s-1").status_code == 200
    assert get_user_model().objects.filter(username=user.username).count() == 1

    # --- the course roster becomes the block's cohort (NRPS) ---------------------------------
    cohort = wait_for(lambda: Cohort.objects.filter(lti_course__synced_at__isnull=False).first(), timeout=60,
                      message="roster synced")
    subs = {u.lti_users.get().sub for u in cohort.learners.all()}
    assert subs == {"s-1", "s-2"}  # Bruno never launched: his account exists already; Chloé is inactive
    assert [u.lti_users.get().sub for u in cohort.trainers.all()] == ["t-1"]
    assert cohort.skills_block == capsule.skills_block and "CAP Plomberie" in cohort.name
    trainer = cohort.trainers.get()
    assert {g.name for g in trainer.groups.all()} == {"Learners", "Trainers"} and not trainer.is_staff
    assert LtiCourseCohort.objects.get().members == 3

    # --- the LMS is down when the learner completes; the grade waits, then arrives -----------
    platform.state.down = True
    manifest = alice.get(f"{live_server.url}{reverse('learner-manifest', args=[capsule.pk])}", timeout=10)
    assert manifest.status_code == 200
    headers = {"X-CSRFToken": alice.cookies["csrftoken"], "Content-Type": "application/json"}
    response = delivery.response_to_public(question, {"choice": "a"}, delivery.audience_for(user))
    answer = alice.post(f"{live_server.url}{reverse('learner-answer', args=[question.pk])}",
                        data=json.dumps({"response": response}), headers=headers, timeout=10).json()
    assert answer["correct"] is True
    done = alice.post(f"{live_server.url}{reverse('learner-progress', args=[capsule.pk])}",
                      data=json.dumps({"position": 20, "watched": [[0, 20]]}), headers=headers, timeout=10).json()
    assert done["completed"] is True
    wait_for(lambda: LtiGradeLink.objects.filter(pk=grade_link.pk, attempts__gte=2).exists(), timeout=60,
             message="grade retried while the LMS is down")
    failed = LtiGradeLink.objects.get(pk=grade_link.pk)
    assert failed.status == "pending" and "503" in failed.last_error and platform.scores_for("s-1") == []

    platform.state.down = False
    wait_for(lambda: platform.scores_for("s-1"), timeout=90, message="grade at the platform")
    [score] = platform.scores_for("s-1")
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100.0, 100.0)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["lineitem"] == item_key(platform)
    sent = wait_for(lambda: LtiGradeLink.objects.filter(pk=grade_link.pk, status="sent").first(), timeout=30,
                    message="link marked sent")
    assert sent.score_given == 100.0 and sent.last_error == ""

    # Watching again sends nothing new (same result).
    alice.post(f"{live_server.url}{reverse('learner-progress', args=[capsule.pk])}",
               data=json.dumps({"position": 5, "watched": [[0, 20]]}), headers=headers, timeout=10)
    import time

    time.sleep(3)
    assert len(platform.scores_for("s-1")) == 1


def item_key(platform: Platform) -> str:
    [(key, _)] = platform.state.lineitems.items()
    return key


# --- the refusals (no platform round trip needed) -------------------------------------------------


@pytest.mark.django_db
def test_login_from_an_unknown_platform_is_refused_in_french(client):
    response = client.get("/lti/connexion/", {"iss": "https://lms.inconnu.example", "login_hint": "x",
                                              "target_link_uri": "https://geste.example/lti/cible/capsules/1/",
                                              "client_id": "nope", "lti1p3_new_window": "1"})
    assert response.status_code == 400
    assert "n'est pas enregistrée dans Geste" in unescape(response.content.decode())


@pytest.mark.django_db
def test_cookie_check_page_needs_no_inline_script(client):
    """Without ``lti1p3_new_window`` the login first checks that the frame may keep cookies: Geste's
    page (French, script from its own origin under the strict CSP) continues to the same URL with
    ``lti1p3_new_window=1``; a hostile parameter stays an attribute value."""
    from lti_tool.models import LtiRegistration

    LtiRegistration.objects.create(name="LMS", issuer="https://lms.example", client_id="c1",
                                   auth_url="https://lms.example/auth", token_url="https://lms.example/token",
                                   keyset_url="https://lms.example/jwks")
    response = client.get("/lti/connexion/", {"iss": "https://lms.example", "login_hint": '"><script>alert(1)</script>',
                                              "target_link_uri": "https://geste.example/lti/cible/capsules/1/",
                                              "client_id": "c1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Ouvrir Geste dans un nouvel onglet" in html
    assert "<script>alert" not in html and re.findall(r"<script[^>]*>([^<]*)</script>", html) == [""]
    url = unescape(re.search(r'data-continue-url="([^"]+)"', html).group(1))
    assert url.startswith("/lti/connexion/?") and "lti1p3_new_window=1" in url
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'self' https://lms.example" in csp


@pytest.mark.django_db
def test_forged_launch_and_choice_are_refused(client):
    response = client.post("/lti/lancement/", {"id_token": "a.b.c", "state": "state-x"})
    assert response.status_code == 400 and "Lancement refusé" in unescape(response.content.decode())
    response = client.post("/lti/liens/", {"launch_id": "lti1p3-launch-0000", "cible": "capsule:1"})
    assert response.status_code == 400 and "Session de choix expirée" in unescape(response.content.decode())


@pytest.mark.django_db
def test_pages_are_not_framable_without_an_lti_launch(client, storage_root):
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=10.0))
    page = pages.capsule_page(capsule)
    signed_in = Client()
    signed_in.force_login(factories.learner())
    for c in (client, signed_in):
        response = c.get(page.url)
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'self';" in response["Content-Security-Policy"] + ";"


@pytest.mark.parametrize("uri", [
    "https://evil.example/lti/cible/capsules/1/x", "/lti/cible/capsules/-1/", "/lti/cible/capsules/1/../2/",
    "javascript:alert(1)", "/lti/cible/blocs/1", "", "x" * 3000, "http://[::1/lti/cible/capsules/1/",
])
def test_target_uris_are_parsed_strictly(uri):
    assert targets.parse_uri(uri) is None


def test_target_uri_host_is_ignored_and_keys_parse():
    assert targets.parse_uri("https://autre.example/lti/cible/capsules/12/?x=1") == targets.Target("capsule", 12)
    assert targets.parse_key("bloc:3") == targets.Target("block", 3)
    assert targets.parse_key("capsule:1; DROP") is None


@pytest.mark.django_db
def test_platforms_are_registered_in_french_by_administrators_only(client):
    """Admin "Plateformes LTI": French form; a registration and its active deployment are created
    through it; a designer (no django-lti permission) cannot reach it."""
    from lti_tool.models import LtiDeployment, LtiRegistration

    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    form = client.get("/admin/lti_registration/new/")
    html = unescape(form.content.decode())
    assert form.status_code == 200
    for label in ("Émetteur (issuer)", "Identifiant client (client ID)", "Adresse d'authentification (OIDC)",
                  "Adresse du jeton d'accès", "Adresse du jeu de clés publiques (JWKS)"):
        assert label in html
    created = client.post("/admin/lti_registration/new/", {
        "name": "Moodle de l'université", "issuer": "https://moodle.univ.example", "client_id": "abc123",
        "audience": "", "auth_url": "https://moodle.univ.example/mod/lti/auth.php",
        "token_url": "https://moodle.univ.example/mod/lti/token.php",
        "keyset_url": "https://moodle.univ.example/mod/lti/certs.php", "is_active": "on"})
    assert created.status_code == 302, unescape(created.content.decode())[:2000]
    registration = LtiRegistration.objects.get(client_id="abc123")
    listing = unescape(client.get("/admin/lti_registration/").content.decode())
    assert "Moodle de l'université" in listing and f"/lti/connexion/{registration.uuid}/" in listing
    added = client.post("/admin/lti_deployment/new/", {"registration": registration.pk, "deployment_id": "7",
                                                       "is_active": "on"})
    assert added.status_code == 302 and LtiDeployment.objects.get(deployment_id="7").is_active

    designer = Client()
    designer.force_login(factories.designer())
    assert designer.get("/admin/lti_registration/").status_code in (302, 403)
    assert designer.get("/admin/lti_registration/new/").status_code in (302, 403)
