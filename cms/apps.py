from django.apps import AppConfig


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Site Geste"

    def ready(self):
        from cms import notifications

        notifications.connect()

        from cms import page_cache

        page_cache.connect()

        from cms import auth_backend

        auth_backend.connect()

        from cms import admin_labels

        admin_labels.install()

        # Wagtail's page search names no model: its results header read « 1-1 sur 1 None » (a walk searched
        # for a capsule). It lists pages: say so, in Wagtail's own words (translated by Wagtail).
        from wagtail.admin.views.pages.search import SearchView
        from wagtail.models import Page

        if SearchView.verbose_name is None:
            SearchView.verbose_name = Page._meta.verbose_name
            SearchView.verbose_name_plural = Page._meta.verbose_name_plural
