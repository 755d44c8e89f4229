"""Audit 38: cmi5 login CSRF. A cmi5 launch URL signs its bearer into the LMS learner's Geste account, and cmi5
binds it to nothing in the browser. An attacker launched the activity from their own course, kept (or reused)
the launch URL and sent it to a victim: the victim's browser was signed in as the attacker's account — replacing
the victim's own signed-in session without a word — and the victim's work landed there. Two rules now: a launch
link serves once on Geste's side, whatever the LMS does with its fetch URL; and a launch never replaces a
signed-in person by another identity without their confirmation (a French page, a CSRF-checked POST)."""

from __future__ import annotations

import uuid
from html import unescape
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from capsules.analytics.cmi5_statements import EXT_SESSION
from capsules.models import Cmi5Session
from tests import factories
from tests.capsules.test_interop_cmi5_launch import capsule, launch_query, lms  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _url(capsule_pk: int, query: dict) -> str:
    return f"{reverse('interop-cmi5-launch', args=[capsule_pk])}?{urlencode(query)}"


def _signed_in(client: Client):
    pk = client.session.get("_auth_user_id")
    return get_user_model().objects.filter(pk=pk).first() if pk else None


def test_a_used_launch_link_is_refused_even_where_the_lms_answers_its_fetch_again(lms, capsule):  # noqa: F811
    """The attacker opens their own launch, then sends the same link to a victim. An LMS whose fetch URL answers
    more than once (the token handed out again) let the victim in as the attacker."""
    capsule = capsule[0]
    query = launch_query(lms, str(uuid.uuid4()), actor_name="attaquant")
    key = query["fetch"].rsplit("/", 1)[-1]
    token = lms.tokens[key]
    url = _url(capsule.pk, query)
    attacker = Client()
    assert attacker.get(url).status_code == 302
    attacker_account = _signed_in(attacker)
    lms.tokens[key] = token  # a lax LMS: the same fetch URL answers again, as a new AU session
    lms.state[query["registration"]]["contextTemplate"]["extensions"][EXT_SESSION] = str(uuid.uuid4())
    victim = Client()
    replay = victim.get(url)
    assert replay.status_code == 400, replay
    assert "déjà servi" in unescape(replay.content.decode())
    assert _signed_in(victim) is None and Cmi5Session.objects.count() == 1
    assert lms.fetch_calls == [key]  # refused before the LMS is asked
    # the LMS answers a new fetch URL with the same token: refused too, nobody signed in
    again = launch_query(lms, str(uuid.uuid4()), actor_name="attaquant")
    lms.tokens[again["fetch"].rsplit("/", 1)[-1]] = token
    lms.valid.discard(token)
    replay = victim.get(_url(capsule.pk, again))
    assert replay.status_code == 400 and "déjà servi" in unescape(replay.content.decode())
    assert _signed_in(victim) is None and Cmi5Session.objects.filter(user=attacker_account).count() == 1


def test_a_launch_never_silently_replaces_who_is_signed_in(lms, capsule):  # noqa: F811
    """The victim is signed in to Geste; the attacker's fresh (never opened) launch link arrives. It used to sign
    the victim out and into the attacker's account at once."""
    capsule = capsule[0]
    victim_user = factories.learner()
    victim = Client(enforce_csrf_checks=True)
    victim.force_login(victim_user)
    query = launch_query(lms, str(uuid.uuid4()), actor_name="attaquant")
    url = _url(capsule.pk, query)
    page = victim.get(url)
    assert page.status_code == 200, page
    html = unescape(page.content.decode())
    assert "Changer de compte\u00a0?" in html and "attaquant" in html and "ne continuez pas" in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert _signed_in(victim) == victim_user  # still the victim
    assert lms.fetch_calls == [] and not Cmi5Session.objects.exists()  # nothing fetched, the link not used
    # a cross-site auto-submitted form has no CSRF token: refused
    assert victim.post(url, {"changer": "1"}).status_code == 403
    assert _signed_in(victim) == victim_user and lms.fetch_calls == []
    # the person confirms on the page itself: the launch goes on under the launch's account
    token = victim.cookies["csrftoken"].value
    confirmed = victim.post(url, {"changer": "1", "csrfmiddlewaretoken": token})
    assert confirmed.status_code == 302 and confirmed["Location"] == capsule.page.url
    session = Cmi5Session.objects.get()
    assert _signed_in(victim) == session.user != victim_user


def test_the_same_learner_relaunching_is_not_asked(lms, capsule):  # noqa: F811
    capsule = capsule[0]
    client = Client()
    assert client.get(_url(capsule.pk, launch_query(lms, str(uuid.uuid4())))).status_code == 302
    learner = _signed_in(client)
    assert client.get(_url(capsule.pk, launch_query(lms, str(uuid.uuid4())))).status_code == 302
    assert _signed_in(client) == learner and Cmi5Session.objects.filter(user=learner).count() == 2


def test_a_staff_session_is_not_replaced_either(lms, capsule):  # noqa: F811
    capsule = capsule[0]
    designer = factories.designer()
    client = Client()
    client.force_login(designer)
    page = client.get(_url(capsule.pk, launch_query(lms, str(uuid.uuid4()))))
    assert page.status_code == 200 and "Changer de compte\u00a0?" in unescape(page.content.decode())
    assert _signed_in(client) == designer


def test_used_launch_records_are_forgotten_after_the_retention_and_only_then(settings):
    """One or two rows per launch: past ``GESTE_CMI5_LAUNCH_MEMORY_DAYS`` they go, newer ones stay (and keep
    refusing their link)."""
    from datetime import timedelta

    from django.utils import timezone

    from capsules.interop import cmi5_launch
    from capsules.models import Cmi5LaunchUse

    settings.GESTE_CMI5_LAUNCH_MEMORY_DAYS = 30
    old = Cmi5LaunchUse.objects.create(digest="fetch:old")
    Cmi5LaunchUse.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    Cmi5LaunchUse.objects.create(digest="fetch:recent")
    assert cmi5_launch.forget_old_uses(force=True) == 1
    assert list(Cmi5LaunchUse.objects.values_list("digest", flat=True)) == ["fetch:recent"]
    cmi5_launch._last_forget = 0.0  # a new process: the next claim purges at once
    Cmi5LaunchUse.objects.filter(digest="fetch:recent").update(created_at=timezone.now() - timedelta(days=40))
    cmi5_launch.claim("fetch", "https://lms.example/fetch/1")
    assert list(Cmi5LaunchUse.objects.values_list("digest", flat=True)) == [cmi5_launch._digest(
        "fetch", "https://lms.example/fetch/1")]
    with pytest.raises(cmi5_launch.LaunchRefused):  # and once within the hour: no second purge, still refused
        cmi5_launch.claim("fetch", "https://lms.example/fetch/1")
