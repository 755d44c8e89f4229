"""First-user walk 35, an expert on the review screen, keyboard only, phone and desktop.

1. Splitting the same gesture again gave several steps « Remonter le siphon (suite) », and the approval did not say
   so: each piece now gets its number (« (suite 2) », « (cont. 2) » in English) and the approval names the steps
   whose titles are the same (a warning, not a refusal).
2. « ? » opened Wagtail's keyboard shortcuts, which know nothing of the review: the review's own list opens, Escape
   closes it, the focus goes back. Page ↑ / Page ↓ are said with their direction.
3. The playhead was 20 Tabs from the page's start: skip links « Aller à la vidéo », « Aller à la frise » come first.
4. Once approved, nothing led on: the next footage awaiting the expert, and the review list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.models import Footage, Step
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.split_said import SPLIT_DONE, SPLIT_DONE_EN
from tests.browser.test_review import _x_for, footage_in_review  # noqa: F401  (fixture)
from tests.factories import FootageFactory, StepFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def _open(browser, live_server, footage, user, lang="fr", device=None):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = lang
    profile.save()
    ctx = browser.new_context(locale="en-GB" if lang == "en" else "fr-FR", **(device or DESKTOP))
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    return ctx, page


def _titles(footage) -> list[str]:
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("title", flat=True))


def _split_at(page, seconds: float, done: str, count: int):
    page.mouse.click(*_x_for(page, seconds))
    page.wait_for_timeout(400)
    page.keyboard.press("s")
    expect(page.locator('[data-role="saved"]')).to_have_text(done)
    expect(page.locator(".geste-timeline__step")).to_have_count(count)
    page.wait_for_timeout(400)


def _focused(page) -> str:
    return page.evaluate("""() => { const a = document.activeElement;
        return a ? (a.dataset.role || a.dataset.skip || a.id || a.textContent.trim().slice(0, 40)) : ''; }""")


# --- 1. titles of repeated splits, and the approval's warning -------------------------------------


@pytest.mark.parametrize(("lang", "word", "done"), [("fr", "suite", SPLIT_DONE),
                                                     ("en", "cont.", SPLIT_DONE_EN)])
def test_each_piece_of_a_gesture_split_again_gets_its_own_number(
        live_server, browser, footage_in_review, lang, word, done):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, lang)
    _split_at(page, 16.0, done, 4)
    _split_at(page, 18.0, done, 5)
    assert _titles(footage)[2:] == ["Remonter le siphon", f"Remonter le siphon ({word})",
                                    f"Remonter le siphon ({word} 2)"]
    # The first piece split too: the pieces are numbered left to right again (stop 35; the walk saw « (suite 2) »
    # before « (suite) » when the new piece took the first number none used).
    _split_at(page, 14.5, done, 6)
    assert _titles(footage)[2:] == ["Remonter le siphon", f"Remonter le siphon ({word})",
                                    f"Remonter le siphon ({word} 2)", f"Remonter le siphon ({word} 3)"]
    assert len(set(_titles(footage))) == 6
    # Merged back, a piece of the same gesture gives the first one's title (no « X ; X (suite 3) »).
    page.locator(".geste-steps__time").nth(2).focus()
    page.keyboard.press("m")
    expect(page.locator(".geste-timeline__step")).to_have_count(5)
    page.wait_for_timeout(300)
    assert _titles(footage)[2] == "Remonter le siphon"
    ctx.close()


@pytest.mark.parametrize(("lang", "said", "advice"), [
    ("fr", "Les étapes 1 et 3 ont le même titre «\u00a0Rincer le bol\u00a0».",
     "Les apprenants ne pourront pas les distinguer."),
    ("en", "Steps 1 and 3 have the same title “Rincer le bol”.", "Learners will not be able to tell them apart."),
])
def test_the_approval_names_steps_with_the_same_title(live_server, browser, footage_in_review, lang, said, advice):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, order=1).update(title="Rincer le bol")
    Step.objects.filter(footage=footage, order=3).update(title="rincer le  bol ")
    ctx, page = _open(browser, live_server, footage, reviewer, lang)
    page.keyboard.press("a")
    dialog = page.locator('[data-dialog="approve"]')
    same = dialog.locator('[data-role="approve-same"]')
    expect(same).to_be_visible()
    expect(same).to_contain_text(said)
    expect(same).to_contain_text(advice)
    assert "approve-same" in dialog.get_attribute("aria-describedby")
    confirm = dialog.locator('[data-role="confirm-approve"]')
    expect(confirm).to_be_enabled()  # said, not refused
    if lang == "fr":
        shot(page, "rvt35-approve-same-titles-desktop", full_page=False)
    confirm.focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées" if lang == "fr" else "Steps approved")
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED


def test_distinct_titles_no_warning(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.keyboard.press("a")
    expect(page.get_by_role("button", name="Confirmer la validation")).to_be_visible()
    expect(page.locator('[data-role="approve-same"]')).to_be_hidden()
    expect(page.locator('[data-role="approve-comments"]')).to_be_hidden()  # walk 46: no comment, nothing said
    ctx.close()


# --- 2. « ? »: the review's own shortcuts -----------------------------------------------------------


@pytest.mark.parametrize(("lang", "title", "page_up"), [
    ("fr", "Raccourcis clavier de la relecture", "cinq secondes vers la fin"),
    ("en", "Review keyboard shortcuts", "five seconds towards the end"),
])
def test_question_mark_opens_the_review_s_shortcuts_not_wagtail_s(
        live_server, browser, footage_in_review, lang, title, page_up):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, lang)
    slider = page.locator('[data-role="playhead-line"]')
    slider.focus()
    page.keyboard.press("Shift+Slash")
    keys = page.locator('[data-dialog="keys"]')
    expect(keys).to_be_visible()
    expect(page.locator("#keyboard-shortcuts-dialog")).to_be_hidden()  # Wagtail's own, not opened
    expect(keys.get_by_role("heading", level=2)).to_have_text(title)
    # Every key review.js acts on, with Page ↑ / Page ↓ and their direction.
    shown = set(keys.locator("kbd").all_inner_texts())
    assert {"S", "M", "E", "K", "C", "A", "N", "P", "?", "Page ↑", "Page ↓", "←", "→", "↑", "↓"} <= shown, shown
    assert page_up in keys.inner_text()
    assert _focused(page) == "keys-title"  # read from its title
    page.keyboard.press("Escape")
    expect(keys).to_be_hidden()
    assert page.evaluate("document.activeElement === document.querySelector('[data-role=playhead-line]')")
    # In a title, « ? » is a character of the title.
    field = page.locator('[data-step-title="1"]')
    field.focus()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Slash")
    expect(keys).to_be_hidden()
    expect(field).to_have_value("Dévisser l'écrou?")
    page.keyboard.press("Escape")
    ctx.close()


def test_the_help_button_opens_the_shortcuts_and_takes_the_focus_back(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    button = page.get_by_role("button", name="Tous les raccourcis clavier ?")
    button.focus()
    page.keyboard.press("Enter")
    keys = page.locator('[data-dialog="keys"]')
    expect(keys).to_be_visible()
    shot(page, "rvt35-keys-help-desktop", full_page=False)
    page.keyboard.press("Tab")
    assert _focused(page) == "Fermer"
    page.keyboard.press("Enter")
    expect(keys).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.action") == "keys"
    ctx.close()


def test_the_help_under_the_timeline_says_which_way_page_up_goes(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    for role in ('[data-role="edit-help"]', "#geste-playhead-help"):
        text = page.locator(role).inner_text()
        assert "Page ↑\u00a0: cinq secondes vers la fin" in text, text
        assert "Page ↓\u00a0: cinq secondes vers le début" in text, text
    # ... and they do: Page ↑ later, Page ↓ earlier.
    slider = page.locator('[data-role="playhead-line"]')
    slider.focus()
    page.keyboard.press("PageUp")
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:05,0")
    page.keyboard.press("PageDown")
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:00,0")
    ctx.close()


def test_the_shortcuts_fit_a_phone(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, device=PHONE)
    page.keyboard.press("Shift+Slash")  # a phone with a keyboard
    keys = page.locator('[data-dialog="keys"]')
    expect(keys).to_be_visible()
    box = keys.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert keys.evaluate("d => d.scrollWidth <= d.clientWidth")  # nothing cut on the right
    shot(page, "rvt35-keys-help-360", full_page=False)
    page.keyboard.press("Escape")
    expect(keys).to_be_hidden()
    ctx.close()


# --- 3. skip links -------------------------------------------------------------------------------


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_skip_links_come_first_and_lead_to_the_video_and_the_timeline(live_server, browser, footage_in_review, device):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, device=device)
    page.keyboard.press("Tab")  # the first Tab from the page's start
    video_link = page.get_by_role("link", name="Aller à la vidéo")
    expect(video_link).to_be_focused()
    box = video_link.bounding_box()
    assert box["y"] >= 0 and box["x"] + box["width"] <= device["viewport"]["width"], box  # shown while focused
    if device is PHONE:
        shot(page, "rvt35-skip-link-360", full_page=False)
    page.keyboard.press("Tab")
    timeline_link = page.get_by_role("link", name="Aller à la frise")
    expect(timeline_link).to_be_focused()
    if device is DESKTOP:
        shot(page, "rvt35-skip-link-desktop", full_page=False)
    page.keyboard.press("Enter")
    slider = page.locator('[data-role="playhead-line"]')
    expect(slider).to_be_focused()
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")  # 15 s, inside step 3
    page.keyboard.press("s")
    expect(page.locator(".geste-timeline__step")).to_have_count(4)
    # From the page's start again: the video.
    page.reload()
    expect(page.locator(".geste-timeline__step")).to_have_count(4)
    page.keyboard.press("Tab")
    expect(video_link).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement === document.querySelector('[data-role=video]')")
    # Not shown when not focused.
    page.locator('[data-step-title="0"]').focus()
    box = video_link.bounding_box()
    assert box is None or box["y"] + box["height"] <= 0, box
    ctx.close()


# --- 4. after the approval --------------------------------------------------------------------------


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_after_approval_the_next_footage_and_the_list(live_server, browser, footage_in_review, device):  # noqa: F811
    footage, reviewer = footage_in_review
    other = FootageFactory(title="Changement du flotteur", expert=reviewer, duration=20.0)
    StepFactory(footage=other, order=1, start=0, end=20, title="Démonter le flotteur")
    ctx, page = _open(browser, live_server, footage, reviewer, device=device)
    after = page.locator('[data-role="after-approval"]')
    expect(after).to_be_hidden()
    page.locator('[data-action="approve"]').focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Confirmer la validation").focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    expect(after).to_be_visible()
    expect(page.locator('[data-role="locked"]')).to_be_focused()
    page.keyboard.press("Tab")  # the next Tab from the note the focus went to
    nxt = page.get_by_role("link", name="Relire la vidéo suivante\u00a0: «\u00a0Changement du flotteur\u00a0»")
    expect(nxt).to_be_focused()
    expect(after).to_contain_text("Retour à la liste des relectures")
    shot(page, f"rvt35-after-approval-{'360' if device is PHONE else 'desktop'}", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/geste/relecture/{other.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(1)
    # The last one approved: no next one, said; the list.
    page.keyboard.press("a")
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    expect(page.locator('[data-role="next-review"]')).to_be_hidden()
    expect(after).to_contain_text("Aucune autre vidéo n'attend votre relecture.")
    page.get_by_role("link", name="Retour à la liste des relectures").click()
    page.wait_for_url("**/admin/geste/relecture/")
    ctx.close()


def test_after_approval_in_english(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    for title in ("Changement du flotteur", "Purge du radiateur"):
        StepFactory(footage=FootageFactory(title=title, expert=reviewer, duration=20.0), order=1, start=0, end=20,
                    title="Démonter")
    ctx, page = _open(browser, live_server, footage, reviewer, "en")
    page.keyboard.press("a")
    page.get_by_role("button", name="Confirm the approval").click()
    after = page.locator('[data-role="after-approval"]')
    expect(after).to_be_visible()
    expect(page.get_by_role("link", name="Review the next video: “Purge du radiateur”")).to_be_visible()
    expect(after).to_contain_text("2 videos are awaiting your review.")
    expect(page.get_by_role("link", name="Back to the reviews list")).to_be_visible()
    ctx.close()
