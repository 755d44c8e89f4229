"""The designer's and the expert's path through the admin screens, on a clip with real French speech.

Upload through the upload form (the expert chosen there), watch processing on a real Celery worker,
review and approve as the expert, author with drafted questions, send through the workflow, preview
as the expert (the player loads the draft and its questions), approve, publish as the designer, and
find the capsule on the public site. Only the login page is reached by URL; everything else by the
links and buttons a person uses. Screenshots (desktop and 360 px) go to var/journey/ for a person
to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from capsules.models import Capsule, Footage
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login_with_form as login
from tests.mediagen import make_clip, real_french_speech

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SHOTS = Path(settings.BASE_DIR) / "var" / "journey"
PROMPTS = ["agent-newlocation", "conf-getpin", "vm-nobox", "privacy-unident"]  # about 20 s of French


@pytest.fixture
def speech_clip(tmp_path) -> Path:
    wav, _text = real_french_speech(PROMPTS, tmp_path / "commentaire.wav", gap=1.0)
    return make_clip(tmp_path / "Changer le joint du siphon.mp4", duration=22, size="640x360", audio=wav)


def shot(page, name: str, *, phone: bool = True, fit: bool = True) -> None:
    """A desktop screenshot, and the same screen at 360 px wide (which must fit, unless ``fit`` is
    False: the learner page's phone layout belongs to the player's own tests)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    if phone:
        size = page.viewport_size
        page.set_viewport_size({"width": 360, "height": 740})
        page.wait_for_timeout(300)  # let the layout settle (no assertion depends on it)
        page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(size)
        print(f"{name}: {width} px wide at 360 px")
        assert width <= 380 or not fit, f"{name}: the page is {width} px wide at 360 px"


def sign_in(context, live_server, username: str):
    # The previous person's pages close first, as they would on a shared computer: a processing page
    # still refreshing itself after the cookies are cleared fetched the login page alongside the new
    # one, each got its own CSRF cookie, and the sign-in was refused (403) once in a CI run.
    for open_page in list(context.pages):
        open_page.close()
    context.clear_cookies()
    page = context.new_page()
    login(page, live_server.url, username)
    return page


def menu(page, label: str) -> None:
    page.get_by_role("link", name=label).first.click()
    page.wait_for_load_state("networkidle")


def test_designer_and_expert_journey(transactional_db, live_server, context, worker_factory, speech_clip):
    # transactional_db first: its flush then runs after the browser context is closed (an open page
    # still polling the server would deadlock the flush).
    ensure_baseline()
    worker_factory(name="journey")
    factories.designer(username="camille", first_name="Camille", last_name="Martin", email="camille@example.org")
    jean = factories.expert(username="jean", first_name="Jean", last_name="Plombier", email="jean@example.org")
    factories.learner(username="lea", first_name="Léa", last_name="Apprenante")
    block = factories.SkillsBlockFactory(title="Réaliser des travaux de plomberie sanitaire")
    errors: list[str] = []
    context.on("weberror", lambda e: errors.append(str(e.error)))

    # 1. The designer uploads through the form and chooses the expert there (only experts are offered).
    page = sign_in(context, live_server, "camille")
    menu(page, "Téléverser une vidéo")
    expert_options = page.locator("#gu-expert option").all_inner_texts()
    assert "Jean Plombier" in expert_options and not any("Léa" in o for o in expert_options)
    expect(page.locator("[data-file-name]")).to_have_text("Aucun fichier choisi")
    page.set_input_files("#gu-file", str(speech_clip))
    expect(page.locator("[data-file-name]")).to_have_text(speech_clip.name)
    page.fill("#gu-title", "Changer le joint du siphon")
    page.select_option("#gu-block", str(block.pk))
    page.select_option("#gu-expert", label="Jean Plombier")
    shot(page, "01-upload")
    page.get_by_role("button", name="Téléverser").click()
    page.wait_for_url(re.compile(r"/admin/geste/footage/\d+/$"), timeout=60_000)
    footage = Footage.objects.get(title="Changer le joint du siphon")
    assert footage.expert == jean
    expect(page.locator(".geste-stages")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "(media)" not in body and "(asr)" not in body
    shot(page, "02-processing")

    # 2. Processing: the page refreshes itself; the review link appears as soon as the steps exist.
    review_link = page.get_by_role("link", name="Ouvrir la relecture des étapes")
    expect(review_link).to_be_visible(timeout=420_000)
    shot(page, "03-processing-steps-ready")
    footage.refresh_from_db()
    assert footage.status == Footage.Status.IN_REVIEW and footage.steps.exists()
    assert any("jean@example.org" in m.to for m in mail.outbox), "the expert is told the footage is assigned"
    notes = page.locator(".geste-note").all_inner_texts()
    red = [t for t in page.locator(".geste-error").all_inner_texts() if t.strip()]
    assert not red, f"no stage failed, yet red messages: {red} (notes: {notes})"

    # 3. The expert finds it on the dashboard, reviews (names untitled steps) and approves.
    page = sign_in(context, live_server, "jean")
    panel = page.locator(".geste-waiting")
    expect(panel).to_contain_text("Changer le joint du siphon")
    shot(page, "04-expert-dashboard")
    panel.get_by_role("link", name="Changer le joint du siphon").click()
    expect(page.locator(".geste-timeline__step").first).to_be_visible()
    titles = page.locator("[data-step-title]")
    for i in range(titles.count()):
        if not titles.nth(i).input_value().strip():
            titles.nth(i).fill(f"Geste {i + 1}")
            titles.nth(i).press("Enter")
            expect(page.locator('[data-role="saved"]')).not_to_have_text("Enregistrement…")
    shot(page, "05-review")
    page.get_by_role("button", name=re.compile("Valider les étapes")).click()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    # Approved: the editing tools are gone (hidden, not greyed: walk 15), the locked note says why.
    expect(page.get_by_role("button", name=re.compile("Point de vigilance"))).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("Commenter"))).to_be_hidden()
    expect(page.locator('[data-role="locked"]')).to_contain_text("demandez à un concepteur de rouvrir")
    shot(page, "06-review-approved")

    # 4. The designer makes the capsule, accepts a drafted question, sends it for validation.
    page = sign_in(context, live_server, "camille")
    menu(page, "Capsules (conception)")
    page.get_by_role("link", name="Créer une capsule").first.click()
    page.get_by_role("button", name="Créer la capsule").click()
    expect(page.get_by_role("heading", name="Propositions de quiz", exact=False)).to_be_visible()
    page.get_by_role("button", name=re.compile("Proposer des quiz")).click()
    # Proposals were drafted when the capsule was made: asking again says none new came, and why (walk 37).
    expect(page.locator(".messages")).to_contain_text(
        re.compile(r"propositions? de quiz à examiner|propositions? déjà faites? restent? à examiner"))
    drafts = page.locator('[data-role="drafts"] > li')
    assert drafts.count() >= 1, "the pipeline's steps and commentary should yield at least one proposal"
    shot(page, "07-authoring-drafts")
    drafts.first.get_by_role("button", name="Accepter").click()
    expect(page.locator('[data-role="interactions"] > li[data-kind]')).to_have_count(1)
    # Edit it: the form shows the time as French screens write it ("11,12"), and the video to pick a time.
    page.locator('[data-role="interactions"]').get_by_role("link", name="Modifier").first.click()
    time_value = page.locator('input[name="time"]').input_value()
    assert re.fullmatch(r"\d+(,\d+)?", time_value), time_value
    expect(page.locator('[data-role="video"]')).to_be_visible()
    shot(page, "08-interaction-edit")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Interaction enregistrée")
    page.get_by_role("button", name="Envoyer en validation à l'expert").click()
    expect(page.get_by_text("La capsule est en cours de validation")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("envoyée en validation")
    shot(page, "09-sent-for-validation")
    capsule = Capsule.objects.get(footage=footage)

    # 5. The expert checks the draft from the dashboard's « Vérifier »: the player loads it with its
    # questions, next to « Approuver » and « Demander des modifications » (never the page editor).
    page = sign_in(context, live_server, "jean")
    panel = page.locator("#geste-to-check")
    expect(panel).to_contain_text(capsule.title)
    panel.get_by_role("link", name="Vérifier").first.click()
    frame = page.frame_locator("iframe.geste-check__frame")
    expect(frame.locator(".gp-video")).to_be_visible()
    expect(frame.locator(".preview-answers")).to_contain_text("Réponse")
    page.wait_for_timeout(1500)  # give the player time to fail, if it would (asserted just below)
    assert frame.locator(".gp-error").count() == 0, frame.locator(".gp-error").all_inner_texts()
    shot(page, "10-expert-preview", fit=False)
    # ... then approves; they land on their dashboard, told what happens next.
    page.get_by_role("button", name="Approuver", exact=True).click()
    page.get_by_role("button", name="Confirmer l'approbation").click()  # asked first (walk 37)
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/admin"), page.url
    expect(page.locator(".messages")).to_contain_text("le concepteur peut la publier")
    shot(page, "11-expert-after-approval")

    # 6. The designer publishes from the capsule screen; learners can now reach the capsule.
    page = sign_in(context, live_server, "camille")
    menu(page, "Capsules (conception)")
    page.get_by_role("link", name=capsule.title).click()
    page.get_by_role("button", name="Publier la capsule").click()
    expect(page.locator(".messages")).to_contain_text("publiée")
    shot(page, "12-published")
    page.get_by_role("link", name="Voir la capsule sur le site").click()
    expect(page.locator(".gp-video")).to_be_visible()
    page.wait_for_timeout(1500)
    assert page.locator(".gp-error").count() == 0
    shot(page, "13-public-capsule", fit=False)
    assert not errors, errors
    for opened in context.pages:
        opened.close()
