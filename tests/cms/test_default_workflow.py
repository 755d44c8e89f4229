"""Wagtail's default workflow (« Moderators approval », made by its migration 0048 on the root page) is
neither listed in English nor offered next to Geste's own « Validation par l'expert »: migration
cms/0005 names it in French and disables it while it governs no page (Geste's pages all sit under the
catalogue home, which has Geste's workflow); a default workflow still in use is only renamed."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from cms.models import HomePage
from tests.baseline import ensure_baseline

pytestmark = pytest.mark.django_db



def migrate_default_workflow() -> None:
    import_module("cms.migrations.0005_default_workflow_french").forwards(apps, None)

GESTE = "Validation par l'expert"


def _wagtails_default(page: Page) -> Workflow:
    """What Wagtail's migration 0048 makes from the Moderators' publish permission on ``page``."""
    task = GroupApprovalTask.objects.create(
        name="Moderators approval", active=True,
        content_type=ContentType.objects.get_for_model(GroupApprovalTask))
    task.groups.set([Group.objects.get_or_create(name="Moderators")[0]])
    workflow = Workflow.objects.create(name="Moderators approval", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=page)
    return workflow


def test_the_admin_lists_only_gestes_workflow_and_no_english_name(client):
    ensure_baseline()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not GroupApprovalTask.objects.filter(name="Moderators approval").exists()
    assert list(Workflow.objects.filter(active=True).values_list("name", flat=True)) == [GESTE]
    admin = get_user_model().objects.create_superuser("admin-workflows", "a@example.org", "motdepasse-geste")
    client.force_login(admin)
    listed = client.get("/admin/workflows/list/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert GESTE.replace("'", "&#x27;") in listed and "Moderators" not in listed
    # Geste's pages keep Geste's workflow
    assert HomePage.objects.first().get_workflow().name == GESTE


def test_the_unused_default_workflow_is_named_in_french_and_disabled_once():
    ensure_baseline()
    root = Page.objects.get(depth=1)
    workflow = _wagtails_default(root)
    french = Workflow.objects.filter(name="Validation par les modérateurs").count()  # the migrated one
    migrate_default_workflow()
    workflow.refresh_from_db()
    assert (workflow.name, workflow.active) == ("Validation par les modérateurs", False)
    assert not WorkflowPage.objects.filter(workflow=workflow).exists()
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow)
    assert (task.name, task.active) == ("Validation par les modérateurs", False)
    assert Workflow.objects.get(name=GESTE).active
    assert HomePage.objects.first().get_workflow().name == GESTE
    migrate_default_workflow()  # again: nothing changes
    assert Workflow.objects.filter(name="Validation par les modérateurs").count() == french + 1
    workflow.refresh_from_db()
    assert (workflow.name, workflow.active) == ("Validation par les modérateurs", False)


def test_a_default_workflow_in_use_or_renamed_is_kept():
    ensure_baseline()
    root = Page.objects.get(depth=1)
    workflow = _wagtails_default(root)
    # a site of its own beside Geste's catalogue: its pages go through the default workflow
    other = root.add_child(instance=Page(title="Autre site", slug="autre-site"))
    migrate_default_workflow()
    workflow.refresh_from_db()
    assert (workflow.name, workflow.active) == ("Validation par les modérateurs", True)
    assert other.get_workflow() == workflow
    # a name the team chose is theirs: not touched
    workflow.name = "Relecture du service"
    workflow.save()
    migrate_default_workflow()
    workflow.refresh_from_db()
    assert (workflow.name, workflow.active) == ("Relecture du service", True)
