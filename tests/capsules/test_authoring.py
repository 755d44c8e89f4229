"""Authoring rules: capsule + draft page from approved steps, interactions per kind (graded by
capsules.learning.grading with the keys authoring writes), quiz drafts stored as proposals, the workflow."""

from __future__ import annotations

import pytest

from capsules.authoring import capsule as authoring
from capsules.authoring import drafting as quiz_drafting
from capsules.learning import grading
from capsules.models import Footage, Interaction, KeyPoint, Transcript
from cms.models import CapsulePage, SkillsBlockPage
from tests.factories import FootageFactory, StepFactory, designer


@pytest.fixture
def footage(db):
    f = FootageFactory(duration=30.0, status=Footage.Status.APPROVED)
    for i, title in enumerate(["Couper l'eau", "Dévisser l'écrou", "Changer le joint"]):
        StepFactory(
            footage=f,
            order=i + 1,
            start=i * 10.0,
            end=i * 10.0 + 10.0,
            title=title,
            keyframe=f"k/{i}.jpg",
            approved=True,
        )
    return f


@pytest.fixture
def capsule(footage):
    made = authoring.create_capsule(footage, title="Changer un joint", user=designer(username="auteur"))
    return footage.capsules.get(pk=made.capsule_id)


def test_capsule_and_draft_page_are_created_under_the_skills_block(footage):
    steps = list(footage.steps.order_by("start"))
    made = authoring.create_capsule(
        footage,
        title="Dévisser et changer",
        first_step_id=steps[1].pk,
        last_step_id=steps[2].pk,
        summary="Deux gestes.",
    )
    capsule = footage.capsules.get(pk=made.capsule_id)
    assert (capsule.start, capsule.end, capsule.skills_block) == (10.0, 30.0, footage.skills_block)
    assert made.step_ids == (steps[1].pk, steps[2].pk)
    page = CapsulePage.objects.get(pk=made.page_id)
    assert not page.live and page.get_latest_revision() is not None
    parent = page.get_parent().specific
    assert isinstance(parent, SkillsBlockPage) and parent.skills_block == footage.skills_block and parent.live
    again = authoring.create_capsule(footage, title="Dévisser et changer")  # same block page, unique slug
    assert CapsulePage.objects.get(pk=again.page_id).get_parent().pk == parent.pk
    assert CapsulePage.objects.get(pk=again.page_id).slug != page.slug


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": Footage.Status.IN_REVIEW}, "footage"),
        ({"skills_block": None}, "footage"),
    ],
)
def test_capsule_needs_approved_steps_and_a_block(footage, change, field):
    Footage.objects.filter(pk=footage.pk).update(**change)
    footage.refresh_from_db()
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.create_capsule(footage, title="x")
    assert field in exc.value.errors
    with pytest.raises(authoring.AuthoringError):
        authoring.create_capsule(FootageFactory(status=Footage.Status.APPROVED), title="")


def test_step_range_must_be_in_order(footage):
    steps = list(footage.steps.order_by("start"))
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.create_capsule(footage, title="x", first_step_id=steps[2].pk, last_step_id=steps[0].pk)
    assert "après" in exc.value.errors["last_step"]


def _form(**kw):
    return {"time": "5", "mandatory": "on", **kw}


def test_each_kind_is_built_with_a_key_the_grader_understands(capsule):
    steps = list(capsule.steps().order_by("start"))
    single = authoring.apply_interaction_form(
        capsule,
        _form(
            kind="single_choice",
            prompt="Outil ?",
            choices="* Clé dynamométrique | Oui\nMarteau | Non, jamais",
            replay_step_on_wrong="on",
        ),
    )
    assert single.step == steps[0] and single.replay_step_on_wrong and single.mandatory
    assert grading.grade(single, {"choice": "a"}).correct
    res = grading.grade(single, {"choice": "b"})
    assert not res.correct and res.choice_feedback == {"b": "Non, jamais"}

    multi = authoring.apply_interaction_form(
        capsule, _form(kind="multiple_choice", prompt="EPI ?", choices="* Gants\n* Lunettes\nCasque audio")
    )
    assert grading.grade(multi, {"choices": ["a", "b"]}).correct
    assert not grading.grade(multi, {"choices": ["a"]}).correct

    tf = authoring.apply_interaction_form(
        capsule, _form(kind="true_false", prompt="On garde l'eau.", true_false="false")
    )
    assert grading.grade(tf, {"value": False}).correct and tf.mandatory

    order = authoring.apply_interaction_form(capsule, _form(kind="ordering", time="29", prompt=""))
    assert order.prompt == "Remettez les étapes dans l'ordre."
    assert [c["text"] for c in order.choices] == ["Couper l'eau", "Dévisser l'écrou", "Changer le joint"]
    assert grading.grade(order, {"order": [f"s{s.pk}" for s in steps]}).correct

    hot = authoring.apply_interaction_form(
        capsule,
        _form(
            kind="hotspot",
            time="15",
            prompt="Touchez l'écrou.",
            hotspot_x="0.2",
            hotspot_y="0.3",
            hotspot_w="0.4",
            hotspot_h="0.4",
        ),
    )
    assert hot.image == "k/1.jpg" and hot.step == steps[1]
    assert (
        grading.grade(hot, {"x": 0.3, "y": 0.5}).correct
        and not grading.grade(hot, {"x": 0.9, "y": 0.9}).correct
    )

    cloze = authoring.apply_interaction_form(
        capsule,
        _form(kind="cloze", cloze="Je serre à [12 newtons-mètres|12 N.m] avec la [clé dynamométrique]."),
    )
    assert cloze.prompt == "Je serre à ____ avec la ____."
    assert grading.grade(cloze, {"blanks": ["12 N.m", "Clé dynamométrique"]}).correct
    assert (
        authoring.cloze_as_text(cloze)
        == "Je serre à [12 newtons-mètres|12 N.m] avec la [clé dynamométrique]."
    )

    recall = authoring.apply_interaction_form(
        capsule,
        _form(kind="free_recall", prompt="Citez les étapes.", model_answer="Couper, dévisser, changer."),
    )
    assert recall.feedback_correct == "Réponse attendue : Couper, dévisser, changer."
    assert grading.grade(recall, {"text": "…", "self_assessment": "partly"}).score == 0.5
    assert capsule.interactions.filter(origin="designer", draft_status="accepted").count() == 7


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "single_choice", "prompt": "?", "choices": "A\nB"}, "choices"),
        ({"kind": "single_choice", "prompt": "?", "choices": "* A\n* B"}, "choices"),
        ({"kind": "multiple_choice", "prompt": "?", "choices": "* A"}, "choices"),
        ({"kind": "true_false", "prompt": "?"}, "true_false"),
        (
            {
                "kind": "hotspot",
                "prompt": "?",
                "hotspot_x": "0.8",
                "hotspot_y": "0",
                "hotspot_w": "0.5",
                "hotspot_h": "1",
            },
            "hotspot",
        ),
        ({"kind": "cloze", "cloze": "Pas de crochets."}, "cloze"),
        ({"kind": "free_recall", "prompt": "?"}, "model_answer"),
        ({"kind": "true_false", "prompt": "?", "true_false": "true", "time": "45"}, "time"),
        ({"kind": "true_false", "prompt": "", "true_false": "true"}, "prompt"),
        ({"kind": "observe", "prompt": "?"}, "kind"),
    ],
)
def test_invalid_interactions_are_refused_in_french(capsule, data, field):
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.apply_interaction_form(capsule, _form(**data))
    assert field in exc.value.errors and exc.value.errors[field][0].isupper()
    assert not capsule.interactions.exists()


def test_drafts_are_proposed_then_accepted_or_discarded(capsule, footage):
    Transcript.objects.create(
        footage=footage,
        language="fr",
        duration=30,
        segments=[
            {
                "start": 21.0,
                "end": 26.0,
                "text": " Je place le nouveau joint torique et je serre à 3 newtons-mètres.",
                "words": [],
            }
        ],
    )
    KeyPoint.objects.create(
        footage=footage, time=12, kind="safety", text="Lunettes obligatoires", step=footage.steps.get(order=2)
    )
    drafts = quiz_drafting.draft_for_capsule(capsule)
    kinds = sorted(d.kind for d in drafts)
    assert kinds.count("cloze") >= 2 and "ordering" in kinds and "hotspot" in kinds
    # Three steps: "what comes next?" could only offer two options and would repeat the ordering question.
    assert "single_choice" not in kinds
    assert all(d.origin == "drafted" and d.draft_status == "proposed" for d in drafts)
    ordering = next(d for d in drafts if d.kind == "ordering")
    authoring.set_draft_status(ordering, accept=True)
    discarded = next(d for d in drafts if d.kind == "hotspot")
    authoring.set_draft_status(discarded, accept=False)
    again = quiz_drafting.draft_for_capsule(capsule)  # regenerating keeps decisions, replaces proposals
    assert Interaction.objects.get(pk=ordering.pk).draft_status == "accepted"
    assert not any(d.kind == "ordering" for d in again)
    assert capsule.interactions.filter(draft_status="proposed").count() == len(again)
    # editing a proposal accepts it
    cloze = next(d for d in again if d.kind == "cloze" and "3 newtons" in str(d.answer_key))
    authoring.apply_interaction_form(
        capsule, {"time": str(cloze.time), "cloze": authoring.cloze_as_text(cloze), "kind": "cloze"}, cloze
    )
    assert Interaction.objects.get(pk=cloze.pk).draft_status == "accepted"


def test_submit_for_validation_starts_the_expert_workflow(capsule):
    state = authoring.submit_for_validation(capsule, designer(username="auteur2"))
    assert state.current_task_state.task.name == "Validation des étapes et des quiz par l'expert"
    assert state.workflow.name == "Validation par l'expert"
    with pytest.raises(authoring.AuthoringError):
        authoring.submit_for_validation(capsule, None)


def test_authoring_screens_edit_delete_and_texts(client, capsule):
    from django.urls import reverse

    client.force_login(designer(username="auteur-ecrans"))
    inter = authoring.apply_interaction_form(
        capsule, _form(kind="single_choice", prompt="Outil ?", choices="* Clé | Oui\nMarteau")
    )
    quiz_drafting.draft_for_capsule(capsule)
    res = client.get(reverse("geste_capsule_edit", args=[capsule.pk]))
    html = res.content.decode()
    assert res.status_code == 200 and "Outil ?" in html and "Remettez les étapes du geste dans l" in html

    edit = reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])
    res = client.get(edit)
    assert res.status_code == 200 and "* Clé | Oui\nMarteau" in res.content.decode()
    res = client.post(edit, {"time": "7", "prompt": "Quel outil ?", "choices": "Clé\n* Clé dynamométrique"})
    assert res.status_code == 302
    inter.refresh_from_db()
    assert inter.prompt == "Quel outil ?" and inter.answer_key == {"correct": ["b"]} and not inter.mandatory
    assert client.post(edit, {"time": "7", "prompt": "", "choices": "a\nb"}).status_code == 400

    res = client.post(
        reverse("geste_capsule_edit", args=[capsule.pk]), {"title": "Nouveau titre", "summary": "R"}
    )
    assert res.status_code == 302
    page = CapsulePage.objects.get(capsule=capsule)
    assert page.get_latest_revision_as_object().title == "Nouveau titre"
    assert client.post(reverse("geste_capsule_edit", args=[capsule.pk]), {"title": " "}).status_code == 400

    client.post(reverse("geste_interaction_delete", args=[capsule.pk, inter.pk]), {"confirm": "1"})
    assert not Interaction.objects.filter(pk=inter.pk).exists()
    other = FootageFactory()
    assert client.get(reverse("geste_interaction_edit", args=[capsule.pk, 999999])).status_code == 404
    assert client.get(reverse("geste_capsule_create", args=[other.pk])).status_code == 200
    res = client.post(reverse("geste_capsule_create", args=[other.pk]), {"title": "x"})
    assert res.status_code == 400 and "approuvées" in res.content.decode()


@pytest.mark.parametrize("answer", ["true", "false"])
def test_a_true_false_question_opens_and_saves_in_its_edit_page(client, capsule, answer):
    """The answer key of a true/false question is a bool ({"correct": true}), not a list of choice ids:
    its edit page crashed (TypeError: 'bool' object is not iterable) while prefilling the choices."""
    from django.urls import reverse

    client.force_login(designer(username="auteur-vrai-faux"))
    inter = authoring.apply_interaction_form(
        capsule, _form(kind="true_false", prompt="On coupe le robinet avant tout.", true_false=answer)
    )
    assert inter.answer_key == {"correct": answer == "true"}
    edit = reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])
    res = client.get(edit)
    html = res.content.decode()
    assert res.status_code == 200 and "On coupe le robinet avant tout." in html
    assert f'value="{answer}" checked' in html
    flipped = "false" if answer == "true" else "true"
    res = client.post(edit, {"time": "4", "prompt": "On coupe le robinet.", "true_false": flipped, "mandatory": "on"})
    assert res.status_code == 302
    inter.refresh_from_db()
    assert inter.answer_key == {"correct": flipped == "true"} and inter.prompt == "On coupe le robinet."
    assert "Réponse\u00a0: " + ("vrai" if flipped == "true" else "faux") in client.get(
        reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
