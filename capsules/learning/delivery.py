"""Opaque, per-learner choice ids: what the player sees of an interaction's choices.

Stored choice ids carry meaning: ordering items are ``s<step pk>`` in step order, so sorting the
ids handed to the player gave the solution (issue 11). The player now only sees tokens: an HMAC of
(interaction, learner, stored id) under the site's secret, so they reveal nothing, differ from one
learner to the next, and stay stable for one learner (a reload, an answer queued offline and sent
later, a resumed attempt all still match). Ordering items, and the options of single- and
multiple-choice questions, are shuffled with a per-learner seed.

Responses are translated back to stored ids before grading, and stored that way (attempts,
events, xAPI keep the designer's ids); whatever goes back to the player is translated to tokens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

from capsules.learning.grading import InvalidResponse

#: Interaction kinds whose choices have ids the learner sends back.
CHOICE_KINDS = {"single_choice", "multiple_choice", "ordering"}
GUEST = "guest"


def audience_for(user) -> str:
    """Who the tokens are minted for: one logged-in learner, or every visitor (who cannot see
    anything a learner could not: the order is shuffled and the ids opaque all the same)."""
    return f"u{user.pk}" if user is not None and user.is_authenticated else GUEST


@dataclass(frozen=True)
class ChoiceTokens:
    """Stored id <-> token for one interaction and one audience."""

    public: dict[str, str]   # stored id -> token
    stored: dict[str, str]   # token -> stored id

    @classmethod
    def build(cls, interaction, audience: str) -> ChoiceTokens:
        public = {}
        for choice in interaction.choices or []:
            sid = str(choice.get("id"))
            digest = salted_hmac("geste.learning.choice", f"{interaction.pk}:{audience}:{sid}",
                                 algorithm="sha256").hexdigest()
            public[sid] = "c" + digest[:15]
        return cls(public=public, stored={t: s for s, t in public.items()})

    def to_stored(self, token) -> str:
        try:
            return self.stored[str(token)]
        except KeyError:
            raise InvalidResponse("Réponse inconnue : rechargez la page.") from None

    def to_public(self, sid) -> str:
        return self.public.get(str(sid), "")


def shuffled(interaction, audience: str, items: list[dict]) -> list[dict]:
    """Ordering items in a per-learner order that is never the solved one (from three items: doing nothing
    is no answer). Two items are in a per-learner random order: « never solved » would show everyone the
    one wrong order, and the answer would be to swap them (audit 37)."""
    rng = random.Random(salted_hmac("geste.learning.order", f"{interaction.pk}:{audience}").hexdigest())
    original = [i["id"] for i in items]
    items = list(items)
    for _ in range(8):
        rng.shuffle(items)
        if [i["id"] for i in items] != original or len(items) < 3:
            return items
    return items[1:] + items[:1]  # a rotation is never the identity


def shuffled_choices(interaction, audience: str, items: list[dict]) -> list[dict]:
    """Single- and multiple-choice options in a per-learner order (the designer often writes the right
    one first): a plain seeded shuffle, stable for one learner (a reload shows the same order), which
    may leave the authored order as it is, unlike ``shuffled``. Grading goes by choice identity (tokens
    mapped back to stored ids), never by the position shown."""
    rng = random.Random(salted_hmac("geste.learning.choices", f"{interaction.pk}:{audience}").hexdigest())
    items = list(items)
    rng.shuffle(items)
    return items


def _map_ids(value, convert):
    if isinstance(value, list | tuple):
        return [convert(v) for v in value]
    return convert(value)


def _translate(interaction, response, audience: str, to_stored: bool):
    """The choice ids of a response, from tokens to stored ids or back; other kinds pass through."""
    if interaction.kind not in CHOICE_KINDS or not isinstance(response, dict):
        return response
    tokens = ChoiceTokens.build(interaction, audience)
    convert = tokens.to_stored if to_stored else tokens.to_public
    out = dict(response)
    for field in ("choice", "choices", "order"):
        if field in out and out[field] is not None:
            out[field] = _map_ids(out[field], convert)
    return out


def response_to_stored(interaction, response, audience: str):
    """The learner's response with stored ids, ready for grading and storing."""
    return _translate(interaction, response, audience, to_stored=True)


def response_to_public(interaction, response, audience: str):
    """A stored response as the player knows it (tokens)."""
    return _translate(interaction, response, audience, to_stored=False)


def result_to_public(interaction, result: dict, audience: str) -> dict:
    """A grading result (GradeResult.to_dict()) with its choice ids as tokens."""
    if interaction.kind not in CHOICE_KINDS:
        return result
    tokens = ChoiceTokens.build(interaction, audience)
    out = dict(result)
    out["choice_feedback"] = {tokens.to_public(k): v for k, v in (result.get("choice_feedback") or {}).items()}
    solution = dict(result.get("solution") or {})
    for field in ("correct", "order"):
        if field in solution:
            solution[field] = _map_ids(solution[field], tokens.to_public)
    out["solution"] = solution
    return out
