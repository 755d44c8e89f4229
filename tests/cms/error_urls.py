"""URLs for the error page tests: two views that fail, one under /admin/, one that refuses (403), then the
real site (its handler500)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from cms.urls import handler500
from cms.urls import urlpatterns as site


def fail(request):
    raise RuntimeError("panne provoquée par le test")


def refuse(request):
    raise PermissionDenied


handler500 = handler500  # noqa: PLW0127 — the site's handler, looked up on this URLconf
urlpatterns = [
    path("admin/geste/panne/", fail),
    path("catalogue/panne/", fail),
    path("catalogue/interdit/", refuse),
    *site,
]
