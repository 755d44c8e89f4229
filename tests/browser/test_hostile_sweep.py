"""Hostile-input sweep in Chromium: script payloads typed into every text field a person can type
(capsule title and summary, step titles, key points, review comments, interaction prompts, choices
and feedback, transcript corrections, footage title and file name) through the services, then
every screen that shows them, as the user who sees it: the public capsule page and its player
(question asked, wrong answer's feedback shown), the search page, the review screen, the
authoring screens, the footage screens, the draft view and the reports. Nothing may execute:
no dialog, no ``window.__xss``. And the Content-Security-Policy itself is tested: an inline script
injected into the served page does not run, while the player still plays and the admin still works.

A new screen that shows typed text is added to SCREENS; a new typed field to ``hostile_world``.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capsules.authoring.capsule import apply_interaction_form, update_capsule_texts
from capsules.learning import delivery
from capsules.models import Attempt, Footage, KeyPoint, ReviewComment, Transcript
from capsules.pipeline.transcripts import save_corrections
from cms.models import CapsulePage
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.learner_capsule import build_media, publish_capsule
from tests.browser.test_player import built_player  # noqa: F401 - fixture
from tests.security.test_adversarial import HOSTILE_TEXTS, MARK
from tests.security.test_adversarial_fields import build_hostile_recognition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hostile(label: str, i: int) -> str:
    return f"{label} {HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)]}"


@pytest.fixture(scope="session")
def sweep_media(tmp_path_factory):
    return build_media(tmp_path_factory.mktemp("sweep-media"))


@pytest.fixture
def hostile_world(sweep_media, storage_root, built_player):  # noqa: F811 - fixture
    data = publish_capsule(sweep_media, storage_root)
    capsule, footage, steps, q1 = data["capsule"], data["footage"], data["steps"], data["q1"]
    expert = factories.expert(username="expert-hostile")
    designer = factories.designer(username="designer-hostile")
    learner = factories.learner(username="learner-hostile")
    Footage.objects.filter(pk=footage.pk).update(
        title=hostile("Joint vidéo", 0), original_name='"><svg onload="' + MARK + '">.mp4', expert=expert,
        status=Footage.Status.IN_REVIEW,
    )
    for i, step in enumerate(steps):
        step.title = hostile("Étape", i)
        step.save(update_fields=["title"])
        KeyPoint.objects.create(footage=footage, step=step, time=step.start + 1, kind="tip",
                                text=hostile("Point clé", i + 1))
        ReviewComment.objects.create(footage=footage, step=step, author=expert, text=hostile("Commentaire", i + 2))
    save_corrections(Transcript.objects.get(footage=footage), {0: hostile("Siphon", 3), 1: hostile("Écrou", 4)})
    apply_interaction_form(capsule, {
        "kind": "single_choice", "time": "5", "step": str(steps[1].pk), "mandatory": "on",
        "prompt": hostile("Question joint", 5),
        "choices": f"* {hostile('Bonne', 6)} | {hostile('Bravo', 7)}\n{hostile('Mauvaise', 1)} | {hostile('Non', 3)}",
        "feedback_correct": hostile("Juste", 0), "feedback_wrong": hostile("Faux", 1),
    }, interaction=q1)
    update_capsule_texts(capsule, title=hostile("Joint capsule", 2), summary=hostile("Résumé", 0) + "\n\n"
                         + hostile("Suite", 4), user=designer)
    CapsulePage.objects.get(pk=data["page"].pk).get_latest_revision_as_object().save_revision().publish()
    q1.refresh_from_db()
    Attempt.objects.create(user=learner, interaction=q1, response={"choices": ["b"]}, correct=False,
                           answered_at=timezone.now())
    return {**data, "expert": expert, "designer": designer, "learner": learner,
            "page": CapsulePage.objects.get(pk=data["page"].pk)}


def watch(page) -> list[str]:
    """Dialogs, page errors that mention our marker, and the window flag are the signs of a run."""
    fired: list[str] = []

    def on_dialog(dialog):
        fired.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return fired


def assert_nothing_ran(page, fired: list[str], where: str) -> None:
    page.wait_for_timeout(400)  # let broken images fire their error events
    flag = page.evaluate("window.__xss")
    assert flag is None and fired == [], f"{where}: script ran ({flag}, {fired})"


def wait_until(page, expression: str, seconds: float) -> None:
    """Poll with page.evaluate (DevTools evaluation, allowed under the page's CSP)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out: {expression}")


def new_context(browser, *, csp: bool):
    """``csp=False``: the page's policy is bypassed, so that the sweep proves the escaping itself
    (the policy would hide a missed escape of an event handler); ``csp=True`` for the policy's test."""
    return browser.new_context(locale="fr-FR", bypass_csp=not csp)


def client_cookie(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.timeout(300)
def test_hostile_texts_execute_nowhere(live_server, browser, hostile_world):
    w = hostile_world
    capsule, footage, q1 = w["capsule"], w["footage"], w["q1"]
    public_url = f"{live_server.url}{w['page'].url}"

    # Anonymous visitor, then the learner: the public page and the player, question and feedback shown.
    for user in (None, w["learner"]):
        context = new_context(browser, csp=False)
        if user:
            client_cookie(context, live_server, user)
        page = context.new_page()
        fired = watch(page)
        page.goto(public_url)
        page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
        body = page.inner_text("main")
        assert "Joint capsule" in page.inner_text("h1") and "onerror" in body  # shown, as text
        assert "Point clé" in body and "Siphon" in body and "Résumé" in body
        assert_nothing_ran(page, fired, f"capsule page ({user})")
        if user:
            page.click(".gp-play")
            page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=20000)
            question = page.inner_text(".gp-question")
            assert "Question joint" in question and "Bonne" in question and "Mauvaise" in question
            wrong = delivery.ChoiceTokens.build(q1, delivery.audience_for(user)).to_public("b")  # opaque ids
            page.check(f".gp-question input[value='{wrong}']")
            page.click(".gq-submit")
            page.wait_for_selector(".gq-wrong")
            assert "Faux" in page.inner_text(".gp-question") or "Non" in page.inner_text(".gp-question")
            assert_nothing_ran(page, fired, "player, wrong answer")
            # The transcript stays hidden while the question is open after a wrong answer (walk 49): go on.
            page.click(".gq-continue")
            page.fill(".gt-search", "Siphon")
            page.wait_for_timeout(300)
            assert_nothing_ran(page, fired, "transcript search")
        page.goto(f"{live_server.url}/recherche/?q=joint")
        assert "Joint capsule" in page.inner_text("main")
        assert_nothing_ran(page, fired, "search page")
        page.goto("about:blank")
        page.wait_for_timeout(300)
        context.close()

    # The expert on the review screen; the designer on every admin screen that shows these texts.
    screens = [
        (w["expert"], f"/admin/geste/relecture/{footage.pk}/", "Commentaire"),
        (w["designer"], f"/admin/geste/relecture/{footage.pk}/", "Point clé"),
        (w["designer"], f"/admin/geste/footage/{footage.pk}/", "Joint vidéo"),
        (w["designer"], reverse("geste_transcript_edit", args=[footage.pk]), "Siphon"),
        (w["designer"], reverse("footage:index"), "Joint vidéo"),
        (w["designer"], reverse("geste_capsule_edit", args=[capsule.pk]), "Question joint"),
        (w["designer"], reverse("geste_interaction_edit", args=[capsule.pk, q1.pk]), "Question joint"),
        (w["designer"], reverse("geste_reports"), "Joint capsule"),
        (w["designer"], reverse("geste_report_capsule", args=[capsule.pk]), "Question joint"),
        (w["designer"], f"/admin/pages/{w['page'].pk}/view_draft/", "Résumé"),
        (w["designer"], f"/admin/pages/{w['page'].pk}/edit/", "Joint capsule"),
    ]
    for user, path, expected in screens:
        context = new_context(browser, csp=False)
        page = context.new_page()
        login(page, live_server.url, user.username)
        fired = watch(page)
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        assert expected in page.content() or expected in page.inner_text("body"), (path, expected)
        assert_nothing_ran(page, fired, path)
        context.close()


@pytest.mark.timeout(240)
def test_csp_blocks_injected_inline_script_while_player_and_admin_work(live_server, browser, hostile_world):
    w = hostile_world
    public_url = f"{live_server.url}{w['page'].url}"
    context = new_context(browser, csp=True)
    client_cookie(context, live_server, w["learner"])
    page = context.new_page()
    fired = watch(page)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    # What a missed escape would produce, put into the served HTML (headers untouched).
    injected = (f"<script>{MARK}</script><img src=x onerror=\"{MARK}\">"
                f"<a id=js-link href=\"javascript:{MARK}\">lien</a>")

    def inject(route):
        response = route.fetch()
        body = response.text().replace("<main id=\"contenu\" tabindex=\"-1\">",
                                       "<main id=\"contenu\" tabindex=\"-1\">" + injected, 1)
        route.fulfill(response=response, body=body)

    page.route(public_url, inject)
    page.goto(public_url)
    assert page.locator("#js-link").count() == 1  # the injection is in the document
    page.click("#js-link")
    assert_nothing_ran(page, fired, "injected inline script")
    assert any("script-src" in v for v in violations), violations

    # The player still plays under the policy: source attached, time advances, question asked.
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.click(".gp-play")
    # (page.wait_for_function evaluates its predicate with eval, which this policy forbids)
    wait_until(page, "document.querySelector('video.gp-video').currentTime > 1", 15)
    page.wait_for_selector(f"[data-asking='{w['q1'].pk}']", timeout=20000)
    unexpected = [v for v in violations if "script-src" not in v]
    assert unexpected == [], unexpected
    page.goto("about:blank")
    context.close()

    # The Wagtail admin works under its policy: no violation, its scripts initialised, the editor opens.
    context = new_context(browser, csp=True)
    page = context.new_page()
    admin_violations: list[str] = []
    page.on("console", lambda m: admin_violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, live_server.url, w["designer"].username)
    for path in ("/admin/", f"/admin/pages/{w['page'].pk}/edit/", reverse("geste_capsule_edit", args=[w["capsule"].pk]),
                 f"/admin/geste/relecture/{w['footage'].pk}/", reverse("geste_reports")):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.wagtail") == "object", path
    page.goto(f"{live_server.url}/admin/pages/{w['page'].pk}/edit/")
    page.wait_for_selector("[data-draftail-editor], .Draftail-Editor", timeout=10000)
    assert admin_violations == [], "\n".join(v[:160] for v in admin_violations)
    context.close()


@pytest.mark.timeout(300)
def test_hostile_recognition_and_cohort_texts_execute_nowhere(live_server, browser, storage_root):
    """Badge texts, evidence comments, cohort names, share labels and learner names typed by hostile
    people, on every screen that shows them, in Chromium (issue "polish", item 5)."""
    ensure_baseline()
    worlds = [build_hostile_recognition(HOSTILE_TEXTS[i], code=f"RNCP3727{i}BC01") for i in (0, 3)]
    designer = factories.designer(username="designer-badges")
    for w in worlds:
        credential, cohort = w["credential"], w["cohort"]
        # The learner makes a share link with a hostile label: their portfolio lists it.
        context = new_context(browser, csp=False)
        client_cookie(context, live_server, w["learner"])
        page = context.new_page()
        fired = watch(page)
        page.goto(f"{live_server.url}{reverse('recognition-portfolio')}")
        page.fill("#share-label", w["text"][:120])
        page.click("form[action$='partages/'] button[type=submit]")
        page.wait_for_selector("#share-link")
        link = live_server.url + "/" + page.input_value("#share-link").split("://", 1)[1].split("/", 1)[1]
        assert "Badge" in page.inner_text("main") and "__xss" in page.inner_text("main")  # shown, as text
        assert_nothing_ran(page, fired, "learner portfolio")
        for url, expected in ((link, "Badge"),
                              (f"{live_server.url}{reverse('recognition-credential', args=[credential.uuid])}",
                               "Observé en atelier")):
            page.goto(url)
            assert expected in page.inner_text("body"), url
            assert_nothing_ran(page, fired, url)
        context.close()

        screens = [
            (designer, reverse("achievement:index"), "Badge"),
            (designer, reverse("achievement:edit", args=[w["achievement"].pk]), "Critères"),
            (w["trainer"], reverse("geste_badges"), "Badge"),
            (designer, reverse("cohort:index"), "Session"),
            (designer, reverse("cohort:edit", args=[cohort.pk]), "Session"),
            (w["trainer"], reverse("geste_cohorts"), "Session"),
            (w["trainer"], reverse("geste_cohort", args=[cohort.pk]), "Session"),
        ]
        for user, path, expected in screens:
            context = new_context(browser, csp=False)
            page = context.new_page()
            login(page, live_server.url, user.username)
            fired = watch(page)
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            assert expected in page.content() or expected in page.inner_text("body"), (path, expected)
            assert_nothing_ran(page, fired, path)
            context.close()
