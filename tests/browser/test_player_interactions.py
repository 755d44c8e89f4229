"""Ordering, hotspot, cloze and free recall driven in Chromium, keyboard first, in one page load.

One published capsule (real HLS media) carries the four kinds. For each: the video pauses at it,
the page held no answer key nor feedback before the answer (DOM, player state and every learner
API response are searched), a wrong answer then a right one are graded by the server (free recall:
the learner's self-assessment), and the feedback shown is the server's. Ordering is reordered with the
keyboard only, the hotspot clicked (wrong) then answered with its keyboard marker (right); cloze and
free recall are answered with the keyboard at 360 px, and axe checks each open question.
"""

from __future__ import annotations

import json

import pytest

from capsules.models import Attempt, Interaction
from tests import factories
from tests.browser import test_player as choice_kinds
from tests.browser.learner_capsule import publish_capsule
from tests.browser.test_player import SCREENSHOTS, accessibility_violations, leave, log_in, open_capsule, video

# The built player and the real media are made once per session, shared with the choice-kind test.
built_player = choice_kinds.built_player
capsule_media = choice_kinds.capsule_media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDER_KEY = ["prep", "unscrew", "tighten"]
ORDER_OK = "Oui : préparer, dévisser, puis resserrer en dernier."
ORDER_KO = "L'ordre n'est pas celui du geste : revoyez la vidéo."
HOTSPOT_RECT = [0.6, 0.6, 0.3, 0.3]  # bottom-right of the picture
HOTSPOT_OK = "Exact : l'écrou du siphon est en bas à droite."
HOTSPOT_KO = "Non, cherchez l'écrou en bas de l'image."
CLOZE_SECRET = "écrou six pans"  # an accepted spelling that appears nowhere else
CLOZE_OK = "Parfait, dévissage à la main sans outil."
CLOZE_KO = "Relisez la consigne donnée dans la vidéo."
RECALL_OK = "Réponse attendue : une clé plate de 24, serrée d'un quart de tour."
RECALL_MODEL = "Une clé plate de 24 mm"
AFTER_RIGHT = [ORDER_OK, HOTSPOT_OK, CLOZE_SECRET, CLOZE_OK, RECALL_OK]
SECRETS = [ORDER_OK, ORDER_KO, HOTSPOT_OK, HOTSPOT_KO, CLOZE_SECRET, CLOZE_OK, CLOZE_KO, RECALL_OK, RECALL_MODEL,
           "answer_key", "regions", "solution", "feedback_correct", "feedback_wrong"]


@pytest.fixture
def quiz_capsule(capsule_media, storage_root, built_player):
    """The player's test capsule with its two choice questions replaced by the four other kinds."""
    data = publish_capsule(capsule_media, storage_root)
    data["q1"].delete()
    data["q2"].delete()
    steps, capsule = data["steps"], data["capsule"]
    common = {"capsule": capsule, "mandatory": True}
    data["ordering"] = Interaction.objects.create(
        **common, time=1.5, kind="ordering", step=steps[0],
        prompt="Remettez les étapes du remplacement dans l'ordre.",
        choices=[{"id": "prep", "text": "Préparer le siphon"}, {"id": "unscrew", "text": "Dévisser l'écrou"},
                 {"id": "tighten", "text": "Serrer le joint"}],
        answer_key={"order": ORDER_KEY}, feedback_correct=ORDER_OK, feedback_wrong=ORDER_KO,
    )
    data["hotspot"] = Interaction.objects.create(
        **common, time=4.5, kind="hotspot", step=steps[1], image=steps[1].keyframe,
        prompt="Montrez l'écrou à dévisser.",
        answer_key={"regions": [{"rect": HOTSPOT_RECT}]}, feedback_correct=HOTSPOT_OK, feedback_wrong=HOTSPOT_KO,
    )
    data["cloze"] = Interaction.objects.create(
        **common, time=7.0, kind="cloze", step=steps[1], prompt="Dévissez l'___ à la ___.",
        answer_key={"blanks": [["écrou", CLOZE_SECRET], ["main"]]}, feedback_correct=CLOZE_OK, feedback_wrong=CLOZE_KO,
    )
    data["recall"] = Interaction.objects.create(
        **common, time=9.5, kind="free_recall", step=steps[2], prompt="Avec quel outil serre-t-on le joint ?",
        answer_key={"model_answer": RECALL_MODEL}, feedback_correct=RECALL_OK,
    )
    # In the capsule's last moments, after the last timeupdate: it must still be asked, and
    # "Continuer" must then show the end, not restart the video from zero. The footage's probed
    # duration often exceeds the HLS renditions' by a frame or two: the media ends ("ended")
    # before the capsule's end time, the case where a play() would start over.
    capsule.end = 12.2
    capsule.save(update_fields=["end"])
    data["last"] = Interaction.objects.create(
        **common, time=11.95, kind="true_false", step=steps[2], prompt="Le joint se serre avec une clé.",
        answer_key={"correct": True}, feedback_correct="Exact.", feedback_wrong="Si : avec une clé.",
    )
    return data


def active(page, prop: str = "className"):
    return page.evaluate(f"document.activeElement && document.activeElement.{prop}")


def tab_to(page, selector: str, limit: int = 15, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused element matches ``selector``: it is keyboard-reachable."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with the keyboard")


def ask(page, inter: Interaction) -> None:
    """The video reached ``inter``: paused at its time, the question's title focused."""
    page.wait_for_selector(f"[data-asking='{inter.pk}']", timeout=15000)
    assert video(page, "v.paused") is True
    assert inter.time - 0.1 <= video(page, "v.currentTime") <= inter.time + 0.8
    assert active(page, "tagName") == "H2"


def answer(page, expect: str) -> dict:
    """Press Enter on the focused control and return the server's grading, shown as ``expect``."""
    with page.expect_response(lambda r: "/api/learner/interactions/" in r.url and r.url.endswith("/answer")) as resp:
        page.keyboard.press("Enter")
    result = resp.value.json()
    if result["correct"] is False:  # may be retried: the key does not come with it
        assert result["solution"] == {} and not [s for s in AFTER_RIGHT if s in resp.value.text()]
    page.wait_for_selector(f".gp-question {expect}")
    shown = page.inner_text(".gq-feedback")
    assert result["feedback"] and result["feedback"] in shown
    return result


def carry_on(page) -> None:
    tab_to(page, ".gq-continue")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('video.gp-video').paused", timeout=5000)


def _without_answered(text: str, inter: Interaction) -> str:
    """A manifest without the results of the questions already answered: since walk 29 the player fetches the
    manifest again after an answer (a step's points of vigilance wait for its questions), and each answered
    question's own result (its feedback, its solution) comes back in ``attempts``, by design, after its answer.
    The question asked now keeps its entry, so a key of its own sent early is still caught."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict) and isinstance(data.get("attempts"), dict):
        data["attempts"] = {k: v for k, v in data["attempts"].items() if k == str(inter.pk)}
    return json.dumps(data, ensure_ascii=False)


def no_answer_key(page, responses, inter: Interaction) -> None:
    """Nothing the page received or holds reveals a key or a feedback before the answer."""
    dom = page.evaluate("""(() => { const d = document.documentElement.cloneNode(true);
        d.querySelectorAll('script').forEach((s) => s.remove()); return d.outerHTML; })()""")  # axe is injected
    texts = [dom, page.evaluate(
        "JSON.stringify(document.querySelector('[data-geste-player]').gestePlayer.m)")]
    texts += [r.text() for r in responses if r.request.method == "GET"]
    for text in map(lambda t: _without_answered(t, inter), texts):
        found = [s for s in SECRETS if s in text]
        assert not found, (found, text[max(0, text.find(found[0]) - 300):text.find(found[0]) + 300])
    manifest = page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.m")
    shown = next(i for i in manifest["interactions"] if i["id"] == inter.pk)
    # No kind gets its answer in the manifest, a free recall's expected answer neither: the server sends it
    # when the learner presses « Voir la réponse attendue » (reveal_url).
    assert set(shown) <= {"id", "time", "kind", "prompt", "choices", "mandatory", "replay_step_on_wrong", "step",
                          "step_id", "answer_url", "reveal_url", "went_on_url", "image", "blanks"}


def attempts(user, inter) -> list[tuple]:
    return list(Attempt.objects.filter(user=user, interaction=inter).order_by("pk")
                .values_list("correct", "score", "response"))


@pytest.mark.timeout(240)
def test_keyboard_learner_answers_ordering_hotspot_cloze_and_free_recall(live_server, context, quiz_capsule):
    user = factories.learner()
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{live_server.url}{quiz_capsule['page'].url}"
    responses = []
    page.on("response", lambda r: responses.append(r) if "/api/learner/" in r.url or r.url == url else None)
    open_capsule(page, url)
    page.focus(".gp-play")
    page.keyboard.press("Enter")

    # --- ordering: reordered with the keyboard only --------------------------------------
    ordering = quiz_capsule["ordering"]
    ask(page, ordering)
    no_answer_key(page, responses, ordering)
    order = lambda: page.eval_on_selector_all(".gq-order li", "els => els.map(e => e.dataset.id)")  # noqa: E731
    shown = order()
    # Opaque ids (never the stored ones, which sort to the key), in a shuffled order.
    served = dict(page.eval_on_selector_all(".gq-order li", "els => els.map(e => [e.dataset.text, e.dataset.id])"))
    key = [served[next(c["text"] for c in ordering.choices if c["id"] == k)] for k in ORDER_KEY]
    assert not set(shown) & set(ORDER_KEY) and sorted(shown) == sorted(key) and shown != key  # never handed out solved
    assert accessibility_violations(page) == []
    tab_to(page, ".gq-submit")
    wrong = answer(page, ".gq-wrong")
    assert wrong["correct"] is False and ORDER_KO in page.inner_text(".gq-feedback")
    tab_to(page, ".gq-retry")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('.gq-order') !== null")
    if SCREENSHOTS:
        page.locator(".gp-question").screenshot(path=f"{SCREENSHOTS}/question-ordering.png")
    for i, want in enumerate(key):
        moves = order().index(want) - i
        if moves:
            tab_to(page, f".gq-order li[data-id='{want}'] .up")
        for _ in range(moves):
            page.keyboard.press("Space" if i % 2 else "Enter")
            # Focus follows the item, and its new place is announced.
            assert page.evaluate("document.activeElement.closest('li').dataset.id") == want
        if moves:
            page.wait_for_function(
                "p => document.querySelector('.gq-order-live').textContent.includes(p)", arg=f"{i + 1} sur 3")
        assert order()[i] == want
    assert order() == key
    tab_to(page, ".gq-submit")
    right = answer(page, ".gq-right")
    assert right["correct"] is True and ORDER_OK in page.inner_text(".gp-question")
    assert page.locator(".gq-order").count() == 0
    carry_on(page)

    # --- hotspot: a mouse click (wrong), then the keyboard marker (right) ------------------
    hotspot = quiz_capsule["hotspot"]
    ask(page, hotspot)
    no_answer_key(page, responses, hotspot)
    page.wait_for_function("document.querySelector('.gq-hotspot img').complete")
    assert accessibility_violations(page) == []
    box = page.locator(".gq-hotspot img").bounding_box()
    assert box["width"] > 300  # the picture is shown large enough to point at
    page.mouse.click(box["x"] + 0.2 * box["width"], box["y"] + 0.3 * box["height"])
    page.focus(".gq-submit")
    answer(page, ".gq-wrong")
    [(ok, _score, resp)] = attempts(user, hotspot)
    assert ok is False and resp["x"] == pytest.approx(0.2, abs=0.01) and resp["y"] == pytest.approx(0.3, abs=0.01)
    assert HOTSPOT_KO in page.inner_text(".gq-feedback")
    tab_to(page, ".gq-retry")
    page.keyboard.press("Enter")
    assert active(page) == "gq-hotspot"  # back on the picture, not on a button
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    for _ in range(8):
        page.keyboard.press("ArrowDown")
    if SCREENSHOTS:
        page.locator(".gp-question").screenshot(path=f"{SCREENSHOTS}/question-hotspot.png")
    marker = page.locator(".gq-marker").bounding_box()
    assert marker["x"] + marker["width"] / 2 == pytest.approx(box["x"] + 0.7 * box["width"], abs=3)
    answer(page, ".gq-right")  # Enter on the picture answers
    assert HOTSPOT_OK in page.inner_text(".gp-question")
    assert attempts(user, hotspot)[1][:2] == (True, 1.0)
    assert attempts(user, hotspot)[1][2] == pytest.approx({"x": 0.7, "y": 0.7}, abs=0.011)
    carry_on(page)

    # --- cloze, on a 360-px screen ---------------------------------------------------------
    page.set_viewport_size({"width": 360, "height": 740})
    cloze = quiz_capsule["cloze"]
    ask(page, cloze)
    no_answer_key(page, responses, cloze)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for el in page.locator(".gp-question input, .gp-question button").all():
        b = el.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 360
    assert page.locator(".gq-cloze input").count() == 2
    assert "___" not in page.inner_text(".gp-question")
    assert accessibility_violations(page) == []
    page.keyboard.press("Tab")
    assert active(page, "getAttribute('aria-label')") == "Trou 1"
    page.keyboard.type("boulon")
    page.keyboard.press("Tab")
    page.keyboard.type("main")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/question-cloze-phone.png", full_page=True)
    wrong = answer(page, ".gq-wrong")  # Enter in the last blank sends the form
    assert (wrong["correct"], wrong["score"]) == (False, 0.5) and CLOZE_KO in page.inner_text(".gq-feedback")
    tab_to(page, ".gq-retry")
    page.keyboard.press("Enter")
    assert active(page, "getAttribute('aria-label')") == "Trou 1"
    page.keyboard.press("Control+A")
    page.keyboard.type("Écrou")
    answer(page, ".gq-right")
    assert CLOZE_OK in page.inner_text(".gp-question")
    assert [a[:2] for a in attempts(user, cloze)] == [(False, 0.5), (True, 1.0)]
    carry_on(page)

    # --- free recall, still 360 px: the expected answer on request, then a required self-rating ----------
    recall = quiz_capsule["recall"]
    ask(page, recall)
    no_answer_key(page, responses, recall)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert accessibility_violations(page) == []
    page.keyboard.press("Tab")
    assert active(page, "tagName") == "TEXTAREA"
    page.keyboard.type("Une clé plate")
    assert not page.locator(".gq-submit").is_visible()  # no rating before the expected answer
    tab_to(page, ".gq-reveal")
    with page.expect_response(lambda r: r.url.endswith(f"/api/learner/interactions/{recall.pk}/reveal")) as shown:
        page.keyboard.press("Enter")
    assert shown.value.json()["model_answer"] == RECALL_MODEL  # from the server, on request only
    page.wait_for_selector(".gq-model:not([hidden])")
    assert RECALL_MODEL in page.inner_text(".gq-model")
    assert accessibility_violations(page) == []
    tab_to(page, ".gq-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-error:has-text('évaluez-vous')")
    assert attempts(user, recall) == []  # not sent without a self-assessment
    tab_to(page, "input[type=radio]", back=True)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # in a radio group the arrows move the choice
    page.keyboard.press("ArrowDown")
    assert page.eval_on_selector(".gq-form input[type=radio]:checked", "e => e.value") == "didnt"
    assert page.inner_text(".gq-error") == ""  # the hint goes once the learner acts on it
    tab_to(page, ".gq-submit")
    if SCREENSHOTS:
        page.locator(".gp-question").screenshot(path=f"{SCREENSHOTS}/question-recall-phone.png")
    # "Je ne savais pas" is graded as not known (self-assessed), and the model answer is shown to compare.
    with page.expect_response(lambda r: r.url.endswith(f"/api/learner/interactions/{recall.pk}/answer")) as resp:
        page.keyboard.press("Enter")
    done = resp.value.json()
    assert done["correct"] is False and done["score"] == 0.0 and done["solution"] == {}
    page.wait_for_selector(".gp-question .gq-feedback")
    assert RECALL_OK in page.inner_text(".gp-question") and "Merci." in page.inner_text(".gp-question")
    assert attempts(user, recall) == [(False, 0.0, {"text": "Une clé plate", "self_assessment": "didnt"})]
    carry_on(page)

    # --- a question at the very end of the capsule ------------------------------------------
    last = quiz_capsule["last"]
    page.wait_for_selector(f"[data-asking='{last.pk}']", timeout=15000)
    assert video(page, "v.paused") is True and video(page, "v.currentTime") >= 11.5
    page.locator(".gp-question input[value='true']").check()
    page.focus(".gq-submit")
    answer(page, ".gq-right")
    tab_to(page, ".gq-continue")
    # A play or seek back to the start from here on would be the restart this checks for: record them
    # (playing on through the last frames to the end is what "Continuer" does).
    page.evaluate("""() => { const v = document.querySelector('video.gp-video'); window.gesteRestarts = [];
        for (const type of ['play', 'seeking']) v.addEventListener(type, () => {
            if (v.currentTime < 11) window.gesteRestarts.push([type, v.currentTime]); }); }""")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gp-end:not([hidden])", timeout=5000)
    # Questions right only after "Réessayer": the score says so, next to the first-try score.
    assert "Score au premier essai\u00a0:" in page.inner_text(".gp-end .gp-score")
    assert page.inner_text(".gp-end .gp-retried").startswith("Après nouvelles tentatives\u00a0:")

    # Every mandatory question answered and the video watched to its end: the capsule is complete
    # (a server round trip after the end was shown), and the video never started over meanwhile.
    page.wait_for_selector("[data-geste-player][data-completed='1']", timeout=15000)
    page.wait_for_selector(".gp-end[data-state='complete'] h2:text-is('Capsule terminée')", timeout=5000)
    assert page.evaluate("window.gesteRestarts") == []
    assert video(page, "v.paused") is True and video(page, "v.currentTime") >= 11.5  # not restarted
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_every_question_kind_fits_a_360_px_phone(live_server, phone_context, quiz_capsule):
    """Ordering, hotspot, fill-in, free recall and true/false on a phone: nothing wider than the screen,
    every control inside it (reachable by a thumb)."""
    from pathlib import Path

    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{quiz_capsule['page'].url}")
    shots = Path(__file__).resolve().parents[2] / "var" / "journey"
    shots.mkdir(parents=True, exist_ok=True)
    for name in ("ordering", "hotspot", "cloze", "recall", "last"):
        inter = quiz_capsule[name]
        page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                      " p.ask(p.m.interactions.find(i => i.id === id)); }", inter.pk)
        page.wait_for_selector(f"[data-asking='{inter.pk}']")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
        outside = page.eval_on_selector_all(
            ".gp-question :is(button, input, textarea, label, img, canvas, li)",
            "els => els.filter(e => { const r = e.getBoundingClientRect();"
            " return r.width && (r.left < -0.5 || r.right > innerWidth + 0.5); }).map(e => e.outerHTML.slice(0, 80))")
        assert outside == [], (name, outside)
        page.locator(".gp-question").scroll_into_view_if_needed()
        page.locator(".gp-question").screenshot(path=str(shots / f"learner-kind-{name}-360.png"))
        page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.closeQuestion()")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_hotspot_marker_shows_only_once_a_point_is_placed(live_server, context, quiz_capsule):
    """Walk defect: the marker showed (in the middle) as soon as the picture had the focus, while
    "Valider" answered that no point was placed. Now nothing is drawn until the learner places a point:
    a tap or click where they touch, or a first key on the picture, which puts it in the middle."""
    user = factories.learner()
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{quiz_capsule['page'].url}")
    hotspot = quiz_capsule["hotspot"]
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", hotspot.pk)
    page.wait_for_selector(f"[data-asking='{hotspot.pk}']")
    page.wait_for_function("document.querySelector('.gq-hotspot img').complete")
    marker = page.locator(".gq-marker")
    assert not marker.is_visible()

    # Keyboard: the picture takes the focus, nothing is drawn; "Valider" says no point is placed,
    # and indeed none is shown.
    tab_to(page, ".gq-hotspot")
    assert not marker.is_visible()
    tab_to(page, ".gq-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-error:has-text('Cliquez sur l\\'image')")
    assert not marker.is_visible()
    assert not Attempt.objects.filter(interaction=hotspot).exists()

    # Enter on the picture before any point: the marker appears in the middle, nothing is answered.
    tab_to(page, ".gq-hotspot", back=True)
    page.keyboard.press("Enter")
    assert marker.is_visible()
    box = page.locator(".gq-hotspot img").bounding_box()
    centre = marker.bounding_box()
    assert centre["x"] + centre["width"] / 2 == pytest.approx(box["x"] + 0.5 * box["width"], abs=3)
    assert "centre" in page.inner_text(".gq-hotspot ~ .sr-only")
    assert not Attempt.objects.filter(interaction=hotspot).exists()
    page.keyboard.press("ArrowLeft")  # then the arrows move it
    moved = marker.bounding_box()
    assert moved["x"] + moved["width"] / 2 == pytest.approx(box["x"] + 0.45 * box["width"], abs=3)
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.closeQuestion()")

    # A fresh question and a first arrow key: the marker appears in the middle, not one step away.
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", hotspot.pk)
    page.wait_for_selector(f"[data-asking='{hotspot.pk}']")
    assert not page.locator(".gq-marker").is_visible()
    tab_to(page, ".gq-hotspot")
    page.keyboard.press("ArrowRight")
    first = page.locator(".gq-marker").bounding_box()
    box = page.locator(".gq-hotspot img").bounding_box()
    assert first["x"] + first["width"] / 2 == pytest.approx(box["x"] + 0.5 * box["width"], abs=3)
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.closeQuestion()")

    # Touch or click: the marker is where the learner pointed.
    page.evaluate("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                  " p.ask(p.m.interactions.find(i => i.id === id)); }", hotspot.pk)
    page.wait_for_selector(f"[data-asking='{hotspot.pk}']")
    page.wait_for_function("document.querySelector('.gq-hotspot img').complete")
    box = page.locator(".gq-hotspot img").bounding_box()
    assert not page.locator(".gq-marker").is_visible()
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + 0.75 * box["height"])
    placed = page.locator(".gq-marker").bounding_box()
    assert placed["x"] + placed["width"] / 2 == pytest.approx(box["x"] + 0.8 * box["width"], abs=3)
    assert placed["y"] + placed["height"] / 2 == pytest.approx(box["y"] + 0.75 * box["height"], abs=3)
    leave(page)
    assert not errors, errors
