"""Wagtail's default workflow, « Moderators approval », in French, and put aside when unused.

Wagtail's migration 0048 made it (and its one task) from the Moderators group's publish permission on
the root page. Geste's pages all sit under the catalogue home, which has Geste's own workflow
(« Validation par l'expert », migration 0003): the default one then governs no page anyone edits (the
root is not a page one edits), yet the admin listed it under its English name next to Geste's.

So, only while the workflow still has Wagtail's default name (a team that renamed it chose its name):
- it and its task are named in French, the team's language (a name is data, shown as typed in the
  English admin too);
- when it governs no page but the root, runs no moderation and is assigned to no snippet type, it is
  disabled the way Wagtail's « Désactiver » does (inactive, its assignments removed), and so is its task
  when no other active workflow uses it. The admin lists it again under « Afficher les désactivés ».
A workflow in use is only renamed. Running it again changes nothing. Backwards: nothing to undo (the
English name is not restored).
"""

from django.db import migrations

DEFAULT_NAME = "Moderators approval"
FRENCH_NAME = "Validation par les modérateurs"


def _governs_a_page(apps, workflow) -> bool:
    """Whether some page other than the root gets this workflow (its nearest assigned ancestor, or itself,
    is assigned to it)."""
    Page = apps.get_model("wagtailcore.Page")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    others = list(WorkflowPage.objects.exclude(workflow=workflow).values_list("page__path", flat=True))
    for path in WorkflowPage.objects.filter(workflow=workflow).values_list("page__path", flat=True):
        pages = Page.objects.filter(path__startswith=path, depth__gt=1)
        for other in others:
            if other.startswith(path) and other != path:
                pages = pages.exclude(path__startswith=other)
        if pages.exists():
            return True
    return False


def forwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore.WorkflowState")
    Task = apps.get_model("wagtailcore.Task")

    for workflow in Workflow.objects.filter(name=DEFAULT_NAME):
        task_ids = list(WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True))
        Task.objects.filter(pk__in=task_ids, name=DEFAULT_NAME).update(name=FRENCH_NAME)
        workflow.name = FRENCH_NAME
        in_use = (
            _governs_a_page(apps, workflow)
            or WorkflowContentType.objects.filter(workflow=workflow).exists()
            or WorkflowState.objects.filter(workflow=workflow, status="in_progress").exists()
        )
        if not in_use:
            workflow.active = False
            WorkflowPage.objects.filter(workflow=workflow).delete()
            shared = WorkflowTask.objects.filter(task_id__in=task_ids, workflow__active=True).exclude(
                workflow=workflow).values_list("task_id", flat=True)
            Task.objects.filter(pk__in=task_ids).exclude(pk__in=list(shared)).update(active=False)
        workflow.save()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_assigned_expert_task"),
        ("wagtailcore", "__latest__"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
