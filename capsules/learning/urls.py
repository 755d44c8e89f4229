"""Learner-facing URLs (mounted at the site root, before Wagtail's page serving)."""

from django.urls import path

from capsules.learning import preview, signin, views

urlpatterns = [
    path("sw.js", views.service_worker, name="learner-sw"),
    path("api/learner/capsules/<int:capsule_id>/manifest.json", views.manifest, name="learner-manifest"),
    path("api/learner/capsules/<int:capsule_id>/chapters.vtt", views.chapters, name="learner-chapters"),
    path("api/learner/capsules/<int:capsule_id>/progress", views.progress_view, name="learner-progress"),
    path("api/learner/capsules/<int:capsule_id>/events", views.events, name="learner-events"),
    path("api/learner/capsules/<int:capsule_id>/offline.json", views.offline_bundle, name="learner-offline"),
    path("api/learner/interactions/<int:interaction_id>/answer", views.answer, name="learner-answer"),
    path("api/learner/interactions/<int:interaction_id>/reveal", views.reveal, name="learner-reveal"),
    path("api/learner/interactions/<int:interaction_id>/went-on", views.went_on, name="learner-went-on"),
    path("compte/connexion/", signin.LearnerLoginView.as_view(), name="learner-login"),
    path("compte/inscription/", signin.signup, name="learner-signup"),
    path("compte/deconnexion/", signin.LearnerLogoutView.as_view(), name="learner-logout"),
    # Drafts, for the people who validate them (capsules/learning/preview.py)
    path("api/preview/capsules/<int:capsule_id>/manifest.json", preview.manifest, name="preview-manifest"),
    path("api/preview/capsules/<int:capsule_id>/chapters.vtt", preview.chapters, name="preview-chapters"),
    path("api/preview/capsules/<int:capsule_id>/interactions/<int:interaction_id>/answer", preview.answer,
         name="preview-answer"),
    path("api/preview/capsules/<int:capsule_id>/interactions/<int:interaction_id>/reveal", preview.reveal,
         name="preview-reveal"),
    path("api/preview/capsules/<int:capsule_id>/sink", preview.sink, name="preview-sink"),
]
