"""Media in a real S3 server (SeaweedFS): the web hands out a presigned URL only after its permission
check — learners only for published capsules, experts only for the footage assigned to them — and
answers playlists and captions itself so their relative references come back through the check."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from capsules import storage
from tests import factories, pages

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

CHECKSUM = "5e" + "a1" * 31
PREFIX = factories.footage_key(CHECKSUM, "transcode", "0123456789abcdef")
FILES = {
    "hls/master.m3u8": b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=640x360\n360p/index.m3u8\n",
    "hls/360p/index.m3u8": b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg_000.ts\n#EXT-X-ENDLIST\n",
    "hls/360p/seg_000.ts": b"G" + bytes(187) * 3,
    "low.mp4": b"\x00\x00\x00\x18ftypmp42" + bytes(64),
    "poster.jpg": b"\xff\xd8\xff\xe0" + bytes(32),
    "captions.fr.vtt": "WEBVTT\n\n00:00.000 --> 00:01.000\nSerrez l'écrou\n".encode(),
}


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def footage_in_s3(s3_storage):
    for name, body in FILES.items():
        assert default_storage.save(f"{PREFIX}/{name}", ContentFile(body)) == f"{PREFIX}/{name}"
    original = factories.footage_key(CHECKSUM, "original", "source.mp4")
    default_storage.save(original, ContentFile(FILES["low.mp4"]))
    assigned = factories.expert(username="expert-assigne")
    footage = factories.FootageFactory(
        checksum=CHECKSUM, expert=assigned, original=original,
        renditions={"master_playlist": f"{PREFIX}/hls/master.m3u8", "mp4": f"{PREFIX}/low.mp4",
                    "poster": f"{PREFIX}/poster.jpg", "captions": {"fr": f"{PREFIX}/captions.fr.vtt"}})
    capsule = factories.CapsuleFactory(footage=footage)
    page = pages.capsule_page(capsule, publish=False)
    return {"footage": footage, "capsule": capsule, "page": page, "assigned": assigned, "place": s3_storage}


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_files_live_in_the_bucket_not_on_disk(footage_in_s3, settings, tmp_path):
    keys = footage_in_s3["place"].keys()
    assert f"{PREFIX}/hls/360p/seg_000.ts" in keys and f"{PREFIX}/captions.fr.vtt" in keys
    # The web's addresses carry no signature: a cached page or manifest never holds a presigned URL.
    assert storage.url(f"{PREFIX}/low.mp4") == f"/media/{PREFIX}/low.mp4"


@pytest.mark.parametrize("who", ["anonymous", "learner", "other_expert"])
def test_no_url_for_a_draft_capsule_media(footage_in_s3, who):
    user = {"anonymous": None, "learner": factories.learner(), "other_expert": factories.expert()}[who]
    client = client_for(user)
    for name in ("hls/master.m3u8", "hls/360p/index.m3u8", "hls/360p/seg_000.ts", "low.mp4", "captions.fr.vtt"):
        resp = client.get(f"/media/{PREFIX}/{name}")
        assert resp.status_code == 404, (who, name)
        assert "Location" not in resp and b"Signature" not in resp.content and b"X-Amz" not in resp.content
    original = footage_in_s3["footage"].original.name
    assert client.get(f"/media/{original}").status_code == 404


def test_assigned_expert_gets_private_short_lived_urls(footage_in_s3):
    client = client_for(footage_in_s3["assigned"])
    resp = client.get(f"/media/{PREFIX}/hls/360p/seg_000.ts")
    assert resp.status_code == 302
    target = resp["Location"]
    query = parse_qs(urlsplit(target).query)
    assert "X-Amz-Signature" in query and int(query["X-Amz-Expires"][0]) <= 300
    assert resp["Cache-Control"].startswith("private")
    status, headers, body = fetch(target)
    assert status == 200 and body == FILES["hls/360p/seg_000.ts"]
    assert headers["Content-Type"] == "video/mp2t"  # the web decided it, S3 answers with it
    # The presigned URL names one object: another key with the same signature is refused by S3.
    other = target.replace("seg_000.ts", "low.mp4")
    assert fetch(other)[0] == 403
    # Unsigned, the bucket refuses everyone.
    assert fetch(target.split("?")[0])[0] == 403
    # Originals download as attachments.
    resp = client.get(f"/media/{footage_in_s3['footage'].original.name}")
    assert resp.status_code == 302
    status, headers, _ = fetch(resp["Location"])
    assert status == 200 and headers["Content-Disposition"].startswith("attachment")


def test_published_capsule_media_for_everyone_through_the_playlists(footage_in_s3):
    page = footage_in_s3["page"]
    page.save_revision().publish()
    client = client_for(None)
    master = client.get(f"/media/{PREFIX}/hls/master.m3u8")
    # Playlists come from the web itself: their relative names resolve back to /media/ and its check.
    assert master.status_code == 200 and master["Content-Type"] == "application/vnd.apple.mpegurl"
    variant_name = next(line for line in master.content.decode().splitlines() if line and not line.startswith("#"))
    variant = client.get(f"/media/{PREFIX}/hls/{variant_name}")
    assert variant.status_code == 200
    segment_name = re.search(r"^(seg_\d+\.ts)$", variant.content.decode(), re.M).group(1)
    segment = client.get(f"/media/{PREFIX}/hls/360p/{segment_name}")
    assert segment.status_code == 302
    status, headers, body = fetch(segment["Location"], Origin="http://127.0.0.1:8000", Range="bytes=0-187")
    assert status == 206 and body == FILES["hls/360p/seg_000.ts"][:188]
    assert headers.get("Access-Control-Allow-Origin") in ("*", "http://127.0.0.1:8000")  # hls.js reads it cross-origin
    vtt = client.get(f"/media/{PREFIX}/captions.fr.vtt")
    assert vtt.status_code == 200 and "Serrez l'écrou" in vtt.content.decode()
    # Unpublishing takes the URLs away again.
    page.refresh_from_db()
    page.unpublish()
    assert client.get(f"/media/{PREFIX}/hls/360p/{segment_name}").status_code == 404
    assert client.get(f"/media/{PREFIX}/hls/master.m3u8").status_code == 404


def test_offline_bundle_resolves_to_stored_objects(footage_in_s3):
    footage_in_s3["page"].save_revision().publish()
    client = client_for(None)
    bundle = client.get(f"/api/learner/capsules/{footage_in_s3['capsule'].pk}/offline.json").json()
    media = [u for u in bundle["urls"] if u.startswith("/media/")]
    assert f"/media/{PREFIX}/low.mp4" in media and f"/media/{PREFIX}/captions.fr.vtt" in media
    assert bundle["bytes"] == len(FILES["low.mp4"]) + len(FILES["captions.fr.vtt"])
    for url in media:
        resp = client.get(url)
        if resp.status_code == 302:
            status, _, body = fetch(resp["Location"])
            assert status == 200 and body
        else:
            assert resp.status_code == 200 and resp.content


def test_presigned_for_the_address_browsers_use(footage_in_s3, settings):
    """Servers may reach S3 under an inside name (compose: http://minio:9000) while browsers use
    another: GESTE_S3_PUBLIC_ENDPOINT_URL; the URL is signed for that host and S3 accepts it there."""
    public = footage_in_s3["place"].endpoint.replace("127.0.0.1", "localhost")
    settings.STORAGES = {**settings.STORAGES, "s3_public": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**footage_in_s3["place"].storage_options(), "endpoint_url": public}}}
    resp = client_for(footage_in_s3["assigned"]).get(f"/media/{PREFIX}/low.mp4")
    assert resp.status_code == 302 and resp["Location"].startswith(public + "/")
    status, headers, body = fetch(resp["Location"])
    assert status == 200 and body == FILES["low.mp4"] and headers["Content-Type"] == "video/mp4"
