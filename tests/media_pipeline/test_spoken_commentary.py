"""The commentary laid over a generated clip: sentences at their times, said by Pico or espeak-ng."""

from __future__ import annotations

import json
import subprocess
import wave

from media_pipeline.evaluation import spoken_commentary
from media_pipeline.evaluation.spoken_commentary import Cue, lay_commentary, say
from tests.mediagen import make_clip


def test_pico_voice_and_its_french_lingware_come_with_the_package():
    assert spoken_commentary.pico_available()


def test_both_voices_say_a_sentence(tmp_path):
    for pico in (True, False):
        out = say("Je retire l'ancien joint.", tmp_path / f"s-{pico}.wav", pico=pico)
        with wave.open(str(out)) as wf:
            seconds = wf.getnframes() / wf.getframerate()
            assert wf.getnchannels() == 1
        assert 0.8 < seconds < 4.0, (pico, seconds)


def test_sentences_are_laid_in_order_and_those_past_the_end_left_out(tmp_path):
    video = make_clip(tmp_path / "picture.mp4", duration=8.0, size="160x90", audio=None)
    cues = [Cue(0.5, "Je coupe l'arrivée d'eau."), Cue(0.5, "Je retire l'ancien joint."),
            Cue(7.5, "Je pose le joint neuf et je remonte.")]
    out = tmp_path / "with-speech.mp4"
    placed = lay_commentary(video, cues, out, 8.0, workdir=tmp_path)
    # Two cues at the same time: said one after the other, in their order, a pause between; the third
    # would end after the clip.
    assert [text for _s, _e, text in placed] == ["Je coupe l'arrivée d'eau.", "Je retire l'ancien joint."]
    assert placed[0][0] == 0.5
    assert placed[1][0] >= placed[0][1] + spoken_commentary.PAUSE_S - 1e-3
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(out)],
        check=True, capture_output=True, text=True).stdout)
    kinds = sorted(s["codec_type"] for s in probe["streams"])
    assert kinds == ["audio", "video"]
    assert abs(float(probe["format"]["duration"]) - 8.0) < 0.2
