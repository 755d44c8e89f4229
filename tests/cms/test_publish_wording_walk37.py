"""Walk 36: the designer's dashboard said « Publier », and the page it opened asked « Valider et publier la capsule »:
was the capsule published already, what more was being validated? One word for one act: the dashboard's
« Publier » (« Publier la capsule « … » » to a screen reader) opens the capsule's publication, whose button reads
« Publier la capsule » and says that learners see it at once."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from capsules.models import Capsule
from tests.cms.test_expert_check import _section, sent  # noqa: F401  (fixture)


def test_the_dashboards_publier_opens_a_button_that_says_the_same(client, sent):  # noqa: F811
    people, page, _state = sent
    client.force_login(people["jean"])
    client.post(reverse("geste_expert_check_action", args=[page.pk, "approve"]))
    client.force_login(people["camille"])
    panel = unescape(_section(client.get("/admin/").content.decode(), "geste-to-publish"))
    link = re.search(r'<a [^>]*geste-to-check__button[^>]*aria-label="([^"]*)"[^>]*>([^<]*)</a>', panel)
    assert link, panel
    assert link.group(2) == "Publier" and link.group(1) == "Publier la capsule «\u00a0Changer un joint\u00a0»"
    html = unescape(client.get(reverse("geste_capsule_edit", args=[page.capsule_id])).content.decode())
    section = re.search(r'id="publication".*?</form>', html, re.S).group(0)
    buttons = re.findall(r'<button type="submit"([^>]*)>([^<]*)</button>', section)
    assert [b[1] for b in buttons] == ["Publier la capsule"], buttons
    assert "Valider et publier" not in html
    # What the click does, said with it.
    assert 'aria-describedby="publish-help"' in buttons[0][0]
    help_text = re.search(r'<p[^>]*id="publish-help"[^>]*>(.*?)</p>', section, re.S).group(1)
    assert "Les apprenants la verront aussitôt" in help_text
    # The click publishes.
    client.post(reverse("geste_capsule_approve_task", args=[page.capsule_id]))
    page.refresh_from_db()
    assert page.live and Capsule.objects.get(pk=page.capsule_id)
    with translation.override("en"):
        assert gettext("Publier la capsule") == "Publish the capsule"
        assert gettext("Publier") == "Publish"
