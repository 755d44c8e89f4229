"""First-user walk 19, the designer's screens in Chromium, at 360 px and on a desktop: « Supprimer » beside
a question of a published capsule opens a confirmation (its heading focused, the learners' answers that
would be lost counted, « Annuler » keeps the question, the keyboard deletes it); footage waiting for an
expert says « Expert à choisir » with a link to the expert's choice; the upload form takes its title from
the file's name; the sign-up form sent back opens on the field in error. Screenshots go to
var/shots/ (tests/browser/shots.py) for a person to look at."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Attempt, Capsule, Footage, Interaction
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.factories import FootageFactory, InteractionFactory, designer, learner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 860}}


def _shot(page, name: str) -> None:
    shot(page, f"walk19-author-{name}")


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name || document.activeElement.tagName")


@pytest.mark.parametrize("size", SIZES)
def test_deleting_a_question_of_a_published_capsule_asks_first(live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    capsule.page.save_revision().publish()  # published: learners have answered
    inter = InteractionFactory(capsule=capsule, time=capsule.start + 8.0, prompt="Quel outil pour l'écrou ?")
    for i in range(12):
        Attempt.objects.create(user=learner(username=f"apprenant-{i}"), interaction=inter, correct=True, score=1,
                               answered_at=datetime(2026, 11, 2, tzinfo=UTC))
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]) + "#interactions")
    item = page.locator('[data-role="interactions"] > li', has_text="Quel outil pour l'écrou ?")
    expect(item).to_be_visible()
    _shot(page, f"capsule-edit-{size}")

    # « Supprimer » opens the confirmation: nothing deleted yet, the heading has the focus
    item.get_by_role("link", name="Supprimer").click()
    heading = page.get_by_role("heading", name="Supprimer cette question ?")
    expect(heading).to_be_focused()
    expect(page.locator('[data-role="answers-lost"]')).to_contain_text(
        "12 réponses d'apprenants à cette question seront supprimées.")
    expect(page.get_by_text("Quel outil pour l'écrou ?")).to_be_visible()
    assert Interaction.objects.filter(pk=inter.pk).exists()
    _shot(page, f"delete-confirm-{size}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"the page scrolls sideways ({width} px)"

    # « Annuler » keeps the question
    page.get_by_role("link", name="Annuler").click()
    expect(item).to_be_visible()
    assert Interaction.objects.filter(pk=inter.pk).exists() and inter.attempts.count() == 12

    # by keyboard: from the focused heading, Tab reaches « Supprimer la question », Enter deletes
    item.get_by_role("link", name="Supprimer").focus()
    page.keyboard.press("Enter")
    expect(heading).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Supprimer la question")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Interaction supprimée.")).to_be_visible()
    expect(page.locator('[data-role="interactions"]')).not_to_contain_text("Quel outil pour l'écrou ?")
    assert not Interaction.objects.filter(pk=inter.pk).exists()
    ctx.close()


@pytest.mark.parametrize("size", SIZES)
def test_footage_without_expert_says_expert_to_choose_and_links_to_the_choice(live_server, browser, size):
    author = designer(username="concepteur-expert")
    footage = FootageFactory(title="Pose d'un robinet", expert=None, status=Footage.Status.IN_REVIEW)
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_footage_detail", args=[footage.pk]))
    expect(page.locator("[data-footage-status]")).to_have_text("Expert à choisir")
    warning = page.locator('[data-role="no-expert"]')
    expect(warning).to_contain_text("aucun expert relecteur n'est choisi")
    _shot(page, f"footage-no-expert-{size}")
    warning.get_by_role("link", name="Choisir l'expert relecteur").click()
    expect(page).to_have_url(page.url.split("#")[0] + "#gf-expert")
    ctx.close()


def test_upload_title_comes_from_the_file_name_unless_typed(live_server, page, tmp_path):
    author = designer(username="concepteur-upload")
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_upload"))
    title = page.get_by_label("Titre")
    clip = tmp_path / "changement_joint__siphon.MP4"
    clip.write_bytes(b"\x00" * 64)
    page.locator("#gu-file").set_input_files(str(clip))
    expect(title).to_have_value("Changement joint siphon")
    other = tmp_path / "pose_robinet.mov"
    other.write_bytes(b"\x00" * 64)
    page.locator("#gu-file").set_input_files(str(other))
    expect(title).to_have_value("Pose robinet")  # the title made from the first file follows the new one
    title.fill("Mon titre")
    page.locator("#gu-file").set_input_files(str(clip))
    expect(title).to_have_value("Mon titre")  # a typed title is kept
    _shot(page, "upload-title-desktop")


@pytest.mark.parametrize("size", SIZES)
def test_signup_sent_back_focuses_the_field_in_error(live_server, browser, size):
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    page.goto(live_server.url + reverse("learner-signup"))
    expect(page.get_by_label("Prénom")).to_be_focused()
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Identifiant").fill("lea-walk19")
    page.get_by_label("Mot de passe", exact=True).fill("motdepasse-geste-19")
    page.get_by_label("Mot de passe (confirmation)").fill("autre-chose-19")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_label("Mot de passe (confirmation)")).to_be_focused()
    expect(page.get_by_label("Mot de passe (confirmation)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Prénom")).to_have_value("Léa")
    _shot(page, f"signup-error-{size}")
    ctx.close()


@pytest.mark.parametrize("size", SIZES)
def test_new_capsule_sent_back_keeps_the_steps_and_the_approve_button_says_what_it_does(
        live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, _author = approved_footage
    boss = designer(username="chef-walk19", is_superuser=True)  # may approve the expert's task too
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, boss.username)
    page.goto(live_server.url + reverse("geste_capsule_create", args=[footage.pk]))
    page.get_by_label("Titre de la capsule").fill(" ")
    page.get_by_label("Première étape").select_option(label="2. Dévisser l'écrou (0:06,0)")
    page.get_by_label("Dernière étape").select_option(label="2. Dévisser l'écrou (0:12,0)")
    page.get_by_role("button", name="Créer la capsule").click()
    expect(page.get_by_text("Donnez un titre à la capsule.")).to_be_visible()
    expect(page.get_by_label("Première étape").locator("option:checked")).to_have_text("2. Dévisser l'écrou (0:06,0)")
    expect(page.get_by_label("Dernière étape").locator("option:checked")).to_have_text("2. Dévisser l'écrou (0:12,0)")
    _shot(page, f"capsule-new-error-{size}")
    page.get_by_label("Titre de la capsule").fill("Dévisser l'écrou")
    page.get_by_role("button", name="Créer la capsule").click()
    expect(page.get_by_text("Capsule créée en brouillon.")).to_be_visible()
    capsule = Capsule.objects.get(title="Dévisser l'écrou")
    assert (capsule.start, capsule.end) == (6.0, 12.0)

    InteractionFactory(capsule=capsule, time=8.0)
    authoring.submit_for_validation(capsule, boss)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]))  # loaded again (no fragment)
    approve = page.get_by_role("button", name="Approuver l'étape « Validation des étapes et des quiz par l'expert »")
    expect(approve).to_be_visible()
    expect(page.get_by_role("button", name="Publier la capsule")).to_have_count(0)
    approve.scroll_into_view_if_needed()
    _shot(page, f"capsule-approve-expert-task-{size}")
    approve.click()
    expect(page.get_by_role("button", name="Publier la capsule")).to_be_visible()
    capsule.page.refresh_from_db()
    assert not capsule.page.live
    ctx.close()


def test_placement_ranks_sent_back_keep_the_ranks_given_at_360_px(live_server, phone_context):
    from capsules.learning.question_forms import item_token
    from capsules.models import PlacementQuestion
    from tests import factories, pages

    block = factories.SkillsBlockFactory()
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=block, duration=60.0),
                                       skills_block=block, title="Démonter le siphon")
    pages.capsule_page(capsule)
    inter = factories.InteractionFactory(
        capsule=capsule, kind="ordering", prompt="Remettez les gestes dans l'ordre.",
        answer_key={"order": ["s1", "s2", "s3"]},
        choices=[{"id": "s1", "text": "Couper l'eau"}, {"id": "s2", "text": "Dévisser l'écrou"},
                 {"id": "s3", "text": "Changer le joint"}])
    PlacementQuestion.objects.create(interaction=inter, accepted=True)
    learner(username="lea-rangs")
    page = phone_context.new_page()
    login(page, live_server.url, "lea-rangs")
    page.goto(live_server.url + reverse("learner-placement", args=[block.pk]))
    given = {"s1": "1", "s2": "1", "s3": "3"}  # the same rank twice
    for s, n in given.items():
        page.locator(f'select[name="pos-{item_token(inter, s)}"]').select_option(n)
    page.get_by_role("button", name="Valider et continuer").click()
    expect(page.get_by_role("alert")).to_have_text("Donnez un rang différent à chaque étape.")
    for s, n in given.items():
        expect(page.locator(f'select[name="pos-{item_token(inter, s)}"]')).to_have_value(n)
    _shot(page, "placement-ranks-error-phone")
