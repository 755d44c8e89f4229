"""``manage.py export_truth FOOTAGE_ID --out FILE``: the approved steps of a footage as truth JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capsules.models import Footage
from capsules.review.truth_export import NotApproved, truth_for


class Command(BaseCommand):
    help = ("Exporte les étapes approuvées d'une vidéo en vérité terrain JSON "
            "(format lu par le banc d'essai de la segmentation).")

    def add_arguments(self, parser):
        parser.add_argument("footage_id", type=int)
        parser.add_argument("--out", type=Path, default=None, help="fichier JSON (sinon la sortie standard)")

    def handle(self, *args, footage_id: int, out: Path | None, **options):
        footage = Footage.objects.filter(pk=footage_id).first()
        if footage is None:
            raise CommandError(f"Vidéo {footage_id} introuvable.")
        try:
            body = truth_for(footage).to_json()
        except NotApproved as exc:
            raise CommandError(str(exc)) from exc
        if out is None:
            self.stdout.write(body, ending="")
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(body, encoding="utf-8")
        self.stdout.write(f"{len(truth_for(footage).steps)} étapes approuvées -> {out}")
