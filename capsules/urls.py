"""Public and API URLs of the capsules app: the learner API and the expert review API."""

from django.urls import include, path

urlpatterns = [
    path("", include("capsules.learner_urls")),
    path("", include("capsules.review_urls")),
]
