"""manage.py purge_stale_uploads: expire abandoned chunked uploads and stale run work folders."""

from django.core.management.base import BaseCommand

from capsules.pipeline.cleanup import purge_stale


class Command(BaseCommand):
    help = ("Supprime les téléversements abandonnés (aucun morceau reçu depuis GESTE_UPLOAD_EXPIRY_S) "
            "et les dossiers de travail run* vides ou laissés par un traitement terminé.")

    def add_arguments(self, parser):
        parser.add_argument("--max-age-hours", type=float, default=None,
                            help="âge au-delà duquel un téléversement est abandonné (défaut : réglage)")
        parser.add_argument("--dry-run", action="store_true", help="liste sans rien supprimer")

    def handle(self, *args, max_age_hours=None, dry_run=False, **options):
        report = purge_stale(max_age=None if max_age_hours is None else max_age_hours * 3600, dry_run=dry_run)
        for name in report.uploads:
            self.stdout.write(f"téléversement {name}")
        for name in report.orphans:
            self.stdout.write(f"orphelin {name}")
        for name in report.work_dirs:
            self.stdout.write(f"dossier {name}")
        self.stdout.write(("(simulation) " if dry_run else "") + report.summary())
