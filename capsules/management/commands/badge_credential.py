"""Print the signed Open Badges 3.0 credential of a learner for a skills block.

    python manage.py badge_credential USERNAME BLOCK_CODE

Exit status 1, with a French message, when the learner has not earned that block's badge.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from capsules.models import BadgeCredential


class Command(BaseCommand):
    help = "Affiche le badge signé (JSON-LD Open Badges 3.0) d'un apprenant pour un bloc de compétences."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("block_code")

    def handle(self, username, block_code, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Utilisateur inconnu : {username}.")
        credential = BadgeCredential.objects.filter(user=user, achievement__skills_block__code=block_code,
                                                    revoked_at=None).first()
        if credential is None:
            raise CommandError(f"{username} n'a pas obtenu le badge du bloc {block_code}.")
        self.stdout.write(json.dumps(credential.document, ensure_ascii=False, indent=2))
