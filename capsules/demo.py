"""Demo content for `make run`: users, a certification with a skills block, and one capsule made
from generated first-person footage processed by the real pipeline."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from capsules.models import Certification, Footage, SkillsBlock
from capsules.pages import page_model

DEMO_PASSWORD = "geste-demo"
ADMIN_PASSWORD = "geste-admin"
DEMO_FOOTAGE_TITLE = "Démo — remplacement d'un joint de robinet"
NARRATION = [
    "D'abord, je coupe l'arrivée d'eau sous l'évier.",
    "Ensuite, je desserre l'écrou avec la clé à molette.",
    "Puis je retire l'ancien joint et je nettoie le siège.",
    "Maintenant je pose le joint neuf et je serre à trois newtons-mètres.",
]


def TRUTH_FILE() -> Path:  # noqa: N802 (a constant that needs settings)
    """What the demo narration really says: the 'expert' uses it to name the steps."""
    return Path(settings.VAR_DIR) / "demo-narration.json"


def ensure_users() -> dict[str, object]:
    User = get_user_model()
    admin, created = User.objects.get_or_create(username="admin", defaults={
        "email": "admin@example.org", "is_staff": True, "is_superuser": True, "first_name": "Admin"})
    if created:
        admin.set_password(ADMIN_PASSWORD)
        admin.save()
    people = {"admin": admin}
    for username, group, first, last in [("concepteur", "Designers", "Camille", "Concepteur"),
                                         ("expert", "Experts", "Jean", "Plombier"),
                                         ("apprenant", "Learners", "Léa", "Apprenante")]:
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@example.org"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=group))
        people[username] = user
    return people


def ensure_catalogue() -> SkillsBlock:
    CertificationPage = page_model("CertificationPage")
    HomePage = page_model("HomePage")
    SkillsBlockPage = page_model("SkillsBlockPage")

    cert, _ = Certification.objects.get_or_create(rncp_code="RNCP37274", defaults={
        "title": "Titre professionnel Agent de maintenance des bâtiments",
        "vocabulary": "clé à molette, clé dynamométrique, newton-mètre, joint, siphon, écrou, raccord"})
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


def make_demo_video(out: Path) -> Path:
    """A short first-person clip with French narration, from the evaluation clip generator."""
    try:
        from media_pipeline.evaluation.synthetic import generate_clip
    except ImportError:
        generate_clip = None
    if generate_clip is not None:
        clip = generate_clip(out, seed=7, size=(1280, 720), duration=40)
        TRUTH_FILE().write_text(json.dumps(clip.transcript, ensure_ascii=False), "utf-8")
        return Path(clip.path)
    # Fallback: a test pattern with the same narration.
    wav = out.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-v", "fr", "-s", "140", "-w", str(wav), " ".join(NARRATION)], check=True)
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
                    "-i", str(wav), "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", str(out)], check=True)
    return out


def ensure_demo_footage(block: SkillsBlock, people: dict) -> Footage:
    from capsules.pipeline.ingest import ingest_file

    footage = Footage.objects.filter(title=DEMO_FOOTAGE_TITLE).first()
    if footage is not None:
        return footage
    with tempfile.TemporaryDirectory() as tmp:
        video = make_demo_video(Path(tmp) / "demo-joint-robinet.mp4")
        return ingest_file(video, original_name=video.name, skills_block=block, title=DEMO_FOOTAGE_TITLE,
                           user=people["concepteur"], expert=people["expert"])


def ensure_demo_capsule(footage: Footage, block: SkillsBlock, people: dict):
    """As the expert and the designer would: approve the steps, author a capsule from them,
    accept Geste's drafted questions that need no drawing, and publish it."""
    from capsules.authoring.capsule import create_capsule, set_draft_status
    from capsules.authoring.drafting import draft_for_capsule
    from capsules.models import Capsule, Interaction

    capsule = Capsule.objects.filter(footage=footage).first()
    if capsule is not None:
        return capsule
    if not footage.steps.exists():
        return None
    name_steps_as_the_expert(footage)
    footage.steps.update(approved=True)
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.APPROVED)
    footage.refresh_from_db()
    authored = create_capsule(footage, title="Remplacer le joint d'un robinet", user=people["concepteur"],
                              summary="Les gestes d'un plombier, filmés par lui-même.")
    capsule = Capsule.objects.get(pk=authored.capsule_id)
    for interaction in draft_for_capsule(capsule):
        # Cloze questions come from the machine transcript of a synthetic voice: leave them for review.
        if interaction.kind in (Interaction.Kind.ORDERING, Interaction.Kind.SINGLE_CHOICE):
            set_draft_status(interaction, accept=True)
    capsule.page.save_revision(user=people["admin"]).publish(user=people["admin"])
    return capsule


def name_steps_as_the_expert(footage: Footage) -> None:
    """The expert names each step from what they said while doing it (the true narration)."""
    from media_pipeline.segmentation.titles import propose_title

    if not TRUTH_FILE().exists():
        return
    truth = json.loads(TRUTH_FILE().read_text("utf-8"))
    for step in footage.steps.all():
        title = propose_title(truth, step.start, step.end)
        if title:
            step.title = title[:255]
            step.save(update_fields=["title"])


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
    if "apprenant" in people:
        cohort.learners.add(people["apprenant"])
