"""Learner path under load: anonymous pages from the cache (invalidated on publish), no per-visitor state in
the cached HTML, and bounded query counts for the pages and the learner API (PostgreSQL)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capsules.learning import delivery
from capsules.models import Attempt, Progress, Step
from cms.page_cache import CACHE_HEADER
from tests import factories, pages
from tests.capsules.test_learner_api import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def catalogue(world):  # noqa: F811
    """The world's capsule plus siblings, other blocks and another certification (N+1 would show)."""
    block = world["capsule"].skills_block
    for i in range(4):
        pages.capsule_page(factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block), order=i + 1))
    cert = block.certification
    for _ in range(3):
        other = factories.SkillsBlockFactory(certification=cert)
        pages.capsule_page(factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=other)))
    other_cert = factories.CertificationFactory()
    for _ in range(2):
        other = factories.SkillsBlockFactory(certification=other_cert)
        pages.capsule_page(factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=other)))
    for capsule in block.capsules.all()[:3]:
        Progress.objects.create(user=world["user"], capsule=capsule, completed=True)
    return world


def test_anonymous_capsule_page_is_served_from_the_cache_without_queries(world):  # noqa: F811
    anon, url = Client(), world["page"].url
    first = anon.get(url)
    assert first.status_code == 200 and first[CACHE_HEADER] == "miss"
    assert "csrf" not in first.content.decode().lower() and not first.cookies
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(url)
    assert again.status_code == 200 and again[CACHE_HEADER] == "hit"
    assert len(queries) == 0
    assert again.content == first.content and "Couper l&#x27;eau" in again.content.decode()
    assert again["X-Frame-Options"] == first["X-Frame-Options"]
    # A query string, a POST or a session cookie never reach the cache.
    assert CACHE_HEADER not in Client().get(url + "?x=1")
    signed_in = world["client"]
    assert CACHE_HEADER not in signed_in.get(url)


def test_publishing_a_new_revision_is_served_at_once(world):  # noqa: F811
    anon, page = Client(), world["page"]
    assert anon.get(page.url)[CACHE_HEADER] == "miss"
    assert anon.get(page.url)[CACHE_HEADER] == "hit"
    page.intro = "<p>Nouvelle présentation publiée</p>"
    page.save_revision().publish()
    resp = anon.get(page.url)
    assert resp[CACHE_HEADER] == "miss" and "Nouvelle présentation publiée" in resp.content.decode()
    # Content the page renders, changed outside the page (a step renamed in review), too.
    Step.objects.filter(pk=world["steps"][0].pk).update(title="x")  # no signal: still the cached copy
    assert anon.get(page.url)[CACHE_HEADER] == "hit"
    step = world["steps"][0]
    step.title = "Fermer la vanne d'arrêt"
    step.save()
    assert "Fermer la vanne d&#x27;arrêt" in anon.get(page.url).content.decode()
    # The catalogue lists the capsule: unpublishing removes it there and the page answers 404.
    block_url = page.get_parent().url
    assert world["capsule"].title in anon.get(block_url).content.decode()
    assert anon.get(block_url)[CACHE_HEADER] == "hit"
    page.unpublish()
    assert anon.get(page.url).status_code == 404
    assert world["capsule"].title not in anon.get(block_url).content.decode()


def test_moving_or_deleting_a_page_is_served_at_once(world):  # noqa: F811
    anon, page = Client(), world["page"]
    cert = world["capsule"].skills_block.certification
    other_block_page = pages.skills_block_page(factories.SkillsBlockFactory(certification=cert))
    old_url = page.url
    assert anon.get(old_url).status_code == 200 and anon.get(old_url)[CACHE_HEADER] == "hit"
    page.move(other_block_page, pos="last-child")
    page.refresh_from_db()
    moved = anon.get(old_url)  # Wagtail's redirect to the new place, not the cached copy
    assert moved.status_code == 301 and moved["Location"].endswith(page.url.split("/")[-2] + "/")
    assert anon.get(page.url).status_code == 200
    new_url = page.url
    page.delete()
    assert anon.get(new_url).status_code == 404


def test_signed_in_progress_is_never_in_the_cached_html(world):  # noqa: F811
    Progress.objects.create(user=world["user"], capsule=world["capsule"], completed=True)
    url = world["page"].url
    mine = world["client"].get(url).content.decode()
    assert "Capsule terminée" in mine and world["user"].username in mine
    anon = Client().get(url)
    assert anon[CACHE_HEADER] == "miss"
    text = Client().get(url).content.decode()
    assert "Capsule terminée" not in text and world["user"].username not in text and "Se connecter" in text


def test_the_player_gets_its_csrf_token_from_the_manifest(world):  # noqa: F811
    # The anonymous (cached) page HTML has no token; signed-in pages carry one for their sign-out form.
    assert "csrftoken" not in Client().get(world["page"].url).cookies
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["user"])
    strict.get(reverse("learner-manifest", args=[world["capsule"].pk]))
    token = strict.cookies["csrftoken"].value
    ok = strict.post(
        reverse("learner-answer", args=[world["q1"].pk]),
        json.dumps({"response": _served(world["q1"], {"choice": "a"}, world["user"])}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert ok.status_code == 200


def _served(question, response: dict, user) -> dict:
    """A response as this learner's player sends it: opaque choice ids (capsules/learning/delivery.py)."""
    return delivery.response_to_public(question, response, delivery.audience_for(user))


def test_pages_render_with_a_bounded_number_of_queries(catalogue, django_assert_max_num_queries):
    capsule_page = catalogue["page"]
    block_page = capsule_page.get_parent().specific
    cert_page = block_page.get_parent().specific
    home = cert_page.get_parent().specific
    signed_in = catalogue["client"]
    # Uncached renders (Wagtail's routing is most of it); the same whatever the number of capsules and blocks.
    # The block page also builds the learner's path (live capsules, mandatory counts, placement: 3 queries)
    # and names the block's badge (1 query; signed in, the learner's credential: 1 more).
    for page, bound in [(capsule_page, 22), (block_page, 18), (cert_page, 12), (home, 9)]:
        for client, who in [(Client(), "anonymous"), (signed_in, "signed-in")]:
            # signed in: session, user, progress, on the block page the placement sitting, and the two
            # permission reads that show designers the link to the admin (and the badge's credential); on the
            # block page since walk 24 also what each unfinished capsule lacks (its progress and attempts: 2)
            # and practice: new cards for capsules just completed (3: completions, cards, questions) and when
            # cards are due (2), so « S'entraîner » is offered only when something is due. Still fixed, not
            # growing with the block's capsules.
            extra = (15 if page is block_page else 7) if who == "signed-in" else 0
            with django_assert_max_num_queries(bound + extra):
                resp = client.get(page.url)
            assert resp.status_code == 200, (page, who)
    home_html = signed_in.get(home.url).content.decode()
    assert "3 capsules terminées sur 5" in home_html  # batched progress still right


def test_learner_api_has_a_bounded_number_of_queries(catalogue, django_assert_max_num_queries):
    c, capsule, q1, q2 = catalogue["client"], catalogue["capsule"], catalogue["q1"], catalogue["q2"]
    progress_url = reverse("learner-progress", args=[capsule.pk])
    manifest_url = reverse("learner-manifest", args=[capsule.pk])
    # Session, user, site root paths and whether the capsule is live (first request only), the capsule's rows;
    # its page's view restrictions (first request only: capsules/learning/page_privacy.py, audit 37).
    with django_assert_max_num_queries(15):
        assert c.get(manifest_url).status_code == 200
    for q, response in [(q1, {"choice": "a"}), (q2, {"value": True}), (q1, {"choice": "b"})]:
        # Interaction, session, user, then one transaction: the attempt and its event (in a savepoint: a
        # replayed client_id is told by the unique constraint), progress, mandatory questions left
        # (+2 savepoints: the test's own transaction).
        with django_assert_max_num_queries(11):
            body = {"response": _served(q, response, catalogue["user"]), "client_id": str(uuid.uuid4())}
            resp = _post(c, reverse("learner-answer", args=[q.pk]), body)
        assert resp.status_code == 200
    assert Attempt.objects.filter(user=catalogue["user"]).count() == 3
    with django_assert_max_num_queries(11):  # manifest with attempts graded for resume
        attempts = c.get(manifest_url).json()["attempts"]
    assert len(attempts) == 2 and attempts[str(q1.pk)]["response"] == _served(q1, {"choice": "b"}, catalogue["user"])
    with django_assert_max_num_queries(4):
        assert c.get(progress_url).status_code == 200
    with django_assert_max_num_queries(7):
        resp = _post(c, progress_url, {"position": 12, "watched": [[0, 19]]})
    assert resp.json()["completed"] is True
    with django_assert_max_num_queries(8):
        assert Client().get(manifest_url).status_code == 200
    first = Attempt.objects.filter(user=catalogue["user"]).first()
    replay = {"response": _served(q1, {"choice": "b"}, catalogue["user"]), "client_id": str(first.client_id)}
    with django_assert_max_num_queries(13):  # + the failed insert's rollback and the first attempt read
        again = _post(c, reverse("learner-answer", args=[q1.pk]), replay)
    assert again.json()["duplicate"] is True and Attempt.objects.filter(user=catalogue["user"]).count() == 3


def test_each_language_has_its_own_cached_copy(world):  # noqa: F811
    url = world["page"].url
    english, french = Client(headers={"accept-language": "en"}), Client(headers={"accept-language": "fr"})
    assert '<html lang="en">' in english.get(url).content.decode()
    first_fr = french.get(url)
    assert first_fr[CACHE_HEADER] == "miss" and '<html lang="fr">' in first_fr.content.decode()
    again = english.get(url)
    assert again[CACHE_HEADER] == "hit" and '<html lang="en">' in again.content.decode()
