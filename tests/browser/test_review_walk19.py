"""First-user walk 19 of the expert's review screen, keyboard only, on a desktop and on a 360 px phone:
M and C act on the step the keyboard is on (they acted on the step selected earlier, another one), N and
P go on from it and take the focus along; a key point added from the key-points list leaves the focus on
it there; the approval's confirmation names the steps without a title (and waits for them) and the steps
marked « À vérifier »; times round to the nearest tenth; the help says what the arrows move; letters
typed at once after E name the new step instead of firing shortcuts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.models import Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACTIVE = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return 'BODY';
  if (a.dataset.stepTitle !== undefined) return `title:${a.dataset.stepTitle}`;
  if (a.dataset.action) return `action:${a.dataset.action}`;
  if (a.dataset.role) return `role:${a.dataset.role}`;
  if (a.classList.contains('geste-timeline__step')) return `block:${a.dataset.stepIndex}`;
  const kp = a.closest('li[data-key-point]');
  if (kp) return `key-point:${a.textContent}`;
  const li = a.closest('.geste-steps > li');
  if (li) return `time:${[...li.parentNode.children].indexOf(li)}`;
  return a.outerHTML.slice(0, 80);
}"""


def _open(browser, live_server, footage, user, width=1280, height=800, **kw):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height}, **kw)
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    return ctx, page


def _focus_on(page, expected: str) -> None:
    for _ in range(50):
        if page.evaluate(ACTIVE) == expected:
            return
        page.wait_for_timeout(100)
    assert page.evaluate(ACTIVE) == expected


def _titles(footage) -> list[str]:
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("title", flat=True))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone-360"])
def test_m_and_c_act_on_the_step_the_keyboard_is_on(live_server, browser, footage_in_review, phone):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer,
                      **({"width": 360, "height": 740, "has_touch": True, "is_mobile": True} if phone else {}))
    # The first step is selected (its title had the focus); Tab goes on to the second step's time.
    page.locator('[data-step-title="0"]').focus()
    page.keyboard.press("Tab")
    _focus_on(page, "time:1")
    page.keyboard.press("c")  # the comment is about the step the keyboard is on, not « Couper l'eau »
    expect(page.locator('[data-role="comment-step"]')).to_have_text("Dévisser l'écrou")
    page.keyboard.press("Escape")
    _focus_on(page, "time:1")
    page.keyboard.press("m")  # the second step takes the third in, the first stays as it was
    expect(page.locator('[data-role="saved"]')).to_have_text("Étapes fusionnées et enregistrées.")
    assert _titles(footage) == ["Couper l'eau", "Dévisser l'écrou ; Remonter le siphon"]
    _focus_on(page, "time:1")
    expect(page.locator(".geste-steps > li").nth(1)).to_have_class("is-selected")
    ctx.close()


def test_n_and_p_go_on_from_the_focused_step_and_take_the_focus(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    playhead = page.locator('[data-role="playhead"]')
    page.locator(".geste-timeline__step").nth(2).click()  # the last step selected with the mouse
    page.locator(".geste-steps__time").first.focus()  # then the keyboard on the first step's time
    page.keyboard.press("n")
    expect(playhead).to_have_text("0:06,0")  # the second step, not the last one again
    _focus_on(page, "time:1")
    expect(page.locator(".geste-steps > li").nth(1)).to_have_class("is-selected")
    page.keyboard.press("n")
    expect(playhead).to_have_text("0:13,0")
    _focus_on(page, "time:2")
    page.keyboard.press("p")
    page.keyboard.press("p")
    expect(playhead).to_have_text("0:00,0")
    _focus_on(page, "time:0")
    # On the timeline the focus goes from block to block.
    page.locator(".geste-timeline__step").nth(2).click()
    page.locator(".geste-timeline__step").first.focus()
    page.keyboard.press("n")
    expect(playhead).to_have_text("0:06,0")
    _focus_on(page, "block:1")
    expect(page.locator(".geste-timeline__step").nth(1)).to_have_attribute("aria-pressed", "true")
    ctx.close()


def test_a_key_point_added_from_the_list_keeps_the_focus_in_the_list(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("k")
    page.keyboard.type("Vanne fermée")
    page.get_by_role("button", name="Ajouter").press("Enter")
    expect(page.locator(".geste-key-points li", has_text="Vanne fermée")).to_have_count(1)
    slider = page.locator('[data-role="playhead-line"]')
    slider.focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")  # 0:15,0
    page.locator(".geste-key-points .geste-steps__time").first.focus()
    page.keyboard.press("k")
    page.keyboard.type("Gants")
    page.keyboard.press("Tab")  # « Annuler »
    page.keyboard.press("Tab")  # « Ajouter »
    page.keyboard.press("Enter")
    expect(page.locator(".geste-key-points li")).to_have_count(2)
    # On the new key point, in the list (it went out of the list, to the toolbar).
    _focus_on(page, "key-point:0:15,0")
    expect(page.locator(".geste-key-points li").nth(1)).to_contain_text("Gants")
    ctx.close()


def test_approving_names_untitled_and_doubtful_steps_first(live_server, browser, footage_in_review):  # noqa: F811
    """The confirmation said nothing of steps without a title (the server refused the approval only after
    it) nor of steps marked « À vérifier »: it names both, and waits for the titles."""
    footage, reviewer = footage_in_review
    steps = list(Step.objects.filter(footage=footage).order_by("start"))
    Step.objects.filter(pk__in=[steps[1].pk, steps[2].pk]).update(title="")
    Step.objects.filter(pk__in=[steps[0].pk, steps[2].pk]).update(confidence=0.3)
    ctx, page = _open(browser, live_server, footage, reviewer)
    expect(page.locator(".geste-steps__doubt")).to_have_count(2)  # how the list shows a low confidence
    dialog = page.locator('[data-dialog="approve"]')
    confirm = dialog.locator('[data-role="confirm-approve"]')
    page.locator('[data-action="approve"]').click()
    expect(dialog.locator('[data-role="approve-untitled"]')).to_have_text(
        "Les étapes 2 et 3 n'ont pas de titre : donnez-leur un titre avant de valider.")
    expect(dialog.locator('[data-role="approve-doubtful"]')).to_have_text(
        "Les étapes 1 et 3 sont marquées « À vérifier » : les avez-vous regardées ?")
    expect(confirm).to_be_disabled()
    # Read first when it opens: the steps without a title, those to check, then what approving certifies.
    assert dialog.get_attribute("aria-describedby") == "approve-untitled approve-doubtful approve-text"
    page.keyboard.press("Escape")
    for i, title in ((1, "Dévisser l'écrou"), (2, "Remonter le siphon")):
        page.locator(f'[data-step-title="{i}"]').fill(title)
        page.locator(f'[data-step-title="{i}"]').press("Enter")
        expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    page.keyboard.press("a")
    expect(dialog.locator('[data-role="approve-untitled"]')).to_be_hidden()
    expect(dialog.locator('[data-role="approve-doubtful"]')).to_be_visible()  # a question, not a refusal
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.locator('[data-role="locked"]')).to_be_visible()
    ctx.close()
    footage.refresh_from_db()
    assert footage.status == "approved"


def test_the_server_refuses_to_approve_a_step_without_a_title_in_french(client, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=6).update(title="  ")
    client.force_login(reviewer)
    res = client.post(reverse("review_api:approve", args=[footage.pk]),
                      json.dumps({"version": footage.review_version}), content_type="application/json")
    assert res.status_code == 400
    assert res.json() == {"detail": "Validation refusée\xa0: chaque étape doit avoir un titre.", "errors": [
        {"message": "Étape 2\xa0: donnez-lui un titre avant de valider.", "index": 1, "field": "title"}]}
    footage.refresh_from_db()
    assert footage.status != "approved"


def test_times_are_rounded_to_the_nearest_tenth(live_server, browser, footage_in_review):  # noqa: F811
    """A limit at 9.584 s read 0:09,5 (the tenth truncated): it reads 0:09,6, in the step list, on the
    limit's slider and on the playhead."""
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=6).update(end=9.584)
    Step.objects.filter(footage=footage, start=13).update(start=9.584)
    ctx, page = _open(browser, live_server, footage, reviewer, width=360, height=740, has_touch=True, is_mobile=True)
    times = page.locator(".geste-steps__time")
    expect(times.nth(1)).to_have_text("0:06,0 – 0:09,6")
    expect(times.nth(2)).to_have_text("0:09,6 – 0:20,0")
    expect(page.locator('.geste-timeline__handle[data-prev="1"][data-next="2"]')).to_have_attribute(
        "aria-valuetext", "0:09,6")
    times.nth(2).focus()
    page.keyboard.press("Enter")  # the playhead at the step's start
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:09,6")
    ctx.close()


def test_the_help_says_what_the_arrows_move_where_they_move_it(live_server, browser, footage_in_review):  # noqa: F811
    """One paragraph said the arrows move a limit, the next that they place the playhead: they do each, on
    the one that has the focus. The help says so, and what it says is what the keys do."""
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    edit_help = " ".join(page.locator('[data-role="edit-help"]').inner_text().split())
    playhead_help = " ".join(page.locator("#geste-playhead-help").inner_text().split())
    assert ("Une limite entre deux étapes se déplace à la souris en la faisant glisser, ou au clavier quand elle "
            "a le focus (Tab jusqu'à elle) : ← / →, un dixième de seconde ; Maj : une seconde ; "
            "Page ↑ : cinq secondes vers la fin, Page ↓ : cinq secondes vers le début ; "
            "Début / Fin : aussi loin que les étapes voisines le permettent.") in edit_help, edit_help
    assert "tête de lecture" not in edit_help.split("Une limite", 1)[1].split("Espace")[0]
    assert "#}" not in page.locator("#geste-review").inner_text()  # no template comment shown as text
    assert playhead_help.startswith(
        "La tête de lecture se déplace au clavier quand elle a le focus (Tab jusqu'à elle) : flèches, un dixième "
        "de seconde ; Maj : une seconde ; Page ↑ : cinq secondes vers la fin, Page ↓ : cinq secondes vers le "
        "début ; Début / Fin : début / fin de la vidéo."), playhead_help
    # What it says: on a limit the arrows move the limit, not the playhead...
    playhead = page.locator('[data-role="playhead"]')
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    handle.focus()
    page.keyboard.press("ArrowRight")
    expect(handle).to_have_attribute("aria-valuetext", "0:06,1")
    page.keyboard.press("Shift+ArrowLeft")
    expect(handle).to_have_attribute("aria-valuetext", "0:05,1")
    page.keyboard.press("PageDown")
    expect(handle).to_have_attribute("aria-valuetext", "0:01,0")  # clamped: the first step keeps 1 s
    # The picture (and the playhead) follow the limit so the expert sees where it lands (walk 34).
    expect(playhead).to_have_text("0:01,0")
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    # ... on the playhead they move the playhead, not a limit.
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("ArrowRight")
    expect(playhead).to_have_text("0:01,1")
    page.keyboard.press("Shift+ArrowRight")
    expect(playhead).to_have_text("0:02,1")
    page.keyboard.press("End")
    expect(playhead).to_have_text("0:20,0")
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    expect(handle).to_have_attribute("aria-valuetext", "0:01,0")
    ctx.close()


def _gap_and_playhead_in_it(page) -> None:
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")  # 0:15,0, after the last step (it ends at 13 s)
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:15,0")


def test_typing_at_once_after_e_names_the_new_step(live_server, browser, footage_in_review):  # noqa: F811
    """E put the focus in the new step's title only once the save came back: the letters typed at once
    (« Mastic neuf ») went to the shortcuts meanwhile — M merged, C opened a comment, A the approval. On a
    slow link (the save held back here) they are typed into the title."""
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=13).delete()
    held = []
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.route("**/api/review/footage/*/steps/",
               lambda route: held.append(route) if route.request.method == "PUT" else route.continue_())
    _gap_and_playhead_in_it(page)
    page.keyboard.press("e")
    page.keyboard.type("Mastic neuf")
    title = page.locator('[data-step-title="2"]')
    expect(title).to_have_value("Mastic neuf")
    expect(title).to_be_focused()
    expect(page.locator("dialog[open]")).to_have_count(0)  # no comment, no approval opened
    expect(page.locator(".geste-timeline__step")).to_have_count(3)  # nothing merged
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    held.pop(0).continue_()
    expect(page.locator('[data-role="saved"]')).to_have_text("Étape ajoutée et enregistrée.")
    expect(title).to_have_value("Mastic neuf")  # the answer did not undo the typing
    page.unroute("**/api/review/footage/*/steps/")
    title.press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    assert _titles(footage) == ["Couper l'eau", "Dévisser l'écrou", "Mastic neuf"]
    ctx.close()


def test_a_new_step_the_save_loses_takes_its_typed_title_away(live_server, browser, footage_in_review):  # noqa: F811
    """The new step shows (and takes the typing) before it is saved: if the save fails, it goes again,
    with its field, and what was typed in it renames no other step."""
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=13).delete()
    held = []
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.route("**/api/review/footage/*/steps/",
               lambda route: held.append(route) if route.request.method == "PUT" else route.continue_())
    _gap_and_playhead_in_it(page)
    page.keyboard.press("e")
    page.keyboard.type("Mastic")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    held.pop(0).abort("failed")
    expect(page.locator('[data-role="message"]')).to_contain_text("Connexion perdue")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    expect(page.locator(".geste-steps__title")).to_have_count(2)
    _focus_on(page, "action:add-step")
    page.wait_for_timeout(500)
    assert held == []  # no rename sent for the step that is gone
    ctx.close()
    assert _titles(footage) == ["Couper l'eau", "Dévisser l'écrou"]
