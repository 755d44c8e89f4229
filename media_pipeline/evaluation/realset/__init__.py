"""The real-footage development set: public first-person clips, annotated by hand.

Why: a segmenter tuned on generated clips must be judged on footage nobody on the project
made. No video is committed (licences, size): ``manifest.json`` records for each clip where it
comes from (repository, path, commit, git blob), its licence, SHA-256 and duration; ``fetch``
copies the clips from local git mirrors (or any folder holding them) into ``var/realset`` and
checks every byte against the manifest. The hand-made truth of each clip sits in ``truth/``
(the format of ``media_pipeline.evaluation.truth``, the same as the review screen's export).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from media_pipeline.evaluation.truth import Truth, load_truth

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
DEFAULT_DEST = Path("var/realset")
DEFAULT_MIRRORS = Path("/work/.mirror")
_MAX_CANDIDATE_BYTES = 64 * 1024 * 1024  # a folder scan ignores anything larger than any clip


@dataclass(frozen=True)
class RealClip:
    """One clip of the set, as the manifest records it."""

    id: str
    repo: str
    path: str
    commit: str
    blob: str
    sha256: str
    bytes: int
    duration: float
    width: int
    height: int
    fps: float
    audio: bool
    dataset: str
    licence: str
    truth: str
    scene: str = ""
    hands_at_work: bool | None = None
    # A project page often shows the first-person input beside renders: the clip is then the crop
    # {x, y, w, h} of the committed file (``sha256`` and ``bytes`` are the committed file's).
    crop: dict | None = None
    note: str = ""
    # "fresh": added after the tuning, never tuned on nor looked at while tuning; reported apart
    # and kept out of both halves. "long": real takes of 40 s or more (minutes of work are the real
    # use), likewise reported apart and kept out of both halves. "take": real-time first-person takes of
    # 20 s or more (not sped up, no frozen frames, several steps), likewise apart; the ``long`` group's demos
    # are time-lapsed. "homes": real-time first-person takes of about 10 s from a body-worn wide-angle camera
    # at home (session 45), annotated by two people blind, likewise apart. Empty: the clip's half (``half``).
    group: str = ""

    @property
    def filename(self) -> str:
        return f"{self.id}.mp4"

    @property
    def source_filename(self) -> str:
        """The committed file as fetched: the clip itself, or the composite it is cropped from."""
        return f"{self.id}.source.mp4" if self.crop else self.filename

    def truth_path(self, manifest_dir: Path = HERE) -> Path:
        return manifest_dir / self.truth


@dataclass
class FetchReport:
    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)


@dataclass
class RealSample:
    """A clip ready for the benchmark: what the harness reads from a generated clip."""

    clip: RealClip
    path: str
    truth: Truth
    steps: list[tuple[float, float]]
    duration: float
    width: int
    height: int
    transcript: dict | None = None

    @property
    def seed(self) -> str:
        return self.clip.id


def half(clip_id: str) -> str:
    """The clip's half of the set, fixed by its id alone (parity of its SHA-256): ``dev`` clips may be
    tuned on, ``report`` clips never; the benchmark reports both apart."""
    return "dev" if int(hashlib.sha256(clip_id.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "report"


GROUPS = ("dev", "report", "fresh", "long", "take", "homes")


def group_of(clip: RealClip) -> str:
    """``dev`` / ``report`` (the half fixed by the id) or the manifest's ``group`` (``fresh``, ``long``, ``take``,
    ``homes``)."""
    return clip.group or half(clip.id)


def load_manifest(path: str | Path = MANIFEST) -> list[RealClip]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != "geste-realset":
        raise ValueError(f"{path} : ce n'est pas un manifeste du jeu réel")
    names = {f.name for f in fields(RealClip)}
    return [RealClip(**{k: v for k, v in c.items() if k in names}) for c in data["clips"]]


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _from_mirror(clip: RealClip, mirrors: Path, out: Path) -> bool:
    """Copy the clip's git blob out of a local mirror (``<mirrors>/<owner>+<name>/repo``)."""
    repo = mirrors / clip.repo.replace("/", "+") / "repo"
    if not repo.is_dir():
        return False
    with open(out, "wb") as fh:
        done = subprocess.run(["git", "-C", str(repo), "cat-file", "blob", clip.blob], stdout=fh,
                              stderr=subprocess.DEVNULL)
    return done.returncode == 0


def _crop(clip: RealClip, source: Path, out: Path) -> None:
    """Cut the first-person panel out of a composite page video (video only, near-lossless)."""
    c = clip.crop or {}
    tmp = out.with_suffix(".part.mp4")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-vf",
                    f"crop={c['w']}:{c['h']}:{c.get('x', 0)}:{c.get('y', 0)}", "-an", "-c:v", "libx264",
                    "-crf", "18", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(tmp)], check=True)
    tmp.replace(out)


def _index_folder(folder: Path) -> dict[str, Path]:
    """SHA-256 -> file for every plausible file under ``folder`` (names do not matter)."""
    found: dict[str, Path] = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink() and 0 < p.stat().st_size <= _MAX_CANDIDATE_BYTES:
            found.setdefault(sha256_of(p), p)
    return found


def fetch(clips: Iterable[RealClip], dest: str | Path = DEFAULT_DEST, *, mirrors: str | Path | None = DEFAULT_MIRRORS,
          source_dir: str | Path | None = None, log: Callable[[str], None] = print) -> FetchReport:
    """Put every clip into ``dest`` and verify its SHA-256; a clip already there is re-checked."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    report = FetchReport()
    index = _index_folder(Path(source_dir)) if source_dir else {}
    for clip in clips:
        target = dest / clip.source_filename
        if target.exists() and sha256_of(target) == clip.sha256:
            if clip.crop and not (dest / clip.filename).exists():
                _crop(clip, target, dest / clip.filename)
            report.present.append(clip.id)
            continue
        tmp = target.with_suffix(".part")
        ok = False
        if clip.sha256 in index:
            shutil.copyfile(index[clip.sha256], tmp)
            ok = True
        elif mirrors is not None:
            ok = _from_mirror(clip, Path(mirrors), tmp)
        if not ok:
            tmp.unlink(missing_ok=True)
            report.missing.append(clip.id)
            log(f"absent : {clip.id} ({clip.repo}:{clip.path} @ {clip.commit[:10]})")
            continue
        if sha256_of(tmp) != clip.sha256:
            tmp.unlink(missing_ok=True)
            report.corrupt.append(clip.id)
            log(f"empreinte SHA-256 différente, ignoré : {clip.id}")
            continue
        tmp.replace(target)
        if clip.crop:
            _crop(clip, target, dest / clip.filename)
        report.copied.append(clip.id)
        log(f"copié : {clip.id}")
    return report


def samples(dest: str | Path = DEFAULT_DEST, manifest: str | Path = MANIFEST, verify: bool = True,
            groups: Iterable[str] = ("dev", "report")) -> tuple[list[RealSample], list[str]]:
    """The clips of ``groups`` present in ``dest`` (with the right SHA-256) that have a truth file, and
    the ids missing. The other groups (``fresh``, ``long``, ``take``, ``homes``) are left out unless asked for: the
    halves stay as they were."""
    manifest = Path(manifest)
    groups = set(groups)
    out, missing = [], []
    for clip in load_manifest(manifest):
        if group_of(clip) not in groups:
            continue
        video, truth_file = Path(dest) / clip.filename, clip.truth_path(manifest.parent)
        source = Path(dest) / clip.source_filename
        if not video.exists() or not source.exists() or not truth_file.exists() \
                or (verify and sha256_of(source) != clip.sha256):
            missing.append(clip.id)
            continue
        truth = load_truth(truth_file)
        out.append(RealSample(clip=clip, path=str(video), truth=truth, steps=truth.spans,
                              duration=truth.duration, width=clip.width, height=clip.height))
    return out, missing
