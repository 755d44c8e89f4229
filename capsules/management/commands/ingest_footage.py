"""python manage.py ingest_footage PATH --skills-block CODE: register a video and start its processing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capsules.models import SkillsBlock
from capsules.pipeline.ingest import ingest_file
from capsules.pipeline.progress_cli import follow_run
from media_pipeline.errors import MediaError


class Command(BaseCommand):
    help = "Téléverse une vidéo depuis le disque, la valide et lance son traitement."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--skills-block", required=True, help="Code du bloc, ex. RNCP37274BC01")
        parser.add_argument("--title", default="")
        parser.add_argument("--language", default="fr")
        parser.add_argument("--wait", action="store_true", help="Suivre le traitement avec une barre de progression")

    def handle(self, *args, **opts):
        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            block = SkillsBlock.objects.get(code=opts["skills_block"])
        except SkillsBlock.DoesNotExist:
            raise CommandError(f"Bloc de compétences inconnu : {opts['skills_block']}")
        try:
            footage = ingest_file(path, original_name=path.name, skills_block=block, title=opts["title"],
                                  language=opts["language"])
        except MediaError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"Vidéo #{footage.pk} « {footage.title} » enregistrée ; traitement lancé.")
        if opts["wait"]:
            run = follow_run(footage.latest_run, self.stderr)
            self.stdout.write(f"Traitement terminé : {run.get_status_display()}")
            if run.status != run.Status.SUCCEEDED:
                raise CommandError(run.error_message or "échec du traitement")
