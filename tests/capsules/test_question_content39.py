"""First-user walk 39, F3: a single-choice question whose right answer is empty was saved and published (a line
with only « * », a blank line, « Réponse B »: ``✔ · Réponse B`` in the list, a blank right radio in the player).
Every question type with answers is checked on the server, on every path that saves a question: the
designer's form (per-field French messages) and the acceptance of a drafted proposal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Interaction
from tests.capsules.test_draft_feedback import capsule, footage  # noqa: F401  (fixtures)
from tests.factories import designer


def _form(**kw):
    return {"time": "12", "prompt": "Question test", **kw}


@pytest.mark.parametrize(
    "data, said",
    [
        # the walk: a ticked empty line, a blank line, one real answer
        ({"kind": "single_choice", "choices": "*\n\nRéponse B"}, "Écrivez le texte de la bonne réponse"),
        ({"kind": "single_choice", "choices": "*   | Oui\nRéponse B\nRéponse C"},
         "Écrivez le texte de la bonne réponse"),
        ({"kind": "multiple_choice", "choices": "* Gants\n*\nSandales"}, "Écrivez le texte de la bonne réponse"),
        # a wrong answer with a feedback but no text
        ({"kind": "single_choice", "choices": "* Réponse A\n | un retour"}, "La réponse n°\u00a02 est vide"),
        ({"kind": "multiple_choice", "choices": "* Gants\n\u00a0|\u00a0retour\n* Lunettes"},
         "La réponse n°\u00a02 est vide"),
        # a line of blanks (non-breaking spaces too) is no answer: one answer left
        ({"kind": "single_choice", "choices": "* Réponse A\n \u00a0 \t"},
         "Il faut au moins deux réponses, une par ligne"),
        # a cloze blank with nothing to accept
        ({"kind": "cloze", "cloze": "Je serre l'écrou [ ] à la main."}, "Chaque trou doit contenir"),
        ({"kind": "cloze", "cloze": "Je serre [ | ] puis [joint]."}, "Chaque trou doit contenir"),
    ],
)
def test_the_designers_form_refuses_empty_answers_in_french(client, capsule, data, said):  # noqa: F811
    with pytest.raises(authoring.AuthoringError) as caught:
        authoring.apply_interaction_form(capsule, _form(**data))
    where = "cloze" if data["kind"] == "cloze" else "choices"
    assert said in caught.value.errors[where]
    # On the screen: the summary and the message under « Réponses »; nothing saved.
    client.force_login(designer(username="auteur-vide"))
    res = client.post(reverse("geste_interaction_add", args=[capsule.pk]), _form(**data))
    html = res.content.decode()
    assert res.status_code == 400 and "L'interaction n'est pas enregistrée" in html
    assert said.replace("'", "&#x27;") in html
    assert not capsule.interactions.exists()


def test_lines_of_blanks_are_dropped_and_the_rest_is_saved(capsule):  # noqa: F811
    inter = authoring.apply_interaction_form(capsule, _form(
        kind="single_choice", choices="\u00a0\n* Réponse A \n  \n Réponse B\n\t"))
    assert [c["text"] for c in inter.choices] == ["Réponse A", "Réponse B"]
    assert inter.answer_key == {"correct": ["a"]}


def test_ordering_steps_with_blank_titles_read_as_numbered_steps(capsule, footage):  # noqa: F811
    footage.steps.filter(order=2).update(title="   ")
    inter = authoring.apply_interaction_form(capsule, _form(kind="ordering"))
    assert [c["text"] for c in inter.choices][1] == "Étape 2"


@pytest.mark.parametrize(
    "kind, choices, answer_key, field",
    [
        ("single_choice", [{"id": "a", "text": ""}, {"id": "b", "text": "Réponse B"}], {"correct": ["a"]}, "choices"),
        ("single_choice", [{"id": "a", "text": "Réponse A"}, {"id": "b", "text": "  "}], {"correct": ["a"]}, "choices"),
        ("multiple_choice", [{"id": "a", "text": "Gants"}], {"correct": ["a"]}, "choices"),
        ("single_choice", [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], {"correct": ["z"]}, "choices"),
        ("ordering", [{"id": "s1", "text": "Couper l'eau"}, {"id": "s2", "text": ""}], {"order": ["s1", "s2"]},
         "choices"),
        ("cloze", [], {"blanks": [[]]}, "cloze"),
        ("hotspot", [], {"regions": []}, "hotspot"),
        ("free_recall", [], {"model_answer": "  "}, "model_answer"),
    ],
)
def test_a_proposal_with_an_empty_answer_cannot_be_accepted(client, capsule, kind, choices, answer_key, field):  # noqa: F811
    draft = Interaction.objects.create(
        capsule=capsule, time=14, kind=kind, prompt="Je serre ____." if kind == "cloze" else "Question ?",
        choices=choices, answer_key=answer_key, image="k/1.jpg", origin="drafted", draft_status="proposed")
    with pytest.raises(authoring.AuthoringError) as caught:
        authoring.set_draft_status(draft, accept=True)
    assert field in caught.value.errors
    client.force_login(designer(username="auteur-propose"))
    res = client.post(reverse("geste_draft_decide", args=[capsule.pk, draft.pk]), {"decision": "accept"}, follow=True)
    assert "Modifiez la proposition avant de l'accepter." in res.content.decode().replace("&#x27;", "'")
    draft.refresh_from_db()
    assert draft.draft_status == "proposed"
