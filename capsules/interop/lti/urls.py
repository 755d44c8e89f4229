"""LTI 1.3 endpoints (the URLs to give the LMS are listed in the README, "Brancher Geste à Moodle")."""

from django.urls import path

from capsules.interop.lti import views

urlpatterns = [
    path("lti/jwks.json", views.jwks, name="lti-jwks"),
    path("lti/connexion/", views.LoginView.as_view(), name="lti-login"),
    path("lti/connexion/<uuid:registration_uuid>/", views.LoginView.as_view(), name="lti-login-registration"),
    path("lti/lancement/", views.LaunchView.as_view(), name="lti-launch"),
    path("lti/liens/", views.deep_link_choice, name="lti-deep-link-choice"),
    path("lti/cible/capsules/<int:pk>/", views.target, {"kind": "capsule"}, name="lti-target-capsule"),
    path("lti/cible/blocs/<int:pk>/", views.target, {"kind": "block"}, name="lti-target-block"),
]
