"""Record, on each issued badge, the block's live capsules at issuance (a capsule published since
does not undo the badge, but the learner's and trainer's pages say so).

Badges issued before this migration: the block's capsules whose page was first published (else the
capsule created) no later than the badge, the best the database still knows.
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    BadgeCredential = apps.get_model("capsules", "BadgeCredential")
    CapsulePage = apps.get_model("cms", "CapsulePage")
    pages: dict[int, list] = {}
    for credential in BadgeCredential.objects.filter(block_capsule_ids__isnull=True).select_related("achievement"):
        block_id = credential.achievement.skills_block_id
        if block_id not in pages:
            pages[block_id] = list(CapsulePage.objects.filter(capsule__skills_block_id=block_id)
                                   .values_list("capsule_id", "first_published_at", "capsule__created_at"))
        credential.block_capsule_ids = sorted(
            capsule_id for capsule_id, published, created in pages[block_id]
            if (published or created) <= credential.issued_at)
        credential.save(update_fields=["block_capsule_ids"])


class Migration(migrations.Migration):

    dependencies = [
        ('capsules', '0008_cmi5_sessions'),
        ('cms', '0004_assigned_expert_task'),
    ]

    operations = [
        migrations.AddField(
            model_name='badgecredential',
            name='block_capsule_ids',
            field=models.JSONField(blank=True, null=True, verbose_name='capsules du bloc à la délivrance'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
