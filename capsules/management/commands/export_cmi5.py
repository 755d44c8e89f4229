"""``manage.py export_cmi5 BLOCK_CODE --out FILE.zip``: a skills block as a cmi5 package."""

from capsules.interop import cmi5
from capsules.interop.export_command import PackageCommand


class Command(PackageCommand):
    help = "Exporte un bloc de compétences en paquet cmi5 (cmi5.xml, une AU par capsule publiée)."
    builder = cmi5.package
    label = "cmi5"
