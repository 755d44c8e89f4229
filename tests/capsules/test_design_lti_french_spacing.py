"""First-user walk 30, at 360 px: « ; » « : » « ? » « ! » began a line on the capsule design screens and on the
LTI screens. Same rule as the review screens (tests/capsules/test_review_french_spacing.py): the space before them
is non-breaking in every string these screens show, and so are the spaces inside « » (templates « &nbsp; »,
Python the U+00A0 character, JavaScript « \\u00a0 »); the English translations carried over to the new msgids.

Scope: the design screens' sources (capsules/authoring/ and its views, the « authoring » section of
cms/wagtail_hooks.py) and the LTI ones (capsules/interop/lti/ and its templates). Left as they are, on purpose:
strings stored in the database (STORED below: the recall question's « Réponse attendue : … » written into its
feedback, the grade sends' « last_error »), which a change would split into two spellings."""

from __future__ import annotations

import html
import io
import re
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from lti_tool.models import LtiRegistration

from capsules.authoring import capsule as authoring
from capsules.models import Footage
from tests import factories
from tests.capsules.test_review_french_spacing import BREAKABLE as BEFORE_MARK
from tests.capsules.test_review_french_spacing import po_entries

pytestmark = pytest.mark.django_db

# A plain space before « ; : ? ! » (as on the review screens), or inside the guillemets: « Étape N » split after «.
BREAKABLE = re.compile(f"{BEFORE_MARK.pattern}|« | »")
# In a source, the mark may end a literal or a {% blocktranslate %}: « s :{% endblocktranslate %} ».
IN_SOURCE = re.compile(r"(?<=\S) (?=[;:?!](?:[\s\"'<{]|$))|« | »")
# Wagtail's own French, not ours: its side panel's « Statut : » heading, a line of its own (cannot wrap).
WAGTAIL = ("Statut :",)

ROOT = Path(settings.BASE_DIR)
HOOKS = "cms/wagtail_hooks.py"
DESIGN = ("capsules/authoring/",)
LTI = ("capsules/interop/lti/", "capsules/interop/templates/capsules/interop/lti_",
       "capsules/interop/templates/capsules/admin/lti_", "capsules/interop/static/capsules/interop/lti")
# Stored in the database as written: left with their plain space (file, the string's source text).
STORED = {
    ("capsules/authoring/capsule.py", '"Réponse attendue : %(answer)s"'),  # Interaction.feedback_correct
    ("capsules/interop/lti/grades.py", 'f"Plateforme injoignable : {exc}"'),  # LtiGradeLink.last_error
    ("capsules/interop/lti/grades.py", 'f"La plateforme a répondu {status} : {exc.response.text[:500]}"'),
    ("capsules/interop/lti/grades.py", 'f"Envoi impossible : {exc}"'),
    ("capsules/interop/lti/roster.py", 'f"Plateforme injoignable : {exc}"'),  # an LmsUnavailable, logged
}
STORED_MSGIDS = {"Réponse attendue : %(answer)s"}


def _hooks_design_lines() -> range:
    """The lines of cms/wagtail_hooks.py's « authoring » section: the design screens' views."""
    lines = (ROOT / HOOKS).read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines, 1) if line.startswith("# --- authoring"))
    end = next(n for n, line in enumerate(lines, 1) if n > start and line.startswith("# --- "))
    return range(start, end)


def _in_scope(ref: str) -> bool:
    path, _, line = ref.rpartition(":")
    if path == HOOKS:
        return int(line) in _hooks_design_lines()
    return path.startswith(DESIGN + LTI)


@pytest.mark.parametrize("name", ["django.po", "djangojs.po"])
def test_the_design_and_lti_msgids_put_a_non_breaking_space_before_french_punctuation(name):
    seen, wrong, english = 0, [], []
    for fields, refs, block in po_entries(name):
        if not any(_in_scope(ref) for ref in refs) or fields["msgid"] in STORED_MSGIDS:
            continue
        seen += 1
        for key in ("msgid", "msgid_plural"):
            if BREAKABLE.search(html.unescape(fields.get(key, ""))):
                wrong.append(fields[key])
        translated = " ".join(v for k, v in fields.items() if k.startswith("msgstr"))
        french = re.search(r"(\u00a0|&nbsp;)[;:?!»]|«(\u00a0|&nbsp;)", translated)
        if french or not translated.strip() or "#, fuzzy" in block:
            english.append((fields["msgid"], translated))
    assert seen > (40 if name == "django.po" else 5)
    assert not wrong, wrong
    assert not english, english  # translated, not fuzzy, no French spacing in English


def _python_files():
    for folder in ("capsules/authoring", "capsules/interop/lti"):
        yield from sorted((ROOT / folder).glob("*.py"))
    yield ROOT / HOOKS


def test_the_design_and_lti_python_strings_put_a_non_breaking_space_before_french_punctuation():
    """Untranslated messages too: the LTI launch's refusals (« Lancement refusé : … »)."""
    wrong, kept = [], set()
    design_lines = _hooks_design_lines()
    for path in _python_files():
        rel = str(path.relative_to(ROOT))
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type != tokenize.STRING or tok.string.lstrip("rbfuRBFU").startswith(('"""', "'''")):
                continue
            if rel == HOOKS and tok.start[0] not in design_lines:
                continue
            if (rel, tok.string) in STORED:
                kept.add((rel, tok.string))
            elif IN_SOURCE.search(tok.string):
                wrong.append(f"{rel}:{tok.start[0]} {tok.string}")
    assert not wrong, wrong
    assert kept == STORED  # the stored strings are still there, as they were


def test_the_design_and_lti_templates_put_a_non_breaking_space_before_french_punctuation():
    """Text outside {% translate %} too: a title attribute « Choix unique : Quel outil ? »."""
    wrong = []
    folders = [ROOT / "capsules/authoring/templates", ROOT / "capsules/interop/templates"]
    for path in sorted(p for folder in folders for p in folder.rglob("*.html")):
        rel = str(path.relative_to(ROOT))
        if not rel.startswith(DESIGN + LTI):
            continue
        source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", "", path.read_text(encoding="utf-8"),
                        flags=re.S)
        wrong += [f"{rel}: {m.string[max(0, m.start() - 40):m.end() + 10]}" for m in IN_SOURCE.finditer(source)]
    assert not wrong, wrong


def _text(body: str) -> str:
    body = body.split("<main", 1)[-1]  # the screen, not Wagtail's sidebar
    body = re.sub(r"<(script|style|svg|template)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split(" "))


def _read(client, url, status=200, **post) -> str:
    res = client.post(url, post) if post else client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert res.status_code == status, (url, res.status_code)
    text = _text(res.content.decode())
    for words in WAGTAIL:
        text = text.replace(words, "")
    assert "&nbsp;" not in text, (url, text)  # not escaped twice
    assert not BREAKABLE.search(text), (url, text[max(0, BREAKABLE.search(text).start() - 80):][:160])
    return text


def test_the_design_screens_read_french_spacing(client):
    footage = factories.FootageFactory(duration=30.0, status=Footage.Status.APPROVED)
    for i, title in enumerate(["Couper l'eau", "Dévisser l'écrou", "Changer le joint"]):
        factories.StepFactory(footage=footage, order=i + 1, start=i * 10.0, end=i * 10.0 + 10.0, title=title,
                              keyframe=f"k/{i}.jpg", approved=True)
    made = authoring.create_capsule(footage, title="Changer un joint", user=factories.designer(username="c-espaces"))
    capsule = footage.capsules.get(pk=made.capsule_id)
    first = authoring.apply_interaction_form(capsule, {"time": "0", "kind": "single_choice",
                                                       "prompt": "Quel outil\u00a0?",
                                                       "choices": "* Clé | Oui\nMarteau"})
    authoring.apply_interaction_form(capsule, {"time": "5", "kind": "true_false", "prompt": "On coupe l'eau.",
                                               "true_false": "true"})
    client.force_login(factories.designer(username="concepteur-espaces"))
    edit = _read(client, reverse("geste_capsule_edit", args=[capsule.pk]))
    assert "Réponse\u00a0: vrai" in edit
    _read(client, reverse("geste_interaction_edit", args=[capsule.pk, first.pk]))
    _read(client, reverse("geste_interaction_delete", args=[capsule.pk, first.pk]))
    refused = _read(client, reverse("geste_interaction_add", args=[capsule.pk]), status=400,
                    kind="hotspot", time="5", prompt="Le robinet", hotspot_x="2", hotspot_y="0", hotspot_w="0",
                    hotspot_h="0.1")
    assert "Zone\u00a0:" in refused
    _read(client, reverse("geste_capsule_index"))
    _read(client, reverse("geste_placement_index"))
    _read(client, reverse("geste_placement_selection", args=[footage.skills_block.pk]))


def test_the_lti_screens_read_french_spacing(settings):
    admin = Client()
    admin.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    index = _read(admin, "/admin/lti_registration/")
    assert "Type de clé publique\u00a0:" in index and "À saisir dans Moodle\u00a0:" in index
    refused = _read(admin, "/admin/lti_registration/new/", name="x", issuer="https://m.example/?a=1")
    assert "corrigez les erreurs ci-dessous" in refused and "ni «\u00a0?\u00a0» ni" in refused
    registration = LtiRegistration.objects.create(
        name="Moodle", issuer="https://moodle.example", client_id="c1", auth_url="https://moodle.example/a",
        token_url="https://moodle.example/t", keyset_url="https://moodle.example/k")
    _read(admin, f"/admin/lti_registration/edit/{registration.pk}/")
    assert "supprimer cette plateforme\u00a0?" in _read(admin, f"/admin/lti_registration/delete/{registration.pk}/")
    _read(admin, "/admin/lti_deployment/new/")
    _read(admin, "/admin/lti/notes/")
    launch = Client().post(reverse("lti-launch"), {"id_token": "x", "state": "y"})
    assert "Lancement refusé\u00a0:" in html.unescape(launch.content.decode())
