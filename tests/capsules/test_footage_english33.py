"""First-user walk (ux33), the footage page in English kept French punctuation: « Status : Steps approved · Block : …
· Duration : 10.0 s » (the « : » and its space were outside the translated label) and step times « 0:01,0 – 0:03,6 »
with a decimal comma next to « 10.0 s ». In English: « Status: », « Duration: », times « 0:01.0 »; French unchanged
(« Statut : » with a non-breaking space, « 0:01,0 »)."""

from __future__ import annotations

import pytest
from wagtail.users.models import UserProfile

from capsules.models import Step
from tests import factories
from tests.capsules.test_footage_admin import footage  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_footage_page_s_labels_and_step_times_follow_the_page_s_language(client, footage, lang):  # noqa: F811
    footage.skills_block = factories.SkillsBlockFactory()
    footage.save()
    Step.objects.create(footage=footage, order=0, start=1.0, end=3.6, title="Couper l'eau", approved=True)
    Step.objects.create(footage=footage, order=1, start=3.6, end=5.0, title="", approved=True)
    designer = factories.designer()
    profile = UserProfile.get_for_user(designer)
    profile.preferred_language = lang
    profile.save()
    client.force_login(designer)
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    if lang == "fr":
        for label in ("Statut", "Bloc", "Durée"):
            assert f"<strong>{label}&nbsp;:</strong>" in body or f"<strong>{label}\u00a0:</strong>" in body, label
        assert "0:01,0 – 0:03,6 · Couper l" in body and "</strong> 0:05" in body  # the player's m:ss (walk 48)
        assert "(sans titre)" in body
    else:
        for label in ("Status", "Block", "Duration"):
            assert f"<strong>{label}:</strong>" in body, label
        assert "&nbsp;:</strong>" not in body and "\u00a0:</strong>" not in body
        assert "0:01.0 – 0:03.6 · Couper l" in body and "</strong> 0:05" in body
        assert "0:01,0" not in body and "(sans titre)" not in body
