"""The footage page says when the commentary sounds like another language than the one chosen at upload, and
« Retranscrire en anglais » reruns the transcription (and what hangs on it) in the language heard (walk 34:
English speech uploaded with the default « Français » gave « Je suis à l'œil » and titles to match, silently)."""

from __future__ import annotations

import pytest
from django.utils import translation

from capsules.models import Footage, PipelineRun, StageRun, Transcript
from capsules.pipeline.workflow import STAGES
from tests import factories

pytestmark = pytest.mark.django_db


def _footage(heard="en", probability=0.89, status=Footage.Status.IN_REVIEW) -> Footage:
    footage = factories.FootageFactory(duration=20.0, status=status, language="fr")
    Transcript.objects.create(footage=footage, task="transcribe", language="fr", duration=20.0,
                              segments=[{"start": 0.5, "end": 2.4, "text": "Je suis à l'œil."}],
                              heard_language=heard, heard_probability=probability)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.SUCCEEDED)
    for spec in STAGES:
        StageRun.objects.create(run=run, name=spec.name, status=StageRun.Status.SUCCEEDED, progress=100)
    return footage


def _page(client, footage) -> str:
    text = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    return text.replace("&#x27;", "'").replace("&nbsp;", "\u00a0")


def test_a_mismatch_is_said_with_a_way_to_redo_it(client):
    footage = _footage()
    client.force_login(factories.designer())
    text = _page(client, footage)
    assert 'data-role="heard-language"' in text
    assert "La parole semble être en anglais" in text and "89\u00a0%" in text
    assert 'name="language" value="en"' in text and "Retranscrire en anglais" in text

    response = client.post(f"/admin/geste/footage/{footage.pk}/rerun/transcribe/", {"language": "en"}, follow=True)
    footage.refresh_from_db()
    assert footage.language == "en"
    assert StageRun.objects.get(name="transcribe").status == StageRun.Status.PENDING
    assert "anglais" in response.content.decode()
    # While the transcription is redone in English, the old French transcript is still there: no second warning.
    assert 'data-role="heard-language"' not in _page(client, footage)


def test_no_warning_when_heard_as_chosen_or_unsure(client):
    client.force_login(factories.designer())
    for footage in (_footage(heard="fr", probability=0.99), _footage(heard="en", probability=0.4),
                    _footage(heard="", probability=None)):
        assert 'data-role="heard-language"' not in _page(client, footage)


def test_the_language_asked_is_checked(client):
    footage = _footage()
    client.force_login(factories.designer())
    for bad in ("english", "e", "<x>", "auto"):
        client.post(f"/admin/geste/footage/{footage.pk}/rerun/transcribe/", {"language": bad})
        footage.refresh_from_db()
        assert footage.language == "fr", bad


def test_an_approved_footage_asks_first_and_keeps_the_language_through_the_confirmation(client):
    footage = _footage(status=Footage.Status.APPROVED)
    factories.StepFactory(footage=footage, order=0, approved=True)
    client.force_login(factories.designer())
    url = f"/admin/geste/footage/{footage.pk}/rerun/transcribe/"
    text = client.post(url, {"language": "en"}).content.decode()
    assert 'name="confirm" value="1"' in text and 'name="language" value="en"' in text
    footage.refresh_from_db()
    assert footage.language == "fr", "nothing changes before the designer confirms"
    client.post(url, {"language": "en", "confirm": "1"})
    footage.refresh_from_db()
    assert footage.language == "en"


def test_in_english(client):
    footage = _footage()
    user = factories.designer()
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    with translation.override("en"):
        text = _page(client, footage)
    assert "The speech sounds like English" in text and "Transcribe again in English" in text


def test_an_empty_transcript_points_to_the_warning_and_no_jargon(client):
    """Walk 35: « Aucune parole détectée » beside « la parole semble être en anglais (Whisper en est sûr…) »: the page
    contradicted itself and named a tool a designer does not know."""
    footage = _footage()
    Transcript.objects.filter(footage=footage).update(segments=[])
    client.force_login(factories.designer())
    text = _page(client, footage)
    assert "Whisper" not in text and "la reconnaissance vocale en est sûre à 89\u00a0%" in text
    assert "Aucune parole détectée" not in text
    assert "Aucune parole reconnue en français\u00a0: voir l'avertissement sur la langue, plus haut." in text
