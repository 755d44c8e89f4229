"""A learner's portfolio (badges, completed capsules, gestures practised) and its share links.

Private by default: only its owner sees it, or whoever holds a share link that is neither expired
nor revoked. Share tokens are random (256 bits) and only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from capsules import clock, learner_steps, storage
from capsules.learning.progress import live_capsules
from capsules.models import Achievement, BadgeCredential, Capsule, PortfolioShare, Progress, SkillsBlock
from capsules.recognition.achievements import RuleOutcome, evaluate, first_attempts, first_try_share

MAX_SHARE_DAYS = 365


@dataclass(frozen=True)
class Gesture:
    title: str
    keyframe_url: str
    keyframe_key: str = ""  # storage key, for the PDF's thumbnails (read locally, never over HTTP)


@dataclass(frozen=True)
class CapsuleEntry:
    title: str
    block: str
    completed_at: datetime
    first_try_score: float | None  # share of questions right at the first try (see achievements)
    gestures: list[Gesture] = field(default_factory=list)
    first_try_right: int = 0
    first_try_answered: int = 0
    # The gestures are those recorded at completion and the capsule's steps have changed since.
    steps_changed: bool = False
    url: str = ""  # the capsule's live page (words 28: the portfolio's titles led nowhere)


@dataclass(frozen=True)
class Portfolio:
    owner: str
    badges: list[BadgeCredential]
    capsules: list[CapsuleEntry]


def _owner_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _page_url(capsule) -> str:
    page = getattr(capsule, "page", None)
    return page.url if page is not None and page.live and page.url else ""


def build_portfolio(user) -> Portfolio:
    badges = list(BadgeCredential.objects.filter(user=user, revoked_at=None)
                  .select_related("achievement__skills_block").order_by("-issued_at"))
    done = (Progress.objects.filter(user=user, completed=True)
            .select_related("capsule__skills_block", "capsule__footage", "capsule__page")
            .order_by("-completed_at"))
    entries = []
    for progress in done:
        capsule: Capsule = progress.capsule
        graded = list(capsule.interactions.filter(draft_status="accepted").exclude(kind__in=["observe", "free_recall"])
                      .values_list("pk", flat=True))
        firsts = list(first_attempts(user, graded).values())
        current = [step for step in learner_steps.capsule_steps(capsule) if step.approved]
        # The steps the learner completed (recorded then); a completion from before they were recorded:
        # the capsule's current steps.
        steps = current if progress.completed_steps is None else learner_steps.read_completed(progress.completed_steps)
        changed = progress.completed_steps is not None and not learner_steps.same_steps(steps, current)
        gestures = [Gesture(learner_steps.display_title(step.title, n) if step.title else str(step),
                            storage.url(step.keyframe) if step.keyframe else "", step.keyframe)
                    for n, step in enumerate(steps, start=1)]
        entries.append(CapsuleEntry(capsule.title, capsule.skills_block.code, progress.completed_at,
                                    first_try_share(firsts), gestures,
                                    sum(1 for a in firsts if a.correct), len(firsts), changed, _page_url(capsule)))
    return Portfolio(_owner_name(user), badges, entries)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share(user, days: int, label: str = "") -> tuple[PortfolioShare, str]:
    """A new share link valid ``days`` days; returns the row and the token (shown once)."""
    days = max(1, min(int(days), MAX_SHARE_DAYS))
    token = secrets.token_urlsafe(32)
    share = PortfolioShare.objects.create(user=user, token=_digest(token), label=label[:120],
                                          expires_at=timezone.now() + timedelta(days=days))
    return share, token


def open_share(token: str) -> PortfolioShare | None:
    """The share for this token if it is still valid (not expired, not revoked), else None."""
    share = PortfolioShare.objects.select_related("user").filter(token=_digest(token)).first()
    if share is None or share.revoked_at is not None or share.expires_at <= timezone.now() \
            or not share.user.is_active:
        return None
    return share


def revoke_share(user, share_id: int) -> bool:
    return bool(PortfolioShare.objects.filter(pk=share_id, user=user, revoked_at=None)
                .update(revoked_at=timezone.now()))


@dataclass(frozen=True)
class BlockBadge:
    """What a skills block page says of its badge: its name and rule, and the learner's credential if earned."""

    name: str
    criteria: str
    credential: BadgeCredential | None
    outcome: RuleOutcome | None = None  # a signed-in learner without the badge: what is still missing
    # With a credential: the block's capsule count when it was issued (None: not recorded) and how many
    # live capsules were published in the block since (the badge stays valid; the page says why the
    # block's progress is no longer 100 %).
    capsules_then: int | None = None
    new_capsules: int = 0


def block_badge(user, skills_block) -> BlockBadge | None:
    achievement = Achievement.objects.filter(skills_block=skills_block).first()
    if achievement is None:
        return None
    credential = outcome = None
    then, since = None, []
    if user.is_authenticated:
        credential = BadgeCredential.objects.filter(user=user, achievement=achievement, revoked_at=None).first()
        if credential is None:
            outcome = evaluate(user, achievement)
        else:
            then, since = credential.capsules_then_and_since(live_capsules(skills_block).values_list("pk", flat=True))
    return BlockBadge(achievement.name, achievement.criteria_narrative, credential, outcome, then, len(since))


@dataclass(frozen=True)
class CapsuleBadge:
    """The block badge that completing one capsule earned (the player's end screen says so)."""

    name: str
    block: SkillsBlock
    credential: BadgeCredential


def badge_earned_by_capsule(user, capsule: Capsule) -> CapsuleBadge | None:
    """The block's badge when this capsule's completion is what earned it, from what the server recorded:
    the learner holds the block's live credential, issued by the rule (not awarded by hand), and this
    capsule is the one of the block they completed last before it was issued. None otherwise."""
    if not user.is_authenticated:
        return None
    credential = (BadgeCredential.objects.filter(user=user, achievement__skills_block_id=capsule.skills_block_id,
                                                 revoked_at=None, awarded_by=None)
                  .select_related("achievement", "achievement__skills_block").first())
    if credential is None:
        return None
    # Completion times run on the journey's clock (``capsules.clock``), issuance on the real one.
    issued = credential.issued_at + (clock.now() - timezone.now()) + timedelta(seconds=1)
    last = (Progress.objects.filter(user=user, completed=True, completed_at__lte=issued,
                                    capsule__in=live_capsules(capsule.skills_block))
            .order_by("-completed_at", "-pk").values_list("capsule_id", flat=True).first())
    if last != capsule.pk:
        return None
    return CapsuleBadge(credential.achievement.name, credential.achievement.skills_block, credential)
