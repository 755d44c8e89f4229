"""Questions asked outside the player (placement, practice) as plain HTML forms.

Server-rendered forms work by keyboard and without JavaScript (except the hotspot, whose
point a small static script writes into two hidden fields). What a form shows never includes
the answer key: choices come from the player's public view of an interaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

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


def item_token(interaction: Interaction, item_id) -> str:
    """An opaque name for an ordering item: stored ids (s1, s2…) would give the order away."""
    return salted_hmac("geste.question_forms.ordering", f"{interaction.pk}:{item_id}").hexdigest()[:12]


def question_view(interaction: Interaction, posted: QueryDict | None = None) -> QuestionView:
    """``posted``: the form sent back with an error; an ordering item keeps the rank the learner gave it
    (a walk saw every « Rang… » emptied after one duplicate rank)."""
    from capsules.learning.views import public_choices

    choices = public_choices(interaction)
    if interaction.kind == Interaction.Kind.ORDERING:
        texts = {str(c.get("id")): c.get("text", "") for c in interaction.choices or []}
        ids = [str(c.get("id")) for c in interaction.choices or []]
        shown = [c["text"] for c in choices]
        # Rebuild from the stored items (whatever ids the player's view uses), in the shuffled order shown.
        ordered = sorted(ids, key=lambda i: shown.index(texts[i]) if texts[i] in shown else len(shown))
        choices = [{"id": item_token(interaction, i), "text": texts[i]} for i in ordered]
        for c in choices:
            rank = (posted.get(f"pos-{c['id']}") or "") if posted is not None else ""
            c["rank"] = int(rank) if rank.isdigit() else None
    blanks = len((interaction.answer_key or {}).get("blanks", [])) if interaction.kind == "cloze" else 0
    return QuestionView(
        id=interaction.pk, kind=interaction.kind, prompt=interaction.prompt,
        choices=choices, blanks=range(blanks),
        image=storage.url(interaction.image) if interaction.image else "",
    )


def _stored_choice(interaction: Interaction, value: str) -> str:
    """The form shows the player's opaque choice ids (question_view → public_choices): map one back
    to the stored id; a stored id posted as is (an older queued review) is taken as it is."""
    from capsules.learning import delivery

    tokens = delivery.ChoiceTokens.build(interaction, delivery.GUEST)
    return tokens.stored.get(str(value), str(value))


def response_from_form(interaction: Interaction, data: QueryDict) -> dict:
    """The grader's response shape from posted fields (InvalidResponse when something is missing)."""
    kind = interaction.kind
    if kind == Interaction.Kind.SINGLE_CHOICE:
        return {"choice": _stored_choice(interaction, data.get("choice"))} if data.get("choice") else {}
    if kind == Interaction.Kind.MULTIPLE_CHOICE:
        return {"choices": [_stored_choice(interaction, c) for c in data.getlist("choices")]}
    if kind == Interaction.Kind.TRUE_FALSE:
        return {"value": data["value"]} if data.get("value") else {}
    if kind == Interaction.Kind.ORDERING:
        ids = [str(c.get("id")) for c in interaction.choices or []]
        field = {i: f"pos-{item_token(interaction, i)}" for i in ids}
        try:
            ranked = sorted(ids, key=lambda i: int(data.get(field[i], "")))
            positions = sorted(int(data.get(field[i], "")) for i in ids)
        except ValueError:
            raise InvalidResponse(_("Donnez un rang à chaque étape."))
        if positions != list(range(1, len(ids) + 1)):
            raise InvalidResponse(_("Donnez un rang différent à chaque étape."))
        return {"order": ranked}
    if kind == Interaction.Kind.HOTSPOT:
        return {"x": data.get("x"), "y": data.get("y")}
    if kind == Interaction.Kind.CLOZE:
        return {"blanks": data.getlist("blanks")}
    return {}
