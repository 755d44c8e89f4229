"""A designer builds a capsule in the admin: from the approved steps of a footage, three kinds of
interaction placed on the timeline, a drafted quiz accepted, sent to the expert; the expert and
then a designer approve in Wagtail's workflow, which publishes the page."""

from __future__ import annotations

import json
import secrets
import subprocess

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from capsules.models import Capsule, Footage, Interaction, Transcript
from cms.models import CapsulePage
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.test_player import log_in
from tests.factories import FootageFactory, StepFactory, designer, expert, footage_key
from tests.factories import learner as learner_user
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What the player may receive about an interaction before it is answered (no key, no feedback).
PUBLIC_INTERACTION_FIELDS = {"id", "time", "kind", "prompt", "choices", "mandatory", "replay_step_on_wrong", "step",
                             "step_id", "answer_url", "went_on_url", "image", "blanks"}

SENTENCES = [
    (1.0, "Je coupe l'arrivée d'eau sous le siphon."),
    (7.0, "Je dévisse l'écrou du siphon avec une clé à molette."),
    (13.0, "Je serre l'écrou avec la clé dynamométrique à 12 newtons-mètres."),
]


def _transcript() -> list[dict]:
    segments = []
    for start, text in SENTENCES:
        words, t = [], start
        for w in text.split():
            words.append(
                {"start": round(t, 2), "end": round(t + 0.35, 2), "word": " " + w, "probability": 0.9}
            )
            t += 0.4
        segments.append({"start": start, "end": round(t, 2), "text": " " + text, "words": words})
    return segments


@pytest.fixture
def approved_footage(django_db_serialized_rollback, transactional_db, storage_root, media_dir):
    ensure_baseline()
    clip = media_dir / "authoring-18s.mp4"
    if not clip.exists():
        make_clip(clip, duration=18, size="320x180", fps=10, audio=None)
    frame = media_dir / "keyframe.jpg"
    if not frame.exists():
        subprocess.run(
            [
                "ffmpeg",
                "-y",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=320x180:rate=1",
                "-frames:v",
                "1",
                str(frame),
            ],
            check=True,
        )
    checksum = secrets.token_hex(32)  # media under the canonical key, the only form /media/ serves
    with clip.open("rb") as fh:
        mp4 = default_storage.save(footage_key(checksum, "test", "authoring.mp4"), File(fh))
    reviewer = expert(username="expert-publication")
    footage = FootageFactory(
        title="Remplacement du joint de siphon",
        expert=reviewer,
        duration=18.0,
        status=Footage.Status.APPROVED,
        renditions={"mp4": mp4},
        checksum=checksum,
    )
    for i, title in enumerate(["Couper l'eau", "Dévisser l'écrou", "Serrer au couple"]):
        with frame.open("rb") as fh:
            key = default_storage.save(footage_key(checksum, "test", f"keyframe-{i}.jpg"), File(fh))
        StepFactory(
            footage=footage,
            order=i + 1,
            start=i * 6.0,
            end=i * 6.0 + 6.0,
            title=title,
            keyframe=key,
            approved=True,
        )
    Transcript.objects.create(footage=footage, language="fr", duration=18.0, segments=_transcript())
    return footage, reviewer, designer(username="concepteur-navigateur")


def _approve_in_dashboard(page, live_server_url):
    page.goto(f"{live_server_url}/admin/")
    to_check = page.locator("section#geste-to-check")  # the expert's panel: « Vérifier », then « Approuver »
    if to_check.count():
        to_check.get_by_role("link", name="Vérifier").first.click()
        page.get_by_role("button", name="Approuver", exact=True).click()
        page.get_by_role("button", name="Confirmer l'approbation").click()  # asked first (walk 37)
        expect(page.locator(".messages")).to_contain_text("approuvée")
        return
    # the designer's panel: « Approuvée par l'expert : à publier », « Publier » opens the capsule's screen
    panel = page.locator("section#geste-to-publish")
    expect(panel).to_contain_text("Approuvée par l'expert\u00a0: à publier")
    panel.get_by_role("link", name="Publier").first.click()
    page.get_by_role("button", name="Publier la capsule").click()
    page.wait_for_load_state("networkidle")


def test_designer_authors_and_publishes_through_the_workflow(live_server, browser, approved_footage):
    footage, reviewer, author = approved_footage
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, author.username)

    # create the capsule from all the steps
    page.goto(f"{live_server.url}/admin/geste/capsules/")
    page.get_by_role("link", name="Créer une capsule").click()
    page.get_by_label("Titre de la capsule").fill("Changer le joint d'un siphon")
    page.get_by_role("button", name="Créer la capsule").click()
    expect(page.get_by_text("Capsule créée en brouillon.")).to_be_visible()
    capsule = Capsule.objects.get()
    assert (capsule.start, capsule.end) == (0.0, 18.0)
    assert CapsulePage.objects.get(capsule=capsule).live is False

    form = page.locator('form[data-role="interaction-form"]')

    # 1. single choice, with per-answer feedback, replaying the step on a wrong answer
    form.get_by_label("Type d'interaction").select_option("single_choice")
    # typed as the form writes times (walk instant40: « 0:30 » was refused, « un nombre est attendu »)
    form.get_by_label("Instant (secondes)").fill("0:14")
    expect(form.locator('[data-role="time-clock"]')).to_have_text("0:14,0")
    expect(form.locator('[data-role="time-error"]')).to_be_hidden()
    form.get_by_label("Question ou consigne").fill("Avec quel outil serre-t-on l'écrou ?")
    form.locator('textarea[name="choices"]').fill(
        "* Une clé dynamométrique | Oui : elle garantit le couple.\n"
        "Une pince multiprise | Non : couple inconnu."
    )
    form.get_by_label("Retour si la réponse est fausse").fill("Revoyez le serrage.")
    form.get_by_label("En cas d'erreur, faire revoir l'étape avant un nouvel essai").check()
    form.get_by_role("button", name="Ajouter l'interaction").click()
    expect(page.get_by_text("Interaction ajoutée : Choix unique à 0:14,0.")).to_be_visible()
    assert capsule.interactions.get(kind="single_choice").time == 14.0

    # 2. true / false, optional
    form.get_by_label("Type d'interaction").select_option("true_false")
    expect(form.locator('textarea[name="choices"]')).to_be_hidden()
    form.get_by_label("Instant (secondes)").fill("4")
    form.get_by_label("Question ou consigne").fill("On peut dévisser le siphon sans couper l'eau.")
    form.get_by_role("radio", name="Fausse").check()
    form.get_by_label("Obligatoire (la vidéo attend la réponse)").uncheck()
    form.get_by_role("button", name="Ajouter l'interaction").click()
    expect(page.get_by_text("Interaction ajoutée : Vrai / faux à 0:04,0.")).to_be_visible()

    # 3. hotspot: the zone is drawn with the pointer on the step's keyframe
    form.get_by_label("Type d'interaction").select_option("hotspot")
    form.get_by_label("Instant (secondes)").fill("8")
    form.get_by_label("Étape", exact=True).select_option(label="Dévisser l'écrou (0:06,0 – 0:12,0)")
    form.get_by_label("Question ou consigne").fill("Touchez l'écrou à dévisser.")
    image = form.locator('[data-role="hotspot-image"]')
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('[data-role=hotspot-image]').naturalWidth > 0")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7)
    page.mouse.up()
    expect(form.locator('[data-role="hotspot-rect"]')).to_be_visible()
    form.get_by_role("button", name="Ajouter l'interaction").click()
    expect(page.get_by_text("Interaction ajoutée : Zone à cliquer à 0:08,0.")).to_be_visible()

    # an invalid one is refused with a French message and nothing is saved
    form.get_by_label("Type d'interaction").select_option("multiple_choice")
    form.get_by_label("Instant (secondes)").fill("30")
    form.get_by_label("Question ou consigne").fill("Quels équipements ?")
    form.locator('textarea[name="choices"]').fill("Gants\nLunettes")
    form.get_by_role("button", name="Ajouter l'interaction").click()
    # The alert at the top counts the fields and links to them; each message is said under its field.
    expect(page.get_by_role("alert").filter(has_text="2 champs à corriger")).to_be_visible()
    expect(page.locator("#id_time_error")).to_contain_text("Le moment doit être entre 0 et 18,0 secondes")
    expect(page.locator("#id_choices_error")).to_contain_text("au moins une bonne réponse")
    assert capsule.interactions.count() == 3

    # drafted quizzes: propose, accept the ordering question, discard another
    page.get_by_role("button", name="Proposer des quiz à partir des étapes et du commentaire").click()
    drafts = page.locator('[data-role="drafts"] > li')
    expect(drafts.first).to_be_visible()
    assert capsule.interactions.filter(draft_status="proposed").count() == drafts.count()
    drafts.filter(has_text="Remettez les étapes du geste dans l'ordre").get_by_role(
        "button", name="Accepter"
    ).click()
    expect(page.get_by_text("Proposition acceptée.")).to_be_visible()
    page.locator('[data-role="drafts"] > li').filter(has_text="12 newtons-mètres").first.get_by_role(
        "button", name="Écarter"
    ).click()
    expect(page.get_by_text("Proposition écartée.", exact=True)).to_be_visible()

    accepted = capsule.interactions.filter(draft_status="accepted")
    assert set(accepted.values_list("kind", flat=True)) == {
        "single_choice",
        "true_false",
        "hotspot",
        "ordering",
    }
    choice = accepted.get(kind="single_choice")
    assert (
        choice.answer_key == {"correct": ["a"]}
        and choice.replay_step_on_wrong
        and choice.step.title == "Serrer au couple"
    )
    assert choice.choices[1]["feedback"] == "Non : couple inconnu."
    tf = accepted.get(kind="true_false")
    assert tf.answer_key == {"correct": False} and not tf.mandatory
    rect = accepted.get(kind="hotspot").answer_key["regions"][0]["rect"]
    assert rect == pytest.approx([0.2, 0.3, 0.4, 0.4], abs=0.03)
    assert accepted.get(kind="hotspot").image.endswith("keyframe-1.jpg")

    # send to the expert; the Publish button is not offered on capsule pages
    page.get_by_role("button", name="Envoyer en validation à l'expert").click()
    expect(page.get_by_text("Capsule envoyée en validation à l'expert.")).to_be_visible()
    expect(page.locator('[data-role="page-state"]')).to_contain_text("En validation")

    # the expert approves in Wagtail's dashboard, then a designer approves, which publishes
    ctx.clear_cookies()
    login(page, live_server.url, reviewer.username)
    _approve_in_dashboard(page, live_server.url)
    page_obj = CapsulePage.objects.get(capsule=capsule)
    assert not page_obj.live
    ctx.clear_cookies()
    login(page, live_server.url, author.username)
    _approve_in_dashboard(page, live_server.url)
    page_obj.refresh_from_db()
    assert page_obj.live and page_obj.title == "Changer le joint d'un siphon"

    # A learner (signed in) opens the published page: the page and everything the player fetches list
    # the four accepted interactions, but none of their answer keys or after-answer feedback.
    learner = learner_user(username="apprenant-navigateur")
    ctx.clear_cookies()
    log_in(ctx, live_server, learner)
    received = []
    page.on("response", lambda r: received.append(r) if r.request.method == "GET" and (
        "/api/learner/" in r.url or r.url.endswith(page_obj.url)) else None)
    manifest_url = f"/api/learner/capsules/{capsule.pk}/manifest.json"
    with page.expect_response(lambda r: r.url.endswith(manifest_url)) as manifest_response:
        res = page.goto(f"{live_server.url}{page_obj.url}")
    assert res.status == 200 and manifest_response.value.status == 200
    manifest = manifest_response.value.json()
    assert sorted(i["id"] for i in manifest["interactions"]) == sorted(accepted.values_list("pk", flat=True))
    for shown in manifest["interactions"]:
        assert set(shown) <= PUBLIC_INTERACTION_FIELDS, sorted(set(shown) - PUBLIC_INTERACTION_FIELDS)
        assert all(set(c) <= {"id", "text", "image"} for c in shown.get("choices") or []), shown["choices"]
    # What only the answer keys and the after-answer feedback hold, read from the database.
    secrets = {"answer_key", "feedback_correct", "feedback_wrong"}
    for inter in accepted:
        secrets |= {t for t in (inter.feedback_correct, inter.feedback_wrong) if t}
        secrets |= {c["feedback"] for c in inter.choices or [] if c.get("feedback")}
    secrets.add(json.dumps(rect)[1:-1])  # the hotspot's zone
    texts = [page.content()] + [r.text() for r in received]
    assert len(texts) >= 2
    leaks = [(secret, r) for secret in secrets for r in texts if secret in r]
    assert not leaks, leaks[0][0]
    assert Interaction.objects.filter(capsule=capsule, draft_status="accepted").count() == 4
    ctx.close()


def test_an_excerpt_capsule_is_authored_on_its_own_clock(live_server, browser, approved_footage, media_with_ranges):
    """One clock on excerpt capsules: this capsule starts 6 s into its footage (steps 2 and 3). The video
    opens at 0:00 of the capsule (6 s of the footage), the playhead, the step list, the time field and the
    question list count from the capsule's start, like the learner's player; the time is stored on the
    footage's clock."""
    from capsules.authoring import capsule as authoring

    footage, _reviewer, author = approved_footage
    steps = list(footage.steps.order_by("start"))
    made = authoring.create_capsule(footage, title="Dévisser et serrer", first_step_id=steps[1].pk, user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    assert (capsule.start, capsule.end) == (6.0, 18.0)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(f"{live_server.url}/admin/geste/capsules/{capsule.pk}/")
    video = "document.querySelector('[data-role=video]')"
    page.wait_for_function(f"{video}.readyState >= 1 && !{video}.seeking", timeout=15000)
    assert page.evaluate(f"{video}.currentTime") == pytest.approx(6.0, abs=0.05)  # 0:00 of the capsule
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:00,0")
    form = page.locator('form[data-role="interaction-form"]')
    options = form.get_by_label("Étape", exact=True).locator("option").all_inner_texts()
    assert options[1:] == ["Dévisser l'écrou (0:00,0 – 0:06,0)", "Serrer au couple (0:06,0 – 0:12,0)"], options

    # The playhead 3,5 s into the capsule (9,5 s of the footage) becomes the question's time.
    page.evaluate(f"{video}.currentTime = 9.5")
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:03,5")
    form.get_by_label("Type d'interaction").select_option("true_false")
    form.get_by_role("button", name="Utiliser la tête de lecture").click()
    assert form.get_by_label("Instant (secondes)").input_value() == "3,5"
    expect(form.locator('[data-role="time-clock"]')).to_have_text("0:03,5")
    form.get_by_label("Question ou consigne").fill("On dévisse l'écrou à la main.")
    form.get_by_role("radio", name="Fausse").check()
    form.get_by_role("button", name="Ajouter l'interaction").click()
    expect(page.get_by_text("Interaction ajoutée : Vrai / faux à 0:03,5.")).to_be_visible()
    inter = capsule.interactions.get()
    assert inter.time == pytest.approx(9.5) and inter.step_id == steps[1].pk
    expect(page.locator('[data-role="interactions"] > li[data-kind]')).to_contain_text("0:03,5 · Vrai / faux")

    # Out of the capsule: refused in French, on the capsule's clock.
    form.get_by_label("Type d'interaction").select_option("true_false")
    form.get_by_label("Instant (secondes)").fill("13")
    form.get_by_label("Question ou consigne").fill("Trop tard ?")
    form.get_by_role("radio", name="Vraie").check()
    form.get_by_role("button", name="Ajouter l'interaction").click()
    expect(page.get_by_role("alert")).to_contain_text("1 champ à corriger")
    expect(page.locator("#id_time_error")).to_contain_text(
        "Le moment doit être entre 0 et 12,0 secondes depuis le début de la capsule (0:00,0 – 0:12,0).")

    # Its edit page opens the video at the question, read on the capsule's clock (the answer key is a bool).
    page.goto(f"{live_server.url}/admin/geste/capsules/{capsule.pk}/interactions/{inter.pk}/")
    page.wait_for_function(f"{video}.readyState >= 1 && !{video}.seeking", timeout=15000)
    assert page.evaluate(f"{video}.currentTime") == pytest.approx(9.5, abs=0.05)
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:03,5")
    assert page.get_by_label("Instant (secondes)").input_value() == "3,5"
    page.get_by_label("Instant (secondes)").fill("4")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Interaction enregistrée")
    inter.refresh_from_db()
    assert inter.time == pytest.approx(10.0) and inter.answer_key == {"correct": False}
    ctx.close()


def test_an_excerpt_capsules_video_stays_inside_the_excerpt(live_server, browser, approved_footage, media_with_ranges):
    """The capsule covers 6–12 s of its footage (step 2): the native video moved before the start comes
    back to the start, moved past the end goes to the end, and played to the end stops there, so the
    playhead and « Utiliser la tête de lecture » never read a moment outside the capsule."""
    from capsules.authoring import capsule as authoring

    footage, _reviewer, author = approved_footage
    step = footage.steps.order_by("start")[1]
    made = authoring.create_capsule(footage, title="Dévisser", first_step_id=step.pk, last_step_id=step.pk, user=author)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    assert (capsule.start, capsule.effective_end) == (6.0, 12.0)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(f"{live_server.url}/admin/geste/capsules/{capsule.pk}/")
    video = "document.querySelector('[data-role=video]')"
    settled = f"{video}.readyState >= 1 && !{video}.seeking"
    page.wait_for_function(settled, timeout=15000)
    assert page.evaluate(f"{video}.currentTime") == pytest.approx(6.0, abs=0.05)

    # Dragged before the excerpt: back to its start.
    page.evaluate(f"{video}.currentTime = 2")
    page.wait_for_function(f"{settled} && Math.abs({video}.currentTime - 6) < 0.05", timeout=5000)
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:00,0")
    # Dragged past its end: to its end.
    page.evaluate(f"{video}.currentTime = 3; {video}.currentTime = 15")
    page.wait_for_function(f"{settled} && Math.abs({video}.currentTime - 12) < 0.05", timeout=5000)
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:06,0")
    # Played to its end: it stops there, the playhead reads the end.
    page.evaluate(f"{video}.muted = true; {video}.currentTime = 11.4")
    page.wait_for_function(settled, timeout=5000)
    page.evaluate(f"{video}.play()")
    page.wait_for_function(f"{video}.paused && {settled} && {video}.currentTime > 11.9", timeout=10000)
    assert page.evaluate(f"{video}.currentTime") == pytest.approx(12.0, abs=0.05)
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:06,0")
    form = page.locator('form[data-role="interaction-form"]')
    form.get_by_label("Type d'interaction").select_option("true_false")
    form.get_by_role("button", name="Utiliser la tête de lecture").click()
    assert form.get_by_label("Instant (secondes)").input_value() == "6,0"
    ctx.close()
