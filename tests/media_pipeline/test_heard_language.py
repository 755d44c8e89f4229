"""A commentary transcribed in a chosen language also says which language Whisper hears (walk 34: English speech
uploaded with the form's default « Français » gave « Je suis à l'œil » and titles to match, with no hint that the
speech was English). The guess is made once, on the first chunk with speech; nothing when the language is
detected anyway, nor on silence."""

from __future__ import annotations

import pytest

from media_pipeline.transcribe import TranscribeSettings, Transcript, transcribe
from tests.media_pipeline import french_speech
from tests.mediagen import espeak_wav


def test_english_speech_under_french_is_heard_as_english(whisper_base_dir, tmp_path):
    wav = espeak_wav("I am opening the washer. Now I am putting the clothes in the washer and closing the lid.",
                     tmp_path / "en.wav", voice="en-us", speed=140)
    tr = transcribe(wav, TranscribeSettings(model_dir=whisper_base_dir, language="fr"))
    assert tr.language == "fr"
    assert tr.heard_language == "en" and tr.heard_probability > 0.5
    back = Transcript.from_dict(tr.to_dict())
    assert (back.heard_language, back.heard_probability) == (tr.heard_language, tr.heard_probability)


def test_french_speech_under_french_is_heard_as_french(whisper_base_dir, tmp_path):
    # Real French speech (Debian's Asterisk prompts): robotic espeak French is heard as Czech at 0.26.
    wav, _ = french_speech.build_wav(french_speech.TEST_SET[:3], tmp_path / "fr3.wav")
    tr = transcribe(wav, TranscribeSettings(model_dir=whisper_base_dir, language="fr"))
    assert tr.heard_language == "fr"


@pytest.mark.parametrize("language", [None, "fr"])
def test_nothing_heard_on_silence(whisper_base_dir, tmp_path, language):
    import subprocess

    wav = tmp_path / "silence.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "5", str(wav)],
                   check=True)
    tr = transcribe(wav, TranscribeSettings(model_dir=whisper_base_dir, language=language))
    assert tr.heard_language == "" and tr.heard_probability == 0.0
