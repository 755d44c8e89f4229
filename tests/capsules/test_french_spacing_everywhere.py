"""French spacing everywhere: walks 29 and 30 did the review, design and LTI screens; elsewhere (the player, the
learner's pages, the badges, the trainer's reports, the footage pages) a plain space still let « : » or « ? » begin a
line at 360 px.
The space before « ; : ? ! », the spaces inside « » and the space between a number and « % » (« 40 % regardé »,
« (50 %) »: never « % » alone at the start of a line) are non-breaking in every French string of the project:
templates write « &nbsp; » (email text templates, not HTML, the U+00A0 character), Python the U+00A0 character,
JavaScript « \\u00a0 »; the English translations are carried over to the new msgids (English has no space there).

Checked here: every msgid of locale/en (django.po and djangojs.po), every string literal of the Python and
JavaScript sources, every template, and the learner's pages as rendered. Left as written, on purpose, and listed
below: strings stored in the database (STORED), whose new spelling would sit beside the old one in older rows
and, for the pipeline's messages, no longer find their translation (``capsules.pipeline.messages.shown`` looks a
stored message up by its French text); and what no screen shows (TERMINAL: the management commands' output, the
logs)."""

from __future__ import annotations

import html
import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from capsules.models import BadgeCredential, Interaction
from capsules.pages import new_content_generation
from capsules.pipeline import messages as pipeline_messages
from tests import factories
from tests.capsules.test_design_lti_french_spacing import BREAKABLE, IN_SOURCE, WAGTAIL
from tests.capsules.test_design_lti_french_spacing import STORED as DESIGN_LTI_STORED
from tests.capsules.test_paths import _completed, _post_answer, block_world  # noqa: F401  (fixture)
from tests.capsules.test_recognition import block, complete, earn  # noqa: F401  (fixture)
from tests.capsules.test_review_french_spacing import po_entries

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# « % » as a unit after a plain space: after a digit, a placeholder (« %(percent)s % », « %(n)d %% »), a template's
# variable or tag (« {{ percent }} % », « {% widthratio … %} % »), an f-string's or a template literal's field,
# or at the start of a script's literal that follows a number (« n + " % regardé" »).
# Not « %(a)s %(b)s », « %s » nor a tag's end (« {% if n > 1 %} »).
PERCENT = re.compile(r"(?:^|\d|\}|%\(\w+\)[sdf]) (?=%(?![(\w}]))")


def _breakable(text: str):
    return BREAKABLE.search(text) or PERCENT.search(text)

# Stored in the database as written: a file all of whose strings are, or (file, the string's source text).
STORED_FILES = {
    # media_pipeline's messages and the pipeline's own, stored in French (StageRun/PipelineRun.error_message) and
    # translated on display by their French text: a new spelling would leave every older row untranslated, and
    # media_pipeline (no Django) raises them word for word (tests/capsules/test_pipeline_messages_english.py).
    "capsules/pipeline/messages.py",
    # A stage's skip reason (Skip), stored in StageRun.error_message and translated on display by shown(), as above.
    "capsules/pipeline/stages/audio.py",
    "capsules/pipeline/stages/transcribe.py",
    "capsules/pipeline/stages/translate.py",
    "capsules/pipeline/stages/draft_quizzes.py",
}
STORED = DESIGN_LTI_STORED | {
    # PipelineRun.error_message (the run found no steps) and StageRun.error_message (a crash, a database outage):
    # looked up by shown() like the messages above.
    ("capsules/pipeline/workflow.py",
     "\"Traitement terminé, mais aucune étape de geste n'a été détectée%(facts)s : \""),
    ("capsules/pipeline/workflow.py", '"la vidéo est peut-être trop courte ou presque immobile. Relancez l\'étape '
                                      '« Découpage en "'),
    ("capsules/pipeline/workflow.py", '"étapes » après avoir vérifié la vidéo, ou téléversez une prise plus longue."'),
    # A silent clip's audio stages skipped at the run's start (walk 38): the stages' own skip reasons, word for word.
    ("capsules/pipeline/workflow.py", "\"La vidéo n'a pas de piste audio : transcription impossible.\""),
    ("capsules/pipeline/workflow.py", '"Pas de piste audio : pas de transcription."'),
    ("capsules/pipeline/workflow.py", '"Pas de piste audio : pas de sous-titres anglais."'),
    ("capsules/pipeline/runner.py", '"Base de données momentanément indisponible : %(error)s"'),
    ("capsules/pipeline/runner.py", "\"Erreur inattendue pendant l'étape « %(stage)s » : %(error)s\""),
    # LrsStatement.last_error / Cmi5Statement.last_error (the interop page's « Dernière erreur »).
    ("capsules/interop/lrs.py", 'f"LRS injoignable : {exc.__class__.__name__}"'),
    ("capsules/interop/lrs.py", 'f"HTTP {response.status_code} : {response.text[:500]}"'),
    ("capsules/interop/cmi5_runtime.py", 'f"LMS injoignable : {exc.__class__.__name__}"'),
    ("capsules/interop/cmi5_runtime.py", 'f"HTTP {response.status_code} : {response.text[:500]}"'),
    # A capsule's evidence and the block's score, written into the signed badge (BadgeCredential.document): a badge
    # is shown as signed, and two spellings would sit side by side in a learner's portfolio.
    ("capsules/recognition/credentials.py", '" ; "'),
    ("capsules/recognition/credentials.py", '"%(percent)d %% (%(count)s ; minimum exigé : %(minimum)d %%)"'),
    ("capsules/recognition/credentials.py", '"%(percent)d %% (%(count)s)"'),
}
# In a script: a merged step's title (« Couper l'eau ; Dévisser »), saved as the step's title (Step.title).
STORED_SCRIPTS = {("capsules/review/static/capsules/review.js", "${} ; ${}")}
# Their msgids in locale/en (the catalogue's references name the file, not the string): every msgid of the files
# above, and these.
STORED_MSGIDS = {"Réponse attendue : %(answer)s", "%(percent)d %% (%(count)s ; minimum exigé : %(minimum)d %%)",
                 "%(percent)d %% (%(count)s)",
                 *pipeline_messages.PIPELINE_TEMPLATES}  # workflow.py's and runner.py's

# Read in a terminal or a log, on no screen: left as they are (a log line is searched with a plain space).
TERMINAL = (
    "capsules/management/commands/",  # the commands' output
    "capsules/demo.py",  # seed_demo's steps and errors
    "capsules/recognition/demo_badge.py",
    "capsules/pipeline/progress_cli.py",  # ingest_footage / seed_demo's progress bar
    "capsules/pipeline/cleanup.py",  # purge_stale_uploads's summary
    "capsules/interop/export_command.py",  # export_cmi5 / export_scorm
    "capsules/interop/tasks.py",  # logger.warning
)


def _stored_msgid(fields, refs) -> bool:
    files = {ref.rsplit(":", 1)[0] for ref in refs}
    return fields["msgid"] in STORED_MSGIDS or bool(files) and all(f in STORED_FILES for f in files)


@pytest.mark.parametrize("name", ["django.po", "djangojs.po"])
def test_every_msgid_puts_a_non_breaking_space_before_french_punctuation_and_inside_guillemets(name):
    seen, wrong, english, kept = 0, [], [], set()
    for fields, refs, raw in po_entries(name):
        if not any(ref.startswith(("capsules/", "cms/", "frontend/")) for ref in refs):
            continue  # none: every entry is ours
        seen += 1
        translated = " ".join(v for k, v in fields.items() if k.startswith("msgstr"))
        if re.search(r"(\u00a0|&nbsp;)[;:?!»]|«(\u00a0|&nbsp;)", translated) or not translated.strip() or (
                "#, fuzzy" in raw):
            english.append((fields["msgid"], translated))  # translated, not fuzzy, no French spacing in English
        if _stored_msgid(fields, refs):
            kept.add(fields["msgid"])
            continue
        for key in ("msgid", "msgid_plural"):
            if _breakable(html.unescape(fields.get(key, ""))):
                wrong.append(fields[key])
    assert seen > (1000 if name == "django.po" else 250)
    assert not wrong, (len(wrong), wrong)
    assert not english, english
    if name == "django.po":
        assert STORED_MSGIDS <= kept  # the stored strings are still there, as they were


def _python_files():
    for folder in ("capsules", "cms"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            if "/migrations/" not in rel and not rel.startswith(TERMINAL):
                yield rel, path


def test_every_python_string_puts_a_non_breaking_space_before_french_punctuation():
    """Untranslated ones too (« Segment 2 : il commence avant… »), f-strings' text included."""
    wrong, kept = [], set()
    for rel, path in _python_files():
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type != tokenize.STRING or tok.string.lstrip("rbfuRBFU").startswith(('"""', "'''")):
                continue
            if rel in STORED_FILES or (rel, tok.string) in STORED:
                kept.add((rel, tok.string))
            elif IN_SOURCE.search(tok.string) or PERCENT.search(tok.string):
                wrong.append(f"{rel}:{tok.start[0]} {tok.string}")
    assert not wrong, (len(wrong), wrong)
    assert STORED <= kept  # the stored strings are still there, as they were


def _templates():
    for folder in ("capsules", "cms"):
        for path in sorted((ROOT / folder).rglob("templates/**/*")):
            if path.suffix in (".html", ".txt"):
                yield str(path.relative_to(ROOT)), path


def test_every_template_puts_a_non_breaking_space_before_french_punctuation():
    """Text outside {% translate %} too (« {% trans "Statut" %} : »); the emails' text templates with the
    character itself (« &nbsp; » would be read as such)."""
    wrong = []
    for rel, path in _templates():
        source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|/\*.*?\*/", "",
                        path.read_text(encoding="utf-8"), flags=re.S)
        wrong += [f"{rel}: {m.string[max(0, m.start() - 40):m.end() + 10]}"
                  for pattern in (IN_SOURCE, PERCENT) for m in pattern.finditer(source)]
        if path.suffix == ".txt" and "&nbsp;" in source:
            wrong.append(f"{rel}: &nbsp; in a text email")
    assert not wrong, (len(wrong), wrong)


def js_strings(source: str):
    """(line, text) of each string literal of a script, comments left out; a template literal's text without
    its ${…} parts, which are read as code."""
    i, n, line, prev = 0, len(source), 1, ""
    while i < n:
        c = source[i]
        if c == "\n":
            line, i = line + 1, i + 1
        elif source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else n
        elif source.startswith("/*", i):
            end = source.index("*/", i + 2) + 2
            line, i = line + source.count("\n", i, end), end
        elif c in "'\"`":
            j, text, start = i + 1, [], line
            while j < n and source[j] != c:
                if source[j] == "\\":
                    text.append(source[j:j + 2])
                    j += 2
                elif c == "`" and source.startswith("${", j):
                    depth, k = 1, j + 2
                    while depth:
                        depth += {"{": 1, "}": -1}.get(source[k], 0)
                        k += 1
                    yield from ((start + ln - 1, t) for ln, t in js_strings(source[j + 2:k - 1]))
                    text.append("${}")
                    j = k
                else:
                    text.append(source[j])
                    j += 1
            literal = "".join(text)
            yield start, literal
            line, i, prev = line + source.count("\n", i, j), j + 1, c
        elif c == "/" and prev in "(,=:[!&|?{};+-*%<>~^":  # a regular expression literal
            j, in_class = i + 1, False
            while source[j] != "/" or in_class:
                j += 2 if source[j] == "\\" else 1
                in_class = (in_class or source[j - 1] == "[") and source[j - 1] != "]"
            i, prev = j + 1, "/"
        else:
            prev = c if not c.isspace() else prev
            i += 1


def _scripts():
    listed = subprocess.run(["git", "ls-files", "*.js"], cwd=ROOT, capture_output=True, text=True, check=True)
    for rel in listed.stdout.split():
        if rel.startswith(("capsules/", "cms/", "frontend/src/")):
            yield rel, ROOT / rel


def test_every_script_string_puts_a_non_breaking_space_before_french_punctuation():
    """The player, the admin scripts, the service worker and the SCORM / cmi5 relay pages' scripts (untranslated)."""
    wrong, seen, kept = [], 0, set()
    for rel, path in _scripts():
        for line, text in js_strings(path.read_text(encoding="utf-8")):
            seen += 1
            if (rel, text) in STORED_SCRIPTS:
                kept.add((rel, text))
            elif IN_SOURCE.search(text.replace("\\u00a0", "\u00a0")) or PERCENT.search(text):
                wrong.append(f"{rel}:{line} {text}")
    assert seen > 1000
    assert not wrong, (len(wrong), wrong)
    assert kept == STORED_SCRIPTS


def test_the_script_reader_sees_strings_not_code():
    source = 'const a = x ? "Étape : %(n)s" : `« ${b ? " ; " : ""} »`; // Note : ici\n/* « a » */ r = /[:?] ;/;'
    assert [t for _, t in js_strings(source)] == ["Étape : %(n)s", " ; ", "", "« ${} »"]


def test_the_percent_check_sees_a_unit_not_a_placeholder():
    for wrong in ("40 % regardé", "%(percent)s %", "(%(percent)s %%)", "{{ percent }} % regardé", "${n} %",
                  "{% widthratio a 1 100 %} %{% else %}", 'f"{c.percent} %)"', "%(n)d %% (x)",
                  " % regardé."):
        assert PERCENT.search(wrong), wrong
    for right in ("40\u00a0% regardé", "%(a)s %(b)s", "%(a)s %s", "{{ a }} {% if b %}", "{% if n > 1 %}", "50%",
                  "100 points"):
        assert not PERCENT.search(right), right


# --- the learner's pages, as read -----------------------------------------------------------------------


def _text(body: str) -> str:
    body = re.sub(r"<(script|style|svg|template)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _read(client: Client, url: str, status: int = 200, data: dict | None = None, stored: str = "") -> str:
    """The page's words, checked; ``stored``: a part of the page that shows stored text, left out."""
    res = client.post(url, data) if data is not None else client.get(url)
    assert res.status_code == status, (url, res.status_code)
    text = _text(re.sub(stored, " ", res.content.decode(), flags=re.S) if stored else res.content.decode())
    assert "&nbsp;" not in text, (url, text)  # not escaped twice
    found = _breakable(text)
    assert not found, (url, text[max(0, found.start() - 80):][:160])
    return text


def _typed_as_french(prompt="Quel outil faut-il pour serrer l'écrou\u00a0?"):
    """The questions as a designer types them, spaced in French: the pages' own words are what is checked."""
    Interaction.objects.update(prompt=prompt)
    new_content_generation()  # an update() sends no signal: the learner content's cache is told


def test_the_block_capsule_portfolio_and_badge_pages_read_french_spacing(block,  # noqa: F811
                                                                         django_capture_on_commit_callbacks):
    _typed_as_french()
    learner = factories.learner()
    c = Client(HTTP_ACCEPT_LANGUAGE="fr")
    c.force_login(learner)
    complete(c, block["capsules"][0], ["b"], django_capture_on_commit_callbacks)  # the mandatory question wrong
    page = _read(c, block["block"].page.url)
    assert "Pour l'obtenir\u00a0:" in page
    _read(c, block["capsules"][1].page.url)
    _read(c, "/recherche/?q=Capsule")
    _read(c, "/hors-ligne/")
    c.post(reverse("recognition-share-create"), {"days": "7", "label": "Formatrice"})
    assert "il ne sera plus affiché\u00a0:" in _read(c, reverse("recognition-portfolio"))

    earn(block, factories.learner(username="badge-espaces"), django_capture_on_commit_callbacks)
    credential = BadgeCredential.objects.get()
    # The evidence lines are signed content, shown as signed (STORED above).
    page = _read(Client(HTTP_ACCEPT_LANGUAGE="fr"), reverse("recognition-credential", args=[credential.uuid]),
                 stored=r"<dt>Preuves</dt>.*?</dd>")
    assert "Badge vérifié\u00a0: authentique" in page and "Badge «\u00a0Maintenir" in page


def test_the_placement_practice_and_sign_in_pages_read_french_spacing(block_world):  # noqa: F811
    skills_block, caps, q = block_world
    _typed_as_french()
    learner = factories.learner()
    c = Client(HTTP_ACCEPT_LANGUAGE="fr")
    c.force_login(learner)
    url = reverse("learner-placement", args=[skills_block.pk])
    assert "«\u00a0acquis au positionnement\u00a0»" in _read(c, url)
    for _ in q:  # in the order asked; C wrong
        asked = c.get(url).context["question"]
        _post_answer(c, url, Interaction.objects.get(pk=asked.id), right=int(asked.id) != q["c"].pk)
    assert c.get(url).status_code == 302  # no question left: the session closes
    assert "Résultat du positionnement\u00a0:" in _read(c, skills_block.page.url)
    _read(c, reverse("learner-practice"))
    _completed(learner, caps[2], None)
    _read(c, reverse("learner-practice"))
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert "Pas encore de compte\u00a0?" in _read(anonymous, reverse("learner-login"))
    _read(anonymous, reverse("learner-signup"), data={})


def test_the_footage_report_badge_and_package_screens_read_french_spacing(block,  # noqa: F811
                                                                          django_capture_on_commit_callbacks):
    _typed_as_french()
    earn(block, factories.learner(username="badge-admin-espaces"), django_capture_on_commit_callbacks)
    admin = Client(HTTP_ACCEPT_LANGUAGE="fr")
    admin.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    capsule = block["capsules"][0]
    screens = [reverse("geste_footage_detail", args=[capsule.footage.pk]), reverse("geste_upload"),
               reverse("geste_reports"), reverse("geste_report_capsule", args=[capsule.pk]), reverse("geste_badges"),
               reverse("geste_packages"), reverse("geste_cohorts")]
    said = {}
    for url in screens:
        res = admin.get(url)
        assert res.status_code == 200, (url, res.status_code)
        text = _text(res.content.decode().split("<main", 1)[-1])  # the screen, not Wagtail's sidebar
        for words in WAGTAIL:
            text = text.replace(words, "")
        assert "&nbsp;" not in text, (url, text)
        found = _breakable(text)
        assert not found, (url, text[max(0, found.start() - 80):][:160])
        said[url] = text
    assert "Statut\u00a0:" in said[screens[0]] and "Rapport\u00a0:" in said[screens[3]]
