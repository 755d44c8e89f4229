"""Words 28 (first-user walk): the block page's two counts explained side by side, the self-assessment
question named where it is counted, the badge page's picture and links back, the portfolio's capsule links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import BadgeCredential
from capsules.recognition.achievements import evaluate
from tests import factories
from tests.capsules.test_recognition import answer, block, earn, login  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_first_try_count_and_the_mandatory_count_are_explained(block, django_capture_on_commit_callbacks):  # noqa: F811
    first, second = block["capsules"]
    for n in range(2):  # optional graded questions: counted among « les questions notées qui restent »
        factories.InteractionFactory(capsule=second, mandatory=False, time=12.0 + n)
    recall = factories.InteractionFactory(capsule=second, mandatory=True, time=9.0, kind="free_recall",
                                          prompt="Citez les trois contrôles.", choices=[], answer_key={})
    learner = factories.learner()
    client = login(learner)
    answer(client, first.interactions.get(kind="single_choice"), {"choice": "b"},
           django_capture_on_commit_callbacks)
    by_code = {r.code: r for r in evaluate(learner, block["achievement"]).reasons}
    assert "parmi les 3 questions notées qui restent" in by_code["first_try"].text
    # 3 mandatory waiting beside 3 graded left: not the same questions, and the words say which.
    assert by_code["mandatory"].summary == (
        "3 questions obligatoires en attente\u00a0: 1 répondue sans bonne réponse (son premier essai est déjà "
        "compté), 1 d'auto-évaluation (non notée), 1 pas encore répondue")
    # The self-assessment question counted is named.
    assert f"dont 1 question d'auto-évaluation, «\u00a0{recall.prompt}\u00a0»" in by_code["mandatory"].text
    data = client.get(reverse("recognition-capsule-badge", args=[first.pk])).json()
    shorts = [r["short"] for r in data["reasons"]]
    assert shorts[0] == "Capsules non terminées\u00a0: Capsule 1, Capsule 2"
    assert shorts[1] == "Score au premier essai\u00a0: 0\u00a0% (minimum 50\u00a0%)."
    assert shorts[2] == "3 questions obligatoires en attente"
    page = client.get(block["block"].page.url).content.decode()
    assert "1 pas encore répondue" in page


def test_own_badge_page_shows_the_picture_and_links_back(block, django_capture_on_commit_callbacks):  # noqa: F811
    learner = factories.learner()
    client = earn(block, learner, django_capture_on_commit_callbacks)
    credential = BadgeCredential.objects.get(user=learner)
    html = client.get(reverse("recognition-credential", args=[credential.uuid])).content.decode()
    picture = reverse("recognition-credential-baked", args=[credential.uuid, "svg"])
    assert f'<img class="badge-picture" src="{picture}"' in html
    assert 'alt="Badge «&nbsp;Maintenir les équipements sanitaires&nbsp;»' in html
    back = html.split('<p class="badge-back">')[1].split("</p>")[0]
    assert f'href="{block["block"].page.url}"' in back and f'href="{reverse("recognition-portfolio")}"' in back
    # Someone else (a verifier): the picture, no « mon portfolio ».
    other = login(factories.learner()).get(reverse("recognition-credential", args=[credential.uuid])).content.decode()
    back = other.split('<p class="badge-back">')[1].split("</p>")[0]
    assert picture in other and reverse("recognition-portfolio") not in back and block["block"].page.url in back
    portfolio = client.get(reverse("recognition-portfolio")).content.decode()
    for capsule in block["capsules"]:
        assert f'<a href="{capsule.page.url}">{capsule.title}</a>' in portfolio


def test_the_replay_option_says_what_the_player_does(client):
    """Words 28: « En cas d'erreur, rejouer l'étape » read as an automatic replay; the player offers
    « Revoir l'étape » as the way to try again (the feedback the designer wrote is read first)."""
    from tests.capsules.test_admin_forms import capsule as make  # noqa: F401

    footage = factories.FootageFactory(duration=60.0, status="approved",
                                       renditions={"mp4": "footage/aa/x/transcode/k/low.mp4", "poster": "p.jpg"})
    factories.StepFactory(footage=footage, order=1, start=0, end=20, title="Étape 0", keyframe="k/0.jpg",
                          approved=True)
    from capsules.authoring import capsule as authoring
    made = authoring.create_capsule(footage, title="Changer un joint", user=factories.designer(username="auteur"))
    capsule = footage.capsules.get(pk=made.capsule_id)
    inter = factories.InteractionFactory(capsule=capsule, time=5.0, replay_step_on_wrong=True)
    client.force_login(factories.designer(username="camille"))
    html = client.get(reverse("geste_interaction_edit", args=[capsule.pk, inter.pk])).content.decode()
    assert "En cas d'erreur, faire revoir l'étape avant un nouvel essai" in html
    assert ("Après une mauvaise réponse, «&nbsp;Réessayer&nbsp;» n'est pas proposé&nbsp;: le bouton «&nbsp;Revoir "
            "l'étape&nbsp;» rejoue l'étape en entier, puis la question est reposée.") in html  # raw HTML
    edit = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    assert "(fait revoir l'étape si faux)" in edit
