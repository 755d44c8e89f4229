"""The capsule page's transcript: one paragraph per sentence, each with its own time.

Whisper may return several sentences said after silences as ONE segment (here: 0, 14, 21 and 31 s);
the captions were cut per sentence, but the "Transcription" panel, its search and the catalogue
search used to show the whole segment at its start (0:00), so a click could only lead there."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Transcript
from cms.search import search_catalogue
from tests import factories, pages

pytestmark = pytest.mark.django_db

SENTENCES = [  # (start of the first word, sentence): one Whisper segment, silences between them
    (0.0, "Je coupe l'arrivée d'eau."),
    (14.0, "Ensuite je place une bassine dessous."),
    (21.0, "Je dévisse l'écrou à la main."),
    (31.0, "Enfin je nettoie le <b>joint</b> & la portée."),
]


def whisper_segment() -> dict:
    """One segment as faster-whisper stores it: words with a leading space, 0.4 s each."""
    words = []
    for start, sentence in SENTENCES:
        for i, token in enumerate(sentence.split()):
            words.append({"start": start + 0.4 * i, "end": start + 0.4 * (i + 1), "word": " " + token,
                          "probability": 0.9})
    return {"start": 0.0, "end": words[-1]["end"], "text": " " + " ".join(s for _, s in SENTENCES),
            "words": words}


@pytest.fixture
def capsules():
    footage = factories.FootageFactory(duration=40.0)
    Transcript.objects.create(footage=footage, language="fr", duration=40.0, segments=[whisper_segment()])
    whole = factories.CapsuleFactory(footage=footage, title="Démonter un siphon", start=0, end=None)
    late = factories.CapsuleFactory(footage=footage, title="Nettoyer le joint", start=20.0, end=None)
    return {"whole": (whole, pages.capsule_page(whole)), "late": (late, pages.capsule_page(late))}


def transcript_paragraphs(body: str) -> list[tuple[str, str]]:
    panel = re.search(r'<div class="gp-transcript" data-geste-transcript>(.*?)</div>', body, re.S).group(1)
    return re.findall(r'<p data-start="([^"]*)">(.*?)</p>', panel, re.S)


def test_page_shows_one_paragraph_per_sentence_at_its_own_time(capsules):
    client = Client()
    client.force_login(factories.learner())
    body = client.get(capsules["whole"][1].url).content.decode()
    paragraphs = transcript_paragraphs(body)
    assert [start for start, _ in paragraphs] == ["0.00", "14.00", "21.00", "31.00"]
    assert [html.unescape(text) for _, text in paragraphs] == [s for _, s in SENTENCES]
    # Escaped, never markup.
    assert "&lt;b&gt;joint&lt;/b&gt; &amp; la" in paragraphs[3][1] and "<b>" not in body

    # A capsule cut from 20 s shows the sentences said in it, not the whole segment from 0:00.
    body = client.get(capsules["late"][1].url).content.decode()
    assert [start for start, _ in transcript_paragraphs(body)] == ["21.00", "31.00"]


def test_manifest_transcript_has_one_entry_per_sentence_with_its_words(capsules):
    client = Client()
    client.force_login(factories.learner())
    capsule = capsules["whole"][0]
    data = client.get(reverse("learner-manifest", args=[capsule.pk])).json()
    assert [s["start"] for s in data["transcript"]] == [0.0, 14.0, 21.0, 31.0]
    assert [s["text"] for s in data["transcript"]] == [s for _, s in SENTENCES]
    third = data["transcript"][2]
    assert [w["text"].strip() for w in third["words"]] == SENTENCES[2][1].split()
    assert third["words"][0] == {"start": 21.0, "end": 21.4, "text": " Je"}
    assert all(s["start"] <= w["start"] <= s["end"] for s in data["transcript"] for w in s["words"])

    late = client.get(reverse("learner-manifest", args=[capsules["late"][0].pk])).json()
    assert [s["start"] for s in late["transcript"]] == [21.0, 31.0]


def test_catalogue_search_links_to_the_sentence_not_the_segment_start(capsules):
    hit = next(h for h in search_catalogue("bassine").hits if h.capsule_id == capsules["whole"][0].pk)
    speech = [p for p in hit.passages if p.kind == "speech"]
    assert [(p.time, p.clock) for p in speech] == [(14.0, "0:14")]
    assert speech[0].url.endswith("#t=14") and "dévisse" not in speech[0].html
    # In the capsule cut from 20 s, "écrou" is said 1 s in; the sentence at 14 s is not in it.
    late = next(h for h in search_catalogue("écrou").hits if h.capsule_id == capsules["late"][0].pk)
    assert [p.time for p in late.passages if p.kind == "speech"] == [1.0]
    assert not [h for h in search_catalogue("bassine").hits if h.capsule_id == capsules["late"][0].pk]
