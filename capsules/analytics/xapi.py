"""Learner activity as xAPI 1.0.3 statements, for a Learning Record Store or an LMS.

``LearnerEvent`` rows are xAPI-*shaped* (a verb, a time, some data); this module turns them into real
statements: ADL and video-profile verb IRIs, an account-based actor, the capsule page's URL as the
activity id, graded answers as ``cmi.interaction`` results. Statement ids are UUIDv5 of the learner
and the event's ``client_id``, so exporting twice yields the same ids and an LRS dedupes a re-import.

Answer keys are never exported (no ``correctResponsesPattern``): the export may leave the
organisation, and the keys are the quiz. The actor is the user's primary key under the site's URL,
not an e-mail or a username (often a real name): an LMS maps accounts, it does not need identities.

``statement`` is a pure function of typed rows; ``capsule_statements`` / ``skills_block_statements``
read the database in a fixed number of queries, streaming the events (``.iterator()``).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import JSONField, OuterRef, QuerySet, Subquery

from capsules.models import Attempt, Capsule, Interaction, LearnerEvent, SkillsBlock

XAPI_VERSION = "1.0.3"
# Fixed namespace for statement ids: the same event always gets the same id, whatever the site URL.
STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://geste.invalid/xapi/statements")

VIDEO_PROFILE = "https://w3id.org/xapi/video"
VIDEO_TYPE = "https://w3id.org/xapi/video/activity-type/video"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
PROFILE_TYPE = "http://adlnet.gov/expapi/activities/profile"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
EXT_TIME = "https://w3id.org/xapi/video/extensions/time"
EXT_TIME_FROM = "https://w3id.org/xapi/video/extensions/time-from"
EXT_TIME_TO = "https://w3id.org/xapi/video/extensions/time-to"
EXT_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"
EXT_LENGTH = "https://w3id.org/xapi/video/extensions/length"
EXT_SESSION = "https://w3id.org/xapi/video/extensions/session-id"
# The learner's pass through the capsule an answer belongs to (« Refaire la capsule » starts pass 2):
# the attempt number of the Tin Can extension registry, so an LRS tells a first try from a later one.
EXT_ATTEMPT = "http://id.tincanapi.com/extension/attempt-id"
SESSION_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://geste.invalid/xapi/sessions")


@dataclass(frozen=True)
class Verb:
    id: str
    fr: str
    en: str

    def as_dict(self) -> dict:
        if self.video:  # the video profile fixes the display: {"en-US": "<verb>"} and nothing else
            return {"id": self.id, "display": {"en-US": self.en}}
        return {"id": self.id, "display": {"fr": self.fr, "en": self.en}}

    @property
    def video(self) -> bool:
        return self.en in VIDEO_VERBS


VERBS: dict[str, Verb] = {
    "initialized": Verb("http://adlnet.gov/expapi/verbs/initialized", "a initialisé", "initialized"),
    "played": Verb("https://w3id.org/xapi/video/verbs/played", "a lu", "played"),
    "paused": Verb("https://w3id.org/xapi/video/verbs/paused", "a mis en pause", "paused"),
    "seeked": Verb("https://w3id.org/xapi/video/verbs/seeked", "s'est déplacé dans", "seeked"),
    "interacted": Verb("http://adlnet.gov/expapi/verbs/interacted", "a interagi avec", "interacted"),
    "downloaded": Verb("http://id.tincanapi.com/verb/downloaded", "a téléchargé", "downloaded"),
    "answered": Verb("http://adlnet.gov/expapi/verbs/answered", "a répondu à", "answered"),
    "completed": Verb("http://adlnet.gov/expapi/verbs/completed", "a terminé", "completed"),
    "terminated": Verb("http://adlnet.gov/expapi/verbs/terminated", "a quitté", "terminated"),
    # cmi5 "defined" statements only (capsules/analytics/cmi5_statements.py): no learner event has them
    "passed": Verb("http://adlnet.gov/expapi/verbs/passed", "a réussi", "passed"),
    "failed": Verb("http://adlnet.gov/expapi/verbs/failed", "a échoué à", "failed"),
}
VIDEO_VERBS = {"initialized", "played", "paused", "seeked", "interacted", "completed", "terminated"}

# Interaction kind -> cmi.interaction interactionType (xAPI 1.0.3, "Interaction Activities").
INTERACTION_TYPES: dict[str, str] = {
    Interaction.Kind.SINGLE_CHOICE: "choice",
    Interaction.Kind.MULTIPLE_CHOICE: "choice",
    Interaction.Kind.TRUE_FALSE: "true-false",
    Interaction.Kind.ORDERING: "sequencing",
    Interaction.Kind.CLOZE: "fill-in",
    Interaction.Kind.FREE_RECALL: "long-fill-in",
    Interaction.Kind.HOTSPOT: "other",
    Interaction.Kind.OBSERVE: "other",
}


# --- typed inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRef:
    """An activity as context or object: its IRI, names by language, type."""

    id: str
    name: dict[str, str]
    type: str

    def as_dict(self) -> dict:
        return {"objectType": "Activity", "id": self.id, "definition": {"name": dict(self.name), "type": self.type}}


@dataclass(frozen=True)
class InteractionInfo:
    """What an export may say about a question: never its answer key or its feedbacks."""

    pk: int
    kind: str
    prompt: str
    time: float
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CapsuleScope:
    """Everything a capsule's statements need besides the events themselves."""

    home_page: str
    capsule: ActivityRef
    parent: ActivityRef | None
    grouping: ActivityRef | None
    interactions: dict[int, InteractionInfo] = field(default_factory=dict)
    length: float | None = None  # seconds of video in the capsule (video profile "length")


@dataclass(frozen=True)
class AttemptRow:
    response: dict
    correct: bool | None
    score: float
    run: int = 1  # the pass through the capsule (Attempt.run)


@dataclass(frozen=True)
class EventRow:
    pk: int
    user_pk: int
    capsule_pk: int
    verb: str
    timestamp: datetime
    client_id: uuid.UUID
    data: dict
    attempt: AttemptRow | None = None
    session: uuid.UUID | None = None  # client_id of the viewing's "initialized" event


# --- pure conversion ----------------------------------------------------------------------------


def statement_id(user_pk: int, client_id: uuid.UUID) -> str:
    """Stable id: client_ids are unique per learner only, so the learner is part of the name."""
    return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{user_pk}:{client_id}"))


def iso_timestamp(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("naive datetime: xAPI timestamps need a timezone")
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _seconds(value) -> float | None:
    """A client-sent time, kept only when it is a finite, non-negative number (the data is untrusted)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return None
    return round(float(value), 3)


def _ids(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def response_string(kind: str, response: dict) -> str:
    """The learner's response in the cmi.interaction format of its interactionType."""
    response = response if isinstance(response, dict) else {}
    if kind in {Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE}:
        return "[,]".join(_ids(response.get("choices", response.get("choice"))))
    if kind == Interaction.Kind.TRUE_FALSE:
        value = response.get("value")
        truthy = value.strip().lower() in {"true", "vrai", "1", "oui"} if isinstance(value, str) else bool(value)
        return "true" if truthy else "false"
    if kind == Interaction.Kind.ORDERING:
        return "[,]".join(_ids(response.get("order")))
    if kind == Interaction.Kind.CLOZE:
        return "[,]".join(_ids(response.get("blanks")))
    if kind == Interaction.Kind.FREE_RECALL:
        return str(response.get("text", ""))
    if kind == Interaction.Kind.HOTSPOT and "x" in response and "y" in response:
        return f"{response['x']},{response['y']}"
    return json.dumps(response, ensure_ascii=False, sort_keys=True) if response else ""


def interaction_activity(scope: CapsuleScope, info: InteractionInfo) -> dict:
    interaction_type = INTERACTION_TYPES.get(info.kind, "other")
    definition: dict = {
        "name": {"fr": info.prompt[:500]},
        "type": INTERACTION_TYPE,
        "interactionType": interaction_type,
    }
    if interaction_type in {"choice", "sequencing"} and info.choices:
        definition["choices"] = [{"id": cid, "description": {"fr": text}} for cid, text in info.choices]
    return {"objectType": "Activity", "id": f"{scope.capsule.id}#interaction-{info.pk}", "definition": definition}


def _context(scope: CapsuleScope, *, parents: list[ActivityRef], groupings: list[ActivityRef], video: bool) -> dict:
    activities: dict = {}
    if parents:
        activities["parent"] = [a.as_dict() for a in parents]
    if groupings:
        activities["grouping"] = [a.as_dict() for a in groupings]
    if video:
        activities["category"] = [{"objectType": "Activity", "id": VIDEO_PROFILE, "definition": {"type": PROFILE_TYPE}}]
    context: dict = {"language": "fr"}
    if activities:
        context["contextActivities"] = activities
    return context


def statement(event: EventRow, scope: CapsuleScope) -> dict | None:
    """One xAPI statement for one event; None for a verb xAPI has no IRI for here (never guessed)."""
    verb = VERBS.get(event.verb)
    if verb is None:
        return None
    stmt: dict = {
        "id": statement_id(event.user_pk, event.client_id),
        "actor": {"objectType": "Agent", "account": {"homePage": scope.home_page, "name": str(event.user_pk)}},
        "verb": verb.as_dict(),
        "timestamp": iso_timestamp(event.timestamp),
    }
    block = [scope.parent] if scope.parent else []
    certification = [scope.grouping] if scope.grouping else []
    data = event.data if isinstance(event.data, dict) else {}

    if event.verb == "answered":
        info = scope.interactions.get(data.get("interaction"))
        if info is None:  # the question was deleted since: nothing sound to point at
            return None
        stmt["object"] = interaction_activity(scope, info)
        # The question sits inside the video: the capsule is its parent, the block and title group it.
        stmt["context"] = _context(scope, parents=[scope.capsule], groupings=block + certification, video=False)
        attempt = event.attempt
        if attempt is not None:
            correct, score, response = attempt.correct, attempt.score, attempt.response
            stmt["context"]["extensions"] = {EXT_ATTEMPT: max(1, int(attempt.run or 1))}
        else:  # older rows: the event kept a copy of the graded result
            result = data.get("result") or {}
            correct, score = result.get("success"), (result.get("score") or {}).get("scaled", 0)
            response = data.get("response") or {}
        result: dict = {"response": response_string(info.kind, response), "completion": True,
                        "extensions": {EXT_TIME: round(info.time, 3)}}
        if correct is not None:
            result["success"] = bool(correct)
        if isinstance(score, int | float) and math.isfinite(score):
            result["score"] = {"scaled": round(max(-1.0, min(1.0, float(score))), 4)}
        stmt["result"] = result
        return stmt

    stmt["object"] = scope.capsule.as_dict()
    stmt["context"] = _context(scope, parents=block, groupings=certification, video=event.verb in VIDEO_VERBS)
    extensions: dict = {}
    if event.verb in {"played", "paused"} and (t := _seconds(data.get("time"))) is not None:
        extensions[EXT_TIME] = t
    if event.verb in {"completed", "terminated"} and (t := _seconds(data.get("position"))) is not None:
        extensions[EXT_TIME] = t
    if event.verb == "seeked":
        for key, ext in (("from", EXT_TIME_FROM), ("to", EXT_TIME_TO)):
            if (t := _seconds(data.get(key))) is not None:
                extensions[ext] = t
    result = {}
    fraction = data.get("watched_fraction", data.get("progress"))
    if event.verb in {"paused", "completed", "terminated"} and isinstance(fraction, int | float) \
            and not isinstance(fraction, bool) and math.isfinite(fraction):
        extensions[EXT_PROGRESS] = round(max(0.0, min(1.0, float(fraction))), 3)
    if event.verb == "completed":
        result["completion"] = True
    if event.verb in VIDEO_VERBS:
        context_ext: dict = {}
        if event.session is not None:
            context_ext[EXT_SESSION] = str(uuid.uuid5(SESSION_NAMESPACE, f"{event.user_pk}:{event.session}"))
        if scope.length is not None and event.verb != "seeked":
            context_ext[EXT_LENGTH] = round(scope.length, 3)
        if context_ext:
            stmt["context"]["extensions"] = context_ext
    if extensions:
        result["extensions"] = extensions
    if result:
        stmt["result"] = result
    return stmt


def statements(events: Iterable[EventRow], scopes: dict[int, CapsuleScope]) -> Iterator[dict]:
    for event in events:
        scope = scopes.get(event.capsule_pk)
        if scope is not None and (stmt := statement(event, scope)) is not None:
            yield stmt


# --- database reads -----------------------------------------------------------------------------


def page_of(owner):
    """The Wagtail page of a capsule, skills block or certification, or None."""
    try:
        return owner.page
    except ObjectDoesNotExist:  # no page (yet) for this capsule, block or certification
        return None


def capsule_scopes(capsules: Iterable[Capsule], home_page: str, request=None) -> dict[int, CapsuleScope]:
    """Activities for each capsule: its page (or a stable IRI under the site when it has none), its
    skills block page, its certification page, and its questions (without answer keys)."""
    capsules = list(capsules)
    home_page = home_page.rstrip("/")
    infos: dict[int, dict[int, InteractionInfo]] = {c.pk: {} for c in capsules}
    for inter in Interaction.objects.filter(capsule__in=capsules).only("pk", "capsule_id", "kind", "prompt",
                                                                      "time", "choices"):
        choices = tuple((str(c.get("id")), str(c.get("text", ""))) for c in inter.choices or [] if isinstance(c, dict))
        infos[inter.capsule_id][inter.pk] = InteractionInfo(inter.pk, inter.kind, inter.prompt, inter.time, choices)
    scopes = {}
    for capsule in capsules:
        page = page_of(capsule)
        url = page.get_full_url(request) if page is not None else None
        activity = ActivityRef(id=url or f"{home_page}/xapi/capsules/{capsule.pk}",
                               name={"fr": capsule.title}, type=VIDEO_TYPE)
        block_page = page_of(capsule.skills_block)
        cert_page = page_of(capsule.skills_block.certification)
        block_url = block_page.get_full_url(request) if block_page is not None else None
        cert_url = cert_page.get_full_url(request) if cert_page is not None else None
        parent = ActivityRef(block_url, {"fr": f"{capsule.skills_block.code} {capsule.skills_block.title}".strip()},
                             MODULE_TYPE) if block_url else None
        grouping = ActivityRef(cert_url, {"fr": capsule.skills_block.certification.title},
                               COURSE_TYPE) if cert_url else None
        end = capsule.end if capsule.end is not None else capsule.footage.duration
        length = max(0.0, end - capsule.start) if end is not None else None
        scopes[capsule.pk] = CapsuleScope(home_page, activity, parent, grouping, infos[capsule.pk], length)
    return scopes


def _event_rows(events: QuerySet[LearnerEvent], chunk_size: int = 2000) -> Iterator[EventRow]:
    """One streamed query: each "answered" event carries its attempt's columns via subqueries."""
    attempt = Attempt.objects.filter(user_id=OuterRef("user_id"), client_id=OuterRef("client_id"))
    # The viewing an event belongs to: the learner's latest "initialized" of that capsule up to it.
    viewing = LearnerEvent.objects.filter(user_id=OuterRef("user_id"), capsule_id=OuterRef("capsule_id"),
                                          verb="initialized", timestamp__lte=OuterRef("timestamp"))
    rows = (
        events.annotate(
            session=Subquery(viewing.order_by("-timestamp", "-pk").values("client_id")[:1]),
            attempt_pk=Subquery(attempt.values("pk")[:1]),
            attempt_response=Subquery(attempt.values("response")[:1], output_field=JSONField()),
            attempt_correct=Subquery(attempt.values("correct")[:1]),
            attempt_score=Subquery(attempt.values("score")[:1]),
            attempt_run=Subquery(attempt.values("run")[:1]),
        )
        .order_by("timestamp", "pk")
        .values_list("pk", "user_id", "capsule_id", "verb", "timestamp", "client_id", "data",
                     "attempt_pk", "attempt_response", "attempt_correct", "attempt_score", "attempt_run", "session")
    )
    for pk, user_pk, capsule_pk, verb, ts, cid, data, a_pk, a_resp, a_ok, a_score, a_run, session in rows.iterator(
            chunk_size):
        attempt_row = (AttemptRow(a_resp or {}, a_ok, a_score or 0.0, a_run or 1)
                       if verb == "answered" and a_pk else None)
        yield EventRow(pk, user_pk, capsule_pk, verb, ts, cid, data or {}, attempt_row, session)


def _capsules(qs: QuerySet[Capsule]) -> list[Capsule]:
    return list(qs.select_related("page", "footage", "skills_block__page", "skills_block__certification__page"))


def capsule_statements(capsule: Capsule, home_page: str, request=None) -> Iterator[dict]:
    """Every statement of one capsule, oldest first, streamed."""
    scopes = capsule_scopes(_capsules(Capsule.objects.filter(pk=capsule.pk)), home_page, request)
    yield from statements(_event_rows(LearnerEvent.objects.filter(capsule_id=capsule.pk)), scopes)


def skills_block_statements(block: SkillsBlock, home_page: str, request=None) -> Iterator[dict]:
    """Every statement of the capsules of one skills block, oldest first, streamed."""
    scopes = capsule_scopes(_capsules(Capsule.objects.filter(skills_block=block)), home_page, request)
    yield from statements(_event_rows(LearnerEvent.objects.filter(capsule__skills_block=block)), scopes)


def event_statements(events: QuerySet[LearnerEvent], home_page: str) -> Iterator[tuple[int, dict | None]]:
    """Each event with its statement (None when it has no xAPI form): what the LRS outbox stores.
    The same builder as the export files, so a statement sent live and one exported are identical."""
    events = events.order_by("timestamp", "pk")
    capsule_ids = set(events.values_list("capsule_id", flat=True).distinct())
    scopes = capsule_scopes(_capsules(Capsule.objects.filter(pk__in=capsule_ids)), home_page)
    for event in _event_rows(events):
        scope = scopes.get(event.capsule_pk)
        yield event.pk, statement(event, scope) if scope is not None else None
