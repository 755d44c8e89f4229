"""Learners' own French sign-in and sign-up pages, and a visitor's answers joining their account."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from capsules.models import Attempt, Progress
from tests import factories
from tests.capsules.test_learner_api import manifest_url, post, served_id, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_french_and_not_the_admin(client):
    html = client.get(reverse("learner-login")).content.decode()
    assert "Identifiant" in html and "Mot de passe" in html and "Créer un compte" in html
    assert "Password" not in html and "wagtail" not in html.lower()
    assert "<script" not in html and "onclick" not in html  # CSP: no inline script


def test_sign_up_joins_learners_and_lands_back(client, world):  # noqa: F811
    url = world["page"].url
    html = client.get(f"{reverse('learner-signup')}?next={url}").content.decode()
    assert "Créer mon compte" in html and "Mot de passe (confirmation)" in html and "Password" not in html
    resp = client.post(
        reverse("learner-signup"),
        {"username": "nadia", "first_name": "Nadia", "password1": "joint-torique-42", "password2": "joint-torique-42",
         "next": url},
    )
    assert resp.status_code == 302 and resp["Location"] == url
    user = get_user_model().objects.get(username="nadia")
    assert list(user.groups.values_list("name", flat=True)) == ["Learners"] and not user.is_staff
    assert client.get(manifest_url(world["capsule"])).json()["user"]["authenticated"] is True


def test_sign_up_errors_are_french_and_open_redirects_refused(client):
    resp = client.post(
        reverse("learner-signup"),
        {"username": "x", "password1": "abc", "password2": "abd", "next": "https://evil.example/"},
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and "mots de passe ne sont pas identiques" in html.lower().replace("’", "'") or \
        "correspondent pas" in html
    assert not get_user_model().objects.filter(username="x").exists()
    ok = client.post(
        reverse("learner-signup"),
        {"username": "y", "password1": "joint-torique-42", "password2": "joint-torique-42", "next": "https://evil.example/"},
    )
    assert ok["Location"] == "/"


def test_visitor_answers_and_progress_join_the_account_on_sign_in(world):  # noqa: F811
    anon = Client()
    cid = str(uuid.uuid4())
    answer_url = reverse("learner-answer", args=[world["q1"].pk])
    a, b = served_id(anon, world["q1"], "a"), served_id(anon, world["q1"], "b")
    wrong = post(anon, answer_url, {"response": {"choice": b}})
    assert wrong.json()["correct"] is False and "solution" in wrong.json() and not wrong.json()["solution"]
    right = post(anon, answer_url, {"response": {"choice": a}, "client_id": cid})
    assert right.json()["correct"] is True and right.json()["mandatory_left"] == []
    # an offline replay of the same answer is one answer
    again = post(anon, answer_url, {"response": {"choice": a}, "client_id": cid})
    assert again.json()["duplicate"] is True
    post(anon, reverse("learner-progress", args=[world["capsule"].pk]), {"position": 19, "watched": [[0, 19.5]]})
    assert not Attempt.objects.exists()

    learner = factories.learner(username="lina")
    resp = anon.post(reverse("learner-login"), {"username": "lina", "password": "motdepasse-geste", "next": "/"})
    assert resp.status_code == 302
    attempts = Attempt.objects.filter(user=learner).order_by("answered_at")
    assert [a.correct for a in attempts] == [False, True]
    assert str(attempts[1].client_id) == cid
    progress = Progress.objects.get(user=learner, capsule=world["capsule"])
    assert progress.position == 19 and progress.completed is True
    # merged once: the session no longer holds it, and the manifest shows the account's state
    data = anon.get(manifest_url(world["capsule"])).json()
    assert data["attempts"][str(world["q1"].pk)]["correct"] is True and data["user"]["scope"] != "invite"
    anon.post(reverse("learner-logout"))
    anon.post(reverse("learner-login"), {"username": "lina", "password": "motdepasse-geste"})
    assert Attempt.objects.filter(user=learner).count() == 2


def test_device_scope_differs_per_account(world):  # noqa: F811
    a, b = Client(), Client()
    # Usernames with letters no hex digest holds: "a1" was found inside a scope by chance (~6 % of runs).
    a.force_login(factories.learner(username="kim"))
    b.force_login(factories.learner(username="zoe"))
    sa = a.get(manifest_url(world["capsule"])).json()["user"]["scope"]
    sb = b.get(manifest_url(world["capsule"])).json()["user"]["scope"]
    assert sa != sb and "kim" not in sa and "zoe" not in sb and len(sa) == len(sb) == 16


@pytest.mark.parametrize("who", ["expert", "designer"])
def test_staff_signing_in_from_the_home_page_land_on_their_dashboard(client, who):
    """Walk 27: the expert signed in from the site's header and landed on the learner catalogue; the reviews
    waiting for them were one link away (« Espace de conception », which read as the designer's). Signed in from
    the home page they land on the admin's dashboard; from a capsule page, back on it; a learner on the home page."""
    person = getattr(factories, who)(username=f"{who}27")
    person.set_password("joint-torique-42")
    person.save()
    url = reverse("learner-login")
    resp = client.post(f"{url}?next=/", {"username": f"{who}27", "password": "joint-torique-42", "next": "/"})
    assert resp.status_code == 302 and resp["Location"] == reverse("wagtailadmin_home"), resp.get("Location")
    client.logout()
    resp = client.post(url, {"username": f"{who}27", "password": "joint-torique-42", "next": "/catalogue/x/"})
    assert resp["Location"] == "/catalogue/x/"
    client.logout()
    learner = factories.learner(username=f"l{who}27")
    learner.set_password("joint-torique-42")
    learner.save()
    resp = client.post(url, {"username": f"l{who}27", "password": "joint-torique-42", "next": "/"})
    assert resp["Location"] == "/"
