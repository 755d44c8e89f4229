"""Catalogue search for learners: ``/recherche/?q=…`` finds live capsules by title, presentation,
step titles, key points and what the expert says, down to the moment in the video.

Candidates are the capsule pages the learner API serves (``live_capsule_pages``: live, every ancestor
live) that are also public (no view restriction) and under the current site; their texts are loaded
in a handful of queries and matched in Python by ``capsules.learning.text_search`` — the same behaviour on
PostgreSQL and SQLite, and each hit knows its time. Links point at ``<capsule page>#t=<seconds>``,
counted from the capsule's start like the player's clock; a fragment leaves the page URL unchanged,
so a capsule downloaded for offline use still opens from the service worker's cache.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from capsules import learner_steps
from capsules.learning.shared_content import owning_step, spoken_passages
from capsules.learning.text_search import Query, TextMatch, fold, highlight, match_text, parse_query
from capsules.learning.timecode import clock, link_seconds
from capsules.learning.views import live_capsule_pages
from capsules.models import Capsule, Interaction, Transcript

MAX_HITS = 30
PASSAGES_SHOWN = 3

KIND_LABELS = {  # the colon is part of the label: French puts a space before it, English does not
    "summary": _("Présentation :"),
    "step": _("Étape :"),
    "key_point": _("Point de vigilance :"),
    "speech": _("L'expert dit :"),
}


@dataclass(frozen=True)
class Passage:
    """One matching text of a capsule: a step title, a key point, a spoken sentence or the presentation."""

    kind: str
    html: SafeString
    time: float | None  # seconds from the capsule's start; None: the capsule as a whole
    url: str
    terms: frozenset[str]

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def clock(self) -> str:
        return clock(self.time) if self.time is not None else ""


@dataclass(frozen=True)
class CapsuleHit:
    capsule_id: int
    title_html: SafeString
    url: str
    block_code: str
    block_title: str
    block_url: str
    terms: frozenset[str]
    passages: tuple[Passage, ...]
    more: int  # matching passages not shown


@dataclass(frozen=True)
class SearchResults:
    query: Query
    hits: tuple[CapsuleHit, ...]
    total: int  # capsules matching, of which at most MAX_HITS are in ``hits``

    @property
    def term_count(self) -> int:
        return len(self.query.terms)


class _Found(NamedTuple):
    kind: str
    text: str
    match: TextMatch
    time: float | None


@dataclass
class _Candidate:
    """A live capsule while matching (internal)."""

    page: object
    row: dict
    title: TextMatch | None = None
    terms: frozenset[str] = frozenset()
    passages: list[_Found] = field(default_factory=list)


def _time_url(url: str, seconds: float | None) -> str:
    return url if seconds is None else f"{url}#t={link_seconds(seconds)}"


def search_catalogue(raw_query: str, request=None) -> SearchResults:
    """Live capsules matching the query, most matched terms first, each with its matching passages."""
    from cms.models import SkillsBlockPage

    query = parse_query(raw_query)
    if not query:
        return SearchResults(query=query, hits=(), total=0)
    pages = live_capsule_pages().public()
    site = _site(request)
    if site is not None:
        pages = pages.descendant_of(site.root_page)
    pages = list(pages)
    rows = {
        r["pk"]: r
        for r in Capsule.objects.filter(pk__in=[p.capsule_id for p in pages]).values(
            "pk", "title", "summary", "start", "end", "order", "footage_id", "footage__duration",
            "skills_block_id", "skills_block__code", "skills_block__title",
        )
    }
    by_footage: dict[int, list[_Candidate]] = defaultdict(list)
    candidates = []
    for page in pages:
        row = rows[page.capsule_id]
        row["lo"] = row["start"]
        row["hi"] = row["end"] if row["end"] is not None else row["footage__duration"]
        cand = _Candidate(page=page, row=row)
        candidates.append(cand)
        by_footage[row["footage_id"]].append(cand)

        cand.title = match_text(query, row["title"])
        page_title = match_text(query, page.title) if page.title != row["title"] else None
        cand.terms = frozenset().union(*(m.terms for m in (cand.title, page_title) if m))
        # The page's presentation is written from the capsule's summary: the same text once, not twice.
        intro, summary = _plain(page.intro), (row["summary"] or "").strip()
        texts = [intro] if intro else []
        if summary and " ".join(fold(summary).split()) not in " ".join(fold(intro).split()):
            texts.append(summary)
        for text in texts:
            _add(cand, query, "summary", text, None)

    footage_ids = list(by_footage)
    questions: dict[int, list[tuple[float, int | None]]] = defaultdict(list)
    for capsule_id, time, step_id in Interaction.objects.filter(
            capsule_id__in=list(rows), draft_status=Interaction.DraftStatus.ACCEPTED).values_list(
            "capsule_id", "time", "step_id"):
        questions[capsule_id].append((time, step_id))
    # The approved version of the steps and key points, as the capsule page shows them: the points of
    # vigilance of a step with a question wait for its answer there (often they are the answer), so they
    # are not searched (audit 37: « Point de vigilance : … » gave the answer to whoever typed one of its words).
    for footage_id, approved in learner_steps.for_footages(footage_ids).items():
        for cand in by_footage[footage_id]:
            steps = approved.steps_in(cand.row["lo"], cand.row["hi"])
            for st in steps:
                _add(cand, query, "step", st.title, st.start)
            ranges = [(st.start, st.end, st.pk) for st in steps]
            asked = {owner[2] for time, step_id in questions[cand.row["pk"]]
                     if (owner := owning_step(time, ranges, step_id)) is not None}
            kept_back = [(a, b) for a, b, pk in ranges if pk in asked]
            for kp in approved.key_points_in(cand.row["lo"], cand.row["hi"]):
                if not any(a <= kp.time <= b for a, b in kept_back):
                    _add(cand, query, "key_point", kp.text, kp.time)
    for footage_id, sentences in _spoken(footage_ids).items():
        for start, end, text, folded in sentences:
            for cand in by_footage[footage_id]:  # as the capsule page: sentences overlapping the range
                if end >= cand.row["lo"] and start <= cand.row["hi"]:
                    _add(cand, query, "speech", text, max(start, cand.row["lo"]), folded)

    matched = [c for c in candidates if c.terms]
    matched.sort(key=lambda c: (
        -len(c.terms), c.title is None, -len(c.passages),
        c.row["skills_block__code"], c.row["order"], c.row["pk"],
    ))
    block_urls = _block_urls({c.row["skills_block_id"] for c in matched[:MAX_HITS]}, request, SkillsBlockPage)
    hits = tuple(_hit(c, request, block_urls) for c in matched[:MAX_HITS])
    return SearchResults(query=query, hits=hits, total=len(matched))


Sentence = tuple[float, float, str, str]  # start, end, text, folded text
# transcript pk -> (updated_at, its sentences). Segments carry every word with its times, several
# times the size of the text: decoding them on each search cost more than the matching itself, so
# each process keeps the sentences (and their folded form) and reloads a transcript only when its
# updated_at changes.
_SPOKEN: dict[int, tuple[object, list[Sentence]]] = {}


def _spoken(footage_ids: list[int]) -> dict[int, list[Sentence]]:
    """The sentences of each footage's transcript (not the translation), by footage id."""
    global _SPOKEN
    rows = list(Transcript.objects.filter(footage_id__in=footage_ids, task="transcribe")
                .values_list("pk", "footage_id", "updated_at"))
    memo = _SPOKEN
    fresh = {pk: memo[pk] for pk, _f, stamp in rows if pk in memo and memo[pk][0] == stamp}
    stale = [pk for pk, _f, _s in rows if pk not in fresh]
    for pk, stamp, segments in Transcript.objects.filter(pk__in=stale).values_list("pk", "updated_at", "segments"):
        fresh[pk] = (stamp, [(p.start, p.end, p.text, fold(p.text)) for p in spoken_passages(segments)])
    if len(fresh) != len(memo) or stale:  # edited, new, deleted or no longer live transcripts
        _SPOKEN = fresh
    return {footage_id: fresh[pk][1] for pk, footage_id, _stamp in rows if pk in fresh}


def _add(cand: _Candidate, query: Query, kind: str, text: str, time: float | None, folded: str | None = None) -> None:
    found = match_text(query, text, folded) if text else None
    if found:
        cand.passages.append(_Found(kind, text, found, None if time is None else max(0.0, time - cand.row["lo"])))
        cand.terms = cand.terms | found.terms


def _plain(rich_text: str) -> str:
    return html.unescape(strip_tags(rich_text or "")).strip()


def _site(request):
    from wagtail.models import Site

    if request is not None:
        return Site.find_for_request(request)
    return Site.objects.filter(is_default_site=True).select_related("root_page").first()


def _block_urls(block_ids: set[int], request, model) -> dict[int, str]:
    pages = model.objects.live().filter(skills_block_id__in=block_ids)
    return {p.skills_block_id: p.get_url(request=request) or "" for p in pages}


def _hit(cand: _Candidate, request, block_urls: dict[int, str]) -> CapsuleHit:
    row = cand.row
    url = cand.page.get_url(request=request) or ""
    def when(p: _Found) -> float:
        return -1.0 if p.time is None else p.time

    best = sorted(cand.passages, key=lambda p: (-len(p.match.terms), when(p)))[:PASSAGES_SHOWN]
    passages = tuple(
        Passage(kind=p.kind, html=mark_safe(highlight(p.text, p.match.spans)), time=p.time,
                url=_time_url(url, p.time), terms=p.match.terms)
        for p in sorted(best, key=when)
    )
    title = row["title"]
    title_html = mark_safe(highlight(title, cand.title.spans, max_chars=len(title)) if cand.title
                           else html.escape(title))
    return CapsuleHit(
        capsule_id=row["pk"], title_html=title_html, url=url,
        block_code=row["skills_block__code"], block_title=row["skills_block__title"],
        block_url=block_urls.get(row["skills_block_id"], ""),
        terms=cand.terms, passages=passages, more=len(cand.passages) - len(passages),
    )


@require_GET
def search_view(request):
    from django.template.response import TemplateResponse

    raw = request.GET.get("q", "")
    results = search_catalogue(raw, request)
    return TemplateResponse(request, "cms/search.html", {"q": raw.strip(), "results": results})
