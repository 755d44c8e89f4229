"""Recognition URLs, mounted at the site root under /reconnaissance/."""

from django.urls import path

from capsules.recognition import views

urlpatterns = [
    path("reconnaissance/emetteur", views.issuer, name="recognition-issuer"),
    path("reconnaissance/statuts/<slug:name>", views.status_list_view, name="recognition-status-list"),
    path("reconnaissance/realisations/<str:code>", views.achievement, name="recognition-achievement"),
    path("reconnaissance/badges/<uuid:uuid>/", views.credential_page, name="recognition-credential"),
    path("reconnaissance/badges/<uuid:uuid>.jsonld", views.credential_json, name="recognition-credential-json"),
    path("reconnaissance/badges/<uuid:uuid>.<str:fmt>", views.credential_baked,
         name="recognition-credential-baked"),
    path("reconnaissance/portfolio/", views.my_portfolio, name="recognition-portfolio"),
    path("reconnaissance/capsules/<int:capsule_id>/badge.json", views.capsule_badge, name="recognition-capsule-badge"),
    path("reconnaissance/portfolio/export.zip", views.portfolio_export, name="recognition-portfolio-export"),
    path("reconnaissance/portfolio/partages/", views.share_create, name="recognition-share-create"),
    path("reconnaissance/portfolio/partages/<int:share_id>/revoquer", views.share_revoke,
         name="recognition-share-revoke"),
    path("reconnaissance/portfolio/did/", views.did_update, name="recognition-did"),
    path("reconnaissance/partage/<str:token>/", views.shared_portfolio, name="recognition-shared-portfolio"),
]
