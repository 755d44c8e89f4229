"""Questions asked outside the player (placement, practice) as plain HTML forms.

Server-rendered forms work by keyboard and without JavaScript (except the hotspot, whose
point a small static script writes into two hidden fields). What a form shows never includes
the answer key: choices come from the player's public view of an interaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from capsules import storage
from capsules.learning.grading import InvalidResponse
from capsules.models import Interaction


@dataclass(frozen=True)
class QuestionView:
    """What a question form needs: no key, ordering items shuffled."""

    id: int
    kind: str
    prompt: str
    choices: list[dict]
    blanks: range
    image: str

    @property
    def positions(self) -> range:
        return range(1, len(self.choices) + 1)


def question_view(interaction: Interaction) -> QuestionView:
    from capsules.learning.views import public_choices

    blanks = len((interaction.answer_key or {}).get("blanks", [])) if interaction.kind == "cloze" else 0
    return QuestionView(
        id=interaction.pk, kind=interaction.kind, prompt=interaction.prompt,
        choices=public_choices(interaction), blanks=range(blanks),
        image=storage.url(interaction.image) if interaction.image else "",
    )


def response_from_form(interaction: Interaction, data: QueryDict) -> dict:
    """The grader's response shape from posted fields (InvalidResponse when something is missing)."""
    kind = interaction.kind
    if kind == Interaction.Kind.SINGLE_CHOICE:
        return {"choice": data.get("choice")} if data.get("choice") else {}
    if kind == Interaction.Kind.MULTIPLE_CHOICE:
        return {"choices": data.getlist("choices")}
    if kind == Interaction.Kind.TRUE_FALSE:
        return {"value": data["value"]} if data.get("value") else {}
    if kind == Interaction.Kind.ORDERING:
        ids = [str(c.get("id")) for c in interaction.choices or []]
        try:
            ranked = sorted(ids, key=lambda i: int(data.get(f"pos-{i}", "")))
            positions = sorted(int(data.get(f"pos-{i}", "")) for i in ids)
        except ValueError:
            raise InvalidResponse("Donnez un rang à chaque étape.")
        if positions != list(range(1, len(ids) + 1)):
            raise InvalidResponse("Donnez un rang différent à chaque étape.")
        return {"order": ranked}
    if kind == Interaction.Kind.HOTSPOT:
        return {"x": data.get("x"), "y": data.get("y")}
    if kind == Interaction.Kind.CLOZE:
        return {"blanks": data.getlist("blanks")}
    return {}
