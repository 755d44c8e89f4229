"""The home page's « Reprendre » card (walk 37): a signed-in learner back on the site's home page had no way back to
the capsule they were watching but through its skills block's page.

The card names the learner's most recently watched capsule that they have not completed and that the player would
resume mid-way (the player's rule: a position more than a second past the start and before the last second),
watched in the last ``RECENT_DAYS`` days. Only a capsule whose page is live in a live branch under this home page
(never a draft, nor a page under an unpublished block) and whose view restrictions (its page's or above) this
request passes. Only this user's progress; signed-in pages are never stored in the page cache (cms/page_cache.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from capsules.learning import page_privacy
from capsules.learning.timecode import clock
from capsules.models import Progress
from capsules.pages import page_model

RECENT_DAYS = 30
CANDIDATES = 5  # the newest unfinished progress rows looked at (a restricted or unpublished one is skipped)


@dataclass(frozen=True)
class ResumeCard:
    title: str
    block: str  # the skills block's code and title, as the home page lists it
    url: str
    time: str  # where the learner stopped, m:ss from the capsule's start
    duration: str


def resume_card(request, root) -> ResumeCard | None:
    """The card for ``request.user`` on the home page ``root``, or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    rows = (Progress.objects.filter(user=user, completed=False, updated_at__gte=since, capsule__page__live=True)
            .select_related("capsule__footage", "capsule__skills_block").order_by("-updated_at")[:CANDIDATES])
    capsule_pages = page_model("CapsulePage").objects
    for progress in rows:
        capsule = progress.capsule
        start, end = capsule.start, capsule.effective_end
        if not (start + 1 < progress.position < end - 1):
            continue  # the player would start from the beginning: nothing to resume
        page = capsule_pages.live().filter(capsule=capsule, path__startswith=root.path).first()
        if page is None or page.get_ancestors().filter(depth__gt=root.depth, live=False).exists():
            continue
        if not page_privacy.passes(request, capsule.pk):
            continue
        url = page.get_url(request)
        if not url:
            continue
        block = capsule.skills_block
        return ResumeCard(title=capsule.title, block=f"{block.code} — {block.title}", url=url,
                          time=clock(progress.position - start), duration=clock(end - start))
    return None
