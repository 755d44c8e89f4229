"""First-user walk 10 of the authoring screens: the time field writes and reads French decimals
("4,5", "4.5" taken too) with French messages, never the browser's number field; saving the texts of a
published capsule says that learners still see the published version until a new publication."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Interaction
from capsules.templatetags.geste_clock import decimal_comma
from cms.models import CapsulePage
from tests.capsules.test_authoring import capsule, footage  # noqa: F401  (fixtures)
from tests.factories import designer

DRAFT_SAID = "Enregistré comme brouillon\u00a0: les apprenants voient encore la version publiée."


@pytest.mark.parametrize(("value", "shown"), [(4.5, "4,5"), (4.0, "4"), (12.25, "12,25"), (0.1234, "0,123"),
                                              ("4.5", "4,5"), ("4,5", "4,5"), ("abc", "abc"), (0, "0")])
def test_seconds_are_shown_with_a_decimal_comma(value, shown):
    assert decimal_comma(value) == shown


def _excerpt(footage):  # noqa: F811
    steps = list(footage.steps.order_by("start"))
    made = authoring.create_capsule(footage, title="Dévisser", first_step_id=steps[1].pk,
                                    user=designer(username="auteur-extrait"))
    return footage.capsules.get(pk=made.capsule_id)


def test_time_field_is_french_text_and_the_server_converts_it(client, footage):  # noqa: F811
    cap = _excerpt(footage)  # starts 10 s into its footage
    assert cap.start == 10.0
    client.force_login(designer(username="auteur-decimales"))
    inter = authoring.apply_interaction_form(
        cap, {"kind": "true_false", "time": "4,5", "prompt": "On coupe l'eau.", "true_false": "true"})
    assert inter.time == pytest.approx(14.5)  # on the footage's clock
    edit = reverse("geste_interaction_edit", args=[cap.pk, inter.pk])
    html = client.get(edit).content.decode()
    field = re.search(r'<input[^>]*id="id_time"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field and 'value="4,5"' in field, field
    assert not re.search(r"\s(min|max|step)=", field), field  # no browser range check (its message is not French)
    assert 'data-range-message="Le moment doit être entre 0 et 20,0 secondes' in field, field
    for typed, stored in (("6,5", 16.5), ("7.25", 17.25)):
        res = client.post(edit, {"time": typed, "prompt": "On coupe l'eau.", "true_false": "true"})
        assert res.status_code == 302, typed
        inter.refresh_from_db()
        assert inter.time == pytest.approx(stored), typed
    res = client.post(edit, {"time": "25", "prompt": "On coupe l'eau.", "true_false": "true"})
    html = res.content.decode()
    assert res.status_code == 400 and "Le moment doit être entre 0 et 20,0 secondes" in html
    assert 'value="25"' in html and 'aria-invalid="true"' in html  # shown as typed, marked invalid
    # the field's own message sits under it, shown (a walk saw it above the label, between two fields)
    under = re.search(r'<p class="geste-errorlist" id="id_time_error"[^>]*>([^<]*)</p>', html)
    assert under and "hidden" not in under.group(0) and "Le moment doit être entre 0 et 20,0" in under.group(1)
    assert html.index('id="id_time"') < html.index('id="id_time_error"')
    assert 'role="alert"' not in under.group(0)  # the summary above already announces it: once, not twice
    res = client.post(edit, {"time": "4,5,1", "prompt": "On coupe l'eau.", "true_false": "true"})
    assert res.status_code == 400
    assert "Instant\u00a0: écrivez des secondes (65,5) ou minutes:secondes" in res.content.decode()


def _publish(cap):
    page = CapsulePage.objects.get(capsule=cap)
    page.save_revision().publish()
    return CapsulePage.objects.get(pk=page.pk)


def test_texts_saved_on_a_published_capsule_say_that_a_publication_is_needed(client, capsule):  # noqa: F811
    Interaction.objects.filter(capsule=capsule).delete()
    live = _publish(capsule)
    client.force_login(designer(username="auteur-publiee"))
    url = reverse("geste_capsule_edit", args=[capsule.pk])
    res = client.post(url, {"title": "Changer le joint du siphon", "summary": "Nouveau résumé"}, follow=True)
    html = res.content.decode()
    assert DRAFT_SAID in html and "Publiez pour mettre à jour" in html
    assert re.search(rf'<a href="{re.escape(url)}#publication"[^>]*>\s*Publier la mise à jour\s*</a>', html), html
    assert 'data-role="draft-warning"' in html  # the publication section says it too, as long as it lasts
    assert "Textes enregistrés." not in html
    live.refresh_from_db()
    assert live.title == "Changer un joint" and live.has_unpublished_changes  # learners: the published one


def test_texts_saved_on_a_draft_capsule_are_just_saved(client, capsule):  # noqa: F811
    client.force_login(designer(username="auteur-brouillon"))
    url = reverse("geste_capsule_edit", args=[capsule.pk])
    html = client.post(url, {"title": "Changer le joint", "summary": ""}, follow=True).content.decode()
    assert "Textes enregistrés." in html and DRAFT_SAID not in html and 'data-role="draft-warning"' not in html
