"""What the data migrations create (page tree root, catalogue home, groups, workflow), put back
after a transactional test flushed the tables and serialized rollback could not restore them."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType


def ensure_baseline() -> None:
    """Put back what the migrations created (page tree root, groups, workflow) when an earlier
    transactional test flushed the database and serialized_rollback could not restore it (it does
    not when non-transactional tests ran first in the same session)."""
    from cms.models import HomePage

    if Group.objects.filter(name__in=["Experts", "Trainers"]).count() == 2 and HomePage.objects.exists():
        return
    from wagtail.models import Collection, Locale, Page

    ContentType.objects.clear_cache()  # a flush recreated the content types under new ids
    Locale.objects.get_or_create(language_code="fr")
    if not Page.objects.filter(depth=1).exists():
        Page.objects.create(
            title="Root",
            draft_title="Root",
            slug="root",
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
            content_type=ContentType.objects.get_for_model(Page),
            locale=Locale.objects.get(language_code="fr"),
        )
    if not Collection.objects.filter(depth=1).exists():
        Collection.objects.create(name="Root", path="0001", depth=1, numchild=0)
    import_module("cms.migrations.0002_home_page_and_groups").forwards(apps, None)
    import_module("cms.migrations.0003_capsule_workflow").forwards(apps, None)
    import_module("cms.migrations.0004_assigned_expert_task").forwards(apps, None)
    # capsules' own data steps: badge permissions and the Trainers group, path permissions
    import_module("capsules.migrations.0003_recognition").grant(apps, None)
    import_module("capsules.migrations.0005_paths").grant(apps, None)
