"""python manage.py seed_demo [--wait]: demo users, catalogue and a processed demo capsule (idempotent)."""

from django.core.management.base import BaseCommand

from capsules import demo
from capsules.pipeline.progress_cli import follow_run


class Command(BaseCommand):
    help = "Crée le contenu de démonstration (utilisateurs, certification, bloc, vidéo traitée, capsule)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Attendre la fin du traitement de la vidéo de démo")
        parser.add_argument("--timeout", type=float, default=1800)

    def handle(self, *args, **opts):
        people = demo.ensure_users()
        block = demo.ensure_catalogue()
        self.stdout.write(f"Bloc de compétences : {block}")
        footage = demo.ensure_demo_footage(block, people)
        run = footage.latest_run
        if opts["wait"] and run is not None and run.status == run.Status.RUNNING:
            self.stdout.write("Traitement de la vidéo de démonstration par le pipeline (worker Celery)…")
            run = follow_run(run, self.stderr, timeout=opts["timeout"])
        footage.refresh_from_db()
        self.stdout.write(f"Vidéo de démo : {footage.get_status_display()} ({footage.steps.count()} étapes)")
        if run is not None and run.status == run.Status.SUCCEEDED:
            capsule = demo.ensure_demo_capsule(footage, block, people)
            if capsule is not None:
                self.stdout.write(f"Capsule publiée : {capsule.title}")
                demo.ensure_demo_paths(block, people)
                self.stdout.write("Positionnement et session de formation de démonstration prêts (formateur).")
