"""The Wagtail page types that present the domain (defined in ``cms.models``), reached through
Django's app registry: ``cms`` sits above ``capsules`` and imports it, so ``capsules`` never imports
``cms`` back (an import-linter contract holds that)."""

from __future__ import annotations

import threading
import time

from django.apps import apps


def page_model(name: str):
    """``page_model("CapsulePage")`` → the ``cms.CapsulePage`` class."""
    return apps.get_model("cms", name)


# --- the pages generation -----------------------------------------------------------------
# A number in the cache that changes whenever a page is published, unpublished, moved, deleted or
# saved, or content a page shows changes (``cms.page_cache`` moves it on). Anything derived from the
# page tree (cached learner pages, which capsules are live) is cached with the generation it was
# computed under, and is a miss once the generation moved on.

PAGES_GENERATION_KEY = "geste:pages:generation"


def pages_generation() -> int:
    from django.core.cache import cache

    gen = cache.get(PAGES_GENERATION_KEY)
    if gen is None:
        cache.add(PAGES_GENERATION_KEY, time.time_ns(), None)
        gen = cache.get(PAGES_GENERATION_KEY)
    return gen


def new_pages_generation() -> None:
    from django.core.cache import cache

    cache.set(PAGES_GENERATION_KEY, time.time_ns(), None)
    forget_request_stamp()


# --- the learner content generation --------------------------------------------------------
# Moves on when what the learner API caches beyond the page tree changes: questions, a footage's
# renditions (captions added or corrected), a block's badge rule (``capsules.learning.content_cache``).

CONTENT_GENERATION_KEY = "geste:learner-content:generation"


def new_content_generation(**_kwargs) -> None:
    """Every cached learner content entry becomes a miss, now and once the current transaction commits
    (usable as a signal receiver; call it after a queryset ``update()``, which sends no signal)."""
    from django.core.cache import cache
    from django.db import transaction

    cache.set(CONTENT_GENERATION_KEY, time.time_ns(), None)
    forget_request_stamp()

    def again():
        cache.set(CONTENT_GENERATION_KEY, time.time_ns(), None)
        forget_request_stamp()

    transaction.on_commit(again)


# --- the stamp a request has read -------------------------------------------------------------
# Both generations are read once per request (``capsules.learning.content_cache``), then reused by the
# request's later cache lookups: a change made by another request is seen by the next request, a change
# made by this one at once (the two functions above forget the stamp). Outside a request (tasks,
# commands, tests calling functions) nothing is reused.

_request = threading.local()


def begin_request(**_kwargs) -> None:
    _request.active, _request.stamp = True, None


def end_request(**_kwargs) -> None:
    _request.active, _request.stamp = False, None


def request_stamp():
    return getattr(_request, "stamp", None)


def remember_request_stamp(stamp) -> None:
    if getattr(_request, "active", False):
        _request.stamp = stamp


def forget_request_stamp() -> None:
    _request.stamp = None
