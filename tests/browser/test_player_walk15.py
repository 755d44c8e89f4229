"""A first user's walk of the learner player (walk 15), on a 360x740 phone (Chromium, real video):

1. a self-assessed (free recall) question in the natural order: the learner writes or thinks their
   answer under a visible label, asks « Voir la réponse attendue », sees it, then rates themself
   (« Je savais » …) and validates; before, they had to rate themselves before seeing it. By keyboard.
   The expected answer comes from the server when asked (never in the manifest); offline, on a
   downloaded capsule, the learner is told it will show once online, rates themself and goes on.
2. a video without captions has no captions menu (it offered only « Sans sous-titres »);
3. the playback speed is the learner's on this device: chosen on one capsule, it holds after a reload
   and on the next capsule, and the speed menu shows it;
4. a mandatory question answered wrong and left with « Continuer »: reopening the capsule resumes where
   the learner was (it sent them back to the question), and the question is shown as a reminder under
   the player and on its step (« Question obligatoire à reprendre »), with a way back to it.
"""

from __future__ import annotations

import pytest

from capsules import models
from cms.models import CapsulePage
from tests import factories
from tests.browser.shots import shot
from tests.browser.test_learner_journey import LONG_A, LONG_B, journey  # noqa: F401  (fixture)
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"
MODEL = "Couper l'arrivée d'eau puis placer une bassine sous le siphon."


def errors_of(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def ready(page) -> None:
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)


def shot_path(name: str):
    from tests.browser.shots import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"


def focused(page, expr: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expr}; }})()")


@pytest.mark.timeout(240)
def test_free_recall_shows_the_expected_answer_before_the_self_rating(live_server, phone_context, published):  # noqa: F811
    step = published["steps"][0]
    recall = models.Interaction.objects.create(
        capsule=published["capsule"], time=2.0, kind="free_recall", step=step, mandatory=False,
        prompt="Que faites-vous avant de démonter le siphon ?", answer_key={"model_answer": MODEL},
        feedback_correct=f"Réponse attendue : {MODEL}")
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", recall.pk)
    page.wait_for_selector(f"[data-asking='{recall.pk}']")

    # A visible label, tied to the answer box.
    label = page.locator(".gp-question label.gq-label")
    assert label.is_visible() and label.inner_text() == "Votre réponse"
    box = page.get_by_label("Votre réponse", exact=True)
    assert box.evaluate("e => e.tagName") == "TEXTAREA" and box.is_visible()
    # Before asking for it: no expected answer, no self-rating, nothing to validate.
    assert page.get_by_text(MODEL).count() == 0 or not page.get_by_text(MODEL).first.is_visible()
    assert not page.get_by_label("Je savais").is_visible()
    assert not page.locator(".gq-submit").is_visible()
    reveal = page.get_by_role("button", name="Voir la réponse attendue")
    assert reveal.is_visible()

    # Not in the manifest: nothing on the page knows it before the learner asks.
    assert MODEL not in page.evaluate(f"JSON.stringify(document.querySelector('{PLAYER}').gestePlayer.m)")
    # By keyboard: write, Tab to « Voir la réponse attendue », Enter: the server sends it now.
    box.focus()
    page.keyboard.type("Je coupe l'eau.")
    page.keyboard.press("Tab")
    assert focused(page, "el.textContent") == "Voir la réponse attendue"
    with page.expect_response(lambda r: r.url.endswith(f"/interactions/{recall.pk}/reveal")) as asked:
        page.keyboard.press("Enter")
    assert asked.value.request.method == "POST" and asked.value.json()["model_answer"] == MODEL
    page.wait_for_selector(".gq-model:not([hidden])")
    assert focused(page, "el.classList.contains('gq-model')")  # read out first: the expected answer
    assert page.get_by_text(MODEL).is_visible()
    assert page.locator(".gq-legend").is_visible()
    assert "Évaluez-vous" in page.locator(".gq-legend").inner_text()
    # Then the rating, then « Valider », in reading order.
    page.keyboard.press("Tab")
    assert focused(page, "el.type === 'radio' && el.closest('label').textContent") == "Je savais"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('gq-submit')")
    # 360 px: the question, its expected answer and its buttons fit across.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for sel in (".gq-model", ".gq-submit", ".gq-form textarea", ".gq-legend"):
        r = page.locator(sel).bounding_box()
        assert r["x"] >= -0.5 and r["x"] + r["width"] <= 360.5, (sel, r)
    page.locator(".gp-question").screenshot(path=str(shot_path("player-free-recall-revealed-360")))
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-feedback .gq-self")
    attempt = models.Attempt.objects.get(user=user, interaction=recall)
    assert attempt.response == {"text": "Je coupe l'eau.", "self_assessment": "knew"}
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(300)
def test_free_recall_offline_says_the_expected_answer_comes_once_online(live_server, phone_context, published):  # noqa: F811
    """A downloaded capsule, offline: « Voir la réponse attendue » cannot reach the server. The learner is
    told so in French, rates themself, the answer is queued like any other, and the video goes on."""
    step = published["steps"][0]
    recall = models.Interaction.objects.create(
        capsule=published["capsule"], time=2.0, kind="free_recall", step=step, mandatory=True,
        prompt="Que faites-vous avant de démonter le siphon ?", answer_key={"model_answer": MODEL})
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.click(".gp-offline")
    page.wait_for_selector("text=Disponible hors ligne ✓", timeout=30000)
    phone_context.set_offline(True)
    page.reload()
    ready(page)
    assert page.evaluate("navigator.onLine") is False
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", recall.pk)
    page.wait_for_selector(f"[data-asking='{recall.pk}']")
    box = page.get_by_label("Votre réponse", exact=True)
    box.focus()
    page.keyboard.type("Je coupe l'eau.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-model:not([hidden])")
    said = page.inner_text(".gq-model")
    assert "la réponse attendue s'affichera dès le retour en ligne" in said, said
    assert MODEL not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # By keyboard still: the rating, then « Valider »: queued, and « Continuer » plays on.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('gq-submit')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-queued")
    page.locator(".gp-question").screenshot(path=str(shot_path("player-free-recall-offline-360")))
    page.click(".gq-continue")
    page.wait_for_function(f"document.querySelector('{PLAYER}').dataset.asking === undefined")
    assert page.locator(".gp-question").is_hidden()
    # Back online: the queued self-rating is sent, with what the learner wrote.
    phone_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(f"+document.querySelector('{PLAYER}').dataset.synced >= 1", timeout=15000)
    attempt = models.Attempt.objects.get(user=user, interaction=recall)
    assert attempt.response == {"text": "Je coupe l'eau.", "self_assessment": "knew"}
    # Asked offline with the question still open: the expected answer shows there once the connection is back.
    phone_context.set_offline(True)
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", recall.pk)
    page.get_by_role("button", name="Voir la réponse attendue").click()
    page.wait_for_selector(".gq-model-offline")
    phone_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(f".gq-model:has-text(\"{MODEL}\")", timeout=15000)
    assert "Hors ligne" not in page.inner_text(".gq-model")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_no_captions_menu_without_a_caption_track(live_server, phone_context, published):  # noqa: F811
    page = phone_context.new_page()
    errors = errors_of(page)
    url = f"{live_server.url}{published['page'].url}"
    open_capsule(page, url)
    assert page.locator(".gp-captions").is_visible()  # French and English tracks: the menu is there
    footage = published["footage"]
    footage.renditions = {k: v for k, v in footage.renditions.items() if k != "captions"}
    footage.save()
    page.goto(url)
    ready(page)
    assert page.evaluate("document.querySelectorAll('video.gp-video track[kind=captions]').length") == 0
    assert not page.locator(".gp-captions").is_visible()
    # Neither the menu's option nor the label drawn over the menu (walk 31) is on the screen.
    assert not any(x.is_visible() for x in page.get_by_text("Sans sous-titres").all())
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_chosen_speed_holds_after_a_reload_and_on_the_next_capsule(live_server, context, journey):  # noqa: F811
    page = context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    assert page.eval_on_selector(".gp-speed", "s => s.value") == "1"
    page.select_option(".gp-speed", "1.5")
    page.reload()
    ready(page)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    assert page.eval_on_selector(".gp-speed", "s => s.selectedOptions[0].textContent") == "1,5×"
    assert video(page, "v.playbackRate") == 1.5
    # The next capsule, on the same device: the same speed, shown on the menu.
    nxt = models.Capsule.objects.exclude(pk=journey["capsule"].pk).get()
    open_capsule(page, f"{live_server.url}{CapsulePage.objects.get(capsule=nxt).url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    assert page.eval_on_selector(".gp-speed", "s => s.selectedOptions[0].textContent") == "1,5×"
    assert video(page, "v.playbackRate") == 1.5
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 0.3", timeout=15000)
    assert video(page, "v.playbackRate") == 1.5
    # Back to 1×: kept as well.
    page.select_option(".gp-speed", "1")
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    assert page.eval_on_selector(".gp-speed", "s => s.value") == "1"
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
def test_a_mandatory_question_left_wrong_is_a_reminder_after_a_reload_not_a_detour(live_server, phone_context, journey):  # noqa: F811
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    multi = journey["multi"]
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    assert not page.locator(".gp-todo").is_visible()
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=20000)
    page.locator(".gq-choice", has_text=LONG_A).locator("input").click()  # one only: wrong (two expected)
    page.click(".gq-submit")
    page.wait_for_selector(".gq-wrong")
    page.click(".gq-continue")
    # Gone on: reminded at once, on this page.
    page.wait_for_selector(".gp-todo:not([hidden])")
    page.wait_for_function(f"document.querySelector('video.gp-video').currentTime > {multi.time + 1.0}", timeout=10000)
    page.evaluate("document.querySelector('video.gp-video').pause()")
    reached = video(page, "v.currentTime")
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.save()")
    page.wait_for_timeout(500)

    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1'][data-resumed]", timeout=15000)
    resumed = float(page.get_attribute(PLAYER, "data-resumed"))
    assert resumed > multi.time + 0.9 and abs(resumed - reached) < 1.0, (resumed, reached)
    page.wait_for_timeout(1800)  # a pending question opens within 1.5 s of the resume
    assert page.locator(".gp-question").is_hidden(), "sent back to the question"
    # The reminder: under the player, and on the question's step in the list.
    todo = page.locator(".gp-todo")
    assert todo.is_visible()
    assert "Question obligatoire à reprendre" in todo.inner_text()
    go = page.get_by_role("button", name="Reprendre la question de 0:01")
    assert go.is_visible()
    assert page.locator(".gp-steps li", has=page.locator(".gp-step-todo")).locator(".gp-step-title").inner_text() \
        == "Dévisser l'écrou"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    r = todo.bounding_box()
    assert r["x"] >= -0.5 and r["x"] + r["width"] <= 360.5
    shot(page, "player-mandatory-reminder-360", full_page=False)
    # Going on is not refused: the next step plays.
    page.click(".gp-step-fwd")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime >= 7.9", timeout=5000)
    # Back to it by keyboard: asked again; answered right, the reminder goes.
    go.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=5000)
    page.locator(".gq-choice", has_text=LONG_A).locator("input").click()  # options are shuffled: by text
    page.locator(".gq-choice", has_text=LONG_B).locator("input").click()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    assert not page.locator(".gp-todo").is_visible()
    assert page.locator(".gp-step-todo").count() == 0
    page.click(".gq-continue")
    leave(page)
    assert not errors, errors


def _wrong(user, interaction, response=None):
    from django.utils import timezone

    models.Attempt.objects.create(user=user, interaction=interaction, response=response or {}, correct=False,
                                  score=0, answered_at=timezone.now())


@pytest.mark.timeout(240)
def test_the_reminder_names_graded_questions_apart_on_the_first_screen(live_server, phone_context, journey):  # noqa: F811
    """A learner who completed the capsule, then left two mandatory questions wrong at the same moment and a
    self-rated one « pas encore » there too: after a reload the reminder names the two graded ones only
    (a self-assessed kind has no right answer), on two buttons that differ, with no claim that the capsule
    is not finished, and it sits on the first screen of a 360x740 phone with play, loop and speed."""
    from django.utils import timezone

    multi = journey["multi"]
    twin = models.Interaction.objects.create(
        capsule=journey["capsule"], time=multi.time, kind="single_choice", step=multi.step, mandatory=True,
        prompt="Quel outil pour l'écrou ?", choices=[{"id": "a", "text": "La main"}, {"id": "b", "text": "Un marteau"}],
        answer_key={"correct": ["a"]})
    recall = models.Interaction.objects.create(
        capsule=journey["capsule"], time=multi.time, kind="free_recall", step=multi.step, mandatory=True,
        prompt="Que faites-vous avant de démonter le siphon ?", answer_key={"model_answer": MODEL})
    user = factories.learner()
    _wrong(user, multi)
    _wrong(user, twin)
    _wrong(user, recall, {"text": "?", "self_assessment": "didnt"})
    models.Progress.objects.create(user=user, capsule=journey["capsule"], position=multi.time + 3.0,
                                   watched=[[0, 12]], watched_fraction=1, completed=True, completed_at=timezone.now())
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    page.wait_for_selector(f"{PLAYER}[data-ready='1'][data-resumed]", timeout=15000)
    todo = page.locator(".gp-todo")
    todo.wait_for(state="visible")
    assert page.get_attribute(PLAYER, "data-completed") == "1"
    text = todo.inner_text()
    assert text.startswith("2 questions obligatoires"), text
    assert "terminée" not in text, text  # the server completed it: answered is enough
    buttons = page.locator(".gp-todo-go")
    ids = sorted(int(x) for x in buttons.evaluate_all("bs => bs.map(b => b.dataset.interaction)"))
    assert ids == sorted([multi.pk, twin.pk]), ids
    labels = buttons.all_inner_texts()
    assert len(set(labels)) == 2, labels
    assert any("Quel outil pour l'écrou" in t for t in labels), labels
    # The first screen: the reminder and the first row of controls.
    # Right under the video, before the seek bar and the controls: its title on the first screen even
    # under this capsule's long page title (it was ~1000 px down, below every control).
    r = {s: page.locator(s).first.bounding_box() for s in (".gp-stage", ".gp-todo-title", ".gp-todo-go", ".gp-bar")}
    assert r[".gp-stage"]["y"] + r[".gp-stage"]["height"] <= r[".gp-todo-title"]["y"] + 0.5, r
    assert r[".gp-todo-title"]["y"] + r[".gp-todo-title"]["height"] <= 740, r
    assert r[".gp-todo-go"]["y"] + r[".gp-todo-go"]["height"] <= r[".gp-bar"]["y"] + 0.5, r
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "player-mandatory-reminder-first-screen-360", full_page=False)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
def test_a_right_retry_clears_the_mandatory_reason_on_the_end_screen(live_server, phone_context, journey):  # noqa: F811
    """The last mandatory question answered wrong completes the capsule (the badge is asked then); « Réessayer »
    and right: the end screen no longer says it was « répondue, mais jamais juste »."""
    from django.utils import timezone

    models.Achievement.objects.create(skills_block=journey["capsule"].skills_block, name="Plomberie sanitaire",
                                      description="Joints et siphons.", criteria_narrative="Toutes les capsules.")
    tf = journey["tf"]
    user = factories.learner()
    models.Attempt.objects.create(user=user, interaction=journey["multi"], response={"choices": ["a", "b"]},
                                  correct=True, score=1, answered_at=timezone.now())
    models.Progress.objects.create(user=user, capsule=journey["capsule"], position=tf.time - 1.0,
                                   watched=[[0, 12]], watched_fraction=1)
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    page.wait_for_selector(f"{PLAYER}[data-ready='1'][data-resumed]", timeout=15000)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{tf.pk}']", timeout=20000)
    with page.expect_response(lambda r: "badge" in r.url) as asked:
        page.get_by_label("Faux").check()
        page.click(".gq-submit")
        page.wait_for_selector(".gq-wrong")
    assert "jamais juste" in asked.value.text()  # the server's view then
    assert page.get_attribute(PLAYER, "data-completed") == "1"
    page.click(".gq-retry")
    page.get_by_label("Vrai").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    page.click(".gq-continue")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge", timeout=20000)
    end = page.locator(".gp-end").inner_text()
    assert "jamais juste" not in end and "bonne réponse" not in end, end
    assert "Capsule non terminée" in end  # the badge's other condition, still the server's
    leave(page)
    assert not errors, errors
