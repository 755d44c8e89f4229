"""``manage.py export_scorm BLOCK_CODE --out FILE.zip``: a skills block as a SCORM 1.2 package."""

from capsules.interop import scorm
from capsules.interop.export_command import PackageCommand


class Command(PackageCommand):
    help = "Exporte un bloc de compétences en paquet SCORM 1.2 (un lanceur par capsule publiée)."
    builder = scorm.package
    label = "SCORM 1.2"
