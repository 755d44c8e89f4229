"""Small test media made on the fly with ffmpeg lavfi sources and espeak-ng.

Nothing binary is committed: every test asks for the clip it needs and gets a
cached file under the pytest temp directory.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def espeak_wav(text: str, out: Path, *, voice: str = "fr", speed: int = 150) -> Path:
    """French (by default) speech synthesised by espeak-ng into a WAV file."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), text],
                   check=True, capture_output=True)
    return out


def make_clip(out: Path, *, duration: float = 4.0, size: str = "640x360", fps: int = 25,
              audio: str | Path | None = "sine", rotate: int | None = None,
              vfr: bool = False, vcodec: str = "libx264", container_args: tuple[str, ...] = ()) -> Path:
    """Encode a test clip.

    audio: "sine" for a tone, a Path to a WAV to mux (padded/cut to duration), or None.
    rotate: write a display-matrix rotation (phone footage) of 90/180/270 degrees.
    vfr: variable frame rate (frames dropped irregularly, timestamps kept).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i",
           f"testsrc2=size={size}:rate={fps}:duration={duration}"]
    if audio == "sine":
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={duration}"]
    elif audio is not None:
        cmd += ["-i", str(audio)]
    vf = []
    if vfr:
        # Drop a changing subset of frames while keeping timestamps: a real VFR stream.
        vf.append("select='not(eq(mod(n\\,7)\\,3))*not(eq(mod(n\\,11)\\,5))'")
    if vf:
        cmd += ["-vf", ",".join(vf)]
    if vfr:
        cmd += ["-fps_mode", "vfr"]
    cmd += ["-c:v", vcodec, "-pix_fmt", "yuv420p"]
    if vcodec == "libx264":
        cmd += ["-preset", "ultrafast"]
    if audio is not None:
        cmd += ["-c:a", "aac", "-b:a", "96k", "-af", f"apad,atrim=0:{duration}"]
    cmd += ["-t", str(duration), *container_args, str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    if rotate:
        rotated = out.with_name(out.stem + f".rot{rotate}" + out.suffix)
        done = subprocess.run(["ffmpeg", "-y", "-v", "error", "-display_rotation", str(rotate),
                               "-i", str(out), "-c", "copy", str(rotated)], capture_output=True)
        if done.returncode != 0:
            # ffmpeg < 6 has no -display_rotation; its mov muxer turns the "rotate" tag into the matrix.
            subprocess.run(["ffmpeg", "-y", "-v", "error", "-i", str(out), "-c", "copy",
                            "-metadata:s:v:0", f"rotate={rotate}", str(rotated)],
                           check=True, capture_output=True)
        shutil.move(rotated, out)
    return out


ASTERISK_FR = Path("/usr/share/asterisk/sounds/fr")
ASTERISK_FR_TEXT = Path("/usr/share/doc/asterisk-core-sounds-fr/core-sounds-fr.txt.gz")


def asterisk_transcripts() -> dict[str, str]:
    """Reference texts of Debian's real French recordings (asterisk-core-sounds-fr)."""
    import gzip

    texts = {}
    with gzip.open(ASTERISK_FR_TEXT, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            name, sep, text = line.partition(":")
            if sep and text.strip() and " " not in name.strip():
                texts[name.strip()] = text.strip()
    return texts


def real_french_speech(names: list[str], out: Path, *, gap: float = 0.6) -> tuple[Path, str]:
    """Concatenate real French recordings (with short pauses) into a 16 kHz WAV; returns (path, text)."""
    texts = asterisk_transcripts()
    parts = []
    for i, name in enumerate(names):
        part = out.with_name(f"{out.stem}.part{i}.wav")
        subprocess.run(["sox", str(ASTERISK_FR / f"{name}.wav"), "-r", "16000", str(part), "pad", "0", str(gap)],
                       check=True, capture_output=True)
        parts.append(str(part))
    subprocess.run(["sox", *parts, str(out)], check=True, capture_output=True)
    for p in parts:
        Path(p).unlink()
    return out, " ".join(texts.get(n, "") for n in names)
