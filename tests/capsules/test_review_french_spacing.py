"""First-user walk 29: on the review screens (the expert's and the designer's), « … quand il vous les renverra »
ended a line and « ; vous pourrez… » began the next. French puts a space before « ; : ? ! »; it is a
non-breaking one in every string these screens show: their templates write it « &nbsp; », their Python
« \u00a0 » (the character), their JavaScript « \\u00a0 ». The English translations stay attached to the new
msgids (no space before the punctuation in English).

Scope: the review screens' own sources (capsules/review/). The project's other French strings: see
tests/capsules/test_french_spacing_everywhere.py."""

from __future__ import annotations

import ast
import html
import io
import re
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

SOURCES = ("capsules/review/",)
BREAKABLE = re.compile(r"(?<=\S) (?=[;:?!](?:\s|$|<))")  # a plain space before the mark, in a sentence


def po_entries(name: str):
    """(fields, « path:line » references, raw block) of each msgid of locale/en/LC_MESSAGES/<name>; fields maps
    msgctxt / msgid / msgid_plural / msgstr[n] to their joined texts. Also read by the design and LTI screens' test."""
    po = (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES" / name).read_text(encoding="utf-8")
    for block in po.split("\n\n"):
        refs = [ref for line in block.splitlines() if line.startswith("#:") for ref in line[2:].split()]
        fields, field = {}, None
        for line in block.splitlines():
            head = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (.*)", line)
            if head:
                field = head.group(1)
                fields[field] = ast.literal_eval(head.group(2))
            elif line.startswith('"') and field:
                fields[field] += ast.literal_eval(line)
        if fields.get("msgid"):
            yield fields, refs, block


def _entries(name: str):
    """(msgid texts, the files they come from) of locale/en/LC_MESSAGES/<name>."""
    for fields, refs, _block in po_entries(name):
        yield fields, [ref.rsplit(":", 1)[0] for ref in refs]


@pytest.mark.parametrize("name", ["django.po", "djangojs.po"])
def test_the_review_screens_strings_put_a_non_breaking_space_before_french_punctuation(name):
    seen, wrong, english = 0, [], []
    for fields, refs in _entries(name):
        if not any(ref.startswith(SOURCES) for ref in refs):
            continue
        seen += 1
        for key in ("msgid", "msgid_plural"):
            if BREAKABLE.search(html.unescape(fields.get(key, ""))):
                wrong.append(fields[key])
        if re.search(r"(\u00a0|&nbsp;)[;:?!]", fields.get("msgstr", "") + fields.get("msgstr[0]", "")):
            english.append(fields["msgstr"])
    assert seen > 20
    assert not wrong, wrong
    assert not english, english


def test_the_review_screens_python_messages_put_a_non_breaking_space_before_french_punctuation():
    """Messages not (yet) translated too: « Les étapes sont déjà approuvées : … ; un concepteur doit rouvrir… »."""
    wrong = []
    for path in sorted((Path(settings.BASE_DIR) / "capsules/review").glob("*.py")):
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type == tokenize.STRING and not tok.string.lstrip("rbfuRBFU").startswith(('"""', "'''")):
                if BREAKABLE.search(tok.string):  # the source text: an f-string's too
                    wrong.append(f"{path.name}:{tok.start[0]} {tok.string}")
    assert not wrong, wrong


def _text(body: str) -> str:
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_review_screen_and_its_refusals_read_french_spacing(client):
    who = factories.expert(username="expert-espaces")
    footage = factories.FootageFactory(expert=who, duration=40.0)
    factories.StepFactory(footage=footage, order=1, start=0, end=10, title="Couper l'eau", keyframe="k.jpg")
    client.force_login(who)
    body = client.get(reverse("geste_review", args=[footage.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    review = _text(body.split('class="geste-review', 1)[1])
    assert "renverra\u00a0; vous pourrez" in review and "Tête de lecture\u00a0:" in review
    assert "Valider les étapes\u00a0?" in review
    assert not BREAKABLE.search(review), BREAKABLE.search(review)
    # The expert's writes once the steps are sent back: the refusal says whose turn it is, spaced alike.
    res = client.post(reverse("review_api:send_back", args=[footage.pk]),
                      {"version": footage.review_version, "comment": "Refilmer."}, content_type="application/json")
    assert res.status_code == 200, res.content
    res = client.post(reverse("review_api:approve", args=[footage.pk]), {"version": res.json()["version"]},
                      content_type="application/json")
    assert res.status_code == 409 and "renverra\u00a0; vous pourrez" in res.json()["detail"], res.content
