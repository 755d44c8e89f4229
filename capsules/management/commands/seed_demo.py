"""python manage.py seed_demo [--wait]: demo users, catalogue and a processed demo capsule (idempotent).

After the pipeline, the demo people take their own paths (see capsules/demo.py): the expert approves
the proposed steps through the review API, the designer authors the capsule and submits it, the
workflow's expert and designer tasks publish it."""

from django.core.management.base import BaseCommand, CommandError

from capsules import demo
from capsules.pipeline.progress_cli import follow_run


class Command(BaseCommand):
    help = "Crée le contenu de démonstration (utilisateurs, certification, bloc, vidéo traitée, capsule)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Attendre la fin du traitement de la vidéo de démo")
        parser.add_argument("--timeout", type=float, default=1800)
        default = demo.DemoClip()
        parser.add_argument("--clip-size", default=f"{default.width}x{default.height}",
                            help="Taille de la vidéo de démo générée (LxH)")
        parser.add_argument("--clip-seconds", type=float, default=default.seconds,
                            help="Durée de la vidéo de démo générée (s)")

    def handle(self, *args, **opts):
        try:
            width, height = (int(v) for v in opts["clip_size"].lower().split("x"))
        except ValueError:
            raise CommandError("--clip-size : format attendu LxH, par exemple 1280x720.")
        clip = demo.DemoClip(width=width, height=height, seconds=opts["clip_seconds"])
        people = demo.ensure_users()
        hostname, port = demo.ensure_site_address()
        self.stdout.write(f"Site : {hostname}:{port}")
        block = demo.ensure_catalogue()
        self.stdout.write(f"Bloc de compétences : {block}")
        footage = demo.ensure_demo_footage(block, people, clip)
        run = footage.latest_run
        if opts["wait"] and run is not None and run.status == run.Status.RUNNING:
            self.stdout.write("Traitement de la vidéo de démonstration par le pipeline (worker Celery)…")
            run = follow_run(run, self.stderr, timeout=opts["timeout"])
        footage.refresh_from_db()
        self.stdout.write(f"Vidéo de démo : {footage.get_status_display()} ({footage.steps.count()} étapes)")
        if run is not None and run.status == run.Status.SUCCEEDED:
            try:
                capsule = demo.ensure_demo_capsule(footage, block, people)
            except demo.DemoError as exc:
                raise CommandError(f"Démo : {exc}")
            if capsule is not None:
                self.stdout.write(f"Capsule publiée (validée par l'expert) : {capsule.title}")
                badge = demo.ensure_demo_badge(block, people)
                if badge is not None:
                    self.stdout.write(f"Badge du bloc obtenu par « apprenant » : {badge.achievement.name}")
                demo.ensure_demo_paths(block, people)
                self.stdout.write("Positionnement et session de formation de démonstration prêts (formateur).")
                self.stdout.write(f"Pour suivre la capsule vous-même : « apprenante » / {demo.DEMO_PASSWORD} "
                                  "(pas encore commencée ; « apprenant » l'a terminée).")
