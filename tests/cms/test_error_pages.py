"""A first user who follows a dead link gets a French page of the site, not Django's English one."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_address_gives_the_french_not_found_page():
    resp = Client().get("/nexistepas/")
    html = resp.content.decode()
    assert resp.status_code == 404
    assert "Page introuvable" in html and 'lang="fr"' in html and "Revenir au catalogue" in html
    assert "URLconf" not in html and "Page not found" not in html


@pytest.mark.django_db
def test_admin_sign_in_names_the_password_in_french():
    html = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/admin/login/").content.decode()
    assert "Mot de passe" in html and ">Password" not in html


@pytest.mark.django_db
def test_designers_reach_the_admin_from_the_public_site_and_learners_do_not_see_it():
    from tests import factories

    designer, learner = Client(), Client()
    designer.force_login(factories.designer())
    learner.force_login(factories.learner())
    assert "Espace de travail" in designer.get("/").content.decode()
    assert "Espace de travail" not in learner.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.cms.error_urls")
def test_500_page_offers_the_design_space_in_the_admin_and_the_catalogue_elsewhere():
    client = Client(raise_request_exception=False)
    admin = client.get("/admin/geste/panne/")
    html = admin.content.decode()
    assert admin.status_code == 500 and "Une erreur est survenue" in html and 'lang="fr"' in html
    assert '<a href="/admin/">Revenir à l&#x27;espace de conception</a>' in html
    assert "Revenir au catalogue" not in html

    public = client.get("/catalogue/panne/")
    html = public.content.decode()
    assert public.status_code == 500 and '<a href="/">Revenir au catalogue</a>' in html
    assert "espace de conception" not in html
