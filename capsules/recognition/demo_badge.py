"""For the demo (`make run`): give the demo block its badge, and let the demo learner earn it
through the real completion path — the learner API over HTTP (Django's test client), answers
graded by the server, progress recorded as the player records it; nothing is written by hand.

To be called from ``capsules/demo.py`` (the lead wires it; see the recognition report)::

    from capsules.recognition.demo_badge import ensure_block_achievement, earn_as_learner
    ensure_block_achievement(block)
    earn_as_learner(people["apprenant"], block)
"""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.test import Client
from django.urls import reverse

from capsules.learning import delivery
from capsules.learning.grading import solution_for
from capsules.learning.progress import live_capsules
from capsules.models import Achievement, BadgeCredential, Interaction, SkillsBlock


def ensure_block_achievement(block: SkillsBlock, min_first_try_score: int = 50) -> Achievement:
    achievement, _ = Achievement.objects.get_or_create(skills_block=block, defaults={
        # Walk 27: the block page heads it « Badge du bloc « … » »: « Bloc validé : <bloc> » read twice over.
        "name": block.title,
        "description": block.description or f"Compétences du bloc {block.code} démontrées en capsules vidéo.",
        # Walk 22b: « terminées (… questions obligatoires réussies) » beside a capsule marked « Terminée » with
        # a mandatory question answered wrong: completion asks them answered, the badge right.
        "criteria_narrative": "Toutes les capsules du bloc terminées (vidéo regardée, questions obligatoires "
                              "répondues), chaque question obligatoire réussie, et au moins "
                              f"{min_first_try_score} % de bonnes réponses au premier essai.",
        "min_first_try_score": min_first_try_score,
    })
    return achievement


def right_response(interaction: Interaction) -> dict | None:
    """The response a learner who knows the gesture gives (None for kinds the demo does not answer)."""
    solution = solution_for(interaction)
    if interaction.kind == Interaction.Kind.SINGLE_CHOICE:
        return {"choice": solution["correct"][0]}
    if interaction.kind == Interaction.Kind.MULTIPLE_CHOICE:
        return {"choices": solution["correct"]}
    if interaction.kind == Interaction.Kind.TRUE_FALSE:
        return {"value": solution["correct"]}
    if interaction.kind == Interaction.Kind.ORDERING:
        return {"order": solution["order"]}
    if interaction.kind == Interaction.Kind.FREE_RECALL:
        return {"text": "Je coupe l'eau avant de démonter.", "self_assessment": "knew"}
    if interaction.kind == Interaction.Kind.HOTSPOT:
        for region in solution.get("regions", []):
            if "rect" in region:  # touch the middle of the zone
                x, y, w, h = (float(v) for v in region["rect"])
                return {"x": round(x + w / 2, 4), "y": round(y + h / 2, 4)}
        return None
    if interaction.kind == Interaction.Kind.OBSERVE:
        return {}
    return None


def _ok(response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"API apprenant : {response.status_code} {response.content[:200]!r}")


def earn_as_learner(user, block: SkillsBlock) -> BadgeCredential | None:
    """Watch every live capsule of the block and answer its questions through the learner API."""
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost")
    client = Client(SERVER_NAME=host)
    client.force_login(user)
    for capsule in live_capsules(block):
        start, end = capsule.start, capsule.effective_end
        _ok(client.post(reverse("learner-progress", args=[capsule.pk]),
                        json.dumps({"position": end, "watched": [[start, end]]}), content_type="application/json"))
        for interaction in capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED):
            response = right_response(interaction)
            if response is not None:
                # the player only knows this learner's opaque choice ids (learning/delivery.py)
                response = delivery.response_to_public(interaction, response, delivery.audience_for(user))
                _ok(client.post(reverse("learner-answer", args=[interaction.pk]),
                                json.dumps({"response": response, "client_id": str(uuid.uuid4())}),
                                content_type="application/json"))
    return BadgeCredential.objects.filter(user=user, achievement__skills_block=block, revoked_at=None).first()
