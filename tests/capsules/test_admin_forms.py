"""Admin forms a French browser can read and submit: decimals in text fields written with a comma
(« 34,985 », « 0,125 »: a number input showed a dot) and taken with a comma or a point, French
server-side validation instead of the browser's English bubbles, the video where a time is picked;
approval refuses untitled steps."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Footage, Interaction
from tests.factories import FootageFactory, InteractionFactory, StepFactory, designer, expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def capsule(db):
    footage = FootageFactory(duration=60.0, status=Footage.Status.APPROVED,
                             renditions={"mp4": "footage/aa/x/transcode/k/low.mp4", "poster": "p.jpg"})
    for i in range(3):
        StepFactory(footage=footage, order=i + 1, start=i * 20.0, end=i * 20.0 + 20.0, title=f"Étape {i}",
                    keyframe=f"k/{i}.jpg", approved=True)
    made = authoring.create_capsule(footage, title="Changer un joint", user=designer(username="auteur"))
    return footage.capsules.get(pk=made.capsule_id)


def _number_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="number"[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))


def _time_value(html: str) -> str:
    return re.search(r'<input[^>]*id="id_time"[^>]*value="([^"]*)"', html).group(1)


def test_edit_form_renders_numbers_a_number_input_accepts(client, capsule):
    inter = InteractionFactory(capsule=capsule, kind=Interaction.Kind.HOTSPOT, time=34.985, choices=[],
                               answer_key={"regions": [{"rect": [0.125, 0.25, 0.375, 0.5]}]})
    client.force_login(designer(username="camille"))
    res = client.get(reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]))
    assert res.status_code == 200
    html = res.content.decode()
    # The zone's fields are text fields written the French way too (walk 17: they showed "0.125" while
    # the time beside them read "34,985"); no number field is left on the form.
    assert _number_values(html) == {}
    zone = dict(re.findall(r'<input type="text" inputmode="decimal"[^>]*name="(hotspot_\w)"[^>]*value="([^"]*)"', html))
    assert zone == {"hotspot_x": "0,125", "hotspot_y": "0,25", "hotspot_w": "0,375", "hotspot_h": "0,5"}
    # The time is a text field written the French way (walk 10: the number field showed "34.985").
    assert _time_value(html) == "34,985"
    assert re.search(r'<input[^>]*inputmode="decimal"[^>]*name="time"', html)
    assert "novalidate" in html  # French messages from the server, not the browser's own
    assert 'data-role="video"' in html and "low.mp4" in html  # "Utiliser la tête de lecture" has a video


def test_saving_the_rendered_form_again_keeps_the_values(client, capsule):
    inter = InteractionFactory(capsule=capsule, time=34.985)
    client.force_login(designer(username="camille"))
    url = reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])
    html = client.get(url).content.decode()
    res = client.post(url, {"time": _time_value(html), "prompt": inter.prompt,
                            "choices": "* Une clé dynamométrique\nUn marteau", "mandatory": "on"})
    assert res.status_code == 302
    inter.refresh_from_db()
    assert inter.time == pytest.approx(34.985)


def _hotspot(capsule):
    return InteractionFactory(capsule=capsule, kind=Interaction.Kind.HOTSPOT, time=25.0, choices=[],
                              step=capsule.steps().order_by("start")[1], image="k/1.jpg",
                              answer_key={"regions": [{"rect": [0.1, 0.2, 0.3, 0.4]}]})


def test_the_zone_takes_a_decimal_comma_or_point_and_comes_back_with_commas(client, capsule):
    inter = _hotspot(capsule)
    client.force_login(designer(username="camille"))
    url = reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])
    res = client.post(url, {"time": "25", "prompt": "Touchez l'écrou.", "hotspot_x": "0,55", "hotspot_y": "0.1",
                            "hotspot_w": " 0,3 ", "hotspot_h": ",25"})
    assert res.status_code == 302
    inter.refresh_from_db()
    assert inter.answer_key == {"regions": [{"rect": [0.55, 0.1, 0.3, 0.25]}]}
    html = client.get(url).content.decode()
    zone = dict(re.findall(r'name="(hotspot_\w)" value="([^"]*)"', html))
    assert zone == {"hotspot_x": "0,55", "hotspot_y": "0,1", "hotspot_w": "0,3", "hotspot_h": "0,25"}
    # sent back unchanged, the zone stays the same (a stored 4-decimal zone too)
    inter.answer_key = {"regions": [{"rect": [0.1234, 0.5, 0.3333, 0.25]}]}
    inter.save()
    html = client.get(url).content.decode()
    zone = dict(re.findall(r'name="(hotspot_\w)" value="([^"]*)"', html))
    assert zone["hotspot_x"] == "0,1234" and zone["hotspot_w"] == "0,3333"
    assert client.post(url, {"time": "25", "prompt": "Touchez l'écrou.", **zone}).status_code == 302
    inter.refresh_from_db()
    assert inter.answer_key == {"regions": [{"rect": [0.1234, 0.5, 0.3333, 0.25]}]}


@pytest.mark.parametrize(("fields", "message"), [
    ({"hotspot_x": "abc"},
     "Zone, x (bord gauche)\u00a0: un nombre entre 0 et 1 est attendu, par exemple 0,25 (virgule ou point)."),
    ({"hotspot_h": "1e-1"}, "Zone, hauteur\u00a0: un nombre entre 0 et 1 est attendu"),
    ({"hotspot_w": ""}, "Zone, largeur\u00a0: un nombre entre 0 et 1 est attendu"),
    ({"hotspot_y": "1,5"}, "Zone\u00a0: x et y sont des fractions de l&#x27;image, entre 0 et 1 (par exemple 0,25)."),
    ({"hotspot_w": "0"}, "Zone\u00a0: la largeur et la hauteur doivent être plus grandes que 0."),
    ({"hotspot_x": "0,9"}, "Zone\u00a0: elle dépasse de l&#x27;image"),
    ({"hotspot_x": "", "hotspot_y": "", "hotspot_w": "", "hotspot_h": ""},
     "Tracez la zone à cliquer sur l&#x27;image, ou saisissez-la."),
])
def test_a_wrong_zone_gets_a_french_message_and_is_sent_back_as_typed(client, capsule, fields, message):
    inter = _hotspot(capsule)
    client.force_login(designer(username="camille"))
    data = {"time": "25", "prompt": "Touchez l'écrou.", "hotspot_x": "0,5", "hotspot_y": "0,5",
            "hotspot_w": "0,2", "hotspot_h": "0,2", **fields}
    res = client.post(reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]), data)
    assert res.status_code == 400
    html = res.content.decode()
    assert message in html
    assert re.search(r'data-role="hotspot-error">' + re.escape(message), html)  # under the zone's fields too
    assert "un nombre est attendu." not in html  # the old message, without the field or the range
    inter.refresh_from_db()
    assert inter.answer_key == {"regions": [{"rect": [0.1, 0.2, 0.3, 0.4]}]}


def test_out_of_range_time_gets_a_french_message(client, capsule):
    inter = InteractionFactory(capsule=capsule)
    client.force_login(designer(username="camille"))
    res = client.post(reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]),
                      {"time": "999", "prompt": "Q", "choices": "* a\nb"})
    assert res.status_code == 400
    assert "Le moment doit être entre 0 et " in res.content.decode()


def test_approval_refuses_an_untitled_step(client):
    jean = expert(username="jp")
    footage = FootageFactory(expert=jean, duration=30.0)
    StepFactory(footage=footage, order=1, start=0, end=10, title="Couper l'eau")
    StepFactory(footage=footage, order=2, start=10, end=20, title="  ")
    client.force_login(jean)
    res = client.post(reverse("review_api:approve", args=[footage.pk]), content_type="application/json",
                      data=json.dumps({"version": footage.review_version}))
    assert res.status_code == 400
    assert "Étape 2\xa0: donnez-lui un titre avant de valider." in json.dumps(res.json(), ensure_ascii=False)
    footage.refresh_from_db()
    assert footage.status == Footage.Status.IN_REVIEW


def test_a_time_outside_the_chosen_step_is_saved_with_a_french_warning(client, capsule):
    from django.contrib.messages import get_messages

    first = capsule.steps().get(start=0.0)  # 0:00 – 0:20
    inter = InteractionFactory(capsule=capsule, time=10.0, step=first)
    client.force_login(designer(username="camille"))
    url = reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])

    def save(time: str) -> list[str]:
        res = client.post(url, {"time": time, "prompt": inter.prompt, "choices": "* a\nb", "step": first.pk})
        assert res.status_code == 302  # saved all the same
        return [m.message for m in get_messages(res.wsgi_request) if m.level_tag == "warning"]

    assert save("12") == []
    just_after = save("21.5")[-1]  # (the test client's messages pile up: no page showed them)
    assert "en dehors de l'étape choisie «\u00a0Étape 0\u00a0»" in just_after and "reste rattachée" in just_after
    far = save("30")[-1]
    assert "comptera avec l'étape où elle tombe" in far
    inter.refresh_from_db()
    assert inter.time == 30.0 and inter.step_id == first.pk
