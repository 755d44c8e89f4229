"""First-user walk 24a: the English block progress read « 0 of 1 capsules completed (0 %) ». English
follows the total (« 0 of 1 capsule completed »); French follows the count done (0 and 1 singular)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation


def _text(lang: str, completed: int, total: int) -> str:
    progress = SimpleNamespace(
        completed=completed,
        total=total,
        percent=round(100 * completed / total),
        to_consolidate=False,
        right=0,
        questions=0,
    )
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True))
    with translation.override(lang):
        html = render_to_string("cms/includes/block_progress.html", {"progress": progress, "request": request})
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize(
    ("completed", "total", "english", "french"),
    [
        (0, 1, "0 of 1 capsule completed (0%)", "0 capsule terminée sur 1 (0&nbsp;%)"),
        (1, 1, "1 of 1 capsule completed (100%)", "1 capsule terminée sur 1 (100&nbsp;%)"),
        (0, 3, "0 of 3 capsules completed (0%)", "0 capsule terminée sur 3 (0&nbsp;%)"),
        (1, 3, "1 of 3 capsules completed (33%)", "1 capsule terminée sur 3 (33&nbsp;%)"),
        (2, 3, "2 of 3 capsules completed (67%)", "2 capsules terminées sur 3 (67&nbsp;%)"),
    ],
)
def test_block_progress_plural_in_both_languages(completed, total, english, french):
    assert _text("en", completed, total) == english
    assert _text("fr", completed, total) == french
