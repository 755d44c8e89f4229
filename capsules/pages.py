"""The Wagtail page types that present the domain (defined in ``cms.models``), reached through
Django's app registry: ``cms`` sits above ``capsules`` and imports it, so ``capsules`` never imports
``cms`` back (an import-linter contract holds that)."""

from __future__ import annotations

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
    transaction.on_commit(lambda: cache.set(CONTENT_GENERATION_KEY, time.time_ns(), None))
