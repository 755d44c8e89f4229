"""Walk 37: a signed-in learner back on the site's home page had no « Reprendre » way back to the capsule they were
watching (they had to open its skills block's page). The home page now has a « Reprendre » card: the capsule most
recently watched and not finished, its block, where they stopped, a link to its page. Only live capsules the learner
may see (never a draft, a page under an unpublished block, or a page restricted to others), only their own progress,
never for an anonymous visitor (nor kept in the anonymous page cache)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from capsules.models import Progress
from tests import factories
from tests.pages import capsule_page

pytestmark = pytest.mark.django_db

CARD = 'data-role="resume"'


def _home(client, lang="fr") -> str:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def _card(page: str) -> str:
    m = re.search(r'<section[^>]*data-role="resume".*?</section>', page, re.S)
    assert m, "no « Reprendre » card"
    return html.unescape(m.group(0))


def _capsule(title, start=0, publish=True):
    capsule = factories.CapsuleFactory(title=title, start=start)
    return capsule, capsule_page(capsule, publish=publish)


def _watched(user, capsule, position, *, days_ago=0, completed=False):
    progress = Progress.objects.create(user=user, capsule=capsule, position=position, completed=completed,
                                       watched=[[capsule.start, position]])
    if days_ago:
        Progress.objects.filter(pk=progress.pk).update(updated_at=timezone.now() - timedelta(days=days_ago))
    return progress


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_learner_finds_the_capsule_they_were_watching_on_the_home_page():
    learner = factories.learner(username="learner-resume37")
    older, _ = _capsule("Purger un radiateur")
    capsule, page = _capsule("Remplacer le joint d'un siphon", start=10)
    _watched(learner, older, 20, days_ago=2)
    _watched(learner, capsule, 18.4)  # 8.4 s into the capsule (it starts at 10 s of its footage)
    card = _card(_home(_client(learner)))
    assert "Reprendre" in card
    assert "Remplacer le joint d'un siphon" in card and "Purger un radiateur" not in card  # the latest
    block = capsule.skills_block
    assert f"{block.code} — {block.title}" in card
    assert "vous en étiez à 0:08 sur 0:50" in card  # footage of 60 s, the capsule from 10 s
    assert f'href="{page.url}"' in card
    english = _card(_home(_client(learner), "en"))
    assert "Resume" in english and "you were at 0:08 of 0:50" in english


def test_no_card_for_a_finished_capsule_one_at_its_start_or_end_or_watched_long_ago():
    learner = factories.learner(username="learner-resume37b")
    done, _ = _capsule("Terminée")
    start, _ = _capsule("Au début")
    end, _ = _capsule("À la fin")
    old, _ = _capsule("Il y a longtemps")
    _watched(learner, done, 30, completed=True)
    _watched(learner, start, 0.5)
    _watched(learner, end, 59.5)
    _watched(learner, old, 30, days_ago=45)
    assert CARD not in _home(_client(learner))
    # Watched mid-way, older than those (a day ago): this one.
    mid, _ = _capsule("À mi-chemin")
    _watched(learner, mid, 30, days_ago=1)
    card = _card(_home(_client(learner)))
    assert "À mi-chemin" in card and "Terminée" not in card and "Au début" not in card and "À la fin" not in card


def test_never_a_draft_an_unpublished_block_or_a_page_the_learner_may_not_see():
    learner = factories.learner(username="learner-resume37c")
    draft, _ = _capsule("Brouillon", publish=False)
    _watched(learner, draft, 30)
    assert CARD not in _home(_client(learner))
    hidden, page = _capsule("Sous un bloc retiré")
    block_page = page.get_parent()
    _watched(learner, hidden, 30)
    assert "Sous un bloc retiré" in _card(_home(_client(learner)))
    block_page.specific.unpublish()
    assert CARD not in _home(_client(learner))
    private, page = _capsule("Réservée au groupe")
    _watched(learner, private, 30)
    assert "Réservée au groupe" in _card(_home(_client(learner)))
    group = Group.objects.create(name="Session de mai")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="groups")
    restriction.groups.add(group)
    assert CARD not in _home(_client(learner))
    learner.groups.add(group)
    assert "Réservée au groupe" in _card(_home(_client(learner)))


def test_only_their_own_progress_and_never_for_anonymous_visitors():
    learner = factories.learner(username="learner-resume37d")
    other = factories.learner(username="learner-resume37e")
    capsule, _ = _capsule("Changer un flexible")
    _watched(learner, capsule, 30)
    assert "Changer un flexible" in _card(_home(_client(learner)))
    assert CARD not in _home(_client(other))
    anonymous = Client()
    assert CARD not in _home(anonymous)
    assert CARD not in _home(anonymous)  # from the page cache this time
    assert "Changer un flexible" in _card(_home(_client(learner)))  # a signed-in page is never the cached one
