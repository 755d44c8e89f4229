"""Audit 37: an account made for an LMS identity is never one a person made. LTI accounts are named
``lti-<sha256(registration uuid|sub)[:20]>`` and were found with ``get_or_create``: anyone could sign up on
Geste under that name beforehand (the registration's uuid is in its login URL, Moodle's subs are user
numbers), and the learner's first launch then signed them into the squatter's account — their work, and the
grades sent back to the LMS, in an account whose password the squatter holds. Sign-up now refuses the names
Geste keeps for LMS accounts, and a launch never takes over an account it did not make."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from lti_tool.models import LtiRegistration, LtiUser

from capsules.interop.lti.accounts import Roles, account_for, username_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lti_user():
    registration = LtiRegistration.objects.create(
        name="Moodle", issuer="https://moodle.example", client_id="c1", auth_url="https://moodle.example/auth",
        token_url="https://moodle.example/token", keyset_url="https://moodle.example/jwks")
    return LtiUser.objects.create(registration=registration, sub="42", given_name="Inès", family_name="Victime")


def test_a_squatted_lti_name_is_never_the_learner_account(lti_user):
    User = get_user_model()
    squatter = User.objects.create_user(username=username_for(lti_user), password="mot-de-passe-du-squatteur")
    user = account_for(lti_user, Roles(learner=True, teacher=False))
    assert user.pk != squatter.pk
    assert not user.has_usable_password() and user.username.startswith("lti-")
    lti_user.refresh_from_db()
    assert lti_user.auth_user_id == user.pk
    assert account_for(lti_user, Roles(learner=True, teacher=False)).pk == user.pk  # the next launch: the same


def test_an_lti_account_made_earlier_is_found_again(lti_user):
    first = account_for(lti_user, Roles(learner=True, teacher=False))
    LtiUser.objects.filter(pk=lti_user.pk).update(auth_user=None)  # the link lost (identity row made again)
    lti_user.refresh_from_db()
    assert account_for(lti_user, Roles(learner=True, teacher=False)).pk == first.pk


@pytest.mark.parametrize("name", ["lti-0123456789abcdef0123", "LTI-abc", "cmi5-0123456789abcdef0123", "Cmi5-x"])
def test_sign_up_refuses_the_names_kept_for_lms_accounts(client: Client, name):
    response = client.post(reverse("learner-signup"), {"first_name": "Ana", "username": name,
                                                       "password1": "un-mot-de-passe-solide-37",
                                                       "password2": "un-mot-de-passe-solide-37"})
    assert response.status_code == 200 and not get_user_model().objects.filter(username__iexact=name).exists()
    assert "réservés aux comptes ouverts depuis une plateforme" in response.content.decode().replace("&#x27;", "'")
