"""Audit 37: Wagtail's « Historique du site » (admin reports) lists a model's log entries to whoever holds any
permission on that model. The experts' review permission sat on the footage model, so every expert read the
history of every footage (titles, who edited them, to whom they were assigned), not only theirs. The
permission now sits on the step model (``capsules.review_footage``, same name): experts see no footage
history; designers still do."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.log_actions import log

from capsules import permissions
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Vidéo confiée à un autre expert"


def test_experts_read_no_footage_history_designers_do():
    designer, other, expert = factories.designer(), factories.expert(), factories.expert()
    footage = factories.FootageFactory(title=SECRET, expert=other)
    log(instance=footage, action="wagtail.edit", user=designer)
    client = Client()
    client.force_login(expert)
    assert permissions.is_reviewer(expert)  # still an expert, with the same permission name
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        response = client.get(url)
        assert response.status_code == 200 and SECRET not in response.content.decode().replace("&#x27;", "'")
    client.force_login(designer)
    assert SECRET in client.get("/admin/reports/site-history/").content.decode().replace("&#x27;", "'")
