"""One clock on excerpt capsules: the designer's screens count times from the capsule's start, like the
learner's player, while times are stored on the footage's clock. The capsule here is the excerpt
12,0 s – 52,0 s of a 60-s footage (40 s long)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Footage, Interaction
from tests.factories import CapsuleFactory, FootageFactory, StepFactory, designer


@pytest.fixture
def excerpt(db):
    footage = FootageFactory(duration=60.0, status=Footage.Status.APPROVED, renditions={"mp4": "f/clip.mp4"})
    for i, (a, b, title) in enumerate([(0.0, 12.0, "Préparer"), (12.0, 30.0, "Couper l'eau"),
                                       (30.0, 52.0, "Changer le joint"), (52.0, 60.0, "Ranger")]):
        StepFactory(footage=footage, order=i, start=a, end=b, title=title, approved=True)
    return CapsuleFactory(footage=footage, title="Changer un joint", start=12.0, end=52.0)


def _form(**kw):
    return {"kind": "true_false", "prompt": "On coupe l'eau avant tout.", "true_false": "true",
            "mandatory": "on", **kw}


def test_conversions_between_the_two_clocks(excerpt):
    assert authoring.capsule_length(excerpt) == 40.0
    assert authoring.to_footage_clock(excerpt, 4.4) == 16.4
    assert authoring.to_capsule_clock(excerpt, 16.4) == 4.4
    assert authoring.capsule_clock_tenths(excerpt, 16.4) == "0:04,4"  # 16.4 - 12.0 = 4.3999… reads 0:04,4
    assert authoring.capsule_clock_tenths(excerpt, 52.0) == "0:40,0"


def test_the_form_time_counts_from_the_capsule_start_and_is_stored_on_the_footage_clock(excerpt):
    inter = authoring.apply_interaction_form(excerpt, _form(time="4,4"))
    assert inter.time == 16.4
    assert inter.step.title == "Couper l'eau"  # the step found at 16,4 s of the footage
    assert authoring.apply_interaction_form(excerpt, _form(time="0"), inter).time == 12.0
    assert authoring.apply_interaction_form(excerpt, _form(time="40"), inter).time == 52.0
    assert authoring.apply_interaction_form(excerpt, _form(time="-0,03"), inter).time == 12.0  # the edge


def test_a_proposal_a_hair_before_the_start_edits_at_0(client, excerpt):
    client.force_login(designer(username="conceptrice-bord"))
    draft = Interaction.objects.create(capsule=excerpt, time=11.97, kind="true_false", prompt="Au bord ?",
                                       answer_key={"correct": True}, origin=Interaction.Origin.DRAFTED,
                                       draft_status=Interaction.DraftStatus.PROPOSED)
    html = client.get(reverse("geste_interaction_edit", args=[excerpt.pk, draft.pk])).content.decode()
    assert 'name="time" value="0" required data-max="40.0"' in html


@pytest.mark.parametrize("typed", ["-1", "40.5", "52"])
def test_a_time_outside_the_capsule_is_refused_in_french(excerpt, typed):
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.apply_interaction_form(excerpt, _form(time=typed))
    assert exc.value.errors["time"] == (
        "Le moment doit être entre 0 et 40,0 secondes depuis le début de la capsule (0:00,0 – 0:40,0).")
    assert not excerpt.interactions.exists()


def test_the_designer_screens_show_the_capsule_clock(client, excerpt):
    client.force_login(designer(username="conceptrice-horloge"))
    accepted = authoring.apply_interaction_form(excerpt, _form(time="4"))
    Interaction.objects.create(capsule=excerpt, time=17.5, kind="true_false", prompt="Proposée ?",
                               answer_key={"correct": False}, origin=Interaction.Origin.DRAFTED,
                               draft_status=Interaction.DraftStatus.PROPOSED)
    html = client.get(reverse("geste_capsule_edit", args=[excerpt.pk])).content.decode()
    assert "0:04,0 · Vrai / faux" in html and "0:16,0" not in html  # the question list
    assert "0:05,5 · Vrai / faux" in html and "0:17,5" not in html  # the proposals list
    assert "Couper l&#x27;eau (0:00,0 – 0:18,0)" in html  # the step list of the question form
    assert "Changer le joint (0:18,0 – 0:40,0)" in html
    # A new question has no time yet (it was 0:00, asked before anything was watched): a step chosen
    # gives it that step's end.
    assert 'name="time" value="" required data-max="40.0"' in html
    assert 'data-role="playhead">0:00,0</output>' in html
    assert "#t=12.000000" in html  # the video opens at 0:00 of the capsule, 12 s into the footage

    edit = reverse("geste_interaction_edit", args=[excerpt.pk, accepted.pk])
    html = client.get(edit).content.decode()
    assert 'name="time" value="4" required data-max="40.0"' in html  # not 16
    assert 'data-role="playhead">0:04,0</output>' in html and "#t=16.0" in html
    res = client.post(edit, _form(time="6,5"))
    assert res.status_code == 302
    accepted.refresh_from_db()
    assert accepted.time == 18.5
    res = client.post(edit, _form(time="41"))
    assert res.status_code == 400
    assert "Le moment doit être entre 0 et 40,0 secondes depuis le début de la capsule (0:00,0 – 0:40,0)." \
        in res.content.decode()

    res = client.post(reverse("geste_interaction_add", args=[excerpt.pk]), _form(time="20"), follow=True)
    assert "Interaction ajoutée\u00a0: Vrai / faux à 0:20,0." in res.content.decode()


def test_the_step_warning_reads_the_capsule_clock(excerpt):
    step = excerpt.footage.steps.get(title="Couper l'eau")
    inter = authoring.apply_interaction_form(excerpt, _form(time="19", step=str(step.pk)))
    warning = authoring.step_time_warning(inter)
    assert "(0:19,0)" in warning and "(0:00,0 – 0:18,0)" in warning


def test_the_range_error_and_the_help_line_give_one_limit(client, db):
    """Walk 49: a 50,05-s capsule was « entre 0 et 50,0 secondes (0:00,0 – 0:50,1) » in the error, « de 0 à 50,1 s »
    in the help line above it."""
    footage = FootageFactory(duration=50.05, status=Footage.Status.APPROVED, renditions={"mp4": "f/clip.mp4"})
    StepFactory(footage=footage, order=0, start=0.0, end=50.05, title="Tout", approved=True)
    capsule = CapsuleFactory(footage=footage, title="Cinquante secondes", start=0.0, end=50.05)
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.apply_interaction_form(capsule, _form(time="99"))
    assert exc.value.errors["time"] == (
        "Le moment doit être entre 0 et 50,1 secondes depuis le début de la capsule (0:00,0 – 0:50,1).")
    client.force_login(designer(username="conceptrice-limite"))
    html = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    assert "Depuis le début de la capsule, de 0 à 50,1 s." in html


def test_a_question_moved_in_its_edit_form_takes_the_step_of_its_new_moment(client, excerpt):
    """Walk 49: a question added at 0:08,5 with « (celle qui contient l'instant) », then moved to 0:20 in
    « Modifier l'interaction », stayed on step 1 (the form had the step written in) and read « Après l'étape 1 ».
    A step chosen apart from the moment (the question after its step's end) stays chosen."""
    client.force_login(designer(username="conceptrice-deplace"))
    inter = authoring.apply_interaction_form(excerpt, _form(time="8,5"))
    assert inter.step.title == "Couper l'eau"
    edit = reverse("geste_interaction_edit", args=[excerpt.pk, inter.pk])
    html = client.get(edit).content.decode()
    assert "selected>Couper l" not in html  # « (celle qui contient l'instant) » shown
    assert client.post(edit, _form(time="20", step="")).status_code == 302
    inter.refresh_from_db()
    assert inter.step.title == "Changer le joint" and inter.time == 32.0

    first = next(s for s in authoring.capsule_steps(excerpt) if s.title == "Couper l'eau")
    after = authoring.apply_interaction_form(excerpt, _form(time="18,5", step=str(first.pk)))
    assert after.step_id == first.pk  # chosen, 0,5 s after its end
    html = client.get(reverse("geste_interaction_edit", args=[excerpt.pk, after.pk])).content.decode()
    assert f'<option value="{first.pk}"' in html and "selected>Couper l" in html
