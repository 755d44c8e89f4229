"""Walk 20: after a reopened review is re-approved with changed steps, the designer's side follows.

- A pending drafted proposal built from the old steps (an ordering question listing the old titles)
  was still offered with « Accepter »: it is drafted again from the new steps (or withdrawn).
- An accepted question whose step was renamed (or merged away) since it was written carries a
  non-blocking notice in the capsule's question list until saved again or dismissed; others do not.
- Each listed question names its step (« Étape 2 — Titre »).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Interaction, Step
from tests.factories import CapsuleFactory, FootageFactory, InteractionFactory, StepFactory, designer, expert

pytestmark = pytest.mark.django_db

TITLES = ["Couper l'arrivée d'eau", "Dévisser le siphon", "Remonter le siphon"]
SPANS = [(0, 10), (10, 25), (25, 40)]
NEW_TITLE = "Fermer le robinet d'arrêt"
NOTICE = "L'étape de cette question a changé depuis sa rédaction&nbsp;: relisez la question et ses retours."  # raw HTML


def _post(client, name, footage, body):
    return client.post(reverse(f"review_api:{name}", args=[footage.pk]), json.dumps(body),
                       content_type="application/json")


@pytest.fixture
def world(db):
    who = expert(username="expert-walk20")
    footage = FootageFactory(expert=who, duration=40.0, renditions={"mp4": "f/low.mp4"})
    steps = [StepFactory(footage=footage, order=i, start=a, end=z, title=t, keyframe=f"f/step-{i}.jpg")
             for i, ((a, z), t) in enumerate(zip(SPANS, TITLES, strict=True), start=1)]
    capsule = CapsuleFactory(footage=footage, title="Changer un siphon")
    expert_client, designer_client = Client(), Client()
    expert_client.force_login(who)
    author = designer(username="designer-walk20")
    designer_client.force_login(author)
    assert _post(expert_client, "approve", footage, {"version": 1}).status_code == 200
    # The designer writes two questions against the approved steps, and one proposal is pending.
    renamed = authoring.apply_interaction_form(capsule, {
        "kind": "true_false", "time": "5", "prompt": "On coupe l'eau d'abord.", "true_false": "true",
        "step": str(steps[0].pk), "feedback_wrong": "Revoyez « Couper l'arrivée d'eau ».", "mandatory": "on"})
    kept = authoring.apply_interaction_form(capsule, {
        "kind": "true_false", "time": "15", "prompt": "Le siphon se dévisse à la main.", "true_false": "true",
        "step": str(steps[1].pk), "mandatory": "on"})
    pending = InteractionFactory(
        capsule=capsule, time=39.0, kind=Interaction.Kind.ORDERING, prompt="Remettez les étapes dans l'ordre.",
        choices=[{"id": f"s{s.pk}", "text": s.title, "image": s.keyframe} for s in steps],
        answer_key={"order": [f"s{s.pk}" for s in steps]}, step=steps[2],
        origin=Interaction.Origin.DRAFTED, draft_status=Interaction.DraftStatus.PROPOSED)
    assert _post(designer_client, "reopen", footage, {"version": 2}).status_code == 200
    return {"footage": footage, "steps": steps, "capsule": capsule, "expert": expert_client,
            "designer": designer_client, "renamed": renamed, "kept": kept, "pending": pending}


def _rename_first_and_approve(world):
    footage, (first, second, third) = world["footage"], world["steps"]
    res = world["expert"].put(reverse("review_api:steps", args=[footage.pk]), json.dumps({"version": 3, "steps": [
        {"id": first.pk, "start": 0, "end": 10, "title": NEW_TITLE},
        {"id": second.pk, "start": 10, "end": 25, "title": TITLES[1]},
        {"id": third.pk, "start": 25, "end": 40, "title": TITLES[2]},
    ]}), content_type="application/json")
    assert res.status_code == 200, res.content
    assert _post(world["expert"], "approve", footage, {"version": 4}).status_code == 200


def _page(world) -> str:
    res = world["designer"].get(reverse("geste_capsule_edit", args=[world["capsule"].pk]))
    assert res.status_code == 200
    return res.content.decode()


def test_pending_proposal_from_old_steps_is_not_offered_after_reapproval(world):
    _rename_first_and_approve(world)
    assert not Interaction.objects.filter(pk=world["pending"].pk).exists()
    still = Interaction.objects.filter(capsule=world["capsule"], draft_status=Interaction.DraftStatus.PROPOSED)
    for inter in still:
        texts = [c.get("text") for c in inter.choices or []]
        assert TITLES[0] not in texts and TITLES[0] not in inter.prompt, (inter.prompt, texts)
    # The designer's accepted questions are untouched.
    renamed = Interaction.objects.get(pk=world["renamed"].pk)
    assert renamed.draft_status == Interaction.DraftStatus.ACCEPTED
    assert renamed.feedback_wrong == "Revoyez « Couper l'arrivée d'eau »."


def test_approval_with_the_same_steps_keeps_pending_proposals(world):
    assert _post(world["expert"], "approve", world["footage"], {"version": 3}).status_code == 200
    assert Interaction.objects.filter(pk=world["pending"].pk).exists()


def test_question_whose_step_was_renamed_is_flagged_until_saved_again(world):
    html = _page(world)
    assert NOTICE not in html
    _rename_first_and_approve(world)
    html = _page(world)
    assert html.count(NOTICE) == 1
    row = html[html.index(f'id="interaction-{world["renamed"].pk}"'):]
    assert row.index(NOTICE) < row.index(f'id="interaction-{world["kept"].pk}"')
    # Saved again by the designer: the notice goes.
    renamed = Interaction.objects.get(pk=world["renamed"].pk)
    authoring.apply_interaction_form(world["capsule"], {
        "kind": "true_false", "time": "5", "prompt": renamed.prompt, "true_false": "true",
        "step": str(world["steps"][0].pk), "feedback_wrong": "Revoyez « Fermer le robinet d'arrêt ».",
        "mandatory": "on"}, renamed)
    assert NOTICE not in _page(world)


def test_question_whose_step_was_merged_away_is_flagged_and_can_be_dismissed(world):
    footage, (first, second, third) = world["footage"], world["steps"]
    res = world["expert"].put(reverse("review_api:steps", args=[footage.pk]), json.dumps({"version": 3, "steps": [
        {"id": second.pk, "start": 0, "end": 25, "title": TITLES[1]},
        {"id": third.pk, "start": 25, "end": 40, "title": TITLES[2]},
    ]}), content_type="application/json")
    assert res.status_code == 200, res.content
    assert not Step.objects.filter(pk=first.pk).exists()
    assert _post(world["expert"], "approve", footage, {"version": 4}).status_code == 200
    assert _page(world).count(NOTICE) == 2  # the first step merged away, the second one grown
    for inter in (world["renamed"], world["kept"]):
        res = world["designer"].post(reverse("geste_interaction_step_change_seen",
                                             args=[world["capsule"].pk, inter.pk]))
        assert res.status_code == 302
    assert NOTICE not in _page(world)


def test_each_question_names_its_step(world):
    html = _page(world)
    assert f"Étape 1 — {TITLES[0]}" in html.replace("&#x27;", "'")
    assert f"Étape 2 — {TITLES[1]}" in html
    _rename_first_and_approve(world)
    assert f"Étape 1 — {NEW_TITLE}".replace("'", "&#x27;") in _page(world)


def test_question_form_says_each_error_once_with_a_short_summary(world):
    """The form sent back said every error twice (a list at the top, then under each field): the top now
    counts the fields to correct and links to them; each message stays under its field, once."""
    res = world["designer"].post(reverse("geste_interaction_add", args=[world["capsule"].pk]), {
        "kind": "single_choice", "time": "5", "prompt": "", "choices": "Une clé\nUne pince"})
    assert res.status_code == 400  # sent back
    html = res.content.decode().replace("&#x27;", "'")
    for message in ("Écrivez la question ou la consigne.", "Marquez exactement une bonne réponse d'un astérisque (*)."):
        assert html.count(message) == 1, message
    summary = html[html.index('data-role="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert "L'interaction n'est pas enregistrée&nbsp;: 2 champs à corriger." in summary
    assert '<a href="#id_prompt">Question ou consigne</a>' in summary
    assert '<a href="#id_choices">Réponses</a>' in summary
    assert summary.index("#id_prompt") < summary.index("#id_choices")  # the page's order
