from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import admin_login, favicon, health, language, media, offline, search

handler500 = "cms.errors.server_error"

urlpatterns = [
    path("admin/login/", admin_login.AdminLoginView.as_view(), name="geste-admin-login"),  # before Wagtail's own
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("health/", health.health, name="health"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("langue/<str:code>/", language.switch_language, name="switch-language"),
    path("recherche/", search.search_view, name="catalogue-search"),
    path("hors-ligne/", offline.offline_page, name="offline-page"),
    path("", include("capsules.urls")),
]
if settings.MEDIA_URL.startswith("/"):
    # Every media request passes the permission check: local files are served with Range support
    # (seeking), S3 objects by a redirect to a short-lived presigned URL (cms/media.py).
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media.serve_media, name="media")]
urlpatterns += [path("", include(wagtail_urls))]
