"""Serve media after a permission check: local files with HTTP Range support, S3 by redirect.

Video players seek with Range requests; Django's static serve view ignores them. With S3 storage
(``GESTE_S3_BUCKET``) the same check runs, then small text files (HLS playlists, WebVTT, JSON) are
read from the bucket and answered here — so a playlist's relative segment names resolve back to
this view — and everything else is a redirect to a presigned URL that lives a few minutes
(``GESTE_S3_URL_EXPIRE_S``), with the content type and disposition decided here as query
parameters S3 answers with. A learner thus never gets a URL for a draft's media, and an expert
only for the footage they review (``access`` below).

Every stored name is decided by the server, and so is the content type: it comes from a short
allow-list of the types the pipeline writes, never from what the uploader called the file
(an upload named ``notes.html`` must not come back as ``text/html`` from our origin).
Anything else goes out as an ``application/octet-stream`` attachment, originals always as
attachments. A path is only served in its canonical form (``footage//16/…``, ``./footage/…``
and ``x/../footage/…`` are refused), so the publication check sees the path the file system reads.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe

RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)$")
FOOTAGE_KEY_RE = re.compile(r"^footage/(?P<shard>[0-9a-f]{2})/(?P<checksum>[0-9a-f]{64})/(?P<stage>[a-z0-9_-]+)/")
# Top-level folders of the media storage this view serves: footage (access-checked below) and
# Wagtail images. Wagtail documents go through /documents/, which applies their privacy.
SERVED_ROOTS = {"footage", "images", "original_images"}
# The only content types media are served with, by the extension of the (server-chosen) key.
CONTENT_TYPES = {
    "mp4": "video/mp4", "m4v": "video/mp4", "mov": "video/quicktime", "webm": "video/webm",
    "mkv": "video/x-matroska", "ts": "video/mp2t", "m4s": "video/iso.segment",
    "m3u8": "application/vnd.apple.mpegurl", "vtt": "text/vtt; charset=utf-8",
    "m4a": "audio/mp4", "wav": "audio/wav", "mp3": "audio/mpeg",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
    "gif": "image/gif", "avif": "image/avif", "json": "application/json",
}
# What a published footage gives everyone: the kinds of file the player, the capsule page and the offline bundle
# read (renditions, HLS playlists and segments, captions, posters and step pictures). The pipeline's working files
# beside them (steps.json: the machine's draft steps; transcript.json: the transcript before the designer's
# corrections; quiz proposals; audio; the original upload with its metadata) stay with the footage's team
# even once a capsule is published: the stage folders show in the learner's own URLs (audit 37).
LEARNER_MEDIA_EXTENSIONS = {"mp4", "m4v", "webm", "ts", "m4s", "m3u8", "vtt", "jpg", "jpeg", "png", "webp"}
ATTACHMENT_TYPE = "application/octet-stream"
CACHE_PUBLIC = "public, max-age=3600"
CACHE_PRIVATE = "private, max-age=3600"


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


def is_canonical(path: str) -> bool:
    """The one spelling of a key: relative, no empty, ``.`` or ``..`` part, no backslash or control
    character. Anything else could name a protected file under a path the check does not recognise."""
    if not path or path.startswith("/") or "\\" in path or any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        return False
    return posixpath.normpath(path) == path and all(part not in ("", ".", "..") for part in path.split("/"))


def access(user, path: str, request=None) -> str | None:
    """``"public"``, ``"private"`` or None (refused) for a media key.

    Footage files are readable by who may see the footage ("private": never kept by shared caches),
    or by anyone once one of its capsules is published ("public") for the kinds learners are shown
    (``is_learner_medium``); drafts' media, originals and the pipeline's working files stay private.
    A footage published only in capsules under a view restriction (page privacy) is "private" to the
    ``request`` that passes one of them.
    Under ``footage/`` only keys of the canonical ``footage/<2 hex>/<sha256>/<stage>/…`` form are served."""
    if not is_canonical(path):
        return None
    root = path.split("/", 1)[0]
    if root not in SERVED_ROOTS:
        return None
    if root != "footage":
        return "public"
    match = FOOTAGE_KEY_RE.match(path)
    if match is None or match.group("checksum")[:2] != match.group("shard"):
        return None
    from capsules.learning import page_privacy
    from capsules.learning.views import live_capsule_pages
    from capsules.permissions import visible_footage

    checksum = match.group("checksum")
    if is_learner_medium(path):
        published = list(live_capsule_pages().filter(capsule__footage__checksum=checksum)
                         .values_list("capsule_id", flat=True))
        if any(not page_privacy.restricted(pk) for pk in published):
            return "public"
        # Only capsules under a view restriction (Wagtail's page privacy): for who passes one of them.
        if request is not None and any(page_privacy.passes(request, pk) for pk in published):
            return "private"
    if user.is_authenticated and visible_footage(user).filter(checksum=checksum).exists():
        return "private"
    return None


def is_learner_medium(path: str) -> bool:
    """Whether a footage key is one a published capsule shows learners (``LEARNER_MEDIA_EXTENSIONS``, never
    the original upload)."""
    match = FOOTAGE_KEY_RE.match(path)
    name = path.rpartition("/")[2]
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return match is not None and match.group("stage") != "original" and ext in LEARNER_MEDIA_EXTENSIONS


def content_type_for(path: str) -> tuple[str, bool]:
    """(content type, as attachment) decided from the key alone: originals and unknown types are
    downloads, never rendered by the browser from our origin."""
    ext = path.rpartition("/")[2].rpartition(".")[2].lower() if "." in path.rpartition("/")[2] else ""
    content_type = CONTENT_TYPES.get(ext)
    match = FOOTAGE_KEY_RE.match(path)
    original = match is not None and match.group("stage") == "original"
    if content_type is None:
        return ATTACHMENT_TYPE, True
    return content_type, original


# Served through the web from S3 rather than redirected: small, and relative references inside
# them (a master playlist's variants, a variant's segments) must resolve against our URL.
PROXIED_EXTENSIONS = {"m3u8", "vtt", "json"}
PROXIED_MAX_BYTES = 4 * 1024 * 1024


def _local_storage() -> bool:
    return isinstance(storages["default"], FileSystemStorage)


def _secured(response, path: str, visibility: str, attachment: bool, name: str):
    response["Cache-Control"] = CACHE_PUBLIC if visibility == "public" else CACHE_PRIVATE
    if visibility == "private":
        response["Vary"] = "Cookie"
    # FileResponse derives a Content-Disposition from the file name: replace it with ours.
    response["Content-Disposition"] = _disposition(name, attachment)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened directly, a media file is a sandboxed document that may run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _disposition(name: str, attachment: bool) -> str:
    download_name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return f'attachment; filename="{download_name}"' if attachment else "inline"


def serve_from_object_storage(request, path: str, visibility: str):
    """S3 (or any non-local storage): small text answered here, the rest by a presigned redirect."""
    content_type, attachment = content_type_for(path)
    name = path.rpartition("/")[2]
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext in PROXIED_EXTENSIONS:
        try:
            with default_storage.open(path, "rb") as fh:
                body = fh.read(PROXIED_MAX_BYTES + 1)
        except (FileNotFoundError, OSError):
            raise Http404
        if len(body) > PROXIED_MAX_BYTES:
            raise Http404
        return _secured(HttpResponse(body, content_type=content_type), path, visibility, attachment, name)
    expire = settings.GESTE_S3_URL_EXPIRE_S
    signer = storages["s3_public"] if "s3_public" in settings.STORAGES else default_storage
    target = signer.url(path, parameters={
        "ResponseContentType": content_type,
        "ResponseContentDisposition": _disposition(name, attachment),
    }, expire=expire)
    response = HttpResponseRedirect(target)
    # The browser may reuse the redirect while the presigned URL is still valid, never after.
    response["Cache-Control"] = f"private, max-age={max(0, expire // 2)}"
    response["Vary"] = "Cookie"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def serve_media(request, path: str):
    visibility = access(request.user, path, request)
    if visibility is None:
        raise Http404
    if not _local_storage():
        return serve_from_object_storage(request, path, visibility)
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
    content_type, attachment = content_type_for(path)
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
    return _secured(response, path, visibility, attachment, full.name)
