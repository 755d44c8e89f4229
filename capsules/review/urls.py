"""URLs of the review JSON API (included by capsules/urls.py)."""

from django.urls import path

from capsules.review import api as review_api

app_name = "review_api"

urlpatterns = [
    path("api/review/footage/<int:footage_id>/", review_api.state, name="state"),
    path("api/review/footage/<int:footage_id>/steps/", review_api.steps, name="steps"),
    path("api/review/footage/<int:footage_id>/key-points/", review_api.key_points, name="key_points"),
    path(
        "api/review/footage/<int:footage_id>/key-points/<int:key_point_id>/",
        review_api.key_point_detail,
        name="key_point_detail",
    ),
    path("api/review/footage/<int:footage_id>/comments/", review_api.comments, name="comments"),
    path("api/review/footage/<int:footage_id>/approve/", review_api.approve, name="approve"),
    path("api/review/footage/<int:footage_id>/send-back/", review_api.send_back, name="send_back"),
    path("api/review/footage/<int:footage_id>/resubmit/", review_api.resubmit, name="resubmit"),
    path("api/review/footage/<int:footage_id>/reopen/", review_api.reopen, name="reopen"),
    path("api/review/footage/<int:footage_id>/truth.json", review_api.truth, name="truth"),
]
