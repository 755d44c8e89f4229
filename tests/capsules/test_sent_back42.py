"""Walk 42: the designer read « Renvoyée avec commentaire » on the footage page and the dashboard, the expert's
comment itself only once the review was opened. The footage page says who sent the steps back and what they wrote,
escaped, with what to do next."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from capsules.models import Footage
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_footage_page_shows_the_experts_send_back_comment(client):
    expert = factories.expert(username="expert-w42", first_name="Camille", last_name="Roux")
    comment = 'La 2e étape <b>x</b> "><img src=x onerror=alert(2)>\nÀ reprendre.'
    footage = factories.FootageFactory(duration=8.0, expert=expert, status=Footage.Status.CHANGES_REQUESTED,
                                       review_comment=comment)
    client.force_login(factories.designer(username="concepteur-w42b"))
    page = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    box = re.search(r'<div class="help-block help-warning geste-sent-back".*?</div>', page, re.S).group(0)
    assert "<img" not in box and "<b>" not in box and "&lt;img src=x" in box
    assert "commentaire\u00a0:" in html.unescape(box)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", box)).split())
    assert text == ("Camille Roux vous a renvoyé les étapes avec ce commentaire : La 2e étape <b>x</b> "
                    "\"><img src=x onerror=alert(2)> À reprendre. Reprenez les étapes dans la relecture, puis "
                    "renvoyez-les à l'expert."), text
    # Not while the expert reviews, nor once approved.
    for status in (Footage.Status.IN_REVIEW, Footage.Status.APPROVED):
        Footage.objects.filter(pk=footage.pk).update(status=status)
        page = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
        assert 'data-role="sent-back"' not in page
