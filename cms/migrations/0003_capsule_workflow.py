"""The capsule workflow: the expert validates, then a designer publishes.

"Validation par l'expert" is assigned to the catalogue home page, so every CapsulePage below
it goes through two group approval tasks before it is published: the Experts group first,
then the Designers group (approving the last task publishes the page).
"""

from django.db import migrations

WORKFLOW = "Validation par l'expert"
EXPERT_TASK = "Validation des étapes et des quiz par l'expert"
DESIGNER_TASK = "Publication par le concepteur"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    HomePage = apps.get_model("cms.HomePage")

    task_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    experts, _ = Group.objects.get_or_create(name="Experts")
    designers, _ = Group.objects.get_or_create(name="Designers")

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    for order, (name, groups) in enumerate([(EXPERT_TASK, [experts]), (DESIGNER_TASK, [designers])]):
        task = GroupApprovalTask.objects.filter(name=name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=name, content_type=task_ct, active=True)
        task.groups.set(groups)
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    for home in HomePage.objects.all():
        WorkflowPage.objects.update_or_create(page_id=home.pk, defaults={"workflow": workflow})


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore.Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Workflow.objects.filter(name=WORKFLOW).delete()
    GroupApprovalTask.objects.filter(name__in=[EXPERT_TASK, DESIGNER_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_home_page_and_groups"),
        ("wagtailcore", "__latest__"),
        ("contenttypes", "__latest__"),
        ("auth", "__latest__"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
