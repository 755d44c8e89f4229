"""Server-side grading of a learner's response to an interaction.

Answers are graded here and only here: the player never receives ``answer_key`` (nor
which choice is right) before the learner has answered. One small function per
interaction kind, registered by kind name.

answer_key formats (relative coordinates are 0..1 of the picture):

- single_choice / multiple_choice: ``{"correct": ["a", "c"]}`` (a bare id is accepted)
- true_false: ``{"correct": true}``
- ordering: ``{"order": ["s1", "s2", "s3"]}``
- hotspot: ``{"regions": [{"rect": [x, y, w, h]}, {"polygon": [[x, y], ...]}]}``
- cloze: ``{"blanks": [["joint", "joint torique"], ["siphon"]]}`` (accepted answers per blank)
- free_recall: no key; self-assessed, graded by the learner's own rating (right only for "knew")
- observe: no key (acknowledged, always accepted)

Responses: ``{"choice": "a"}`` or ``{"choices": [...]}``, ``{"value": true}``, ``{"order": [...]}``,
``{"x": 0.4, "y": 0.6}``, ``{"blanks": ["..."]}``, ``{"text": "...", "self_assessment": "knew"}``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _


class InvalidResponse(ValueError):
    """The response does not have the shape its interaction kind needs (a client bug, not a wrong answer).
    Its message is in the request's language (French msgids): the placement and practice forms show it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class GradeResult:
    """The outcome of one attempt.

    ``solution`` is only filled for a right answer: a wrong one may be retried, and a key sent with it
    would hand the retry its answer (in the network panel, or in the manifest after a reload).
    """

    correct: bool | None
    score: float
    feedback: str = ""
    choice_feedback: dict[str, str] = field(default_factory=dict)
    solution: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


Grader = Callable[[dict, dict], tuple[bool | None, float]]
GRADERS: dict[str, Grader] = {}


def register(kind: str):
    def deco(fn: Grader) -> Grader:
        GRADERS[kind] = fn
        return fn

    return deco


def _ids(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    return [str(value)]


def _chosen(response: dict) -> list[str]:
    if "choices" in response:
        return _ids(response["choices"])
    if "choice" in response:
        return _ids(response["choice"])
    raise InvalidResponse(_("Choisissez une réponse."))


@register("single_choice")
def grade_single_choice(key: dict, response: dict) -> tuple[bool, float]:
    chosen = _chosen(response)
    if len(chosen) != 1:
        raise InvalidResponse(_("Choisissez une seule réponse."))
    ok = chosen[0] in set(_ids(key.get("correct")))
    return ok, 1.0 if ok else 0.0


@register("multiple_choice")
def grade_multiple_choice(key: dict, response: dict) -> tuple[bool, float]:
    chosen, correct = set(_chosen(response)), set(_ids(key.get("correct")))
    if not correct:
        return not chosen, 1.0 if not chosen else 0.0
    # Partial credit: each right pick counts, each wrong pick cancels one; only the exact set is correct.
    score = max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))
    return chosen == correct, round(score, 4)


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "vrai", "1", "oui"}:
        return True
    if isinstance(value, str) and value.lower() in {"false", "faux", "0", "non"}:
        return False
    raise InvalidResponse(_("Répondez par vrai ou faux."))


@register("true_false")
def grade_true_false(key: dict, response: dict) -> tuple[bool, float]:
    if "value" not in response:
        raise InvalidResponse(_("Répondez par vrai ou faux."))
    ok = _as_bool(response["value"]) == _as_bool(key.get("correct"))
    return ok, 1.0 if ok else 0.0


@register("ordering")
def grade_ordering(key: dict, response: dict) -> tuple[bool, float]:
    expected, given = _ids(key.get("order")), _ids(response.get("order"))
    if not given or sorted(given) != sorted(expected):
        raise InvalidResponse(_("Placez chaque élément une fois."))
    in_place = sum(1 for a, b in zip(expected, given, strict=True) if a == b)
    return given == expected, round(in_place / len(expected), 4)


def point_in_polygon(x: float, y: float, polygon: list[list[float]]) -> bool:
    """Even-odd ray casting; points on an edge count as inside."""
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        # On the segment?
        cross = (x - x1) * (y2 - y1) - (y - y1) * (x2 - x1)
        if (
            abs(cross) < 1e-9
            and min(x1, x2) - 1e-9 <= x <= max(x1, x2) + 1e-9
            and min(y1, y2) - 1e-9 <= y <= max(y1, y2) + 1e-9
        ):
            return True
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def point_in_region(x: float, y: float, region: dict) -> bool:
    if "rect" in region:
        rx, ry, rw, rh = (float(v) for v in region["rect"])
        return rx <= x <= rx + rw and ry <= y <= ry + rh
    if "polygon" in region:
        return point_in_polygon(x, y, [[float(a), float(b)] for a, b in region["polygon"]])
    return False


@register("hotspot")
def grade_hotspot(key: dict, response: dict) -> tuple[bool, float]:
    try:
        x, y = float(response["x"]), float(response["y"])
    except (KeyError, TypeError, ValueError):
        raise InvalidResponse(_("Touchez l'image à l'endroit choisi."))
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise InvalidResponse(_("Le point choisi est en dehors de l'image."))
    ok = any(point_in_region(x, y, r) for r in key.get("regions", []))
    return ok, 1.0 if ok else 0.0


_PUNCT = re.compile(r"[^\w\s]")


def normalise_text(text: str) -> str:
    """Case, accents, punctuation and spacing do not matter.

    « Clé  dynamométrique ! » == "cle dynamometrique".
    """
    text = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split())


@register("cloze")
def grade_cloze(key: dict, response: dict) -> tuple[bool, float]:
    blanks = key.get("blanks", [])
    given = response.get("blanks")
    if not isinstance(given, list) or len(given) != len(blanks):
        raise InvalidResponse(_("Complétez chaque trou."))
    hits = 0
    for accepted, answer in zip(blanks, given, strict=True):
        accepted = accepted if isinstance(accepted, list) else [accepted]
        if normalise_text(answer) in {normalise_text(a) for a in accepted}:
            hits += 1
    return hits == len(blanks), round(hits / len(blanks), 4) if blanks else 1.0


# Kinds whose "right" is no graded answer (a self-rating, an observation): no first-try score counts them,
# neither the learner's end screen, portfolio and badge rule nor the trainer's indicators.
UNGRADED_KINDS = frozenset({"observe", "free_recall"})

SELF_RATINGS = {"knew": 1.0, "partly": 0.5, "didnt": 0.0}  # je savais, en partie, je ne savais pas


@register("free_recall")
def grade_free_recall(key: dict, response: dict) -> tuple[bool, float]:
    """Self-assessed: no one checks a free text here, so the learner's own rating is the grade. Only
    "je savais" counts as right; "je ne savais pas" must not inflate first-try success in reports."""
    rating = response.get("self_assessment")
    if rating not in SELF_RATINGS:
        raise InvalidResponse(_("Évaluez-vous : je savais, en partie ou je ne savais pas."))
    return rating == "knew", SELF_RATINGS[rating]


@register("observe")
def grade_observe(key: dict, response: dict) -> tuple[bool, float]:
    return True, 1.0


def solution_for(interaction) -> dict:
    """What may be revealed once the learner has answered (never before)."""
    key = interaction.answer_key or {}
    if interaction.kind in {"single_choice", "multiple_choice"}:
        return {"correct": _ids(key.get("correct"))}
    if interaction.kind == "true_false":
        return {"correct": key.get("correct")}
    if interaction.kind == "ordering":
        return {"order": _ids(key.get("order"))}
    if interaction.kind == "hotspot":
        return {"regions": key.get("regions", [])}
    if interaction.kind == "cloze":
        return {"blanks": [b[0] if isinstance(b, list) and b else b for b in key.get("blanks", [])]}
    return {}


def grade(interaction, response: dict) -> GradeResult:
    """Grade ``response`` against ``interaction.answer_key``; raise InvalidResponse for a malformed one."""
    if not isinstance(response, dict):
        raise InvalidResponse(_("Réponse illisible."))
    grader = GRADERS.get(interaction.kind)
    if grader is None:
        raise InvalidResponse(_("Type de question inconnu."))
    correct, score = grader(interaction.answer_key or {}, response)
    if interaction.kind in {"free_recall", "observe"}:
        feedback = interaction.feedback_correct
    else:
        feedback = interaction.feedback_correct if correct else interaction.feedback_wrong
    chosen = set()
    if interaction.kind.endswith("_choice"):
        chosen = set(_ids(response.get("choices", response.get("choice"))))
    choice_feedback = {
        str(c.get("id")): c["feedback"]
        for c in (interaction.choices or [])
        if str(c.get("id")) in chosen and c.get("feedback")
    }
    return GradeResult(
        correct=correct,
        score=float(score),
        feedback=feedback or "",
        choice_feedback=choice_feedback,
        solution=solution_for(interaction) if correct is not False else {},
    )
