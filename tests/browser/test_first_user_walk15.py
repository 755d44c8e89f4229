"""First-user walk 15, in Chromium: « Placer à la fin de l'étape » on a question's edit screen keeps the
edits typed and not yet saved (it used to move the saved question and reload the screen, losing them);
on an offline copy of a page, the search and sign-out forms say they need the network."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.models import Footage, Interaction, Step
from tests import factories, pages
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.test_player import (  # noqa: F401 - fixtures
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
)
from tests.factories import CapsuleFactory, FootageFactory, InteractionFactory, StepFactory, designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def excerpt(django_db_serialized_rollback, transactional_db):
    """A capsule from 0:06 to 0:50 of the footage, its question timed before the step it asks about."""
    ensure_baseline()
    footage = FootageFactory(duration=60.0, status=Footage.Status.APPROVED)
    for i, (a, b, title) in enumerate([(0.0, 6.0, "Avant"), (6.0, 18.0, "Préparer"),
                                       (18.0, 30.0, "Serrer l'écrou"), (30.0, 50.0, "Contrôler")]):
        StepFactory(footage=footage, order=i, start=a, end=b, title=title, approved=True)
    capsule = CapsuleFactory(footage=footage, title="Changer une roue", start=6.0, end=50.0)
    inter = InteractionFactory(capsule=capsule, time=10.5, step=footage.steps.get(title="Serrer l'écrou"),
                               kind=Interaction.Kind.TRUE_FALSE, prompt="Texte enregistré",
                               answer_key={"correct": True}, choices=[])
    return capsule, inter


def test_placer_a_la_fin_keeps_the_typed_edits(live_server, context, excerpt):
    capsule, inter = excerpt
    designer(username="ines15")
    page = context.new_page()
    login(page, live_server.url, "ines15")
    page.goto(live_server.url + reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]))
    warning = page.locator("[data-role=before-step]")
    # French typography: the design screens put a non-breaking space inside « » (walk 30).
    assert "avant l'étape «\u00a0Serrer l'écrou\u00a0»" in warning.inner_text()

    page.fill("#id_prompt", "Texte tapé, pas encore enregistré")
    page.check("input[name=true_false][value=false]")
    button = warning.get_by_role("button", name="Placer à la fin de l'étape (0:24,0)")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.input_value("#id_prompt") == "Texte tapé, pas encore enregistré"
    assert page.is_checked("input[name=true_false][value=false]")
    assert page.input_value("#id_time") == "24"
    assert page.locator("[data-role=before-step]").count() == 0
    assert "placée à la fin de l'étape «\u00a0Serrer l'écrou\u00a0» (0:24,0)" in page.inner_text("body")
    inter.refresh_from_db()
    assert (inter.time, inter.prompt, inter.answer_key) == (30.0, "Texte tapé, pas encore enregistré",
                                                            {"correct": False})
    page.close()


# --- Offline copies of pages: the search and sign-out forms say they need the network -------------------

KEPT = """p => caches.open('geste-pages').then(c => c.keys())
    .then(k => k.some(r => new URL(r.url).pathname === '/__pages__' + p))"""


def _until(page, expression: str, arg, expected) -> None:
    deadline = time.monotonic() + 20
    while page.evaluate(expression, arg) != expected:
        assert time.monotonic() < deadline, f"{expression} never became {expected}"
        page.wait_for_timeout(100)


def test_offline_copy_search_and_sign_out_say_they_need_the_network(live_server, phone_context, built_player):  # noqa: F811
    """Walk: on a page served from the device's copy (« Hors ligne — version du … ») the header's search and
    « Se déconnecter » did nothing useful (the browser's own error page, or nothing). Offline they now say
    « indisponible hors ligne » (the search field's placeholder, the buttons aria-disabled, a message
    under the mark when one is sent) and the page stays; back online they work again."""
    ensure_baseline()
    block = factories.SkillsBlockFactory(title="Plomberie sanitaire")
    block_page = pages.skills_block_page(block)
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{block_page.url}")
    # The worker the player registers at a download; registered here directly, then the page is kept.
    page.evaluate("u => navigator.serviceWorker.register(u, {scope: '/'}).then(() => navigator.serviceWorker.ready)"
                  ".then(() => true)", reverse("learner-sw"))
    page.reload()
    _until(page, "() => !!navigator.serviceWorker.controller", None, True)
    page.reload()
    _until(page, KEPT, block_page.url, True)
    assert page.locator("[data-offline-unavailable]").count() == 0  # online, the network's page: nothing added

    phone_context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-offline-stale]")
    note = page.locator("[data-offline-unavailable]")
    expect(note).to_be_hidden()  # nothing added above the page until a form is sent
    expect(page.locator("#header-q")).to_have_attribute("placeholder", "Hors ligne")
    search_button = page.locator(".site-header .search-form button")
    logout_button = page.locator(".site-header .logout-form button")
    for button in (search_button, logout_button):
        expect(button).to_have_attribute("aria-disabled", "true")
        expect(button).to_have_attribute("title", "Indisponible hors ligne")

    page.fill("#header-q", "siphon")
    page.press("#header-q", "Enter")
    expect(note).to_have_text("Recherche indisponible hors ligne : reconnectez-vous pour chercher dans le catalogue.")
    logout_button.focus()  # aria-disabled: still focusable, and pressed it says why it does nothing
    page.keyboard.press("Enter")
    expect(note).to_have_text("Déconnexion indisponible hors ligne : reconnectez-vous pour vous déconnecter.")
    assert page.url == f"{live_server.url}{block_page.url}" and page.locator("[data-offline-stale]").is_visible()
    assert page.evaluate(KEPT, block_page.url) is True  # the account's pages were not dropped half-way
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Back online, on the same copy: the note goes, the buttons work again.
    phone_context.set_offline(False)
    expect(note).to_be_hidden()
    expect(search_button).not_to_have_attribute("aria-disabled", "true")
    expect(page.locator("#header-q")).to_have_attribute("placeholder", "Rechercher…")
    page.press("#header-q", "Enter")
    page.wait_for_url(f"{live_server.url}{reverse('catalogue-search')}?q=siphon")
    assert page.locator("[data-offline-stale]").count() == 0
    page.go_back()
    page.wait_for_selector(".logout-form button")
    page.click(".logout-form button")
    page.wait_for_url(f"{live_server.url}/")
    _until(page, KEPT, block_page.url, False)
    assert not errors, errors
    page.close()


# --- Step button 1 under the seek bar, on a capsule cut from a longer footage -----------------------------

@pytest.mark.timeout(240)
@pytest.mark.parametrize("first_step_start", [0.0, 2.8], ids=["cut-mid-step", "cut-at-a-step"])
def test_enter_on_step_button_1_goes_to_the_capsule_s_step_1(live_server, context, published, first_step_start):  # noqa: F811
    """Walk report: Enter on step button 1 was once seen going to the footage's 0:00, not to step 1 of a
    capsule that does not start at the footage's 0. Not reproduced: on a capsule from 2.8 s of its footage,
    cut at a step's start or in the middle of one (the capsule's steps are those wholly inside it, so its
    step 1 is then the footage's second step, at 4.0 s), Enter on button 1 seeks once, to the start of the
    capsule's step 1 as its step list shows it, from later in the capsule and from step 1 itself."""
    from capsules.models import Capsule

    capsule, steps = published["capsule"], published["steps"]
    published["q1"].delete()  # no mandatory question to stop the seeks
    published["q2"].delete()
    Capsule.objects.filter(pk=capsule.pk).update(start=2.8, end=12.0)
    Step.objects.filter(pk=steps[0].pk).update(start=first_step_start)
    capsule.refresh_from_db()
    step1 = capsule.steps().order_by("start").first()
    expected = max(capsule.start, step1.start)
    log_in(context, live_server, factories.learner())
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    assert float(page.get_attribute(".gp-steps li[data-start]", "data-start")) == pytest.approx(step1.start)
    page.evaluate("""(() => { const v = document.querySelector('video.gp-video'); window.__seeks = [];
        v.addEventListener('seeking', () => window.__seeks.push(v.currentTime)); })()""")
    for start_at in (9.0, expected + 0.5):  # from later in the capsule, then from inside step 1
        page.evaluate("t => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                      " p.video.pause(); p.seek(t); }", start_at)
        page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
        page.evaluate("window.__seeks = []")
        button = page.locator(".gp-stepbar button").first
        assert button.inner_text() == "1" and step1.title in button.get_attribute("aria-label")
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("window.__seeks.length > 0", timeout=5000)
        page.wait_for_timeout(300)  # any further seek would be logged too
        page.evaluate("document.querySelector('video.gp-video').pause()")
        seeks = page.evaluate("window.__seeks")
        assert seeks == [pytest.approx(expected, abs=0.01)], seeks
    leave(page)


@pytest.mark.timeout(240)
def test_a_step_pressed_before_the_video_has_loaded_is_where_it_opens(live_server, context, published):  # noqa: F811
    """What the walk saw, reproduced: step button 1 pressed as the page opens, before the video's metadata
    (the media held back here), went to the capsule's 0:00: once loaded, the player moved to the saved
    position or the capsule's start over the learner's choice. Its step 1 (4.0 s of the footage, the
    capsule starting at 2.8 s in the middle of the footage's first step) is where it now opens."""
    from capsules.models import Capsule

    capsule = published["capsule"]
    published["q1"].delete()
    published["q2"].delete()
    Capsule.objects.filter(pk=capsule.pk).update(start=2.8, end=12.0)
    capsule.refresh_from_db()
    step1 = capsule.steps().order_by("start").first()
    assert step1.start == 4.0
    log_in(context, live_server, factories.learner())
    page = context.new_page()
    held = []
    media = ("**/*.mp4", "**/*.m3u8", "**/*.m4s", "**/*.ts")
    for pattern in media:
        page.route(pattern, lambda route: held.append(route))
    page.goto(f"{live_server.url}{published['page'].url}")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.evaluate("document.querySelector('video.gp-video').readyState") == 0
    page.evaluate("""(() => { const v = document.querySelector('video.gp-video'); window.__seeks = [];
        v.addEventListener('seeking', () => window.__seeks.push(v.currentTime)); })()""")
    page.locator(".gp-stepbar button").first.focus()
    page.keyboard.press("Enter")
    for pattern in media:
        page.unroute(pattern)
    for route in held:
        try:
            route.continue_()
        except Exception:  # noqa: BLE001 - unroute already let it through
            pass
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    page.wait_for_function("window.__seeks.length > 0", timeout=5000)
    page.wait_for_timeout(500)  # a later move (the saved position, the capsule's start) would be logged
    page.evaluate("document.querySelector('video.gp-video').pause()")
    seeks = page.evaluate("window.__seeks")
    assert seeks and all(t == pytest.approx(4.0, abs=0.01) for t in seeks), seeks
    assert page.evaluate("document.querySelector('video.gp-video').currentTime") >= 3.99
    leave(page)
