# The approved steps learners see (``capsules.learner_steps``), and that snapshot for footage approved
# before it existed: built from their approved steps and their key points.

from django.db import migrations, models


def snapshot_approved(apps, schema_editor):
    Footage = apps.get_model("capsules", "Footage")
    for footage in Footage.objects.filter(status="approved"):
        steps = [
            {
                "id": s.pk, "order": s.order, "start": s.start, "end": s.end, "title": s.title,
                "keyframe": s.keyframe, "keyframe_time": s.keyframe_time, "keyframe_region": s.keyframe_region,
                "key_terms": list(s.key_terms or []),
            }
            for s in footage.steps.filter(approved=True).order_by("start", "pk")
        ]
        if not steps:
            continue
        key_points = [
            {"id": kp.pk, "time": kp.time, "kind": kp.kind, "text": kp.text, "step_id": kp.step_id}
            for kp in footage.key_points.order_by("time", "pk")
        ]
        footage.approved_snapshot = {"steps": steps, "key_points": key_points}
        footage.save(update_fields=["approved_snapshot"])


class Migration(migrations.Migration):

    dependencies = [
        ("capsules", "0010_attempt_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="footage",
            name="approved_snapshot",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(snapshot_approved, migrations.RunPython.noop),
    ]
