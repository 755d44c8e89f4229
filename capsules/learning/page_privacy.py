"""Wagtail's page privacy (« Confidentialité »: a password, signed-in users, some groups) for what serves a
capsule beside its page: the learner API (manifest, chapters, offline bundle, answers, progress, events), the
capsule's badge, the SCORM relay and the footage's media.

Wagtail applies a page's view restrictions (its own and its ancestors') when it serves the page; the API and
the media answer outside its routing, so they ask here (audit 37: they served a restricted capsule's questions
and video to anyone who knew its number). Which restrictions apply to a capsule is remembered under the pages
generation (a new one on every page change, and on every restriction saved or deleted: ``cms/page_cache``); a
capsule without any costs one cache round trip, a restricted one reads its restrictions to check them."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import F, Subquery
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction

from capsules.pages import PAGES_GENERATION_KEY, page_model, pages_generation


def restriction_ids(capsule_id: int) -> tuple[int, ...]:
    """The view restrictions of the capsule's page and of its ancestors (empty: public)."""
    key = f"geste:capsule-restrictions:{capsule_id}"
    found = cache.get_many([PAGES_GENERATION_KEY, key])
    gen = found.get(PAGES_GENERATION_KEY) or pages_generation()
    hit = found.get(key)
    if hit is not None and hit[0] == gen:
        return hit[1]
    # One query: the restrictions on any page whose tree path starts the capsule page's (itself, its ancestors).
    path = Subquery(page_model("CapsulePage").objects.filter(capsule_id=capsule_id).values("path")[:1])
    ids = tuple(PageViewRestriction.objects.annotate(length=Length("page__path"))
                .filter(page__path=Substr(path, 1, F("length"))).order_by("pk").values_list("pk", flat=True))
    cache.set(key, (gen, ids), 3600)
    return ids


def passes(request, capsule_id: int) -> bool:
    """Whether this request passes every view restriction of the capsule's page (as Wagtail would serve it)."""
    ids = restriction_ids(capsule_id)
    if not ids:
        return True
    restrictions = list(PageViewRestriction.objects.filter(pk__in=ids).prefetch_related("groups"))
    return all(r.accept_request(request) for r in restrictions)


def restricted(capsule_id: int) -> bool:
    return bool(restriction_ids(capsule_id))
