from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapsulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "capsules"
    verbose_name = _("Capsules")

    def ready(self):
        from capsules.authoring import step_changes  # noqa: F401  (pending proposals drafted again on re-approval)
        from capsules.interop import cmi5_signals  # noqa: F401  (cmi5 statements when a launched capsule completes)
        from capsules.interop.lti import signals as lti_signals  # noqa: F401  (grades back to the LMS)
        from capsules.learning import (
            content_cache,
            signin,  # noqa: F401  (a visitor's answers join their account on sign-in)
        )
        from capsules.pipeline import signals  # noqa: F401  (worker recovery hooks)
        from capsules.recognition import signals as badge_signals  # noqa: F401  (block badges on completion)

        content_cache.connect()  # cached learner content: a miss once a question or a footage changes
