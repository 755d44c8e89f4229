"""The CLI in a subprocess: JSON on stdout, French message and exit 2 on rejection, progress bar."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mediagen import make_clip

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "media_pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/local/bin:/usr/bin:/bin"})


@pytest.fixture(scope="module")
def clip(media_dir: Path) -> Path:
    return make_clip(media_dir / "cli" / "clip.mp4", duration=3)


def test_probe_prints_json(clip):
    done = cli("probe", clip)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["width"] == 640 and data["height"] == 360 and data["has_audio"] is True
    assert data["duration"] == pytest.approx(3.0, abs=0.1) and data["flags"] == []


def test_probe_rejection_exits_2_with_french_message(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("ceci n'est pas une vidéo\n" * 20)
    done = cli("probe", fake)
    assert done.returncode == 2 and done.stdout == ""
    assert "erreur : Ce fichier n'est pas une vidéo (texte détecté)" in done.stderr
    assert "Traceback" not in done.stderr


def test_probe_limit_options(clip):
    done = cli("probe", "--max-duration", "1", clip)
    assert done.returncode == 2 and "trop longue" in done.stderr


def test_probe_hostile_name_after_double_dash(clip, tmp_path):
    hostile = tmp_path / "-x ;rm -rf ~ 'é\".mp4"
    hostile.write_bytes(clip.read_bytes())
    done = cli("probe", "--", hostile.name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["path"] == str(hostile)
    assert [p.name for p in tmp_path.iterdir()] == [hostile.name]


def test_transcode_with_progress_bar(clip, tmp_path):
    out = tmp_path / "out"
    done = cli("transcode", "--preset", "ultrafast", clip, out)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [v["name"] for v in result["variants"]] == ["240p", "360p"] and result["mp4"] == "360p.mp4"
    for key in ("master_playlist", "mp4", "poster", "sprite", "thumbnails_vtt"):
        assert (out / result[key]).is_file()
    assert "transcodage" in done.stderr and "100%" in done.stderr


def test_transcode_refuses_bad_input_without_output(tmp_path):
    bad = tmp_path / "image.mp4"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    done = cli("transcode", bad, tmp_path / "out")
    assert done.returncode == 2 and "image fixe PNG" in done.stderr
    assert not (tmp_path / "out").exists()


def test_audio_command(clip, tmp_path, media_dir):
    done = cli("audio", "--quiet", clip, tmp_path / "a.wav")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sample_rate"] == 16000 and (tmp_path / "a.wav").is_file()
    silent = make_clip(media_dir / "cli" / "silent.mp4", duration=2, audio=None)
    done = cli("audio", silent, tmp_path / "b.wav")
    assert done.returncode == 2 and "pas de piste audio" in done.stderr
    assert not (tmp_path / "b.wav").exists()


def test_help_lists_the_commands():
    done = cli("--help")
    assert done.returncode == 0
    for name in ("probe", "transcode", "audio"):
        assert name in done.stdout
