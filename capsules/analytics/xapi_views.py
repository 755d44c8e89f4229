"""Admin downloads of learner activity as xAPI statements (designers and administrators only).

The file is a JSON array of statements, as an LRS's ``POST /statements`` accepts it. It is streamed:
statements are written as the events come out of a server-side cursor, so a capsule with 100 000
events never sits in memory at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from wagtail.models import Site

from capsules.analytics import xapi
from capsules.analytics.report_views import _designers_only
from capsules.models import Capsule, SkillsBlock
from capsules.sanitize import slug_from_text


def _home_page(request) -> str:
    """The actor's account homePage: the root URL of the site the export is made from."""
    from django.conf import settings

    site = Site.find_for_request(request)
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def _json_array(statements: Iterator[dict]) -> Iterator[bytes]:
    yield b"["
    for i, stmt in enumerate(statements):
        yield (",\n" if i else "\n").encode() + json.dumps(stmt, ensure_ascii=False).encode("utf-8")
    yield b"\n]\n"


def _download(statements: Iterator[dict], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_json_array(statements), content_type="application/json; charset=utf-8")
    filename = f"xapi-{slug_from_text(name) or 'export'}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_designers_only
def capsule_xapi(request, pk: int):
    capsule = get_object_or_404(Capsule.objects.select_related("page"), pk=pk)
    page = xapi.page_of(capsule)
    name = page.slug if page is not None else capsule.title
    return _download(xapi.capsule_statements(capsule, _home_page(request), request), name)


@_designers_only
def skills_block_xapi(request, pk: int):
    block = get_object_or_404(SkillsBlock, pk=pk)
    return _download(xapi.skills_block_statements(block, _home_page(request), request), block.code or block.title)


urlpatterns = [
    path("geste/rapports/capsules/<int:pk>/xapi.json", capsule_xapi, name="geste_report_capsule_xapi"),
    path("geste/rapports/blocs/<int:pk>/xapi.json", skills_block_xapi, name="geste_report_block_xapi"),
]
