"""First-user walk 16, the expert's review screen on a slow connection: the screen's own saves go one
at a time (a quick second rename was refused as a conflict with itself, and its title lost); a true
conflict is said where the expert works; approved steps show no editing tool; steps drawn by hand
where none was proposed are not called "proposed"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Footage, KeyPoint, Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A slow connection: every write's answer reaches the page a second after the server sent it (the
# server has saved by then). Only a network fault this test cannot cause otherwise.
SLOW = """((delay) => {
  const fetch0 = window.fetch;
  window.fetch = async (url, init) => {
    const res = await fetch0(url, init);
    if (String(url).includes("/api/review/") && init && init.method && init.method !== "GET") {
      await new Promise((r) => setTimeout(r, delay));
    }
    return res;
  };
})(%d);"""


def _open(browser, live_server, footage, reviewer, slow=True, delay_ms=1000):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    if slow:
        ctx.add_init_script(SLOW % delay_ms)
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    return ctx, page


def _wait_for(check, page, tries=100):
    for _ in range(tries):
        if check():
            return True
        page.wait_for_timeout(100)
    return check()


def _titles(footage) -> list[str]:
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("title", flat=True))


def test_a_quick_second_rename_waits_for_the_first_save(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    second = page.locator('[data-step-title="1"]')
    second.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Desserrer l'écrou")
    page.keyboard.press("Tab")  # its save is sent (answer in 1 s)
    page.keyboard.press("Tab")
    expect(page.locator('[data-step-title="2"]')).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("Remonter le siphon propre")
    page.keyboard.press("Tab")  # sent after the first one, with the version it returned
    where = page.evaluate("document.activeElement.outerHTML.slice(0, 60)")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.", timeout=15000)
    assert _wait_for(lambda: _titles(footage) == ["Couper l'eau", "Desserrer l'écrou", "Remonter le siphon propre"],
                     page), _titles(footage)
    expect(page.locator('[data-role="message"]')).to_be_hidden()  # no conflict with oneself
    expect(page.locator('[data-step-title="2"]')).to_have_value("Remonter le siphon propre")
    expect(page.locator('[data-step-title="1"]')).to_have_value("Desserrer l'écrou")
    # the focus stays where Tab put it, through both answers
    assert page.evaluate("document.activeElement.outerHTML.slice(0, 60)") == where
    ctx.close()


def test_a_limit_moved_while_a_title_is_saved_is_kept(live_server, browser, footage_in_review):  # noqa: F811
    """Not only titles: a limit moved with the keys while a title's save is on its way is saved after
    it (the keys did nothing while a save was in flight)."""
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    first = page.locator('[data-step-title="0"]')
    first.fill("Fermer la vanne")
    first.press("Enter")  # saved: the answer comes in 1 s
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    handle.focus()
    page.keyboard.press("PageUp")  # 6 s -> 11 s, meanwhile
    expect(handle).to_have_attribute("aria-valuetext", "0:11,0")
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.", timeout=15000)
    assert _wait_for(lambda: list(Step.objects.filter(footage=footage).order_by("start")
                                  .values_list("start", flat=True)) == [0, 11, 13], page)
    assert _titles(footage)[0] == "Fermer la vanne"
    expect(page.locator('[data-role="message"]')).to_be_hidden()
    expect(page.locator('[data-step-title="0"]')).to_have_value("Fermer la vanne")
    ctx.close()


def test_a_split_then_a_rename_keep_the_new_step(live_server, browser, footage_in_review):  # noqa: F811
    """A split saved while a rename is on its way, then the new step renamed while the split is: the
    rename names the step the split created (its id, from the split's answer), it does not create it
    again (the server would drop the split's step, with its picture, and make another)."""
    footage, reviewer = footage_in_review
    last_pk = Step.objects.order_by("-pk").first().pk
    ctx, page = _open(browser, live_server, footage, reviewer, delay_ms=2000)
    first = page.locator('[data-step-title="0"]')
    first.fill("Fermer la vanne")
    first.press("Enter")  # write 1, answered in 2 s
    slider = page.locator('[data-role="playhead-line"]')
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("PageUp")  # 5 s, inside the first step
    page.keyboard.press("s")  # write 2, sent once write 1 is answered
    expect(page.locator(".geste-timeline__step")).to_have_count(4, timeout=15000)
    new = page.locator('[data-step-title="1"]')
    new.fill("Contrôler la vanne")
    new.press("Enter")  # write 3, while write 2 is on its way
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.", timeout=20000)
    expect(page.locator('[data-role="message"]')).to_be_hidden()
    ctx.close()
    saved = list(Step.objects.filter(footage=footage).order_by("start"))
    assert [(s.start, s.title) for s in saved] == [
        (0, "Fermer la vanne"), (5, "Contrôler la vanne"), (6, "Dévisser l'écrou"), (13, "Remonter le siphon")]
    assert saved[1].pk == last_pk + 1  # the split's step, not one made again by the rename


def test_a_true_conflict_is_said_where_the_expert_works(live_server, browser, footage_in_review):  # noqa: F811
    """Another tab saved first: the refusal is still shown, in view, and holds the focus (it fell to
    the page's body, the message off-screen at the top)."""
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, slow=False)
    other = ctx.new_page()
    other.goto(page.url)
    expect(other.locator(".geste-timeline__step")).to_have_count(3)
    other.locator('[data-step-title="0"]').fill("Fermer la vanne")
    other.locator('[data-step-title="0"]').press("Enter")
    expect(other.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    last = page.locator('[data-step-title="2"]')
    last.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Remonter le siphon propre")
    page.keyboard.press("Tab")
    message = page.locator('[data-role="message"]')
    expect(message).to_contain_text("Quelqu'un d'autre a modifié cette relecture")
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    expect(page.locator('[data-step-title="0"]')).to_have_value("Fermer la vanne")  # their version, shown
    expect(last).to_have_value("Remonter le siphon")
    ctx.close()
    assert _titles(footage) == ["Fermer la vanne", "Dévisser l'écrou", "Remonter le siphon"]


def test_approved_steps_show_no_editing_tool(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    KeyPoint.objects.create(footage=footage, time=3.0, kind="safety", text="Couper l'eau d'abord.",
                            step=footage.steps.order_by("start").first(), created_by=reviewer)
    ctx, page = _open(browser, live_server, footage, reviewer, slow=False)
    delete = page.get_by_role("button", name="Supprimer le point de vigilance « Couper l'eau d'abord. »")
    expect(delete).to_be_visible()
    page.keyboard.press("a")
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    for name in ("Scinder", "Fusionner", "Nouvelle étape", "Point de vigilance", "Commenter l'étape"):
        expect(page.get_by_role("button", name=name)).to_be_hidden()
    expect(page.locator(".geste-review__toolbar")).to_be_hidden()
    expect(delete).to_have_count(0)
    expect(page.locator(".geste-key-points li")).to_contain_text("Couper l'eau d'abord.")  # still read
    # what the locked state offers stays: the note saying how to reopen (the truth export is not the expert's:
    # walk 36, designers only)
    expect(page.locator('[data-role="locked"]')).to_contain_text("rouvrir la relecture")
    expect(page.get_by_role("link", name="Exporter les étapes validées (JSON)")).to_have_count(0)
    # The playhead still moves by keyboard; splitting does not: its hint goes (walk 16 saw it kept).
    expect(page.locator("#geste-playhead-help")).to_be_visible()
    expect(page.locator('[data-role="split-help"]')).to_be_hidden()
    # Nothing that edits can take the focus: Tab goes through the screen without meeting one.
    editing = page.evaluate("""() => [...document.querySelectorAll('#geste-review *')].filter((e) =>
        e.tabIndex >= 0 && !e.disabled && e.getClientRects().length && !e.closest('[hidden], dialog')
        && (e.matches('textarea, input, .geste-timeline__handle, .geste-review__toolbar *, .geste-review__undo-row *, '
            + '.geste-steps__undo')
            || /^Supprimer/.test(e.getAttribute('aria-label') || ''))).map((e) => e.outerHTML.slice(0, 80))""")
    assert editing == [], editing
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED
