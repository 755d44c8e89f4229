"""Public and API URLs of the capsules app: the learner API and the expert review API."""

from django.urls import include, path

urlpatterns = [
    path("", include("capsules.learning.urls")),
    path("", include("capsules.learning.path_urls")),
    path("", include("capsules.review.urls")),
    path("", include("capsules.recognition.urls")),
    path("", include("capsules.interop.scorm_relay")),
    path("", include("capsules.interop.lti.urls")),
    path("", include("capsules.interop.cmi5_views")),
]
