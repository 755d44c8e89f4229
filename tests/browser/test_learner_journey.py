"""The learner's journey through the screens, as a first user meets it (issue 12, items 6-8, 15-17):

on a 360×740 phone, by touch: a visitor opens a capsule that starts inside its footage, answers without
an account, leaves an optional question open and reloads (it is asked again), signs up on the learners'
French page (the visitor's answer joins the account), reorders by tapping, loses the connection (banner),
answers by keyboard only, gets back online (the answer is synced) and ends on a score screen.
On a desktop, by keyboard only: signs in, a mandatory question answered wrong is asked again after a reload.

Screenshots: var/journey/learner-*.png (looked at by a person before an issue is closed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from capsules import models
from tests import factories, pages
from tests.baseline import ensure_baseline
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    accessibility_violations,
    built_player,
    capsule_media,
    leave,
    open_capsule,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "journey"
LONG_TITLE = "Remplacement-du-joint-torique-du-siphon-sous-l'évier-de-la-cuisine-collective sans outillage spécial"
LONG_A = "Couper l'arrivée d'eau générale au robinet d'arrêt situé sous l'évier, avant toute autre opération"
LONG_B = "Placer une bassine sous le siphon pour recueillir l'eau résiduelle contenue dans le coude"
LONG_C = "Serrer l'écrou au maximum avec une pince multiprise pour éviter toute fuite ultérieure"
ORDER = ["Dévisser l'écrou inférieur du siphon à la main", "Retirer le joint usé et nettoyer la portée",
         "Poser le joint neuf et revisser l'écrou à la main"]
START = 4.0  # the capsule starts 4 s into its footage: every clock a learner sees counts from here


def shot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"learner-{name}.png"), full_page=full_page)


@pytest.fixture
def journey(capsule_media, storage_root, built_player):  # noqa: F811
    import json

    ensure_baseline()
    prefix = "footage/journey"
    shutil.copytree(capsule_media, Path(storage_root) / prefix, dirs_exist_ok=True)
    rel = json.loads((capsule_media / "rel.json").read_text())
    renditions = {k: f"{prefix}/{v}" for k, v in rel.items() if k != "variants"}
    renditions["variants"] = rel["variants"]
    renditions["captions"] = {"fr": f"{prefix}/captions.fr.vtt", "en": f"{prefix}/captions.en.vtt"}
    footage = factories.FootageFactory(duration=12.0, renditions=renditions, status="approved")
    steps = [models.Step.objects.create(footage=footage, order=i, start=a, end=b, title=t, approved=True,
                                        keyframe=f"{prefix}/step{i}.jpg")
             for i, (a, b, t) in enumerate([(0.0, 4.0, "Préparer"), (4.0, 8.0, "Dévisser l'écrou"),
                                            (8.0, 12.0, "Serrer le joint")])]
    models.Transcript.objects.create(footage=footage, language="fr", duration=12.0, segments=[
        {"start": 4.2, "end": 6.5, "text": "Dévissez l'écrou à la main.",
         "words": [{"start": 4.2, "end": 4.9, "word": "Dévissez"}, {"start": 4.9, "end": 5.6, "word": "l'écrou"},
                   {"start": 5.6, "end": 6.5, "word": "à la main."}]},
        {"start": 8.2, "end": 10.5, "text": "Serrez le joint avec la clé.",
         "words": [{"start": 8.2, "end": 8.8, "word": "Serrez"}, {"start": 8.8, "end": 9.5, "word": "le joint"},
                   {"start": 9.5, "end": 10.5, "word": "avec la clé."}]},
    ])
    capsule = factories.CapsuleFactory(footage=footage, title=LONG_TITLE, start=START, order=1,
                                       skills_block=footage.skills_block)
    q_multi = models.Interaction.objects.create(
        capsule=capsule, time=5.0, kind="multiple_choice", step=steps[1], mandatory=True,
        prompt="Que faites-vous avant de dévisser l'écrou du siphon ?",
        choices=[{"id": "a", "text": LONG_A}, {"id": "b", "text": LONG_B}, {"id": "c", "text": LONG_C}],
        answer_key={"correct": ["a", "b"]}, feedback_correct="Oui : l'eau d'abord, la bassine ensuite.",
        feedback_wrong="Revoyez le début de l'étape.")
    q_order = models.Interaction.objects.create(
        capsule=capsule, time=7.0, kind="ordering", step=steps[1], mandatory=False,
        prompt="Remettez les gestes dans l'ordre.",
        choices=[{"id": f"o{i}", "text": t} for i, t in enumerate(ORDER)],
        answer_key={"order": [f"o{i}" for i in range(len(ORDER))]})
    q_tf = models.Interaction.objects.create(
        capsule=capsule, time=10.0, kind="true_false", step=steps[2], mandatory=True,
        prompt="On serre le joint avec une clé.", answer_key={"correct": True},
        feedback_correct="Exact.", feedback_wrong="Revoyez l'étape.")
    page = pages.capsule_page(capsule)
    nxt = factories.CapsuleFactory(footage=footage, title="Contrôler l'étanchéité", order=2,
                                   skills_block=footage.skills_block)
    pages.capsule_page(nxt)
    return {"capsule": capsule, "page": page, "multi": q_multi, "order": q_order, "tf": q_tf}


def fits(page, selector: str, width: int = 360) -> None:
    """Every element matched is inside the viewport horizontally and shows all its text."""
    boxes = page.eval_on_selector_all(selector, """els => els.map(e => { const r = e.getBoundingClientRect();
        return [r.left, r.right, e.scrollWidth - e.clientWidth, e.textContent.trim().slice(0, 40)]; })""")
    assert boxes, selector
    for left, right, overflow, text in boxes:
        assert left >= -0.5 and right <= width + 0.5 and overflow <= 1, (selector, text, left, right, overflow)


@pytest.mark.timeout(300)
def test_phone_visitor_signs_up_answers_by_touch_goes_offline_and_sees_a_score(live_server, phone_context, journey):
    errors: list[str] = []
    page = phone_context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{live_server.url}{journey['page'].url}"
    open_capsule(page, url)

    # A long title does not widen the page; the header offers the learners' own pages.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_attribute(".site-header a:text('Se connecter')", "href").startswith("/compte/connexion/")
    assert page.locator(".site-header a:text('Créer un compte')").is_visible()
    # One clock: steps and transcript count from the capsule's start, like the player.
    assert page.locator(".gp-step-time").all_inner_texts() == ["0:00", "0:04"]
    assert page.locator(".gt-time").all_inner_texts() == ["0:00", "0:04"]
    assert page.locator(".gp-legend").inner_text().replace("\n", " ").count("question") == 1
    assert page.locator(".gp-step-back").is_visible() and page.locator(".gp-frame-back").is_visible()
    assert page.locator(".gp-mute").is_visible()
    shot(page, "capsule-360")

    # Captions are drawn by the player, large enough on a phone.
    page.tap(".gp-play")
    page.wait_for_selector(".gp-caption:not([hidden])", timeout=15000)
    assert float(page.eval_on_selector(".gp-caption", "e => parseFloat(getComputedStyle(e).fontSize)")) >= 15

    # The mandatory multiple choice at 0:01: answered by touch without an account, every answer readable.
    page.wait_for_selector(f"[data-asking='{journey['multi'].pk}']", timeout=20000)
    fits(page, ".gq-choice")
    fits(page, ".gp-question button")
    assert LONG_A in page.locator(".gq-choice span").all_inner_texts()  # shuffled: anywhere among them
    page.locator(".gq-choice", has_text=LONG_A).tap()
    page.locator(".gq-choice", has_text=LONG_B).tap()
    page.tap(".gq-submit")
    page.wait_for_selector(".gq-right")
    shot(page, "question-360", full_page=False)
    assert models.Attempt.objects.count() == 0  # a visitor's answer stays in their session
    page.tap(".gq-continue")

    # The optional ordering question: every button within reach of a thumb; left open, then a reload.
    page.wait_for_selector(f"[data-asking='{journey['order'].pk}']", timeout=15000)
    fits(page, ".gq-order li")
    fits(page, ".gq-order button")
    shot(page, "ordering-360", full_page=False)
    page.wait_for_timeout(300)
    page.reload()
    page.wait_for_selector(f"[data-asking='{journey['order'].pk}']", timeout=15000)  # asked again

    # Sign up from the question's link: French, no admin branding; back on the capsule with the answer kept.
    page.tap(".gq-guest a")
    page.wait_for_url("**/compte/inscription/**")
    body = page.inner_text("body")
    assert "Créer un compte" in body and "Password" not in body and "Wagtail" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#id_first_name", "Nadia")
    page.fill("#id_username", "nadia")
    page.fill("#id_password1", "joint-torique-42")
    page.fill("#id_password2", "joint-torique-42")
    shot(page, "signup-360")
    page.tap(".account-submit")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.url.startswith(url)
    user = get_user_model().objects.get(username="nadia")
    assert list(user.groups.values_list("name", flat=True)) == ["Learners"]
    assert list(models.Attempt.objects.filter(user=user).values_list("interaction_id", "correct")) == [
        (journey["multi"].pk, True)]
    assert page.locator(".site-header .who").inner_text() == "Nadia"
    page.wait_for_selector(f"[data-asking='{journey['order'].pk}']", timeout=15000)  # still open for her

    # Reorder by tapping the arrows until the steps are in order, then send.
    for _ in range(6):
        texts = page.eval_on_selector_all(".gq-order li", "els => els.map(e => e.dataset.text)")
        if texts == ORDER:
            break
        wrong = next(i for i, t in enumerate(texts) if t != ORDER[i])
        at = texts.index(ORDER[wrong])
        page.tap(f".gq-order li:nth-child({at + 1}) .up")
    assert page.eval_on_selector_all(".gq-order li", "els => els.map(e => e.dataset.text)") == ORDER
    page.tap(".gq-submit")
    page.wait_for_selector(".gq-right")
    assert page.locator(".gq-skip").count() == 0  # "Passer cette question" goes once answered
    page.tap(".gq-continue")

    # The last question comes while the connection drops: a banner says so; answered by keyboard only.
    page.wait_for_selector(f"[data-asking='{journey['tf'].pk}']", timeout=15000)
    phone_context.set_offline(True)
    page.wait_for_selector(".gp-offline-banner:not([hidden])")
    assert "Vous êtes hors ligne" in page.inner_text(".gp-offline-banner")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "radio"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-queued")
    shot(page, "offline-360", full_page=False)
    assert not models.Attempt.objects.filter(interaction=journey["tf"]).exists()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Continuer"

    # Back online: the banner goes, the answer is graded and counted, the end screen shows the score.
    phone_context.set_offline(False)
    page.wait_for_selector(".gp-offline-banner", state="hidden")
    page.wait_for_selector("text=1 réponse hors ligne envoyée : 1 juste.", timeout=15000)
    assert models.Attempt.objects.get(user=user, interaction=journey["tf"]).correct is True
    page.wait_for_selector(".gp-end:not([hidden])", timeout=20000)
    end = page.inner_text(".gp-end")
    assert "Score au premier essai\u00a0: " in end and "sur 3" in end
    assert "Contrôler l'étanchéité" in page.inner_text(".gp-end a.gp-next")
    fits(page, ".gp-end .gp-end-actions > *")
    shot(page, "end-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert accessibility_violations(page) == []

    # The device's queue belongs to Nadia: signing out drops it (and her resume data) for the next person.
    keys = page.evaluate("Object.keys(localStorage).filter(k => /^geste:(queue|pos|seen)/.test(k))")
    assert keys and all(":invite" not in k for k in keys)
    with page.expect_navigation():
        page.tap(".logout-form button")
    assert page.locator(".site-header a:text('Se connecter')").is_visible()
    open_capsule(page, url)
    keys = page.evaluate("Object.keys(localStorage).filter(k => /^geste:(queue|pos|seen)/.test(k))")
    assert all(":invite" in k for k in keys), keys
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
def test_desktop_keyboard_learner_signs_in_and_a_wrong_mandatory_answer_comes_back(live_server, context, journey):
    errors: list[str] = []
    factories.learner(username="karim", first_name="Karim")
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{live_server.url}{journey['page'].url}"
    # The device was used by someone else, whose answer still waits in the offline queue.
    answer_url = f"/api/learner/interactions/{journey['multi'].pk}/answer"
    queued = [{"kind": "answer", "capsule": journey["capsule"].pk, "interaction": journey["multi"].pk,
               "url": answer_url, "qid": "x",
               "body": {"response": {"choices": ["a", "b"]}, "client_id": "8f1c6c2e-3b7e-4f55-9a43-1d2f0c9b7a11"}}]
    legacy = [{**queued[0], "body": {**queued[0]["body"], "client_id": "0b5f3a4e-2c1d-4e6f-8a9b-7c6d5e4f3a2b"}}]
    context.add_init_script(
        "try { if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1');"
        "localStorage.setItem('geste:scope', 'quelquundautre');"
        f"localStorage.setItem('geste:queue:quelquundautre', {json.dumps(json.dumps(queued))});"
        # the key every account shared before (11.13): what an older player left there must not be sent either
        f"localStorage.setItem('geste:queue', {json.dumps(json.dumps(legacy))}); }} }}"
        "catch (e) { /* about:blank */ }")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" and "/answer" in r.url else None)
    page.goto(f"{live_server.url}/compte/connexion/?next={journey['page'].url}")
    body = page.inner_text("body")
    assert "Identifiant" in body and "Mot de passe" in body and "Password" not in body
    shot(page, "login-desktop")
    page.focus("#id_username")
    page.keyboard.type("karim")
    page.keyboard.press("Tab")
    page.keyboard.type("motdepasse-geste")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.url.startswith(url)
    # Another account's queued answer is dropped, never sent as Karim's.
    scope = page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.m.user.scope")
    queues = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('geste:queue'))")
    assert set(queues) <= {f"geste:queue:{scope}"} and page.evaluate("localStorage.getItem('geste:scope')") == scope
    page.wait_for_timeout(500)
    assert posted == [] and not models.Attempt.objects.exists()

    # Keyboard only: play (Space on the player), the question comes, a wrong answer, "Continuer".
    page.focus(".gp-play")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-asking='{journey['multi'].pk}']", timeout=20000)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first choice only: wrong (two are expected)
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "gq-submit"
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-wrong")
    shot(page, "wrong-desktop", full_page=False)
    page.focus(".gq-continue")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('video.gp-video').paused", timeout=5000)
    page.wait_for_timeout(600)
    page.focus(".gp-play")
    page.keyboard.press("Enter")  # pause: progress saved
    page.wait_for_timeout(800)

    # Reload: the learner went on past the mandatory question answered wrong, so the player resumes
    # where they were and reminds them of it (walk 15); the reminder's button, by keyboard, asks it again.
    page.reload()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    reminder = page.locator(".gp-todo")
    expect(reminder).to_contain_text("Question obligatoire à reprendre")
    assert page.locator("[data-asking]").count() == 0
    page.focus(".gp-todo-go")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-asking='{journey['multi'].pk}']", timeout=15000)
    assert abs(video(page, "v.currentTime") - journey["multi"].time) < 0.3
    # The step buttons move by a step, the frame buttons by one frame.
    page.focus(".gp-controls .gp-step-back")
    shot(page, "capsule-desktop")
    leave(page)
    assert not errors, errors
