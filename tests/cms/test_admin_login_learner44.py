"""Walk 43: a learner who signed in on the admin's form (/admin/login/) was signed in and left on Wagtail's
refusal, with no way to the site. The form now sends a person without admin access to the site (or to the
page they were asked for, when it is not in the admin); the people at work still land in the admin. Pages
that need a signed-in learner send to the learners' own sign-in page, not the admin's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-geste"


def _sign_in(client: Client, user, query: str = ""):
    return client.post(f"/admin/login/{query}", {"username": user.username, "password": PASSWORD})


def test_a_learner_signing_in_on_the_admin_form_goes_to_the_site():
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    res = _sign_in(client, factories.learner())
    assert res.status_code == 302 and res["Location"] == "/", res.get("Location")
    assert client.get("/").wsgi_request.user.is_authenticated  # signed in, on the catalogue


def test_a_learner_goes_where_they_were_asked_to_go_unless_it_is_the_admin():
    learner = factories.learner()
    client = Client()
    assert _sign_in(client, learner, "?next=/blocs/3/")["Location"] == "/blocs/3/"
    client = Client()
    assert _sign_in(client, learner, "?next=/admin/pages/")["Location"] == "/"
    client = Client()
    assert _sign_in(client, learner, "?next=https://evil.example/")["Location"] == "/"


def test_people_at_work_still_land_in_the_admin():
    for user in (factories.designer(), factories.expert()):
        client = Client()
        assert _sign_in(client, user)["Location"] == reverse("wagtailadmin_home")
        client = Client()
        assert _sign_in(client, user, "?next=/admin/pages/")["Location"] == "/admin/pages/"


def test_a_wrong_password_is_still_refused_on_the_form():
    res = Client(HTTP_ACCEPT_LANGUAGE="fr").post("/admin/login/", {"username": factories.learner().username,
                                                                    "password": "faux"})
    assert res.status_code == 200 and not res.wsgi_request.user.is_authenticated
