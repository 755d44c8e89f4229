"""Audio extraction: 16 kHz mono s16le WAV with the right content, no WAV for silent footage."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.audio import AudioResult, extract_audio
from media_pipeline.errors import PermanentMediaError
from tests.mediagen import espeak_wav, make_clip


def read_wav(path: Path) -> tuple[wave._wave_params, np.ndarray]:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        samples = np.frombuffer(wav.readframes(params.nframes), dtype="<i2")
    return params, samples


@pytest.fixture(scope="module")
def audio_dir(media_dir: Path) -> Path:
    d = media_dir / "audio"
    d.mkdir(exist_ok=True)
    return d


def test_sine_clip_gives_16k_mono_with_the_same_tone(audio_dir, tmp_path):
    clip = make_clip(audio_dir / "sine.mp4", duration=3)
    seen: list[float] = []
    result = extract_audio(clip, tmp_path / "out.wav", progress=seen.append)
    assert isinstance(result, AudioResult) and result.sample_rate == 16000
    assert result.path == str((tmp_path / "out.wav").resolve())
    assert result.duration == pytest.approx(3.0, abs=0.05)
    params, samples = read_wav(tmp_path / "out.wav")
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 16000)
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    peak_hz = np.argmax(spectrum) * 16000 / len(samples)
    assert peak_hz == pytest.approx(440, abs=3)  # resampled, not just relabelled
    assert seen == sorted(seen) and seen[-1] == 100.0
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]  # no partial file left


def test_speech_clip_keeps_the_speech(audio_dir, tmp_path):
    speech = espeak_wav("Coupez l'arrivée d'eau avant de démonter le siphon.", audio_dir / "speech.wav")
    clip = make_clip(audio_dir / "speech.mp4", duration=4, audio=speech)
    result = extract_audio(clip, tmp_path / "speech16k.wav")
    _params, samples = read_wav(Path(result.path))
    frames = samples[: len(samples) // 1600 * 1600].reshape(-1, 1600).astype(float)  # 100-ms frames
    rms = np.sqrt((frames ** 2).mean(axis=1))
    assert (rms > 300).sum() >= 10   # at least a second of voiced audio
    assert (rms < 50).sum() >= 1     # and the padded tail is silent


def test_stereo_44k_mkv_is_downmixed(audio_dir, tmp_path):
    clip = audio_dir / "stereo.mkv"
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:duration=2",
                    "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100:duration=2",
                    "-af", "pan=stereo|c0=c0|c1=c0", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "libopus", str(clip)], check=True, capture_output=True)
    result = extract_audio(clip, tmp_path / "nested" / "dir" / "out.wav")
    params, samples = read_wav(Path(result.path))
    assert (params.nchannels, params.framerate) == (1, 16000)
    assert result.duration == pytest.approx(2.0, abs=0.1)
    assert np.abs(samples).max() > 1000


def test_no_audio_track_is_permanent_and_writes_nothing(audio_dir, tmp_path):
    clip = make_clip(audio_dir / "silent.mp4", duration=2, audio=None)
    with pytest.raises(PermanentMediaError, match="pas de piste audio"):
        extract_audio(clip, tmp_path / "out.wav")
    assert list(tmp_path.iterdir()) == []


def test_missing_source(tmp_path):
    with pytest.raises(PermanentMediaError, match="introuvable"):
        extract_audio(tmp_path / "absent.mp4", tmp_path / "out.wav")


def test_hostile_names_and_replacing_an_old_wav(audio_dir, tmp_path):
    clip = make_clip(audio_dir / "sine.mp4", duration=3)
    src = tmp_path / "-src ;rm -rf ~ 'é\".mp4"
    src.write_bytes(clip.read_bytes())
    out = tmp_path / "-out $(touch x).wav"
    out.write_bytes(b"old content")
    result = extract_audio(src, out)
    assert read_wav(out)[0].framerate == 16000 and result.duration == pytest.approx(3.0, abs=0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([src.name, out.name])
