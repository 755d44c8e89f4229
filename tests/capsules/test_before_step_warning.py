"""A question timed before the step it asks about (walk: the learner was asked before seeing the gesture,
and nothing said so): saved all the same, with a French warning on its edit screen and in the capsule's
lists, read from the saved question, and « Placer à la fin de l'étape », a plain form button (on the edit
screen, a button of the interaction form: the edits typed and not saved are kept)."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Footage, Interaction
from tests.factories import CapsuleFactory, FootageFactory, InteractionFactory, StepFactory, designer

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def excerpt(db):
    """A capsule from 0:06 to 0:50 of the footage: its clock reads 6 s less than the footage's."""
    footage = FootageFactory(duration=60.0, status=Footage.Status.APPROVED, renditions={"mp4": "f/clip.mp4"})
    for i, (a, b, title) in enumerate([(0.0, 6.0, "Avant"), (6.0, 18.0, "Préparer"),
                                       (18.0, 30.0, "Serrer l'écrou"), (30.0, 50.0, HOSTILE)]):
        StepFactory(footage=footage, order=i, start=a, end=b, title=title, approved=True)
    return CapsuleFactory(footage=footage, title="Changer une roue", start=6.0, end=50.0)


def _form(**kw):
    return {"prompt": "Quel outil pour serrer l'écrou ?", "choices": "* Une clé dynamométrique\nUn marteau",
            "mandatory": "on", **kw}


def _step(capsule, title):
    return capsule.footage.steps.get(title=title)


def _warnings(html_text: str) -> list[str]:
    return re.findall(r'<div[^>]*data-role="before-step".*?</div>', html_text, flags=re.S)


EXPECTED = ("Cette question apparaît à 0:04,5, avant l'étape «\u00a0Serrer l'écrou\u00a0» qu'elle concerne "
            "(début 0:12,0). L'apprenant n'aura pas encore vu le geste.")


def test_a_question_before_its_step_is_saved_and_warned_on_its_screen_and_in_the_list(client, excerpt):
    serrer = _step(excerpt, "Serrer l'écrou")
    inter = InteractionFactory(capsule=excerpt, time=20.0, step=serrer)
    client.force_login(designer(username="ines"))
    edit = reverse("geste_interaction_edit", args=[excerpt.pk, inter.pk])
    assert _warnings(client.get(edit).content.decode()) == []  # inside its step: nothing to say

    res = client.post(edit, _form(time="4,5", step=str(serrer.pk)))
    assert res.status_code == 302  # saved all the same: a prediction question may be wanted
    inter.refresh_from_db()
    assert (inter.time, inter.step_id) == (10.5, serrer.pk)
    flashed = [m.message for m in get_messages(res.wsgi_request) if m.level_tag == "warning"]
    assert flashed == [EXPECTED]

    page = client.get(edit).content.decode()
    [box] = _warnings(page)
    assert html.unescape(re.sub(r"<[^>]+>", "", box)).split() == (
        EXPECTED + " Placer à la fin de l'étape (0:24,0)").split()
    action = reverse("geste_interaction_place_at_step_end", args=[excerpt.pk, inter.pk])
    # a plain button of the interaction form (keyboard, no JS): what was typed is sent with it
    assert re.search(r'<button type="submit" form="interaction-form" name="place_at_step_end"', box)
    assert re.search(r'<form[^>]*id="interaction-form"', page)
    assert re.search(r'id="id_time"[^>]*aria-describedby="[^"]*id_before_step"', page)

    listing = client.get(reverse("geste_capsule_edit", args=[excerpt.pk])).content.decode()
    [marker] = _warnings(listing)
    assert EXPECTED in html.unescape(marker) and f'action="{action}"' in marker


def test_placer_a_la_fin_de_l_etape_moves_the_saved_question_to_the_step_end(client, excerpt):
    serrer = _step(excerpt, "Serrer l'écrou")
    inter = InteractionFactory(capsule=excerpt, time=10.5, step=serrer, prompt="Mon texte enregistré")
    client.force_login(designer(username="ines"))
    action = reverse("geste_interaction_place_at_step_end", args=[excerpt.pk, inter.pk])
    assert client.get(action).status_code == 405

    res = client.post(action, {"from": "edit"}, follow=True)
    assert res.redirect_chain[-1][0] == reverse("geste_interaction_edit", args=[excerpt.pk, inter.pk])
    inter.refresh_from_db()
    assert (inter.time, inter.step_id, inter.prompt) == (30.0, serrer.pk, "Mon texte enregistré")
    page = res.content.decode()
    assert "Question placée à la fin de l'étape «\u00a0Serrer l'écrou\u00a0» (0:24,0)." in html.unescape(page)
    assert _warnings(page) == []  # the warning is gone: the server reads the saved question again

    inter.time = 7.0
    inter.save()
    res = client.post(action, {"from": "list"})
    assert res.url == reverse("geste_capsule_edit", args=[excerpt.pk]) + "#interactions"
    inter.refresh_from_db()
    assert inter.time == 30.0


def test_the_action_is_for_this_capsule_s_questions_only(client, excerpt):
    other = InteractionFactory(time=1.0)  # another capsule's question
    client.force_login(designer(username="ines"))
    res = client.post(reverse("geste_interaction_place_at_step_end", args=[excerpt.pk, other.pk]))
    assert res.status_code == 404
    other.refresh_from_db()
    assert other.time == 1.0


def test_no_before_step_warning_inside_after_or_without_a_step(excerpt):
    serrer = _step(excerpt, "Serrer l'écrou")
    inside = InteractionFactory.build(capsule=excerpt, time=18.0, step=serrer)  # its first instant
    after = InteractionFactory.build(capsule=excerpt, time=31.0, step=serrer)
    loose = InteractionFactory.build(capsule=excerpt, time=7.0, step=None)
    assert [authoring.before_step_warning(i) for i in (inside, after, loose)] == [None, None, None]
    before = InteractionFactory.build(capsule=excerpt, time=17.9, step=serrer)
    assert authoring.before_step_warning(before)["step_end"] == "0:24,0"


def test_a_hostile_step_title_renders_inert(client, excerpt):
    hostile = _step(excerpt, HOSTILE)
    inter = InteractionFactory(capsule=excerpt, time=20.0, step=hostile,
                               draft_status=Interaction.DraftStatus.PROPOSED,
                               origin=Interaction.Origin.DRAFTED)
    accepted = InteractionFactory(capsule=excerpt, time=20.0, step=hostile)
    client.force_login(designer(username="ines"))
    res = client.post(reverse("geste_interaction_edit", args=[excerpt.pk, accepted.pk]),
                      _form(time="14", step=str(hostile.pk)), follow=True)  # the flashed warning too
    pages = [res.content.decode(),
             client.get(reverse("geste_interaction_edit", args=[excerpt.pk, inter.pk])).content.decode()]
    for page in pages:
        boxes = _warnings(page)
        assert boxes and all("«\u00a0&lt;img src=x onerror=alert(1)&gt;\u00a0» qu" in b for b in boxes)
        assert HOSTILE not in page and "<img src=x" not in page
    assert len(_warnings(pages[0])) == 2  # the list: the accepted question and the proposal
    assert pages[0].count("«\u00a0&lt;img src=x onerror=alert(1)&gt;\u00a0» qu") == 3  # and the flashed warning
    res = client.post(reverse("geste_interaction_place_at_step_end", args=[excerpt.pk, inter.pk]),
                      {"from": "list"}, follow=True)
    assert "<img src=x" not in res.content.decode() and "&lt;img src=x onerror=alert(1)&gt;" in res.content.decode()
    inter.refresh_from_db()
    assert inter.time == 50.0


def test_placer_on_the_edit_screen_keeps_what_was_typed_and_not_saved(client, excerpt):
    """Walk: the button moved the saved question and reloaded the screen; the prompt and answers typed
    just before were lost. It now sends the form being typed, with the step's end as its time."""
    serrer, preparer = _step(excerpt, "Serrer l'écrou"), _step(excerpt, "Préparer")
    inter = InteractionFactory(capsule=excerpt, time=10.5, step=serrer, prompt="Mon texte enregistré")
    client.force_login(designer(username="ines"))
    edit = reverse("geste_interaction_edit", args=[excerpt.pk, inter.pk])
    typed = _form(time="4,5", step=str(serrer.pk), prompt="Texte tapé, pas encore enregistré",
                  feedback_wrong="Revoyez le serrage.", place_at_step_end="1")
    res = client.post(edit, typed, follow=True)
    assert res.redirect_chain[-1][0] == edit
    inter.refresh_from_db()
    assert (inter.time, inter.step_id, inter.prompt, inter.feedback_wrong) == (
        30.0, serrer.pk, "Texte tapé, pas encore enregistré", "Revoyez le serrage.")
    assert ("Interaction enregistrée et placée à la fin de l'étape «\u00a0Serrer l'écrou\u00a0» (0:24,0)."
            in html.unescape(res.content.decode()))
    assert _warnings(res.content.decode()) == []

    # the step chosen in the form (not yet saved) is the one whose end is used
    res = client.post(edit, _form(time="0", step=str(preparer.pk), place_at_step_end="1"))
    inter.refresh_from_db()
    assert (res.status_code, inter.time, inter.step_id) == (302, 18.0, preparer.pk)

    # a mistake in the typed form: nothing saved, the form comes back with what was typed and the new time
    res = client.post(edit, _form(time="1", step=str(serrer.pk), prompt="Gardé", choices="Une seule",
                                  place_at_step_end="1"))
    assert res.status_code == 400
    page = html.unescape(res.content.decode())
    assert ">Gardé</textarea>" in page and re.search(r'id="id_time" name="time" value="24"', page)
    inter.refresh_from_db()
    assert (inter.time, inter.step_id) == (18.0, preparer.pk)
