"""Store a learner's graded answer and read what the completion check needs, in one round trip.

Why: the answer API is the learner path's hottest write (every question of every learner). Through the
ORM it cost a transaction (BEGIN, two INSERTs with model building and signals, two SELECTs, COMMIT):
seven round trips to PostgreSQL and most of the request's CPU. On PostgreSQL it is now one statement
(data-modifying CTEs), atomic on its own in autocommit: the attempt, its "answered" event, the
mandatory questions this learner has answered and their progress row. Other databases (SQLite in
development) take the ORM path with the same result.

The attempt's ``post_save`` is still sent (created=True) so that listeners outside ``learning`` (block
badges, LTI grades) see every correct answer as before.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.signals import post_save
from django.utils import timezone

from capsules import clock
from capsules.models import Attempt, Interaction, LearnerEvent, Progress


@dataclass(frozen=True)
class StoredAnswer:
    """What an answer left behind: the attempt, the capsule's mandatory questions the learner has now
    answered, and the progress row as (completed, watched_fraction), None when there is none yet."""

    attempt: Attempt
    answered: frozenset[int]
    progress: tuple[bool, float] | None


def _event_data(interaction: Interaction, response: dict, result) -> dict:
    return {
        "interaction": interaction.pk,
        "kind": interaction.kind,
        "response": response,
        "result": {"success": result.correct, "score": {"scaled": result.score}},
    }


def store_answer(user, interaction: Interaction, response: dict, result, client_id: uuid.UUID | None,
                 answered_at: datetime | None, mandatory: frozenset[int], run: int = 1) -> StoredAnswer:
    """Record the attempt (in pass ``run`` through the capsule) and its event; raises IntegrityError when
    this learner already sent this client_id (an offline replay: the caller answers with the first attempt).

    ``answered_at`` is the player's time (an answer queued offline keeps its own), but an attempt never goes
    before the learner's latest recorded attempt at the question: the first try is the earliest by that time,
    and a right answer sent back in time after a wrong one became the first try (audit 37)."""
    when = answered_at or clock.now()
    attempt = Attempt(user=user, interaction=interaction, response=response, correct=result.correct,
                      score=result.score, client_id=client_id or uuid.uuid4(), run=run, answered_at=when,
                      created_at=timezone.now())
    if connection.vendor != "postgresql":
        stored = _store_with_orm(attempt, interaction, result, mandatory)
    elif connection.in_atomic_block:  # inside a caller's transaction: a savepoint keeps it usable on a replay
        with transaction.atomic():
            stored = _store_in_one_statement(attempt, interaction, result, mandatory)
    else:
        stored = _store_in_one_statement(attempt, interaction, result, mandatory)
    attempt._state.adding, attempt._state.db = False, connection.alias
    post_save.send(sender=Attempt, instance=attempt, created=True, update_fields=None, raw=False,
                   using=connection.alias)
    return stored


def _store_in_one_statement(attempt: Attempt, interaction: Interaction, result,
                            mandatory: frozenset[int]) -> StoredAnswer:
    qn = connection.ops.quote_name
    a, e, p = (qn(m._meta.db_table) for m in (Attempt, LearnerEvent, Progress))
    sql = f"""
        WITH new_attempt AS (
            INSERT INTO {a} (user_id, interaction_id, response, correct, score, client_id, run, answered_at, created_at)
            SELECT %s, %s, %s::jsonb, %s, %s, %s, %s,
                   GREATEST(%s, (SELECT max(answered_at) FROM {a} WHERE user_id = %s AND interaction_id = %s)), %s
            RETURNING id, answered_at
        ), new_event AS (
            INSERT INTO {e} (user_id, capsule_id, verb, {qn('timestamp')}, client_id, data)
            SELECT %s, %s, 'answered', answered_at, %s, %s::jsonb FROM new_attempt
        )
        SELECT (SELECT id FROM new_attempt), (SELECT answered_at FROM new_attempt),
               ARRAY(SELECT DISTINCT interaction_id FROM {a}
                     WHERE user_id = %s AND interaction_id = ANY(%s::bigint[])),
               p.completed, p.watched_fraction
        FROM (SELECT 1) AS one LEFT JOIN {p} AS p ON p.user_id = %s AND p.capsule_id = %s
    """
    user_id, capsule_id = attempt.user_id, interaction.capsule_id
    params = [
        user_id, interaction.pk, json.dumps(attempt.response), attempt.correct, attempt.score, attempt.client_id,
        attempt.run, attempt.answered_at, user_id, interaction.pk, attempt.created_at,
        user_id, capsule_id, attempt.client_id,
        json.dumps(_event_data(interaction, attempt.response, result)),
        user_id, sorted(mandatory),
        user_id, capsule_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        attempt_id, attempt.answered_at, answered, completed, fraction = cursor.fetchone()
    attempt.pk = attempt_id
    # The statement's reads see the database as it was before its own inserts: add this answer.
    answered = set(answered or ()) | ({interaction.pk} & mandatory)
    return StoredAnswer(attempt, frozenset(answered), None if fraction is None else (bool(completed), fraction))


def _store_with_orm(attempt: Attempt, interaction: Interaction, result, mandatory: frozenset[int]) -> StoredAnswer:
    with transaction.atomic():
        latest = (Attempt.objects.filter(user_id=attempt.user_id, interaction_id=attempt.interaction_id)
                  .aggregate(latest=Max("answered_at"))["latest"])
        attempt.answered_at = max(attempt.answered_at, latest) if latest else attempt.answered_at
        Attempt.objects.bulk_create([attempt])  # no signal here: the caller sends post_save once, as on PostgreSQL
        LearnerEvent.objects.create(user_id=attempt.user_id, capsule_id=interaction.capsule_id, verb="answered",
                                    timestamp=attempt.answered_at, client_id=attempt.client_id,
                                    data=_event_data(interaction, attempt.response, result))
        answered = set(Attempt.objects.filter(user_id=attempt.user_id, interaction_id__in=mandatory)
                       .values_list("interaction_id", flat=True)) if mandatory else set()
        row = (Progress.objects.filter(user_id=attempt.user_id, capsule_id=interaction.capsule_id)
               .values_list("completed", "watched_fraction").first())
    return StoredAnswer(attempt, frozenset(answered), (bool(row[0]), row[1]) if row else None)
