"""What every learner of a capsule gets alike, read once and kept in the cache.

Why: the manifest and the answer API are called by every learner, and most of their cost was the same
dozen ORM queries for everyone (the capsule, its steps, key points, transcript, questions, the next
capsule). Only the learner's own part (progress, attempts, choice tokens) is read per request now.

Entries carry a stamp: the pages generation (``capsules.pages``: publish, unpublish, move, page or
step or transcript change) and the learner content generation (same module: a question, a footage's
renditions or a badge rule changed), so
an entry computed before any such change is a miss. Model instances are cached as they are (pickled).

The stamp is read once per request (``capsules.pages.request_stamp``) and recent entries are also kept in
this process under their stamp (``_memo``): an answer's second lookup (its block's badge rule) costs no
round trip, and an entry this process already holds is not transferred and unpickled again. Entries are
shared between the process's threads and must be treated as read-only (they are: the manifest copies
what it changes).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.core.cache import cache

from capsules.learning.shared_content import CapsuleContent, capsule_is_live, shared_manifest
from capsules.models import Capsule, Interaction
from capsules.pages import (
    CONTENT_GENERATION_KEY,
    PAGES_GENERATION_KEY,
    new_content_generation,
    pages_generation,
    remember_request_stamp,
    request_stamp,
)

TIMEOUT = 3600
MEMO_SIZE = 512  # entries kept in process memory (a capsule's content is a few tens of kB)
_MISSING = object()
_memo: OrderedDict[str, tuple] = OrderedDict()
_memo_lock = threading.Lock()


def _memo_get(key: str, stamp):
    with _memo_lock:
        hit = _memo.get(key)
        if hit is None or hit[0] != stamp:
            return _MISSING
        _memo.move_to_end(key)
        return hit[1]


def _memo_put(key: str, stamp, value) -> None:
    with _memo_lock:
        _memo[key] = (stamp, value)
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def _generation(key: str, found: dict) -> int:
    gen = found.get(key)
    if gen is None:
        cache.add(key, time.time_ns(), None)
        gen = cache.get(key)
    return gen


def _stamp(found: dict) -> tuple:
    stamp = (found.get(PAGES_GENERATION_KEY) or pages_generation(), _generation(CONTENT_GENERATION_KEY, found))
    remember_request_stamp(stamp)
    return stamp


def cached(key: str, compute):
    """``compute()``, kept under the current stamp (pages and content generations): at most one round
    trip, none when this request already read the stamp and this process holds the entry."""
    stamp = request_stamp()
    if stamp is None and key in _memo:  # only the stamp to read: the entry may be here already
        stamp = _stamp(cache.get_many([PAGES_GENERATION_KEY, CONTENT_GENERATION_KEY]))
    if stamp is not None:
        value = _memo_get(key, stamp)
        if value is not _MISSING:
            return value
        hit = cache.get(key)
    else:
        found = cache.get_many([PAGES_GENERATION_KEY, CONTENT_GENERATION_KEY, key])
        stamp, hit = _stamp(found), found.get(key)
    if hit is not None and hit[0] == stamp:
        value = hit[1]
    else:
        value = compute()
        cache.set(key, (stamp, value), TIMEOUT)
    _memo_put(key, stamp, value)
    return value


def capsule_content(capsule_id: int) -> CapsuleContent | None:
    """The capsule's shared content, or None when learners may not see it (not live: 404)."""

    def compute():
        if not capsule_is_live(capsule_id):
            return None
        capsule = (Capsule.objects.select_related("footage", "skills_block", "page")
                   .filter(pk=capsule_id).order_by("pk").first())
        if capsule is None:
            return None
        return shared_manifest(capsule)

    return cached(f"geste:learner-content:{capsule_id}", compute)


def live_capsule(capsule_id: int) -> tuple[Capsule, frozenset[int]] | None:
    """A live capsule (footage, skills block and page loaded) and its mandatory questions; None when
    learners may not see it. Small, for the calls that do not need the whole content (progress, events)."""

    def compute():
        content = capsule_content(capsule_id)
        return (content.capsule, content.mandatory) if content is not None else None

    return cached(f"geste:learner-capsule:{capsule_id}", compute)


def answer_target(interaction_id: int) -> tuple[Interaction, frozenset[int]] | None:
    """The accepted question of a live capsule that a learner answers (its capsule attached), and the
    capsule's mandatory questions; None for anything else (404). Kept apart from the capsule's content,
    so that an answer unpickles one question, not the whole transcript."""

    def compute():
        capsule_id = (Interaction.objects.filter(pk=interaction_id, draft_status=Interaction.DraftStatus.ACCEPTED)
                      .values_list("capsule_id", flat=True).first())
        content = capsule_content(capsule_id) if capsule_id else None
        interaction = content.interaction(interaction_id) if content else None
        return (interaction, content.mandatory) if interaction is not None else None

    return cached(f"geste:learner-answer:{interaction_id}", compute)


def connect() -> None:
    """A new content generation on every change of what the cached content holds beyond the pages
    generation's own triggers (``cms.page_cache``): questions, footage renditions, block badge rules."""
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_save

    from capsules.models import Achievement, Footage
    from capsules.pages import begin_request, end_request

    request_started.connect(begin_request, dispatch_uid="geste-content-request-started")
    request_finished.connect(end_request, dispatch_uid="geste-content-request-finished")

    for model in (Interaction, Footage, Achievement):
        post_save.connect(new_content_generation, sender=model, dispatch_uid=f"geste-content-save-{model.__name__}")
        post_delete.connect(new_content_generation, sender=model, dispatch_uid=f"geste-content-del-{model.__name__}")
