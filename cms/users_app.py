"""Wagtail's users app, its groups list naming the groups in the admin's language, its new-user form titled
« Ajouter un utilisateur » alone (cms/admin_labels.py).

In its own module: beside CmsConfig in cms/apps.py, Django could no longer tell which config is cms's."""

from wagtail.users.apps import WagtailUsersAppConfig


class GesteUsersConfig(WagtailUsersAppConfig):
    group_viewset = "cms.admin_labels.GroupViewSet"
    user_viewset = "cms.admin_labels.UserViewSet"
