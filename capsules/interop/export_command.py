"""Shared body of ``export_cmi5`` and ``export_scorm``: a skills block (by code) to a zip file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capsules.interop.course import EmptyPackage, skills_block_course
from capsules.models import SkillsBlock


class PackageCommand(BaseCommand):
    builder = None  # set by each command: PackageCourse -> zip bytes
    label = ""

    def add_arguments(self, parser):
        parser.add_argument("block_code", help="code du bloc de compétences, par ex. RNCP37274BC01")
        parser.add_argument("--out", required=True, help="fichier .zip à écrire")
        parser.add_argument("--base-url", default=None,
                            help="adresse publique de Geste (par défaut : celle du site Wagtail par défaut)")

    def handle(self, *args, block_code, out, base_url, **options):
        block = SkillsBlock.objects.filter(code=block_code).first()
        if block is None:
            raise CommandError(f"Bloc de compétences introuvable : {block_code}")
        try:
            course = skills_block_course(block, base_url)
        except EmptyPackage as exc:
            raise CommandError(str(exc)) from exc
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(type(self).builder(course))
        self.stdout.write(f"Paquet {self.label} écrit : {target} ({len(course.units)} capsule(s)).")
