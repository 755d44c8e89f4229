"""Django's model backend, with the signed-in user kept in the cache between requests.

Why: every signed-in call of the learner API loaded its user with one query (``ModelBackend.get_user``);
under load that query was about a tenth of an answer's cost. The user row is cached for
``GESTE_USER_CACHE_SECONDS`` and dropped on every save or deletion of the user (password change,
deactivation, last login), so the session-hash check and ``is_active`` see those at once; a queryset
``update()`` on users sends no signal and is seen after at most ``GESTE_USER_CACHE_SECONDS``.
Group and permission reads stay lazy queries, as with ``ModelBackend``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

PATH = "cms.auth_backend.CachedModelBackend"


def _key(user_id) -> str:
    return f"geste:auth-user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        key = _key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, user, int(getattr(settings, "GESTE_USER_CACHE_SECONDS", 60)))
        return user if self.user_can_authenticate(user) else None


def forget(sender, instance, **kwargs) -> None:
    """Drop the cached copy now and again once the change commits (a reader in between re-caches the old row)."""
    from django.db import transaction

    cache.delete(_key(instance.pk))
    transaction.on_commit(lambda: cache.delete(_key(instance.pk)))


def connect() -> None:
    model = get_user_model()
    post_save.connect(forget, sender=model, dispatch_uid="geste-auth-user-saved")
    post_delete.connect(forget, sender=model, dispatch_uid="geste-auth-user-deleted")
