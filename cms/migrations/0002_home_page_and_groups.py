"""Create the catalogue home page as the site root and the three Geste groups.

Designers author everything; Experts review footage assigned to them (object rules are
enforced in capsules.permissions); Learners have no admin access at all.
"""

from django.db import migrations

DESIGNER_MODELS = ["certification", "skillsblock", "footage", "step", "keypoint", "capsule", "interaction",
                   "transcript", "reviewcomment"]


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("cms.HomePage")
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore.Collection")

    # Replace Wagtail's welcome page with the catalogue.
    Page.objects.filter(depth=2, slug="home").delete()
    locale, _ = Locale.objects.get_or_create(language_code="fr")
    home_ct, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    home = HomePage.objects.create(
        title="Geste — catalogue des formations", draft_title="Geste — catalogue des formations", slug="accueil",
        content_type=home_ct, path="00010001", depth=2, numchild=0, url_path="/accueil/", locale=locale, live=True)
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.id, is_default_site=True,
                        site_name="Geste")

    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")

    def perms(model, actions):
        ct, _ = ContentType.objects.get_or_create(app_label="capsules", model=model)
        out = []
        for action in actions:
            perm, _ = Permission.objects.get_or_create(
                content_type=ct, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"})
            out.append(perm)
        return out

    designers, _ = Group.objects.get_or_create(name="Designers")
    designer_perms = [admin_access]
    for model in DESIGNER_MODELS:
        designer_perms += perms(model, ["add", "change", "delete", "view"])
    designers.permissions.set(designer_perms)
    for codename in ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]:
        perm = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=designers, page=home, permission=perm)
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection:
        for codename, app in [("add_image", "wagtailimages"), ("change_image", "wagtailimages"),
                              ("choose_image", "wagtailimages"), ("add_document", "wagtaildocs"),
                              ("change_document", "wagtaildocs"), ("choose_document", "wagtaildocs")]:
            perm = Permission.objects.filter(content_type__app_label=app, codename=codename).first()
            if perm:
                GroupCollectionPermission.objects.get_or_create(group=designers, collection=root_collection,
                                                                permission=perm)

    experts, _ = Group.objects.get_or_create(name="Experts")
    review_ct, _ = ContentType.objects.get_or_create(app_label="capsules", model="footage")
    review, _ = Permission.objects.get_or_create(content_type=review_ct, codename="review_footage",
                                                 defaults={"name": "Peut relire les étapes d'une vidéo"})
    experts.permissions.set([admin_access, review, *perms("step", ["view", "change"]),
                             *perms("keypoint", ["add", "change", "view"]), *perms("reviewcomment", ["add", "view"])])

    Group.objects.get_or_create(name="Learners")


def backwards(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=["Designers", "Experts", "Learners"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("capsules", "0001_initial"),
        ("wagtailcore", "__latest__"),
        ("wagtailadmin", "__latest__"),
        ("wagtailimages", "__latest__"),
        ("wagtaildocs", "__latest__"),
        ("contenttypes", "__latest__"),
        ("auth", "__latest__"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
