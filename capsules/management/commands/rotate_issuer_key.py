"""Retire the issuer's signing key and create a new one (old keys stay published for verification)."""

from django.core.management.base import BaseCommand

from capsules.recognition.keys import method_id, rotate_key


class Command(BaseCommand):
    help = "Remplace la clé de signature des badges ; les anciennes clés restent publiées."

    def handle(self, **options):
        self.stdout.write(f"Nouvelle clé : {method_id(rotate_key())}")
