"""Truth files: the steps a person approved for one video, as JSON the benchmark reads.

One format for every source of truth: the review screen's export (an expert approved the
steps of a footage), the hand annotations of the real development set, and any outside
check. Everything outside ``steps`` is rest. ``source`` says where the video comes from and
under which licence, so a truth file travels with its provenance.

    {"format": "geste-truth", "version": 1, "title": "...", "duration": 12.0,
     "video": {"name": "clip.mp4", "sha256": "..."},
     "steps": [{"start": 0.4, "end": 3.1, "title": "..."}, ...],
     "source": {"repo": "...", "path": "...", "commit": "...", "licence": "..."},
     "annotation": {"by": "...", "how": "...", "approved_at": "..."}}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "geste-truth"
VERSION = 1


class TruthError(ValueError):
    """A truth file that cannot be trusted (unknown format, steps out of order or out of the video)."""


@dataclass(frozen=True)
class TruthStep:
    start: float
    end: float
    title: str = ""


@dataclass
class Truth:
    duration: float
    steps: list[TruthStep]
    title: str = ""
    video: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    annotation: dict[str, Any] = field(default_factory=dict)

    @property
    def spans(self) -> list[tuple[float, float]]:
        """The steps as (start, end) pairs, what the metrics take."""
        return [(s.start, s.end) for s in self.steps]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "title": self.title,
                               "duration": round(float(self.duration), 3), "video": self.video,
                               "steps": [asdict(s) for s in self.steps]}
        if self.source:
            out["source"] = self.source
        if self.annotation:
            out["annotation"] = self.annotation
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"


def validate(truth: Truth, tolerance: float = 0.05) -> Truth:
    """Steps sorted, non-overlapping, inside the video, each longer than zero."""
    if not truth.duration or truth.duration <= 0:
        raise TruthError("durée absente ou nulle")
    previous_end = 0.0
    for i, s in enumerate(truth.steps):
        if not (s.end > s.start >= 0):
            raise TruthError(f"étape {i + 1} : début {s.start} et fin {s.end} incohérents")
        if s.end > truth.duration + tolerance:
            raise TruthError(f"étape {i + 1} : fin {s.end} après la fin de la vidéo ({truth.duration})")
        if s.start < previous_end - tolerance:
            raise TruthError(f"étape {i + 1} : chevauche la précédente ou n'est pas dans l'ordre")
        previous_end = s.end
    return truth


def from_dict(data: dict[str, Any]) -> Truth:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TruthError(f"ce n'est pas un fichier de vérité terrain ({FORMAT})")
    if data.get("version") != VERSION:
        raise TruthError(f"version {data.get('version')!r} inconnue (attendue : {VERSION})")
    try:
        steps = [TruthStep(float(s["start"]), float(s["end"]), str(s.get("title", "")))
                 for s in data.get("steps", [])]
        truth = Truth(duration=float(data["duration"]), steps=steps, title=str(data.get("title", "")),
                      video=dict(data.get("video") or {}), source=dict(data.get("source") or {}),
                      annotation=dict(data.get("annotation") or {}))
    except (KeyError, TypeError, ValueError) as exc:
        raise TruthError(f"champ manquant ou invalide : {exc}") from exc
    return validate(truth)


def load_truth(path: str | Path) -> Truth:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TruthError(f"{path} : JSON invalide ({exc})") from exc
    return from_dict(data)
