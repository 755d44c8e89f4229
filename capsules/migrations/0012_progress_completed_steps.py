# The steps a learner saw when completing a capsule, kept for the portfolio (``Progress.completed_steps``).
# Completions recorded before it stay None: the portfolio reads their capsule's current steps, as before.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("capsules", "0011_footage_approved_snapshot"),
    ]

    operations = [
        migrations.AddField(
            model_name="progress",
            name="completed_steps",
            field=models.JSONField(blank=True, default=None, editable=False, null=True),
        ),
    ]
