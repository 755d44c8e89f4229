"""First-user walk 28: the design page offers sending a published capsule to the expert only when it has
changes not yet published; counts of right answers agree in number (« 0 bonne réponse sur 2 »); English
percentages have no space; default step titles (« Étape N ») are not said twice."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from capsules.models import Transcript
from cms.models import CapsulePage
from tests.capsules.test_admin_english import english
from tests.capsules.test_authoring import capsule, footage  # noqa: F401  (fixtures)
from tests.factories import designer


def _publication(html: str) -> str:
    return re.search(r'<div id="publication".*?</section>', html, re.S).group(0)


def test_a_published_capsule_with_nothing_changed_is_not_offered_to_the_expert_again(client, capsule):  # noqa: F811
    page = CapsulePage.objects.get(capsule=capsule)
    page.save_revision().publish()
    client.force_login(designer(username="auteur-walk28"))
    url = reverse("geste_capsule_edit", args=[capsule.pk])
    box = _publication(client.get(url).content.decode())
    assert "La capsule est publiée." in box
    assert reverse("geste_capsule_submit", args=[capsule.pk]) not in box
    # a text changed since: the changes are offered, and said so
    client.post(url, {"title": "Changer le joint du siphon", "summary": ""})
    box = _publication(client.get(url).content.decode())
    assert reverse("geste_capsule_submit", args=[capsule.pk]) in box
    assert "Envoyer les modifications en validation à l'expert</button>" in box


def test_a_draft_capsule_is_still_offered_to_the_expert(client, capsule):  # noqa: F811
    client.force_login(designer(username="auteur-walk28b"))
    box = _publication(client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode())
    assert "Envoyer en validation à l'expert</button>" in box


def _template_part(path: str, pattern: str) -> Template:
    """The part of a template that a test renders alone (the same text as on the page)."""
    source = (Path(settings.BASE_DIR) / path).read_text()
    return Template("{% load i18n %}" + re.search(pattern, source, re.S).group(0))


@pytest.mark.parametrize(("lang", "right", "said"), [
    ("fr", 0, "Résultat du positionnement&nbsp;: 0 bonne réponse sur 2."),
    ("fr", 1, "Résultat du positionnement&nbsp;: 1 bonne réponse sur 2."),
    ("fr", 2, "Résultat du positionnement&nbsp;: 2 bonnes réponses sur 2."),
    ("en", 0, "Placement result: 0 right answers out of 2."),
    ("en", 1, "Placement result: 1 right answer out of 2."),
])
def test_the_placement_result_agrees_with_the_count_of_right_answers(lang, right, said):
    part = _template_part("capsules/learning/templates/learning/block_path.html",
                          r'<p class="path-placement-score">.*?</p>')
    with translation.override(lang):
        html = part.render(Context({"learner_path": SimpleNamespace(placement_right=right, placement_total=2)}))
    assert said in html, html


def test_every_plural_string_of_the_project_is_singular_for_0_in_french():
    """French counts 0 as singular; Django's fallback for a msgid missing from the French catalogue counts
    it as plural (n != 1): each plural msgid has its French entry (scripts/fr_plurals.py writes them)."""
    entries = re.findall(r'^(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid "((?:[^"\\]|\\.)*)"\n((?:"(?:[^"\\]|\\.)*"\n)*)'
                         r'msgid_plural ', (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po").read_text(),
                         re.M)
    assert len(entries) > 20
    wrong = []
    with translation.override("fr"):
        for context, first, more in entries:
            msgid = _unquote(first) + "".join(_unquote(line[1:-1]) for line in more.splitlines())
            plural = "?"  # never shown when the French entry is there
            got = (translation.npgettext(_unquote(context), msgid, plural, 0) if context
                   else translation.ngettext(msgid, plural, 0))
            if got != msgid:
                wrong.append(msgid)
    assert not wrong, "run scripts/fr_plurals.py then compilemessages -l fr: " + repr(wrong[:5])


def _unquote(s: str) -> str:
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in s else s


@pytest.mark.parametrize(("lang", "said"), [("fr", "0 segment corrigé\u00a0; sous-titres français régénérés."),
                                            ("en", "0 segments corrected; French captions regenerated.")])
def test_corrected_segments_are_counted_in_words_that_agree(client, footage, lang, said):  # noqa: F811
    Transcript.objects.create(footage=footage, language="fr", duration=30, task="transcribe",
                              segments=[{"start": 0.0, "end": 4.0, "text": "On coupe l'eau."}])
    user = designer(username=f"auteur-segments-{lang}")
    client.force_login(english(user) if lang == "en" else user)
    res = client.post(reverse("geste_transcript_edit", args=[footage.pk]), {"segment-0": "On coupe l'eau."},
                      follow=True)
    assert said in res.content.decode()


@pytest.mark.parametrize(("lang", "said"), [("fr", "0 capsule terminée sur 2 (0&nbsp;%)"),
                                            ("en", "0 of 2 capsules completed (0%)")])
def test_block_progress_writes_percentages_in_the_language_of_the_page(lang, said):
    progress = SimpleNamespace(total=2, completed=0, percent=0, to_consolidate=False)
    with translation.override(lang):
        html = render_to_string("cms/includes/block_progress.html",
                                {"progress": progress, "request": SimpleNamespace(user=SimpleNamespace(
                                    is_authenticated=True))})
    assert said in html, html


@pytest.mark.parametrize(("lang", "said"), [("fr", "50\u00a0%"), ("en", "50%")])
def test_percentages_written_without_a_sentence_follow_the_language(lang, said):
    with translation.override(lang):
        html = render_to_string("capsules/admin/reports/_bar.html", {"value": 50, "tone": "", "count": None})
        assert Template("{% load geste_i18n %}{{ 50|percent }}").render(Context()) == said
    assert f'<span class="geste-bar__value">{said}</span>' in html, html
    assert 'style="width: 50%"' in html


def test_english_catalogues_write_no_space_before_percent():
    for name in ("django.po", "djangojs.po"):
        po = (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES" / name).read_text()
        spaced, field = [], ""
        for line in po.splitlines():
            field = line.split(" ", 1)[0] if line.startswith("msg") else field
            if field.startswith("msgstr") and re.search(r"\)[sd] %", line):
                spaced.append(line)
        assert not spaced, (name, spaced[:5])


def _untitled(footage, capsule):  # noqa: F811
    """The steps keep the title the pipeline gives a step it could not name: « Étape N »."""
    for n, step in enumerate(footage.steps.order_by("start"), start=1):
        step.title = f"Étape {n}"
        step.save()
    capsule.refresh_from_db()
    return capsule


def test_a_default_step_title_is_said_once_in_the_question_list(footage, capsule):  # noqa: F811
    from capsules.authoring.step_changes import label_steps
    from tests.factories import InteractionFactory

    capsule = _untitled(footage, capsule)
    inter = InteractionFactory(capsule=capsule, time=12.0, step=footage.steps.get(order=2))
    label_steps(capsule, [inter])
    assert inter.step_label == "Étape 2"
    footage.steps.filter(order=2).update(title="Dévisser l'écrou")
    label_steps(capsule, [inter])
    assert inter.step_label == "Étape 2 — Dévisser l'écrou"


def test_a_default_step_title_is_said_once_in_what_is_left_to_watch(footage, capsule):  # noqa: F811
    from capsules.recognition.achievements import _left_in

    capsule = _untitled(footage, capsule)
    said = _left_in(capsule, SimpleNamespace(watched=[[0.0, 10.0]]), [], set())
    assert "l'étape 2," in said or "l'étape 2 " in said or said.endswith("l'étape 2)"), said
    assert "«\u00a0Étape 2\u00a0»" not in said, said
    footage.steps.filter(order=2).update(title="Dévisser l'écrou")
    said = _left_in(capsule, SimpleNamespace(watched=[[0.0, 10.0]]), [], set())
    assert "l'étape 2 «\u00a0Dévisser l'écrou\u00a0»" in said, said


@pytest.mark.parametrize(("title", "n", "default"), [
    ("", 2, True), ("Étape 2", 2, True), ("  etape 2 ", 2, True), ("Étape 2", 1, False),
    ("Étape 2 (suite)", 2, False), ("Dévisser", 2, False)])
def test_default_step_titles_are_told_apart_from_typed_ones(title, n, default):
    from capsules.learner_steps import is_default_title

    assert is_default_title(title, n) is default
    with translation.override("en"):
        assert is_default_title("Step 2", 2) and not is_default_title("Step 2", 3)
