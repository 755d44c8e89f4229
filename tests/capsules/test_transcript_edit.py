"""Transcript correction beside the video: split a long segment, re-time its limits; the captions
follow, and the English track (translated from the audio) is marked as not carrying the fix."""

from __future__ import annotations

import re
from html import unescape

import pytest
import webvtt
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from capsules.models import Transcript
from tests import factories

pytestmark = pytest.mark.django_db

WORDS = "Je coupe l'eau puis je dévisse l'écrou du siphon avec la clé et je retire le joint usé".split()


@pytest.fixture
def footage(storage_root):
    footage = factories.FootageFactory(duration=25.0)
    # one 19-s segment, as Whisper makes of a long monologue
    words = [{"start": 1.0 + i, "end": 1.0 + i + 0.8, "word": " " + w, "probability": 0.9} for i, w in enumerate(WORDS)]
    seg = {"start": 1.0, "end": 20.0, "text": " " + " ".join(WORDS), "words": words}
    for lang in ("fr", "en"):
        default_storage.save(f"c/{lang}.vtt", ContentFile(b"WEBVTT\n\n00:00:01.000 --> 00:00:20.000\nx\n"))
    footage.renditions = {"mp4": "footage/x/360p.mp4", "captions": {"fr": "c/fr.vtt", "en": "c/en.vtt"}}
    footage.save()
    Transcript.objects.create(footage=footage, language="fr", duration=25.0, segments=[seg], model="whisper-base")
    return footage


def url(footage):
    return f"/admin/geste/footage/{footage.pk}/transcript/"


def test_page_shows_the_video_and_editable_times(client, footage):
    client.force_login(factories.designer())
    html = client.get(url(footage)).content.decode()
    assert 'data-role="video"' in html and "360p.mp4" in html
    assert 'name="start-0" value="1"' in html and 'name="end-0" value="20"' in html
    assert "Scinder ici" in html
    # The screen's heading is an h1 (a variable named "heading" replaced it with bare text).
    assert re.search(r'<h1 class="w-header__title"[^>]*>.*?Corriger la transcription', html, re.S)
    # Segment times on the site's clock, with the tenth (they read "1,0 – 20,0 s").
    assert '<span data-role="label">0:01,0 – 0:20,0</span>' in html


def test_split_and_retime_a_long_segment(client, footage):
    client.force_login(factories.designer())
    first, second = " ".join(WORDS[:8]), " ".join(WORDS[8:])
    res = client.post(url(footage), {
        "source-0": "0", "start-0": "1.0", "end-0": "8.9", "text-0": first,
        "source-1": "", "start-1": "8.9", "end-1": "19.5", "text-1": second.replace("usé", "usagé"),
    })
    assert res.status_code == 302, res.content.decode()[-2000:]
    segs = Transcript.objects.get(footage=footage).segments
    assert [(s["start"], s["end"]) for s in segs] == [(1.0, 8.9), (8.9, 19.5)]
    assert segs[0]["text"] == first and segs[1]["text"].endswith("joint usagé")
    # the words kept their recognised times; each segment holds only its own
    assert segs[0]["words"][0]["start"] == 1.0 and all(w["end"] <= 8.9 + 0.01 for w in segs[0]["words"])
    assert all(w["start"] >= 8.9 - 0.01 for w in segs[1]["words"])
    footage.refresh_from_db()
    cues = webvtt.from_string(default_storage.open(footage.renditions["captions"]["fr"]).read().decode())
    assert "usagé" in " ".join(c.text for c in cues) and len(cues) >= 2
    assert footage.renditions["captions_stale"] == ["en"]
    page = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert "Anglais (avant correction)" in page


def test_overlapping_times_get_a_french_error_and_change_nothing(client, footage):
    client.force_login(factories.designer())
    res = client.post(url(footage), {
        "source-0": "0", "start-0": "1.0", "end-0": "10", "text-0": "a b",
        "source-1": "", "start-1": "9", "end-1": "19", "text-1": "c d",
    })
    assert res.status_code == 400
    assert "commence avant la fin du segment précédent" in res.content.decode()
    assert not Transcript.objects.get(footage=footage).edited


@pytest.mark.parametrize(("start", "end"), [("nan", "10"), ("1.0", "nan"), ("1.0", "inf"), ("1e1", "12"),
                                            ("", "10"), ("1:75", "10")])
def test_a_time_that_is_not_a_time_is_refused_and_changes_nothing(client, footage, start, end):
    """Session 40: « nan » passed every check of the rows (a NaN compares false) and reached the database."""
    client.force_login(factories.designer())
    res = client.post(url(footage), {"source-0": "0", "start-0": start, "end-0": end, "text-0": "a b"})
    assert res.status_code == 400
    assert "Un temps n'est pas un nombre" in unescape(res.content.decode())
    assert not Transcript.objects.get(footage=footage).edited


def test_times_written_like_the_page_s_clock_are_taken(client, footage):
    client.force_login(factories.designer())
    res = client.post(url(footage), {"source-0": "0", "start-0": "0:01,0", "end-0": "0:19,5", "text-0": "a b"})
    assert res.status_code == 302, res.content.decode()[-2000:]
    assert [(s["start"], s["end"]) for s in Transcript.objects.get(footage=footage).segments] == [(1.0, 19.5)]


def test_a_hostile_field_name_in_the_text_only_form_is_ignored(client, footage):
    client.force_login(factories.designer())
    res = client.post(url(footage), {"segment-x": "a", "segment-0": "On coupe l'eau."})
    assert res.status_code == 302
