"""The designer's questions after the expert changed the approved steps (a reopened review re-approved).

- Pending proposals (``origin=drafted``, ``draft_status=proposed``) were drafted from the old steps (an
  ordering question listing the old titles, a « which step » question naming one gone): when the
  approved steps change, they are drafted again from the new steps (``drafting.draft_for_capsule``);
  accepted and discarded questions are the designer's and stay.
- Accepted questions remember their step as saved (``Interaction.step_seen``); listed, a question whose
  step is no longer the same in the approved version (renamed, moved, split, merged away) carries a
  non-blocking notice until the designer saves it again or dismisses it.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django.utils.translation import gettext as _

from capsules import learner_steps
from capsules.authoring import drafting
from capsules.models import Capsule, Interaction

log = logging.getLogger(__name__)


def seen_now(interaction: Interaction, capsule: Capsule | None = None) -> dict | None:
    """The question's step as the designer sees it now: its approved version, else its saved row. A
    question attached to no step (a drafted ordering question, one placed by its time only) goes with the
    approved step its time lies in, as the question list names it (``label_steps``): left empty, a later
    change of that step flagged nothing (the demo's accepted proposals)."""
    capsule = capsule or interaction.capsule
    approved = learner_steps.for_footage(capsule.footage).steps
    if not interaction.step_id:
        found = learner_steps.step_at(approved, interaction.time)
        return learner_steps.step_facts(found) if found is not None else None
    found = next((s for s in approved if s.id == interaction.step_id), None)
    if found is None and interaction.step is not None:
        found = interaction.step
    return learner_steps.step_facts(found) if found is not None else None


def remember_step(interaction: Interaction, capsule: Capsule | None = None) -> None:
    """Set ``step_seen`` (not saved): the designer wrote or accepted the question against this step."""
    interaction.step_seen = seen_now(interaction, capsule)


def remember_steps(interactions) -> int:
    """Set and save ``step_seen`` on questions made outside the designer's form (imported, seeded, accepted
    in bulk) that have none yet; how many were set. The form and « Accepter » call ``remember_step``."""
    done = 0
    for inter in interactions:
        if inter.step_seen:
            continue
        remember_step(inter)
        if inter.step_seen:
            inter.save(update_fields=["step_seen"])
            done += 1
    return done


def step_changed(interaction: Interaction, approved: list) -> bool:
    """Whether the remembered step differs from the approved ones (``approved``: the footage's steps)."""
    seen = interaction.step_seen
    if not seen:
        return False
    now = next((s for s in approved if s.id == seen.get("id")), None)
    return now is None or learner_steps.step_facts(now) != seen


def label_steps(capsule: Capsule, interactions: list[Interaction]) -> None:
    """Set ``step_label`` (« Étape 2 — Titre », « Après l'étape 2 — Titre » for a question attached to that step
    and asked at its end or after it) and ``step_changed`` on each listed question."""
    approved = list(learner_steps.for_footage(capsule.footage).steps)
    in_capsule = [s for s in approved if s.start >= capsule.start - learner_steps.RANGE_SLACK
                  and s.end <= capsule.effective_end + learner_steps.RANGE_SLACK]
    for inter in interactions:
        inter.step_changed = step_changed(inter, approved)
        step = next((s for s in in_capsule if s.id == inter.step_id), None)
        step = step or learner_steps.step_at(in_capsule, inter.time)
        if step is None:
            inter.step_label = ""
            continue
        n = in_capsule.index(step) + 1
        default = learner_steps.is_default_title(step.title, n)
        if step.id == inter.step_id and inter.time >= step.end - learner_steps.TIME_SLACK:
            # Asked once its step has been seen: at its end (the next step's start) or later, inside the next
            # step's time. Walk 38 read « 0:12,2 … Étape 1 » and « 0:09,8 … Étape 1 » as misplaced questions.
            inter.step_label = (_("Après l'étape %(n)s") % {"n": n} if default
                                else _("Après l'étape %(n)s — %(title)s") % {"n": n, "title": step.title})
            continue
        inter.step_label = (_("Étape %(n)s") % {"n": n} if default
                            else _("Étape %(n)s — %(title)s") % {"n": n, "title": step.title})


def dismiss(interaction: Interaction) -> None:
    """The designer read the question again: it now remembers the step as approved."""
    remember_step(interaction)
    interaction.save(update_fields=["step_seen"])


@receiver(learner_steps.steps_approved)
def redraft_pending_proposals(sender, footage, before, after, **kwargs) -> None:
    """Approved steps changed: the capsules' pending proposals are drafted again from the new steps
    (none may come back: then they are withdrawn)."""
    if not learner_steps.steps_changed(before, after):
        return
    capsules = Capsule.objects.filter(
        footage=footage, interactions__origin=Interaction.Origin.DRAFTED,
        interactions__draft_status=Interaction.DraftStatus.PROPOSED,
    ).distinct()
    for capsule in capsules:
        try:
            drafting.draft_for_capsule(capsule)
        except Exception:  # drafting failed: old proposals must not stay offered
            log.exception("drafting again for capsule %s failed: its pending proposals are withdrawn", capsule.pk)
            capsule.interactions.filter(origin=Interaction.Origin.DRAFTED,
                                        draft_status=Interaction.DraftStatus.PROPOSED).delete()
