"""Walk 29: no length limit on the designer's texts: a 1,330-character question filled a 360-px phone and hid
the player's controls, a 1,440-character summary filled its skills block's card. The server refuses texts
over their maximum with a French message under the field; the block's card shortens the summary."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from capsules.authoring import capsule as authoring
from tests import factories, pages
from tests.capsules.test_authoring import capsule, footage  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _form(**over):
    return {"kind": "single_choice", "time": "5", "prompt": "Que faut-il couper d'abord ?",
            "choices": "* L'eau | Oui.\nLe courant", **over}


@pytest.mark.parametrize(("over", "field", "said"), [
    ({"prompt": "x" * 301}, "prompt", "Le texte de la question\u00a0: 301 caractères, 300 au plus."),
    ({"prompt": "x" * 1330}, "prompt", "Le texte de la question\u00a0: 1\xa0330 caractères, 300 au plus."),
    ({"choices": "* " + "y" * 151 + "\nLe courant"}, "choices", "La réponse n° 1\u00a0: 151 caractères, 150 au plus."),
    ({"choices": "* L'eau | " + "z" * 501 + "\nLe courant"}, "choices",
     "Le retour de la réponse n° 1\u00a0: 501 caractères, 500 au plus."),
    ({"feedback_correct": "z" * 501}, "feedback_correct",
     "Le retour si la réponse est juste\u00a0: 501 caractères, 500 au plus."),
    ({"feedback_wrong": "z" * 501}, "feedback_wrong",
     "Le retour si la réponse est fausse\u00a0: 501 caractères, 500 au plus."),
    ({"kind": "free_recall", "model_answer": "m" * 501}, "model_answer",
     "La réponse attendue\u00a0: 501 caractères, 500 au plus."),
])
def test_question_texts_over_their_maximum_are_refused(capsule, over, field, said):  # noqa: F811
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.apply_interaction_form(capsule, _form(**over))
    assert exc.value.errors[field] == said
    assert not capsule.interactions.exists()
    authoring.apply_interaction_form(capsule, _form(prompt="x" * 300, choices="* " + "y" * 150 + "\nB"))


def test_the_form_says_it_under_the_field(capsule):  # noqa: F811
    client = Client()
    client.force_login(factories.designer(username="camille-longueur"))
    res = client.post(reverse("geste_interaction_add", args=[capsule.pk]), _form(prompt="x" * 1330))
    assert res.status_code == 400
    html = res.content.decode()
    assert '<p class="geste-errorlist" id="id_prompt_error">Le texte de la question\u00a0: 1\xa0330 caractères, ' \
           "300 au plus.</p>" in html
    assert 'maxlength="300"' in html
    res = client.post(reverse("geste_capsule_edit", args=[capsule.pk]), {"title": "Changer un joint",
                                                                         "summary": "r" * 1440})
    assert res.status_code == 400
    assert "Le résumé\u00a0: 1\xa0440 caractères, 600 au plus." in res.content.decode()
    capsule.refresh_from_db()
    assert capsule.summary == ""
    res = client.post(reverse("geste_capsule_edit", args=[capsule.pk]), {"title": "Changer un joint",
                                                                         "summary": "r" * 600})
    assert res.status_code == 302


def test_a_new_capsule_with_a_long_summary_is_refused(footage):  # noqa: F811
    with pytest.raises(authoring.AuthoringError) as exc:
        authoring.create_capsule(footage, title="Changer un joint", summary="r" * 601)
    assert exc.value.errors["summary"] == "Le résumé\u00a0: 601 caractères, 600 au plus."


def test_the_block_card_shortens_the_summary():
    made = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), summary="Mot " * 150)
    pages.capsule_page(made)
    page = made.page.get_parent()
    html = Client().get(page.url).content.decode()
    card = html.split('class="card-summary">')[1].split("</p>")[0]
    assert len(card) <= 200 and card.endswith("…")
