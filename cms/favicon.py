"""/favicon.ico: browsers ask for it on every site whatever the page says; answer with Geste's small SVG
icon (the same file the base templates name in ``<link rel="icon">``) rather than a 404."""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = "cms/favicon.svg"


@cache
def _svg() -> bytes:
    with open(finders.find(FAVICON), "rb") as fh:
        return fh.read()


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    response = HttpResponse(_svg(), content_type="image/svg+xml")
    # An SVG opened on its own is a document: nothing in it may run or load.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
