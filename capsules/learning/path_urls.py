"""URLs of individual paths: placement per skills block and daily practice (learner pages)."""

from django.urls import path

from capsules.learning import path_views

urlpatterns = [
    path("parcours/blocs/<int:block_id>/positionnement/", path_views.placement_view, name="learner-placement"),
    path("parcours/entrainement/", path_views.practice_view, name="learner-practice"),
    path("api/learner/practice/sync", path_views.practice_sync, name="learner-practice-sync"),
]
