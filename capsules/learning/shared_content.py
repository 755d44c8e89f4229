"""What every learner of a live capsule gets alike: which capsules are live, and the manifest's shared part.

``content_cache`` keeps ``shared_manifest``'s result between requests; ``views`` adds each learner's part.
Nothing here serialises ``Interaction.answer_key`` or which choice is right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from capsules import learner_steps, storage
from capsules.learning import delivery
from capsules.learning.grading import UNGRADED_KINDS
from capsules.models import STEP_GRACE_AFTER_END_S, Capsule, Interaction, Transcript
from capsules.pages import PAGES_GENERATION_KEY, page_model, pages_generation
from media_pipeline.captions import passages
from media_pipeline.transcribe import Segment, Word


@dataclass
class CapsuleContent:
    """A live capsule as the learner API serves it to everyone (no answer key in ``shared``)."""

    capsule: Capsule  # with footage, skills_block and page loaded
    shared: dict  # the manifest's parts that are the same for every learner
    interactions: list[Interaction]  # accepted, in time order, each with its capsule attached
    step_ranges: list[tuple[float, float, int]]
    mandatory: frozenset[int] = field(default_factory=frozenset)
    # The block's other live capsules in order, as ``BlockCapsule``: the per-learner next one is picked from
    # them with the learner's progress read (no page query per manifest).
    siblings: tuple = ()

    def interaction(self, pk: int) -> Interaction | None:
        return next((i for i in self.interactions if i.pk == pk), None)


def live_capsule_pages():
    """CapsulePages learners may reach: live, and every ancestor live. The one rule for the learner
    API and the catalogue search, for a whole set at once.

    An ancestor's tree path is a prefix of the page's: the few non-live pages that have children are
    read first, and pages under them left out with indexed prefix matches.
    """
    from wagtail.models import Page

    CapsulePage = page_model("CapsulePage")

    hidden_parents = Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True)
    under_hidden = Q()
    for path in hidden_parents:
        under_hidden |= Q(path__startswith=path)
    pages = CapsulePage.objects.live()
    return pages.exclude(under_hidden) if under_hidden else pages


def capsule_is_live(capsule_id: int) -> bool:
    """``live_capsule_pages()`` for one capsule, remembered in the cache under the pages generation
    (a new one on every publish, unpublish, move, save or deletion of a page): one cache round trip
    instead of two queries on every learner API call."""
    key = f"geste:live-capsule:{capsule_id}"
    found = cache.get_many([PAGES_GENERATION_KEY, key])
    gen = found.get(PAGES_GENERATION_KEY) or pages_generation()
    hit = found.get(key)
    if hit is not None and hit[0] == gen:
        return hit[1]
    live = live_capsule_pages().filter(capsule_id=capsule_id).exists()
    cache.set(key, (gen, live), 3600)
    return live


def public_choices(interaction: Interaction, audience: str = delivery.GUEST) -> list[dict]:
    """Choices without feedback or correctness, under opaque per-learner ids; ordering items shuffled
    per learner (their stored order, and their stored ids, are the key), and so are the options of
    single- and multiple-choice questions (the authored order often puts the right one first)."""
    tokens = delivery.ChoiceTokens.build(interaction, audience)
    items = [
        {
            "id": tokens.to_public(c.get("id")),
            "text": c.get("text", ""),
            **({"image": storage.url(c["image"])} if c.get("image") else {}),
        }
        for c in (interaction.choices or [])
    ]
    if interaction.kind == Interaction.Kind.ORDERING:
        items = delivery.shuffled(interaction, audience, items)
    elif (interaction.kind in (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE)
          and interaction.shuffle_choices):  # the designer may keep the authored order
        items = delivery.shuffled_choices(interaction, audience, items)
    return items


def owning_step(time: float, step_ranges: list[tuple[float, float, int]],
                step_id: int | None = None) -> tuple[float, float, int] | None:
    """The step a question at ``time`` belongs to for the learner: the step the designer attached it to
    (``step_id``) when the time lies in it or at most ``STEP_GRACE_AFTER_END_S`` after its end; else the
    one it lies in (its end belongs to the next one, as in the player), else the last one before it (a
    question in a gap between two steps, or after the last), else the first (before every step). The
    one rule for the manifest's questions and loop ends and the capsule page's step list."""
    chosen = next((r for r in step_ranges if step_id is not None and r[2] == step_id), None)
    if chosen and chosen[0] - 0.01 <= time <= chosen[1] + STEP_GRACE_AFTER_END_S:
        return chosen
    ordered = sorted(step_ranges)
    inside = next((r for r in ordered if r[0] - 0.01 <= time < r[1]), None)
    before = [r for r in ordered if r[0] - 0.01 <= time]
    return inside or (before[-1] if before else None) or (ordered[0] if ordered else None)


LOOP_PAST_QUESTION = 0.25  # s: a step's loop runs this far past the last question it owns


def loop_end(step_range: tuple[float, float, int], questions: list[tuple[float, int | None]],
             step_ranges: list[tuple[float, float, int]]) -> float:
    """Where the loop of a step turns back: its end, or just after the last question it owns (a
    question in the gap after it, or one attached to it just after its end), given as (time, step id),
    so that looping the step reaches every question of it."""
    owned = [t for t, step_id in questions if owning_step(t, step_ranges, step_id) == step_range]
    return max([step_range[1], *(t + LOOP_PAST_QUESTION for t in owned)])


def _plain(text: str) -> str:
    return " ".join(str(text or "").casefold().replace("’", "'").split()).strip(" .!?;:")


def recalls_key_point(interaction: Interaction, key_points: Iterable[str], titles: Iterable[str]) -> bool:
    """A free recall whose expected answer is a point of vigilance of the capsule (as Geste drafts the
    safety recalls: the expert's words) and names no step: the steps' names do not give it away, the
    player keeps them while it is open (only the key points are hidden)."""
    answer = _plain((interaction.answer_key or {}).get("model_answer", ""))
    if interaction.kind != Interaction.Kind.FREE_RECALL or not answer:
        return False
    if any(len(t) > 2 and t in answer for t in map(_plain, titles)):
        return False
    return any(len(k) > 3 and k in answer for k in map(_plain, key_points))


def public_interaction(interaction: Interaction, step_ranges: list[tuple[float, float, int]],
                       audience: str = delivery.GUEST, key_points: Iterable[str] = (),
                       titles: Iterable[str] = ()) -> dict:
    owner = owning_step(interaction.time, step_ranges, interaction.step_id)
    step = next(((a, b) for a, b, pk in step_ranges if pk == interaction.step_id), None) or (
        owner[:2] if owner else None
    )
    data = {
        "id": interaction.pk,
        "time": interaction.time,
        "kind": interaction.kind,
        "prompt": interaction.prompt,
        "choices": public_choices(interaction, audience),
        "mandatory": interaction.mandatory,
        "replay_step_on_wrong": interaction.replay_step_on_wrong,
        "step": {"start": step[0], "end": step[1]} if step else None,  # "Revoir l'étape"
        "step_id": owner[2] if owner else None,  # the step it belongs to (loop, step list)
        "answer_url": reverse("learner-answer", args=[interaction.pk]),
    }
    if interaction.mandatory and interaction.kind not in UNGRADED_KINDS:
        # « Continuer » after a wrong answer is recorded there (``views.went_on``): « à reprendre » on any device.
        data["went_on_url"] = reverse("learner-went-on", args=[interaction.pk])
    if interaction.image:
        data["image"] = storage.url(interaction.image)
    if interaction.kind == Interaction.Kind.CLOZE:
        data["blanks"] = len((interaction.answer_key or {}).get("blanks", []))
    if interaction.kind == Interaction.Kind.FREE_RECALL:
        # The expected answer is an answer like any other: not here. The learner asks for it
        # (« Voir la réponse attendue »), the server records that and sends it, then they rate themself.
        data["reveal_url"] = reverse("learner-reveal", args=[interaction.pk])
        if recalls_key_point(interaction, key_points, titles):
            data["recalls_key_point"] = True
    return data


def _segment(data: dict) -> Segment:
    """A stored segment (JSON) as the media library's; words without times are left out."""
    words = [Word(float(w["start"]), float(w.get("end", w["start"])), str(w.get("word", w.get("text", ""))),
                  float(w.get("probability", 1.0)))
             for w in data.get("words") or [] if "start" in w]
    return Segment(float(data.get("start", 0)), float(data.get("end", 0)), str(data.get("text", "")), words)


def spoken_passages(segments: list[dict] | None, lo: float = 0.0, hi: float = float("inf")) -> list[Segment]:
    """The transcript's sentences, each with its own time, that overlap [lo, hi] (a capsule's range).

    Whisper may put several sentences said after silences into one segment: they are cut where the
    captions are (``media_pipeline.captions.passages``), so that the transcript panel, its search
    and the catalogue search lead to the sentence that was said, not to its segment's start.
    """
    return [p for seg in segments or [] for p in passages(_segment(seg))
            if p.end >= lo and p.start <= hi]


def transcript_words(capsule: Capsule) -> list[dict]:
    """Sentences with word times inside the capsule range, for the interactive transcript."""
    transcript = Transcript.objects.filter(footage=capsule.footage, task="transcribe").first()
    if not transcript:
        return []
    return [
        {
            "start": p.start,
            "end": p.end,
            "text": p.text.strip(),
            "words": [{"start": round(w.start, 2), "end": round(w.end, 2), "text": w.word} for w in p.words],
        }
        for p in spoken_passages(transcript.segments, capsule.start, capsule.effective_end)
    ]


def next_capsule(capsule: Capsule):
    """The next live capsule of the same skills block (by order), or None."""
    CapsulePage = page_model("CapsulePage")

    siblings = (
        CapsulePage.objects.live()
        .sibling_of(capsule.page, inclusive=False)
        .select_related("capsule")
        .order_by("capsule__order", "capsule__pk")
    )
    for page in siblings:
        if (page.capsule.order, page.capsule.pk) > (capsule.order, capsule.pk):
            return page
    return None


@dataclass(frozen=True)
class BlockCapsule:
    """Another live capsule of the block, as the next-capsule suggestion needs it."""

    capsule_id: int
    key: tuple  # (order, pk): the block's order
    title: str
    url: str


def block_capsules(capsule: Capsule) -> tuple[BlockCapsule, ...]:
    """The block's other live capsule pages, in the block's order (one query)."""
    CapsulePage = page_model("CapsulePage")
    pages = (CapsulePage.objects.live().sibling_of(capsule.page, inclusive=False).select_related("capsule")
             .order_by("capsule__order", "capsule__pk"))
    return tuple(BlockCapsule(p.capsule_id, (p.capsule.order, p.capsule.pk), p.title, p.url) for p in pages)


def pick_next(capsule: Capsule, siblings, done: set[int]) -> dict | None:
    """The next capsule of the block the learner has not completed (``status`` "next"), else the first one
    before it not completed ("todo"); None when every other capsule is completed (the end panel's « Retour
    au bloc » is the way on). Walk 22: « Capsule suivante : X » for an X the learner had already completed,
    then, on a re-walk, « Capsule suivante (déjà terminée) : X » as the primary button of a finished block."""
    here = (capsule.order, capsule.pk)
    after = [c for c in siblings if c.key > here]
    before = [c for c in siblings if c.key < here]
    for candidates, status in ((after, "next"), (before, "todo")):
        todo = next((c for c in candidates if c.capsule_id not in done), None)
        if todo is not None:
            return {"title": todo.title, "url": todo.url, "status": status}
    return None


def next_for_learner(capsule: Capsule, user) -> dict | None:
    """``pick_next`` for one learner (the capsule page; the manifest reads the progress it already reads).
    Per learner: never in the shared manifest nor in a cached page (a visitor, the only one served from the
    page cache, gets the plain next one)."""
    from capsules.models import Progress

    siblings = block_capsules(capsule)
    if not (user and user.is_authenticated):
        return pick_next(capsule, siblings, set())
    done = set(Progress.objects.filter(user=user, completed=True, capsule_id__in=[c.capsule_id for c in siblings])
               .values_list("capsule_id", flat=True))
    return pick_next(capsule, siblings, done)


def capsule_steps(capsule: Capsule, live_steps: bool = False) -> tuple[list, list]:
    """The capsule's steps and key points: the approved version learners see (``capsules.learner_steps``),
    or, with ``live_steps`` (a preview, for its authors), the steps as saved now."""
    if live_steps:
        view = learner_steps.live_view(capsule.footage)
    else:
        view = learner_steps.for_footage(capsule.footage)
    return view.steps_in(capsule.start, capsule.effective_end), view.key_points_in(capsule.start, capsule.effective_end)


def shared_manifest(capsule: Capsule, live_steps: bool = False):
    """The manifest's parts that are the same for every learner, with what the per-learner part needs
    (``content_cache`` keeps it between requests). Steps and key points: the approved version."""
    footage = capsule.footage
    rend = footage.renditions or {}
    steps, key_points = capsule_steps(capsule, live_steps)
    step_ranges = [(s.start, s.end, s.pk) for s in steps]
    # The labels are French (this part is shared by every learner); the player says them in the page's
    # language, « (traduction automatique) » after a track that is a machine translation (``machine``).
    machine = footage.machine_translated_captions()
    captions = [
        {"lang": lang, "src": storage.url(key), "machine": lang in machine,
         "label": {"fr": "Français", "en": "Anglais"}.get(lang, lang)
         + (" (traduction automatique)" if lang in machine else "")}
        for lang, key in sorted(storage.captions_with_cues(rend.get("captions")).items(), key=lambda kv: kv[0] != "fr")
    ]
    interactions = list(
        capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).order_by("time")
    )
    for i in interactions:
        i.capsule = capsule  # answers reach the capsule without another query
    siblings = block_capsules(capsule)
    nxt = pick_next(capsule, siblings, set())  # the plain next one; each learner's is picked in views
    page_url = capsule.page.url
    shared = {
        "id": capsule.pk,
        "title": capsule.title,
        "start": capsule.start,
        "end": capsule.effective_end,
        "page_url": page_url,
        "sources": {
            "hls": storage.url(rend.get("master_playlist", "")),
            "mp4": storage.url(rend.get("mp4", "")),
            "poster": storage.url(rend.get("poster", "")),
            "variants": [
                {"name": v.get("name"), "height": v.get("height"), "bandwidth": v.get("bandwidth")}
                for v in rend.get("variants") or []
            ],
        },
        "captions": captions,
        # Whether the media has a sound track (the ingest's probe); None when unknown. Without one the
        # player shows no volume control.
        "audio": (footage.probe or {}).get("has_audio"),
        "chapters": reverse("learner-chapters", args=[capsule.pk]),
        "steps": [
            {
                "id": s.pk,
                "title": s.title or f"Étape {i + 1}",
                "start": s.start,
                "end": s.end,
                "loop_end": loop_end((s.start, s.end, s.pk), [(i.time, i.step_id) for i in interactions],
                                     step_ranges),
                "keyframe": storage.url(s.keyframe),
                "key_points": [kp.text for kp in s.key_points],
            }
            for i, s in enumerate(steps)
        ],
        "key_points": [{"time": kp.time, "kind": kp.kind, "text": kp.text} for kp in key_points],
        "transcript": transcript_words(capsule),
        "next": nxt,
        "login_url": f"{reverse('learner-login')}?{urlencode({'next': page_url or '/'})}",
        "signup_url": f"{reverse('learner-signup')}?{urlencode({'next': page_url or '/'})}",
        "api": {
            "progress": reverse("learner-progress", args=[capsule.pk]),
            "events": reverse("learner-events", args=[capsule.pk]),
            "offline": reverse("learner-offline", args=[capsule.pk]),
        },
    }
    mandatory = frozenset(i.pk for i in interactions if i.mandatory)
    return CapsuleContent(capsule, shared, interactions, step_ranges, mandatory, siblings)
