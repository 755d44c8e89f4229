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
