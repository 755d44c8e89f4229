"""Serve files of the local media storage with HTTP Range support.

Video players seek with Range requests; Django's static serve view ignores them. In
production a web server or S3 serves media instead and this view is not mounted.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe

RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)$")
FOOTAGE_KEY_RE = re.compile(r"^footage/[0-9a-f]{2}/(?P<checksum>[0-9a-f]{64})/")
mimetypes.add_type("application/vnd.apple.mpegurl", ".m3u8")
mimetypes.add_type("video/mp2t", ".ts")
mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("video/iso.segment", ".m4s")


class RangeFile:
    """A file object that stops after `length` bytes (FileResponse streams it in blocks)."""

    def __init__(self, fh, length: int):
        self.fh, self.remaining = fh, length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.fh.read(size)
        self.remaining -= len(data)
        return data

    def close(self):
        self.fh.close()


def may_read(user, path: str) -> bool:
    """Footage files are readable by who may see the footage, or by anyone once one of its
    capsules is published; drafts' originals and renditions stay private."""
    match = FOOTAGE_KEY_RE.match(path)
    if match is None:
        return True
    from capsules.learning.views import live_capsule_pages
    from capsules.permissions import visible_footage

    checksum = match.group("checksum")
    if live_capsule_pages().filter(capsule__footage__checksum=checksum).exists():
        return True
    return user.is_authenticated and visible_footage(user).filter(checksum=checksum).exists()


@require_safe
def serve_media(request, path: str):
    if not may_read(request.user, path):
        raise Http404
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:
        raise Http404
    if not full.is_file():
        raise Http404
    stat = full.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    content_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
    size = stat.st_size
    match = RANGE_RE.match(request.headers.get("Range", "").strip())
    if match and (match.group(1) or match.group(2)):
        if match.group(1):
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else size - 1
        else:
            start, end = max(0, size - int(match.group(2))), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        end = min(end, size - 1)
        fh = full.open("rb")
        fh.seek(start)
        response = FileResponse(RangeFile(fh, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(full.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = "public, max-age=3600"
    return response
