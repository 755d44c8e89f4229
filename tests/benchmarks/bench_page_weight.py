"""Benchmark: bytes of HTML, CSS and JS a phone downloads before a capsule's video starts.

    .venv/bin/python -m tests.benchmarks.bench_page_weight

Starts the site on 127.0.0.1 (a throwaway SQLite database, test settings), publishes a
12-s capsule, opens it in Debian's Chromium at 360x740 and records every response until the
video's ``playing`` event, twice: with the browser's native HLS (no hls.js download, what a browser
without Media Source Extensions loads; ``geste:engine`` = ``native``) and with hls.js (the player's
choice wherever Media Source Extensions exist). Not pass/fail: it prints the bytes by kind,
raw and gzip-compressed (what WhiteNoise's compressed storage serves in production), as ratios
against the 300 KB budget and against the video's own bytes fetched before it started (same run).
"""

from __future__ import annotations

import gzip
import os
import socket
import sys
import tempfile
import threading
from pathlib import Path

BUDGET = 300 * 1024


def setup_django(work: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = str(work / "media")
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def serve() -> str:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    httpd = ThreadedWSGIServer(("127.0.0.1", port), Quiet)
    httpd.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}"


def measure(browser, url: str, engine: str | None) -> dict:
    ctx = browser.new_context(
        locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    if engine:
        ctx.add_init_script(f"localStorage.setItem('geste:engine', '{engine}')")
    page = ctx.new_page()
    seen: list = []
    started = {"flag": False}

    def on_response(resp):
        if started["flag"]:
            return
        try:
            body = resp.body()
        except Exception:  # redirects, aborted media requests
            return
        seen.append((resp.request.resource_type, resp.url, body))

    page.on("response", on_response)
    page.goto(url)
    page.wait_for_selector("[data-geste-player][data-ready='1']")
    source = page.get_attribute("[data-geste-player]", "data-source")
    page.evaluate("""() => new Promise((ok) => { const v = document.querySelector('video.gp-video');
        v.addEventListener('playing', ok, { once: true }); v.muted = true; v.play(); })""")
    started["flag"] = True
    ctx.close()
    kinds: dict[str, list[int]] = {}
    for rtype, rurl, body in seen:
        kind = {"document": "html", "stylesheet": "css", "script": "js"}.get(rtype)
        if kind is None and rurl.endswith(".js"):
            kind = "js"
        if kind is None:
            kind = "json" if "/api/" in rurl else "media"
        raw, gz = len(body), len(gzip.compress(body, 6))
        k = kinds.setdefault(kind, [0, 0])
        k[0] += raw
        k[1] += gz
    return {"source": source, "kinds": kinds}


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="geste-bench-weight-"))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    setup_django(work)
    from django.contrib.staticfiles import finders

    if not finders.find("geste/player.js"):
        print("frontend/dist missing: run `npm ci && npm run build` in frontend/ first")
        return 1
    from tests.browser.conftest import ARGS, CHROMIUM
    from tests.browser.learner_capsule import build_media, publish_capsule

    files = build_media(work / "clip")
    capsule = publish_capsule(files, Path(work / "media"))
    base = serve()
    url = base + capsule["page"].url
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        runs = [("navigateur sans MSE (HLS natif)", "native"), ("navigateur avec MSE (hls.js)", None)]
        results = [(label, measure(browser, url, engine)) for label, engine in runs]
        browser.close()

    print(
        f"Page weight before the video starts (budget {BUDGET // 1024} KB of HTML+CSS+JS), 360x740 Chromium"
    )
    for label, res in results:
        k = res["kinds"]
        code_raw = sum(k.get(x, [0, 0])[0] for x in ("html", "css", "js"))
        code_gz = sum(k.get(x, [0, 0])[1] for x in ("html", "css", "js"))
        media = k.get("media", [0, 0])[0]
        print(f"\n{label} — source: {res['source']}")
        labels = {"json": "json (manifest)", "media": "media (video, poster, keyframes)"}
        for kind in ("html", "css", "js", "json", "media"):
            raw, gz = k.get(kind, [0, 0])
            print(f"  {labels.get(kind, kind):33s} {raw / 1024:8.1f} KB raw {gz / 1024:8.1f} KB gzip")
        print(
            f"  HTML+CSS+JS: {code_raw / 1024:.1f} KB raw = {code_raw / BUDGET:.2f} x budget; "
            f"{code_gz / 1024:.1f} KB gzip = {code_gz / BUDGET:.2f} x budget"
        )
        if media:
            print(f"  HTML+CSS+JS (gzip) / video bytes fetched before playing: {code_gz / media:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
