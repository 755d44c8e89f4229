"""Walk 36: signed in as the demo expert, the site's home page (the catalogue, not /admin/) said nothing of the
footage waiting for their review; only the admin dashboard did. The home page now says how many wait for this
user's review, with a link to the review screen (one) or the list (several): the dashboard panel's rule
(``permissions.is_reviewer`` and ``experts.waiting_footage``: assigned to them, in review). Nothing for learners,
anonymous visitors, designers not assigned, or footage not in review (no title of someone else's footage)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Footage
from tests import factories

pytestmark = pytest.mark.django_db

NOTICE = 'data-role="review-waiting"'


def _home(client, lang="fr"):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def _notice(page):
    m = re.search(r'<section[^>]*data-role="review-waiting".*?</section>', page, re.S)
    assert m, "no notice"
    return m.group(0)


def test_an_expert_reads_on_the_home_page_the_one_footage_waiting_for_them():
    expert = factories.expert(username="expert-home37")
    footage = factories.FootageFactory(title="Laver une tasse à la main", expert=expert,
                                       status=Footage.Status.IN_REVIEW)
    client = Client()
    client.force_login(expert)
    notice = html.unescape(_notice(_home(client)))
    assert "1\u00a0vidéo attend votre relecture" in notice
    assert "«\u00a0Laver une tasse à la main\u00a0»" in notice
    assert f'href="{reverse("geste_review", args=[footage.pk])}"' in notice
    assert "Relire les étapes" in notice


def test_several_lead_to_the_list_and_only_theirs_are_counted():
    expert = factories.expert(username="expert-home37b")
    other = factories.expert(username="expert-home37c")
    for title in ("Vidange", "Purge"):
        factories.FootageFactory(title=title, expert=expert, status=Footage.Status.IN_REVIEW)
    # Not counted: approved, still processing, sent back to the designer, someone else's.
    factories.FootageFactory(title="Déjà validée", expert=expert, status=Footage.Status.APPROVED)
    factories.FootageFactory(title="En traitement", expert=expert, status=Footage.Status.PROCESSING)
    factories.FootageFactory(title="Chez le concepteur", expert=expert, status=Footage.Status.CHANGES_REQUESTED)
    factories.FootageFactory(title="Secret d'un autre", expert=other, status=Footage.Status.IN_REVIEW)
    client = Client()
    client.force_login(expert)
    page = _home(client)
    notice = html.unescape(_notice(page))
    assert "2\u00a0vidéos attendent votre relecture" in notice
    assert f'href="{reverse("geste_review_index")}"' in notice
    assert "Secret d'un autre" not in page and "Chez le concepteur" not in page and "Déjà validée" not in page
    # In English.
    english = _notice(_home(client, "en"))
    assert "2 videos are waiting for your review" in english and "See the videos to review" in english


def test_nothing_for_learners_anonymous_visitors_designers_or_an_expert_with_nothing_waiting():
    expert = factories.expert(username="expert-home37d")
    factories.FootageFactory(title="Secret en relecture", expert=expert, status=Footage.Status.IN_REVIEW)
    mine = Client()
    mine.force_login(expert)
    assert "Secret en relecture" in _notice(_home(mine))  # their expert reads it; no one else
    assert NOTICE not in _home(Client())
    for user in (factories.learner(username="learner-home37"), factories.designer(username="designer-home37"),
                 factories.expert(username="expert-home37-idle")):
        client = Client()
        client.force_login(user)
        page = _home(client)
        assert NOTICE not in page and "Secret en relecture" not in page, user.username
    # An expert whose account is deactivated meanwhile gets nothing either (permissions.is_reviewer).
    expert.is_active = False
    expert.save(update_fields=["is_active"])
    client = Client()
    client.force_login(expert)
    assert NOTICE not in client.get("/").content.decode()


def test_a_hostile_title_is_escaped():
    expert = factories.expert(username="expert-home37e")
    factories.FootageFactory(title="<script>alert(1)</script>", expert=expert, status=Footage.Status.IN_REVIEW)
    client = Client()
    client.force_login(expert)
    notice = _notice(_home(client))
    assert "<script>alert" not in notice and "&lt;script&gt;" in notice
