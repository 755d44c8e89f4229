"""The experts' review permission moves from the footage model to the step model (same codename, so
``capsules.review_footage`` still names it), with its group and user assignments: Wagtail's site history
shows a model's log entries to anyone holding a permission on that model, and every expert read every
footage's history (audit 37)."""

from django.db import migrations

CODENAME = "review_footage"


def _move(apps, source: str, target: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    source_ct = ContentType.objects.get_or_create(app_label="capsules", model=source)[0]
    target_ct = ContentType.objects.get_or_create(app_label="capsules", model=target)[0]
    old = Permission.objects.filter(content_type=source_ct, codename=CODENAME).first()
    if old is None:
        return
    new = Permission.objects.filter(content_type=target_ct, codename=CODENAME).first()
    if new is None:
        old.content_type = target_ct
        old.save(update_fields=["content_type"])
        return
    for group in old.group_set.all():
        group.permissions.add(new)
    for user in old.user_set.all():
        user.user_permissions.add(new)
    old.delete()


def forwards(apps, schema_editor):
    _move(apps, "footage", "step")


def backwards(apps, schema_editor):
    _move(apps, "step", "footage")


class Migration(migrations.Migration):

    dependencies = [
        ('capsules', '0021_transcript_heard_language'),
        ('cms', '0002_home_page_and_groups'),  # it gives the Experts group the permission, on the footage model
    ]

    operations = [
        migrations.AlterModelOptions(
            name='footage',
            options={'ordering': ['-created_at'], 'verbose_name': 'vidéo source', 'verbose_name_plural': 'vidéos sources'},
        ),
        migrations.AlterModelOptions(
            name='step',
            options={'ordering': ['footage', 'start'], 'permissions': [('review_footage', "Peut relire les étapes d'une vidéo")], 'verbose_name': 'étape', 'verbose_name_plural': 'étapes'},
        ),
        migrations.RunPython(forwards, backwards),
    ]
