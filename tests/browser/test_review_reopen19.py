"""Reopening a review whose steps published capsules use (walk 19): the designer pressed « Rouvrir la
relecture », nothing asked, and at the expert's next merge the public capsule page lost a step. The
reopening now names the published capsules and waits for a confirmation; « Annuler » keeps it approved."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from capsules.models import Footage
from tests import pages
from tests.browser.shots import shot
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.browser.test_review_walk19 import _focus_on, _open
from tests.factories import CapsuleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone-360"])
def test_reopening_names_the_published_capsules_and_waits_for_a_yes(live_server, browser, footage_in_review,  # noqa: F811
                                                                     phone):
    footage, reviewer = footage_in_review
    reviewer.groups.add(Group.objects.get(name="Designers"))  # the expert is a designer too: may reopen
    footage.steps.update(approved=True)
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.APPROVED)
    pages.capsule_page(CapsuleFactory(footage=footage, title="Changer le joint du siphon"))
    size = {"width": 360, "height": 740} if phone else {}
    ctx, page = _open(browser, live_server, footage, reviewer, **size)

    reopen = page.get_by_role("button", name="Rouvrir la relecture")
    reopen.focus()
    page.keyboard.press("Enter")
    dialog = page.locator('[data-dialog="reopen"]')
    expect(dialog).to_be_visible()
    expect(dialog.locator('[data-role="reopen-live"]')).to_have_text(
        "La capsule publiée « Changer le joint du siphon » utilise ces étapes.")
    expect(dialog).to_contain_text("Leurs apprenants gardent la version approuvée des étapes")
    shot(page, f"review-reopen-dialog-{'phone' if phone else 'desktop'}", full_page=False)
    # The dialog starts on « Annuler »: Enter pressed at once reopens nothing.
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED
    _focus_on(page, "action:reopen")

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Rouvrir la relecture").press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Relecture rouverte.")
    expect(reopen).to_be_hidden()
    _focus_on(page, "action:approve")
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.IN_REVIEW
    ctx.close()
