"""Public and API URLs of the capsules app (learner API, review API)."""

from django.urls import include, path

urlpatterns: list = []

try:  # each area registers its own urls module
    from capsules import learner_urls  # noqa: F401
    urlpatterns.append(path("", include("capsules.learner_urls")))
except ImportError:
    pass
try:
    from capsules import review_urls  # noqa: F401
    urlpatterns.append(path("", include("capsules.review_urls")))
except ImportError:
    pass
