"""First-user walk 19, the designer's screens, on the server: deleting a question asks first and says
how many learners' answers go with it (a bare POST deleted at once); footage waiting for review with no
expert says « Expert à choisir » (not « En relecture par l'expert »); the approve button says it only
approves a task when the capsule is not published by it; forms sent back with an error keep what was
chosen (the new capsule's step range, the placement ranks) and the sign-up form opens on the first field
in error."""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.learning.question_forms import item_token
from capsules.models import Attempt, Capsule, Footage, Interaction, PlacementQuestion
from tests import factories, pages
from tests.factories import FootageFactory, InteractionFactory, StepFactory, designer, expert, learner

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's HTML with its entities read (the templates' own apostrophes are not escaped)."""
    return htmllib.unescape(response.content.decode())


@pytest.fixture
def footage(db):
    f = FootageFactory(duration=30.0, status=Footage.Status.APPROVED, expert=expert(username="jp"))
    for i, title in enumerate(["Couper l'eau", "Dévisser l'écrou", "Changer le joint"]):
        StepFactory(footage=f, order=i + 1, start=i * 10.0, end=i * 10.0 + 10.0, title=title, approved=True)
    return f


@pytest.fixture
def capsule(footage):
    made = authoring.create_capsule(footage, title="Changer un joint", user=designer(username="auteur"))
    return Capsule.objects.get(pk=made.capsule_id)


# --- 1. deleting a question asks first ---------------------------------------------------------


def _answered(inter, n):
    for i in range(n):
        Attempt.objects.create(user=learner(username=f"apprenant{inter.pk}-{i}"), interaction=inter, correct=True,
                               score=1, answered_at=datetime(2026, 11, 1, tzinfo=UTC))


def test_deleting_an_answered_question_asks_first_and_says_how_many_answers_are_lost(client, capsule):
    client.force_login(designer(username="camille"))
    inter = InteractionFactory(capsule=capsule, time=12.0, prompt="Quel outil pour l'écrou ?")
    _answered(inter, 12)
    url = reverse("geste_interaction_delete", args=[capsule.pk, inter.pk])
    edit = _text(client.get(reverse("geste_capsule_edit", args=[capsule.pk])))
    assert f'href="{url}"' in edit  # « Supprimer » leads to the confirmation, it sends nothing

    page = client.get(url)
    html = _text(page)
    assert page.status_code == 200 and Interaction.objects.filter(pk=inter.pk).exists()
    assert "12 réponses d'apprenants à cette question seront supprimées." in html
    assert "Quel outil pour l'écrou ?" in html
    assert re.search(r'<h2 id="delete-title" tabindex="-1" autofocus>', html)
    assert re.search(r'<a class="button button-secondary" href="[^"]*#interactions">Annuler</a>', html)
    assert '<input type="hidden" name="confirm" value="1">' in html

    # a POST without the confirmation step deletes nothing: it shows the same question
    bare = client.post(url)
    assert bare.status_code == 200 and "seront supprimées" in _text(bare)
    assert Interaction.objects.filter(pk=inter.pk).exists() and Attempt.objects.filter(interaction=inter).count() == 12

    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302 and done["Location"].endswith("#interactions")
    assert not Interaction.objects.filter(pk=inter.pk).exists()


def test_a_question_nobody_answered_says_so_and_learners_cannot_delete(client, capsule):
    inter = InteractionFactory(capsule=capsule, time=12.0)
    url = reverse("geste_interaction_delete", args=[capsule.pk, inter.pk])
    client.force_login(designer(username="camille"))
    html = _text(client.get(url))
    assert "Aucun apprenant n'a encore répondu à cette question." in html and "seront supprimées" not in html
    _answered(inter, 1)
    assert "1 réponse d'apprenant à cette question sera supprimée." in _text(client.get(url))
    client.force_login(learner(username="lea"))
    client.post(url, {"confirm": "1"})
    assert Interaction.objects.filter(pk=inter.pk).exists()


# --- 2. no expert chosen -------------------------------------------------------------------------


def test_footage_in_review_without_an_expert_says_expert_to_choose_and_the_page_warns(client):
    client.force_login(designer(username="camille"))
    alone = FootageFactory(title="Sans expert", expert=None, status=Footage.Status.IN_REVIEW)
    assigned = FootageFactory(title="Avec expert", expert=expert(username="jp"), status=Footage.Status.IN_REVIEW)
    assert alone.get_status_display() == "Expert à choisir"
    assert assigned.get_status_display() == "En relecture par l'expert"
    assert FootageFactory(expert=None, status=Footage.Status.PROCESSING).get_status_display() == "En traitement"

    html = _text(client.get(reverse("geste_footage_detail", args=[alone.pk])))
    assert "<span data-footage-status>Expert à choisir</span>" in html
    warning = re.search(r'<p class="help-block help-warning" role="status" data-role="no-expert">.*?</p>', html, re.S)
    assert warning and "aucun expert relecteur n'est choisi" in warning.group(0)
    # Walk 25b: it said nobody could add the steps above « Ouvrir la relecture des étapes », where the designer can.
    said = warning.group(0)
    assert "ou ajoutez-les vous-même dans la relecture" in said and "personne ne peut" not in said
    assert "<a href=\"#gf-expert\">Choisir l'expert relecteur</a>" in warning.group(0)
    assert 'id="gf-expert"' in html  # where the link leads: the expert's choice
    assert client.get(reverse("geste_footage_status", args=[alone.pk])).json()["status_label"] == "Expert à choisir"
    listing = _text(client.get(reverse("geste_review_index")))
    assert "Expert à choisir" in listing and "En relecture par l'expert" in listing

    # Without steps (nothing proposed), the warning does not say « Les étapes sont prêtes » (a walk saw it
    # above « Aucune étape n'a donc été proposée » on footage without hand work).
    assert "Les étapes sont prêtes" not in warning.group(0) and "Aucune étape n'est proposée" in warning.group(0)
    StepFactory(footage=alone, start=0.0, end=2.0)
    warning = re.search(r'data-role="no-expert">.*?</p>', _text(client.get(
        reverse("geste_footage_detail", args=[alone.pk]))), re.S)
    assert "Les étapes sont prêtes" in warning.group(0)

    html = _text(client.get(reverse("geste_footage_detail", args=[assigned.pk])))
    assert 'data-role="no-expert"' not in html and "<span data-footage-status>En relecture par l'expert</span>" in html


# --- 3. the approve button says what it does -------------------------------------------------------


def test_approving_the_experts_task_is_not_labelled_as_publishing(client, capsule):
    InteractionFactory(capsule=capsule, time=12.0)
    boss = designer(username="chef", is_superuser=True)  # a superuser may approve the expert's task too
    authoring.submit_for_validation(capsule, boss)
    client.force_login(boss)
    edit = reverse("geste_capsule_edit", args=[capsule.pk])
    html = _text(client.get(edit))
    assert "Publier la capsule" not in html  # walk 37: the last task's label
    assert "Approuver l'étape «\u00a0Validation des étapes et des quiz par l'expert\u00a0»" in html
    assert ("La capsule ne sera pas encore publiée\u00a0: elle passera à l'étape «\u00a0Publication par le "
            "concepteur\u00a0».") in html
    client.post(reverse("geste_capsule_approve_task", args=[capsule.pk]))
    capsule.page.refresh_from_db()
    assert not capsule.page.live  # what the label said: approved, not published
    html = _text(client.get(edit))
    assert "Publier la capsule" in html and 'data-role="approve-help"' not in html


# --- 4. forms sent back keep what was chosen ----------------------------------------------------------


def test_new_capsule_form_sent_back_keeps_the_chosen_steps(client, footage):
    client.force_login(designer(username="camille"))
    steps = list(footage.steps.order_by("start"))
    res = client.post(reverse("geste_capsule_create", args=[footage.pk]),
                      {"title": " ", "first_step": steps[1].pk, "last_step": steps[1].pk})
    assert res.status_code == 400
    html = _text(res)
    for name in ("first_step", "last_step"):
        select = re.search(rf'<select id="id_{name}" name="{name}">(.*?)</select>', html, re.S).group(1)
        assert re.findall(r'<option value="(\d+)" selected', select) == [str(steps[1].pk)], name


def test_placement_ranks_sent_back_with_an_error_keep_the_ranks_given():
    block = factories.SkillsBlockFactory()
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block, duration=60.0),
                                       skills_block=block, title="Démonter")
    pages.capsule_page(capsule)
    inter = factories.InteractionFactory(
        capsule=capsule, kind="ordering", answer_key={"order": ["s1", "s2", "s3"]},
        choices=[{"id": "s1", "text": "Couper l'eau"}, {"id": "s2", "text": "Dévisser"},
                 {"id": "s3", "text": "Changer"}])
    PlacementQuestion.objects.create(interaction=inter, accepted=True)
    client = Client()
    client.force_login(factories.learner())
    url = reverse("learner-placement", args=[block.pk])
    given = {"s1": "1", "s2": "1", "s3": "3"}  # the same rank twice: refused
    res = client.post(url, {"interaction": inter.pk, **{f"pos-{item_token(inter, s)}": n for s, n in given.items()}})
    html = _text(res)
    assert res.context["error"] == "Donnez un rang différent à chaque étape."
    for s, n in given.items():
        select = re.search(rf'<select name="pos-{item_token(inter, s)}" required>(.*?)</select>', html, re.S).group(1)
        assert re.findall(r'<option value="(\d)" selected>', select) == [n], s
    # a question asked fresh shows no rank
    fresh = Client()
    fresh.force_login(factories.learner())
    assert " selected>" not in _text(fresh.get(url))


def test_signup_sent_back_focuses_the_first_field_in_error_not_the_first_name(client):
    url = reverse("learner-signup")
    assert re.search(r'<input type="text" name="first_name"[^>]*autofocus', _text(client.get(url)))
    html = _text(client.post(url, {"first_name": "Léa", "username": "lea", "password1": "motdepasse-geste-19",
                                   "password2": "autre-chose-19"}))
    first_name = re.search(r'<input type="text" name="first_name"[^>]*>', html).group(0)
    password2 = re.search(r'<input type="password" name="password2"[^>]*>', html).group(0)
    assert "autofocus" not in first_name and "aria-invalid" not in first_name
    assert "autofocus" in password2 and 'aria-invalid="true"' in password2
    assert html.count("autofocus") == 1
    html = _text(client.post(url, {"first_name": "Léa", "username": "", "password1": "x", "password2": "y"}))
    assert re.search(r'<input type="text" name="username"[^>]*autofocus', html)
    assert html.count("autofocus") == 1


# --- 5. the admin's page search ------------------------------------------------------------------------


def test_admin_page_search_names_what_it_found_not_none(client, capsule):
    client.force_login(designer(username="chef", is_superuser=True))
    html = _text(client.get("/admin/pages/search/?q=joint"))
    assert "Changer un joint" in html
    header = re.search(r'<th class="title">(.*?)</th>', html, re.S).group(1)
    assert re.search(r"1-1 sur 1 page\s", header) and "None" not in header
