"""Pure validation of what a reviewer sends: steps, key points, comments.

No database here, so the rules are tested directly and the API only maps errors to HTTP 400.
Times are rounded to the millisecond; boundaries may touch but never overlap.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from media_pipeline.timecode import clock_tenths

MIN_STEP_SECONDS = 1.0
MAX_TITLE = 255
MAX_TEXT = 2000
EPSILON = 0.0005  # half a millisecond: rounding noise, not an overlap
# An end past the footage's duration by less than half the tenth the screen shows is its end (clamped): the
# pipeline rounds step times to the hundredth, so a last step to the end of an 8.556-s clip ended at 8.56 and
# the expert's first save was refused as « la fin (0:08,6) dépasse la durée de la vidéo (0:08,6) » (walk 32).
END_SLACK = 0.05


@dataclass(frozen=True)
class FieldError:
    """One problem, located by step index (or None) and field, with a message in the active language."""

    message: str
    index: int | None = None
    field: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class ReviewValidationError(ValueError):
    """Raised with every problem found, so the screen can show them all at once."""

    def __init__(self, errors: list[FieldError], detail: str | None = None):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
        self.detail = detail or _("Les modifications ne sont pas valides.")

    def to_dict(self) -> dict:
        return {
            "detail": self.detail,
            "errors": [e.to_dict() for e in self.errors],
        }


@dataclass(frozen=True)
class StepInput:
    """A step as the reviewer left it; ``id`` is None for a step created by a split."""

    start: float
    end: float
    title: str = ""
    id: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class KeyPointInput:
    time: float
    kind: str
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ValidationSettings:
    duration: float
    min_step: float = MIN_STEP_SECONDS
    kinds: tuple[str, ...] = field(default=("safety", "quality"))


def _number(value, label: str, index: int | None, errors: list[FieldError]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.append(FieldError(_("%(field)s : un nombre de secondes est attendu.") % {"field": label}, index, label))
        return None
    return round(float(value), 3)


def _fmt(seconds: float) -> str:
    """A length, in seconds, in the active language's style (1,5 s / 1.5 s)."""
    return _("%(seconds)s s") % {"seconds": number_format(seconds, 1)}


def _at(seconds: float) -> str:
    """A time of the video, as the review screen shows it (the site's clock with the tenth: 0:12,3, 0:12.3
    in English)."""
    return clock_tenths(seconds).replace(",", get_format("DECIMAL_SEPARATOR"))


def validate_steps(raw, settings: ValidationSettings) -> list[StepInput]:
    """Check a whole list of steps: each inside [0, duration], at least ``min_step`` long,
    sorted by start, not overlapping, ids unique. Returns them parsed, or raises with all errors."""
    errors: list[FieldError] = []
    if not isinstance(raw, list):
        raise ReviewValidationError([FieldError(_("La liste des étapes est attendue."), None, "steps")])
    if not raw:
        raise ReviewValidationError([FieldError(_("Il faut au moins une étape."), None, "steps")])
    parsed: list[StepInput] = []
    seen_ids: set[int] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            errors.append(FieldError(_("Étape mal formée."), i, None))
            continue
        start = _number(item.get("start"), "start", i, errors)
        end = _number(item.get("end"), "end", i, errors)
        title = item.get("title", "") or ""
        if not isinstance(title, str):
            errors.append(FieldError(_("Le titre doit être un texte."), i, "title"))
            title = ""
        title = title.strip()
        if len(title) > MAX_TITLE:
            errors.append(
                FieldError(_("Titre trop long (%(length)s caractères, %(max)s au plus).")
                           % {"length": len(title), "max": MAX_TITLE}, i, "title")
            )
        step_id = item.get("id")
        if step_id is not None:
            if isinstance(step_id, bool) or not isinstance(step_id, int):
                errors.append(FieldError(_("Identifiant d'étape invalide."), i, "id"))
                step_id = None
            elif step_id in seen_ids:
                errors.append(FieldError(_("Cette étape apparaît deux fois."), i, "id"))
            else:
                seen_ids.add(step_id)
        if start is None or end is None:
            continue
        n = i + 1
        if start < -EPSILON:
            errors.append(
                FieldError(_("Étape %(n)s : le début est avant le début de la vidéo.") % {"n": n}, i, "start"))
        if end > settings.duration + END_SLACK:
            errors.append(
                FieldError(
                    _("Étape %(n)s : la fin (%(end)s) dépasse la durée de la vidéo (%(duration)s).")
                    % {"n": n, "end": _at(end), "duration": _at(settings.duration)},
                    i,
                    "end",
                )
            )
        if end - start < settings.min_step - EPSILON:
            errors.append(
                FieldError(
                    _("Étape %(n)s : trop courte (%(length)s, %(min)s au moins).")
                    % {"n": n, "length": _fmt(max(0.0, end - start)), "min": _fmt(settings.min_step)},
                    i,
                    "end",
                )
            )
        parsed.append(
            StepInput(start=max(0.0, start), end=min(end, settings.duration), title=title, id=step_id)
        )
    for i in range(1, len(parsed)):
        prev, cur = parsed[i - 1], parsed[i]
        if cur.start < prev.start - EPSILON:
            errors.append(
                FieldError(_("Étape %(n)s : les étapes doivent être dans l'ordre chronologique.") % {"n": i + 1},
                           i, "start")
            )
        elif cur.start < prev.end - EPSILON:
            errors.append(
                FieldError(
                    _("Étape %(n)s : elle chevauche l'étape %(previous)s (%(start)s < %(end)s).")
                    % {"n": i + 1, "previous": i, "start": _at(cur.start), "end": _at(prev.end)},
                    i,
                    "start",
                )
            )
    if errors:
        raise ReviewValidationError(errors)
    return parsed


def validate_key_point(raw, settings: ValidationSettings) -> KeyPointInput:
    errors: list[FieldError] = []
    if not isinstance(raw, dict):
        raise ReviewValidationError([FieldError(_("Point de vigilance mal formé."))])
    time = _number(raw.get("time"), "time", None, errors)
    if time is not None and not (-EPSILON <= time <= settings.duration + EPSILON):
        errors.append(FieldError(_("L'instant doit être dans la durée de la vidéo."), None, "time"))
    kind = raw.get("kind")
    if kind not in settings.kinds:
        errors.append(FieldError(_("Le type doit être « sécurité » ou « qualité »."), None, "kind"))
    text = validate_text(raw.get("text"), errors)
    if errors:
        raise ReviewValidationError(errors)
    return KeyPointInput(time=min(max(0.0, time), settings.duration), kind=kind, text=text)


def validate_text(value, errors: list[FieldError] | None = None, *, label: str = "text") -> str:
    """A non-empty text of at most MAX_TEXT characters; appends to ``errors`` or raises."""
    own = errors is None
    errors = [] if own else errors
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors.append(FieldError(_("Le texte est vide."), None, label))
    elif len(text) > MAX_TEXT:
        errors.append(FieldError(_("Texte trop long (%(max)s caractères au plus).") % {"max": MAX_TEXT}, None, label))
    if own and errors:
        raise ReviewValidationError(errors)
    return text


def validate_version(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ReviewValidationError(
            [FieldError(_("La version lue (« version ») est obligatoire pour enregistrer."), None, "version")]
        )
    return value


def validate_titles_for_approval(titles: list[str]) -> None:
    """An approved step always has a name: learners see it in the chapter list and the search.
    Refused as the screen's confirmation says it (« Valider les étapes »), each step located."""
    errors = [FieldError(_("Étape %(n)s : donnez-lui un titre avant de valider.") % {"n": i + 1}, i, "title")
              for i, title in enumerate(titles) if not (title or "").strip()]
    if errors:
        raise ReviewValidationError(errors, detail=_("Validation refusée : chaque étape doit avoir un titre."))
