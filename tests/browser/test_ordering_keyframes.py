"""The ordering question shows each step's keyframe beside its label (issue 12, item 12: the
authoring form promised images, learners got text only), in Chromium, from the designer's form."""

from __future__ import annotations

import pytest

from capsules.authoring import capsule as authoring
from capsules.storage import url as media_url
from tests import factories
from tests.browser import test_player as choice_kinds
from tests.browser.learner_capsule import publish_capsule
from tests.browser.test_player import log_in, open_capsule

built_player = choice_kinds.built_player
capsule_media = choice_kinds.capsule_media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(180)
def test_ordering_items_show_the_steps_keyframes(live_server, context, capsule_media, storage_root, built_player):
    data = publish_capsule(capsule_media, storage_root)
    data["q1"].delete()
    data["q2"].delete()
    capsule, steps = data["capsule"], data["steps"]
    ordering = authoring.apply_interaction_form(
        capsule, {"kind": "ordering", "time": "1.5", "prompt": "Remettez les étapes dans l'ordre.", "mandatory": "on"}
    )
    capsule.page.save_revision().publish()
    log_in(context, live_server, factories.learner())
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{data['page'].url}")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{ordering.pk}']", timeout=15000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gq-order li img')].every(i => i.complete && i.naturalWidth > 0)"
        " && document.querySelectorAll('.gq-order li img').length > 0",
        timeout=10000,
    )
    shown = page.eval_on_selector_all(
        ".gq-order li", "els => els.map(e => [e.querySelector('span').textContent, e.querySelector('img').src])"
    )
    expected = {s.title: media_url(s.keyframe) for s in steps}
    assert len(shown) == len(steps)
    for title, src in shown:
        assert src.endswith(expected[title]), (title, src)
    box = page.locator(".gq-order li img").first.bounding_box()
    assert box and box["width"] >= 40 and box["height"] >= 20  # visible, not a broken 0×0 image


# Each word of an item's text on one line: the rectangles of a word's characters (one per line box) all on
# the same line. « fonctionn / e » (a word cut at the line's end) gives two rectangles.
WORDS_SPLIT = """els => els.flatMap(span => {
  const node = span.firstChild, text = node.textContent, out = [];
  for (const m of text.matchAll(/\\S+/g)) {
    const r = document.createRange();
    r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
    const tops = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
    if (tops.size > 1) out.push(m[0]);
  }
  return out;
})"""


@pytest.mark.timeout(180)
def test_ordering_items_wrap_between_words_at_360(live_server, phone_context, capsule_media, storage_root,
                                                  built_player):
    """Walk 25: at 360 px the keyframe and the ↑/↓ buttons squeezed the text into a column narrower than a
    word, and « Ça ne fonctionne vraiment pas » read « Ça ne fonctionn / e vraiment pas »."""
    data = publish_capsule(capsule_media, storage_root)
    data["q1"].delete()
    data["q2"].delete()
    capsule, steps = data["capsule"], data["steps"]
    titles = ["Ça ne fonctionne vraiment pas", "Vérifier l'étanchéité du raccordement", "Resserrer l'écrou"]
    for step, title in zip(steps, titles, strict=False):
        step.title = title
        step.save(update_fields=["title"])
    ordering = authoring.apply_interaction_form(
        capsule, {"kind": "ordering", "time": "1.5", "prompt": "Remettez les étapes du geste dans l'ordre.",
                  "mandatory": "on"}
    )
    capsule.page.save_revision().publish()
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{data['page'].url}")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{ordering.pk}']", timeout=15000)
    page.wait_for_function(
        "() => document.querySelectorAll('.gq-order li img').length > 0"
        " && [...document.querySelectorAll('.gq-order li img')].every(i => i.complete && i.naturalWidth > 0)",
        timeout=10000,
    )
    shown = page.eval_on_selector_all(".gq-order li span", "els => els.map(e => e.textContent)")
    assert "Ça ne fonctionne vraiment pas" in shown
    assert page.eval_on_selector_all(".gq-order li span", WORDS_SPLIT) == []
    # The keyframe is still there, and nothing runs past the screen's right edge.
    box = page.locator(".gq-order li img").first.bounding_box()
    assert box and box["width"] >= 40
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
