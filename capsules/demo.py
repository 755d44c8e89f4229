"""Demo content for `make run`: users, a certification with a skills block, and one capsule made
from generated first-person footage processed by the real pipeline.

Nothing here takes a shortcut a person could not take: the footage is assigned to the demo expert,
who approves the steps the pipeline proposed through the review API; the designer authors the
capsule and accepts Geste's drafted questions on the authoring screens, then submits it to the
Wagtail workflow "Validation par l'expert", where the expert's task and then the designer's
publish it. Each action goes through the site's own views, signed in as that person
(``SignedIn``), so their permission checks and state rules apply to the demo too."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from capsules.authoring.step_changes import remember_steps
from capsules.models import Capsule, Certification, Footage, Interaction, SkillsBlock
from capsules.pages import page_model

DEMO_PASSWORD = "geste-demo"
ADMIN_PASSWORD = "geste-admin"
DEMO_FOOTAGE_TITLE = "Démo — remplacement d'un joint de robinet"
CAPSULE_TITLE = "Remplacer le joint d'un robinet"
CAPSULE_SUMMARY = "Les gestes d'un plombier, filmés par lui-même."
# The certification's trade vocabulary: Whisper's prompt when it transcribes the demo's commentary.
DEMO_VOCABULARY = "clé à molette, clé dynamométrique, newton-mètre, joint, siphon, écrou, raccord"
# Drafts the demo designer accepts: questions built from the approved steps and from the expert's key points.
# Cloze drafts come from the machine transcript of the synthetic commentary: left proposed for the visitor to
# review. Hotspot drafts carry the zone where the hands work on the key point's keyframe (media_pipeline/hotspot.py),
# up to 60 % x 60 % of the picture: the designer must draw the right zone before accepting them (the server
# refuses the placed one), which a script cannot do honestly: they are left proposed for the visitor to draw.
ACCEPTED_DRAFT_KINDS = (Interaction.Kind.ORDERING, Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.FREE_RECALL)
DEMO_KEY_POINT = "Coupez l'arrivée d'eau avant de démonter le robinet."
# The craftsman's commentary, one group of sentences per gesture of the demo clip (seed 7 of
# media_pipeline/evaluation/synthetic.py, drawn as a washbasin under repair, tap_scene.py: the spanner on the
# hot tap's head, the old seal pulled out, the new seal carried, a cloth felt for leaks; the generator's
# wrench, hammer, pick-and-place and measure gestures), said from the gesture's start, one after the other,
# by SVOX Pico's French voice (py-nanotts, media_pipeline/evaluation/spoken_commentary.py).
# Whisper base hears them nearly word for word (tests/capsules/test_demo_commentary.py), so the captions
# and the step titles the pipeline proposes speak of the tap. (Until walk 30 it was telephone announcements
# from asterisk-core-sounds-fr, real speech but « Veuillez vérifier le numéro… » over a tap repair.)
DEMO_COMMENTARY = (
    ("Je coupe l'arrivée d'eau.", "Avec la clé, je démonte la tête du robinet."),
    ("Je retire l'ancien joint.",),
    ("Je pose le joint neuf et je remonte.",),
    ("Je rouvre l'eau et je vérifie l'étanchéité.",),
)
# The expert's names for the steps, in order, as on the review screen. The pipeline proposes titles drawn
# from the sentences it heard in each step (« Couper l'arrivée d'eau », « Retirer l'ancien joint », « Poser
# le joint neuf »); the expert names the whole gesture, saying everything said in it (walk 30: « Démonter la
# tête du robinet à la clé » hid « Je coupe l'arrivée d'eau », « Contrôler l'étanchéité » hid « Je rouvre
# l'eau »; tests/capsules/test_demo_titles.py). One title per group of ``DEMO_COMMENTARY``; a step the
# pipeline finds beyond them is « Étape N ».
DEMO_STEP_TITLES = (
    "Couper l'eau et démonter la tête du robinet",
    "Retirer l'ancien joint",
    "Poser le joint neuf et remonter la tête",
    "Rouvrir l'eau et contrôler l'étanchéité",
)
SPEECH_LEAD_S = 0.3  # the craftsman speaks just after the gesture starts
# The tasks of the workflow "Validation par l'expert" (cms/migrations/0003 and 0004), in order.
EXPERT_TASK = "Validation des étapes et des quiz par l'expert"
DESIGNER_TASK = "Publication par le concepteur"


def expert_titles(count: int) -> list[str]:
    """The titles the demo expert gives ``count`` proposed steps."""
    return [DEMO_STEP_TITLES[i] if i < len(DEMO_STEP_TITLES) else f"Étape {i + 1}" for i in range(count)]


class DemoError(RuntimeError):
    """A screen refused what the demo person asked: the demo stops and says which and why."""


@dataclass(frozen=True)
class DemoClip:
    """The generated demo video: 40 s of 720p by default (tests ask for a smaller one)."""

    width: int = 1280
    height: int = 720
    seconds: float = 40.0
    seed: int = 7


def ensure_users() -> dict[str, object]:
    User = get_user_model()
    admin, created = User.objects.get_or_create(username="admin", defaults={
        "email": "admin@example.org", "is_staff": True, "is_superuser": True, "first_name": "Admin",
        "last_name": "Geste"})
    if created:
        admin.set_password(ADMIN_PASSWORD)
        admin.save()
    elif not admin.last_name:
        # Wagtail's account page requires both names: without one, choosing English there failed on
        # « Nom : Champ requis » (walk 35).
        admin.last_name = "Geste"
        admin.save(update_fields=["last_name"])
    people = {"admin": admin}
    for username, group, first, last in [("concepteur", "Designers", "Camille", "Concepteur"),
                                         ("expert", "Experts", "Jean", "Plombier"),
                                         ("apprenant", "Learners", "Léa", "Apprenante"),
                                         # No progress: the README's account for taking the demo capsule
                                         # (`apprenant` finished it to earn the badge; walk 30).
                                         ("apprenante", "Learners", "Inès", "Débutante")]:
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@example.org"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=group))
        people[username] = user
    return people


def ensure_site_address() -> tuple[str, int]:
    """Point the default Wagtail Site at the address the site is served on (WAGTAILADMIN_BASE_URL,
    which `make run` derives from GESTE_HOST/GESTE_PORT): page URLs and the site's root_url follow it."""
    from urllib.parse import urlsplit

    from wagtail.models import Site

    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    hostname = parts.hostname or "localhost"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save()
    return hostname, port


def ensure_catalogue() -> SkillsBlock:
    CertificationPage = page_model("CertificationPage")
    HomePage = page_model("HomePage")
    SkillsBlockPage = page_model("SkillsBlockPage")

    cert, _ = Certification.objects.get_or_create(rncp_code="RNCP37274", defaults={
        "title": "Titre professionnel Agent de maintenance des bâtiments",
        "vocabulary": DEMO_VOCABULARY})
    block, _ = SkillsBlock.objects.get_or_create(code="RNCP37274BC01", defaults={
        "certification": cert, "title": "Maintenir les équipements sanitaires",
        "description": "Diagnostiquer et réparer robinetterie, siphons et joints.", "order": 1})
    home = HomePage.objects.get()
    cert_page = CertificationPage.objects.filter(certification=cert).first()
    if cert_page is None:
        cert_page = home.add_child(instance=CertificationPage(title=cert.title, certification=cert))
        cert_page.save_revision().publish()
    if not SkillsBlockPage.objects.filter(skills_block=block).exists():
        page = cert_page.add_child(instance=SkillsBlockPage(title=block.title, skills_block=block))
        page.save_revision().publish()
    return block


def make_demo_video(out: Path, clip: DemoClip = DemoClip()) -> Path:
    """A first-person clip from the evaluation clip generator, with the craftsman's commentary in French.

    The picture is the generator's tap scene (``scene="tap"``, media_pipeline/evaluation/tap_scene.py): a
    washbasin with its tiled wall, chrome pillar taps, the spanner on the hot tap's head, seals and the
    shut-off valve, around the seed's own hands, steps and head motion; until walk 31 it was the benchmark's
    cluttered workbench, with nothing of a tap. The sound is the sentences of ``DEMO_COMMENTARY``, said from the
    start of each gesture by a synthetic voice
    (media_pipeline/evaluation/spoken_commentary.py). Nothing of it is kept but the video: the steps,
    titles, captions and questions shown are those the pipeline finds and drafts from what Whisper hears."""
    from media_pipeline.evaluation import spoken_commentary
    from media_pipeline.evaluation.synthetic import generate_clip

    with tempfile.TemporaryDirectory() as tmp:
        silent = Path(tmp) / f"{out.stem}.picture{out.suffix}"
        made = generate_clip(silent, seed=clip.seed, size=(clip.width, clip.height), duration=clip.seconds,
                             narration=False, scene="tap")
        # A clip with more gestures than groups of sentences leaves the last ones silent (a tradesman does
        # not talk all the time); one with fewer uses the first groups.
        cues = [spoken_commentary.Cue(start + SPEECH_LEAD_S, sentence)
                for (start, _end), sentences in zip(made.steps, DEMO_COMMENTARY, strict=False)
                for sentence in sentences]
        spoken_commentary.lay_commentary(silent, cues, out, made.duration, workdir=Path(tmp))
    return out


def ensure_demo_footage(block: SkillsBlock, people: dict, clip: DemoClip = DemoClip()) -> Footage:
    """Upload the demo video as the designer, assigned to the demo expert; the pipeline starts."""
    from capsules.pipeline.ingest import ingest_file

    footage = Footage.objects.filter(title=DEMO_FOOTAGE_TITLE).first()
    if footage is not None:
        return footage
    with tempfile.TemporaryDirectory() as tmp:
        video = make_demo_video(Path(tmp) / "demo-joint-robinet.mp4", clip)
        return ingest_file(video, original_name=video.name, skills_block=block, title=DEMO_FOOTAGE_TITLE,
                           user=people["concepteur"], expert=people["expert"])


class SignedIn:
    """One person using the site's own views in-process (Django's test client, signed in as them).

    Every request runs the same middleware, permission checks and rules as in a browser; a refusal
    raises DemoError with the answer instead of being worked around.
    """

    def __init__(self, user):
        from django.test import Client

        hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
        extra = {"wsgi.url_scheme": "https"} if getattr(settings, "SECURE_SSL_REDIRECT", False) else {}
        self.user = user
        self.client = Client(SERVER_NAME=hosts[0] if hosts else "localhost", **extra)
        self.client.force_login(user)

    def _check(self, response, what: str, ok: tuple[int, ...]):
        if response.status_code not in ok:
            body = response.content.decode("utf-8", "replace")[:500]
            raise DemoError(f"{self.user.get_username()} : {what} refusé ({response.status_code}) : {body}")
        return response

    def get_json(self, url: str, what: str) -> dict:
        return self._check(self.client.get(url), what, (200,)).json()

    def post_json(self, url: str, data: dict, what: str) -> dict:
        return self._check(self.client.post(url, data, content_type="application/json"), what, (200, 201)).json()

    def put_json(self, url: str, data: dict, what: str) -> dict:
        return self._check(self.client.put(url, data, content_type="application/json"), what, (200,)).json()

    def post_form(self, url: str, data: dict, what: str):
        """A form submission: the screens answer with a redirect (302) when they accept it."""
        return self._check(self.client.post(url, data), what, (302,))


def expert_approves_steps(footage: Footage, expert) -> None:
    """The assigned expert reads the review state, names the proposed steps in trade words (their
    boundaries kept), marks a point of vigilance and approves them."""
    from django.urls import reverse

    footage.refresh_from_db()
    if footage.status == Footage.Status.APPROVED:
        return
    as_expert = SignedIn(expert)
    state = as_expert.get_json(reverse("review_api:state", args=[footage.pk]), "lecture de la relecture")
    if not state["permissions"]["can_approve"]:
        raise DemoError(f"l'expert ne peut pas approuver la vidéo (statut {state['footage']['status']})")
    steps = sorted(state["steps"], key=lambda s: s["start"])
    titles = expert_titles(len(steps))
    if [s["title"] for s in steps] != titles:
        state = as_expert.put_json(reverse("review_api:steps", args=[footage.pk]), {
            "version": state["version"],
            "steps": [{"id": s["id"], "start": s["start"], "end": s["end"], "title": title}
                      for s, title in zip(steps, titles, strict=True)]}, "titres des étapes")
    if not state.get("key_points"):
        # What an expert adds in review: a point of vigilance on the first gesture, in their own words.
        first = min(state["steps"], key=lambda s: s["start"])
        state = as_expert.post_json(reverse("review_api:key_points", args=[footage.pk]),
                                    {"time": round((first["start"] + first["end"]) / 2, 2), "kind": "safety",
                                     "text": DEMO_KEY_POINT}, "point de vigilance")
    as_expert.post_json(reverse("review_api:approve", args=[footage.pk]), {"version": state["version"]},
                        "approbation des étapes")
    footage.refresh_from_db()


def designer_authors_capsule(footage: Footage, designer) -> Capsule:
    """On the authoring screens: create the capsule over all approved steps, ask Geste for quiz
    drafts, accept those built from the steps, and send the capsule to the expert's validation."""
    from django.urls import reverse

    as_designer = SignedIn(designer)
    capsule = Capsule.objects.filter(footage=footage).first()
    if capsule is None:
        as_designer.post_form(reverse("geste_capsule_create", args=[footage.pk]),
                              {"title": CAPSULE_TITLE, "summary": CAPSULE_SUMMARY}, "création de la capsule")
        capsule = Capsule.objects.get(footage=footage)
    page = capsule.page
    if page.live or page.workflow_in_progress:
        return capsule
    if not capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).exists():
        as_designer.post_form(reverse("geste_drafts_generate", args=[capsule.pk]), {}, "propositions de quiz")
        proposed = capsule.interactions.filter(origin=Interaction.Origin.DRAFTED,
                                               draft_status=Interaction.DraftStatus.PROPOSED)
        for inter in proposed.filter(kind__in=ACCEPTED_DRAFT_KINDS).order_by("time"):
            as_designer.post_form(reverse("geste_draft_decide", args=[capsule.pk, inter.pk]),
                                  {"decision": "accept"}, "acceptation d'une proposition")
        if not capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).exists():
            raise DemoError("Geste n'a proposé aucune question construite à partir des étapes "
                            "ou des points de vigilance.")
    as_designer.post_form(reverse("geste_capsule_submit", args=[capsule.pk]), {}, "envoi en validation")
    capsule.page.refresh_from_db()
    if not capsule.page.workflow_in_progress:
        raise DemoError("la capsule n'a pas été envoyée en validation.")
    return capsule


def approve_workflow_task(page, person, expected_task: str) -> None:
    """``person`` approves the page's current workflow task from the Wagtail admin."""
    from django.urls import reverse

    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    if task_state is None:
        raise DemoError(f"aucune tâche de validation en cours pour « {page.title} ».")
    if task_state.task.name != expected_task:
        raise DemoError(f"tâche en cours « {task_state.task.name} », attendue « {expected_task} ».")
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    SignedIn(person).client.post(url, {"comment": ""})
    task_state.refresh_from_db()
    if task_state.status != task_state.STATUS_APPROVED:
        raise DemoError(f"{person.get_username()} n'a pas pu approuver « {expected_task} ».")


def ensure_demo_capsule(footage: Footage, block: SkillsBlock, people: dict) -> Capsule | None:
    """The people's path after the pipeline: expert review, authoring, expert validation, publication."""
    if not footage.steps.exists():
        return None
    expert_approves_steps(footage, people["expert"])
    capsule = designer_authors_capsule(footage, people["concepteur"])
    # The accepted questions remember their step (also those seeded before it was remembered): a later
    # change of the approved steps flags them on the designer's list.
    remember_steps(capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED))
    page = capsule.page
    page.refresh_from_db()
    if page.workflow_in_progress:
        for person, task in ((people["expert"], EXPERT_TASK), (people["concepteur"], DESIGNER_TASK)):
            page.refresh_from_db()
            if page.current_workflow_task_state and page.current_workflow_task_state.task.name == task:
                approve_workflow_task(page, person, task)
        page.refresh_from_db()
    if not page.live:
        raise DemoError("la capsule de démonstration n'a pas été publiée par le circuit de validation.")
    return capsule


def ensure_demo_badge(block: SkillsBlock, people: dict):
    """The demo block's badge, earned by `apprenant` through the learner API (answers graded by the
    server, progress as the player records it): the portfolio and verification pages have something
    real to show. Idempotent: an earned badge is returned as it is."""
    from capsules.recognition.demo_badge import earn_as_learner, ensure_block_achievement

    ensure_block_achievement(block)
    return earn_as_learner(people["apprenant"], block)


def ensure_demo_paths(block: SkillsBlock, people: dict) -> None:
    """Individual paths on the demo block: an accepted placement selection, a trainer and a cohort
    (session de formation) of the demo learner, so placement, practice and indicators can be tried."""
    from datetime import timedelta

    from django.utils import timezone

    from capsules.authoring.placement_selection import draft_selection
    from capsules.models import Cohort, PlacementQuestion

    draft_selection(block)
    PlacementQuestion.objects.filter(interaction__capsule__skills_block=block).update(accepted=True)
    User = get_user_model()
    trainer, created = User.objects.get_or_create(username="formateur", defaults={
        "first_name": "Sam", "last_name": "Formateur", "email": "formateur@example.org"})
    if created:
        trainer.set_password(DEMO_PASSWORD)
        trainer.save()
    trainer.groups.add(Group.objects.get(name="Trainers"))
    today = timezone.localdate()
    cohort, _ = Cohort.objects.get_or_create(name="Session de démonstration", skills_block=block, defaults={
        "start_date": today - timedelta(days=7), "end_date": today + timedelta(days=49)})
    cohort.trainers.add(trainer)
    # `apprenant` finished the block (badge), `apprenante` has not started: the trainer's indicators show both.
    cohort.learners.add(*(people[name] for name in ("apprenant", "apprenante") if name in people))
