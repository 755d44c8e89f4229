"""Benchmark: the learner path under load, against gunicorn on the production settings.

    .venv/bin/python -m tests.benchmarks.bench_load        (also run by `make bench`)

Seeds a published capsule (three steps, a transcript, three questions) and BENCH_USERS learners with
sessions in a PostgreSQL database (BENCH_DATABASE_URL or a postgres DATABASE_URL, else
postgres://postgres:postgres@127.0.0.1:5432/geste_bench, created if missing), starts gunicorn on
127.0.0.1 with cms.settings.production (DEBUG off, WhiteNoise for static files, Redis cache from
BENCH_CACHE_URL, default redis://127.0.0.1:6379/10; BENCH_WORKERS x BENCH_THREADS, default 2 x 4 as
scripts/run.sh), then drives, one after the other, each for BENCH_SECONDS with BENCH_USERS concurrent
users: a static file, the anonymous capsule page, the manifest (signed-in learners) and the answer API
(signed-in learners, every answer with its own client_id). The client is a small asyncio HTTP/1.1 client
with keep-alive in this process (no new dependency; locust would add 22 packages and gevent), each user
sending its next request when the last one answered, until the deadline.
Prints requests/s, p50/p95, errors per endpoint, the capsule page / static file throughput ratio, the
load average, and checks in the database that every answer sent was recorded exactly once (replays
included). Not pass/fail: the targets are printed beside the numbers.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
REQUEST_TIMEOUT = 15.0
TARGET_P95_MS = 150
TARGET_RATIO = 0.5


# --- setup --------------------------------------------------------------------------------------


def _database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):  # PostgreSQL is the reference, never SQLite
        url = "postgres://postgres:postgres@127.0.0.1:5432/geste_bench"
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def _cache_url() -> str | None:
    url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/10")
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=2):
            return url
    except OSError:
        print(f"bench_load: no Redis at {url}: file cache instead")
        return None


def server_env(work: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "false",  # plain HTTP on loopback
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # no TLS proxy in front of gunicorn here
        "DATABASE_URL": _database_url(),
        "DB_CONN_MAX_AGE": "60",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "GESTE_VAR_DIR": str(work),
        "GESTE_LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("GESTE_S3_BUCKET", None)
    cache = _cache_url()
    if cache:
        env["GESTE_CACHE_URL"] = cache
    else:
        env.pop("GESTE_CACHE_URL", None)
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()


@dataclass
class World:
    page_url: str
    manifest_url: str
    answer_urls: list[str]
    interaction_ids: list[int]
    sessions: list[str]
    user_ids: list[int]
    # tokens[user][question] maps a stored choice id to the opaque id that learner's player is sent
    tokens: list[list[dict[str, str]]]


def seed() -> World:
    """A published capsule like the demo's, and USERS learners signed in (sessions made here)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from capsules.models import Capsule, Certification, Footage, Interaction, KeyPoint, SkillsBlock, Step, Transcript
    from cms.models import CapsulePage, CertificationPage, HomePage, SkillsBlockPage

    run = uuid.uuid4().hex[:8]
    cert = Certification.objects.create(title=f"Agent de maintenance des bâtiments {run}",
                                        rncp_code=f"RNCP{secrets.randbelow(90000) + 10000}")
    block = SkillsBlock.objects.create(certification=cert, code=f"{cert.rncp_code}BC01",
                                       title="Réaliser des travaux de plomberie sanitaire")
    footage = Footage.objects.create(title=f"Remplacer un joint {run}", skills_block=block, checksum=run * 8,
                                     duration=60.0, status=Footage.Status.APPROVED,
                                     renditions={"poster": "bench/poster.jpg", "mp4": "bench/low.mp4",
                                                 "master_playlist": "bench/master.m3u8",
                                                 "captions": {"fr": "bench/captions.fr.vtt"}})
    steps = [Step.objects.create(footage=footage, order=i, start=i * 20.0, end=i * 20.0 + 18, title=t)
             for i, t in enumerate(["Couper l'eau", "Dévisser l'écrou", "Changer le joint"])]
    for s in steps:
        KeyPoint.objects.create(footage=footage, step=s, time=s.start + 2, text=f"Point clé : {s.title}")
    Transcript.objects.create(footage=footage, language="fr", segments=[
        {"start": float(t), "end": t + 4.0, "text": f"Phrase {t} de l'expert sur le geste.",
         "words": [{"start": float(t), "end": t + 1.0, "word": "Phrase"}]} for t in range(0, 60, 5)])
    capsule = Capsule.objects.create(title=f"Remplacer un joint de robinet {run}", footage=footage,
                                     skills_block=block, start=0, end=60)
    questions = []
    for i, s in enumerate(steps):
        questions.append(Interaction.objects.create(
            capsule=capsule, step=s, time=s.end - 1, kind=Interaction.Kind.SINGLE_CHOICE, mandatory=i == 0,
            prompt=f"Question {i + 1} : quel outil ?", draft_status=Interaction.DraftStatus.ACCEPTED,
            choices=[{"id": "a", "text": "Une clé dynamométrique"}, {"id": "b", "text": "Un marteau"}],
            answer_key={"correct": ["a"]}, feedback_correct="Oui.", feedback_wrong="Non."))
    home = HomePage.objects.get()
    cert_page = CertificationPage(title=cert.title, certification=cert)
    home.add_child(instance=cert_page)
    block_page = SkillsBlockPage(title=block.title, skills_block=block)
    cert_page.add_child(instance=block_page)
    page = CapsulePage(title=capsule.title, capsule=capsule, intro="<p>Le geste pas à pas.</p>")
    block_page.add_child(instance=page)
    for p in (cert_page, block_page, page):
        p.save_revision().publish()
    page.refresh_from_db()

    learners = Group.objects.filter(name="Learners").first()
    from capsules.learning import delivery

    sessions, user_ids, tokens = [], [], []
    User = get_user_model()
    for i in range(USERS):
        user = User.objects.create_user(f"bench-{run}-{i}", password=secrets.token_urlsafe(12))
        if learners:
            user.groups.add(learners)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
        user_ids.append(user.pk)
        audience = delivery.audience_for(user)
        tokens.append([{sid: delivery.ChoiceTokens.build(q, audience).to_public(sid) for sid in "ab"}
                       for q in questions])
    return World(page_url=page.url, manifest_url=reverse("learner-manifest", args=[capsule.pk]),
                 answer_urls=[reverse("learner-answer", args=[q.pk]) for q in questions],
                 interaction_ids=[q.pk for q in questions], sessions=sessions, user_ids=user_ids,
                 tokens=tokens)


def start_gunicorn(env: dict[str, str], work: Path) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(work / "gunicorn.log", "wb")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "cms.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--threads", str(THREADS), "--timeout", "60", "--keep-alive", "5"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {(work / 'gunicorn.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start in 60 s")


# --- the load client ----------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    bodies: list[bytes] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1] * 1000


class Conn:
    """One keep-alive HTTP/1.1 connection (reopened when the server closes it)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Accept-Language: fr",
                    f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
            try:
                self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                raw = await self.reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
                continue
            lines = raw.decode("latin-1").split("\r\n")
            parts = lines[0].split()
            if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
                self.close()  # out of step with the server: counted as an error by the caller
                raise ValueError(f"malformed status line {lines[0][:40]!r}")
            status = int(parts[1])
            hdrs = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
            if hdrs.get("transfer-encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
                    chunk = await self.reader.readexactly(size + 2)
                    if not size:
                        break
                    data += chunk[:-2]
            else:
                data = await self.reader.readexactly(int(hdrs.get("content-length", "0")))
            if hdrs.get("connection", "").lower() == "close":
                self.close()
            return status, data
        raise ConnectionError("unreachable")

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def drive(name: str, port: int, make_request, users: int, seconds: float, keep_bodies: bool = False) -> Result:
    """``users`` concurrent loops, each sending its next request when the last one answered, until the deadline."""
    result = Result(name)
    deadline = time.monotonic() + seconds

    async def user_loop(u: int):
        conn, n = Conn(port), 0
        while time.monotonic() < deadline:
            method, path, headers, body = make_request(u, n)
            n += 1
            t0 = time.perf_counter()
            try:
                status, data = await asyncio.wait_for(conn.request(method, path, headers, body), REQUEST_TIMEOUT)
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
                result.errors += 1
                conn.close()
                continue
            dt = time.perf_counter() - t0
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                result.latencies.append(dt)
                if keep_bodies:
                    result.bodies.append(data)
            else:
                result.errors += 1
        conn.close()

    t0 = time.monotonic()
    await asyncio.gather(*(user_loop(u) for u in range(users)))
    result.elapsed = time.monotonic() - t0
    return result


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="geste-bench-load-"))
    env = server_env(work)
    proc = None
    try:
        setup_django(env)
        world = seed()
        proc, port = start_gunicorn(env, work)
        from django.contrib.staticfiles.storage import staticfiles_storage

        static_path = staticfiles_storage.url("geste/player.css")
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, cookie and header alike

        def signed_in(u: int) -> dict[str, str]:
            return {"Cookie": f"sessionid={world.sessions[u % len(world.sessions)]}; csrftoken={csrf}"}

        sent: list[tuple[int, str]] = []  # (user, client_id) of every answer sent

        def answer_request(u: int, n: int):
            cid = str(uuid.uuid4())
            sent.append((u, cid))
            q = n % len(world.answer_urls)
            choice = world.tokens[u % len(world.tokens)][q]["ab"[n % 2]]
            body = json.dumps({"response": {"choice": choice}, "client_id": cid}).encode()
            headers = {**signed_in(u), "Content-Type": "application/json", "X-CSRFToken": csrf}
            return "POST", world.answer_urls[q], headers, body

        scenarios = [
            ("static file", lambda u, n: ("GET", static_path, {}, b"")),
            ("capsule page (anonymous)", lambda u, n: ("GET", world.page_url, {}, b"")),
            ("manifest (signed in)", lambda u, n: ("GET", world.manifest_url, signed_in(u), b"")),
            ("answer API (signed in)", answer_request),
        ]

        async def run_all():
            # One warm-up pass (workers' first requests, the page's first render into the cache).
            await drive("warm-up", port, lambda u, n: ("GET", world.page_url, {}, b""), 4, 1.0)
            out = []
            for name, make in scenarios:
                out.append(await drive(name, port, make, USERS, SECONDS, keep_bodies=name.startswith("answer")))
            return out

        load_before = os.getloadavg()
        results = asyncio.run(run_all())
        load_after = os.getloadavg()

        # Every answer sent was recorded exactly once; replaying them records nothing more.
        from capsules.models import Attempt

        answers = results[-1]
        ok_ids = set()
        for data in answers.bodies:
            payload = json.loads(data)
            if not payload.get("duplicate"):
                ok_ids.add(payload["client_id"])
        recorded = Attempt.objects.filter(user_id__in=world.user_ids)
        n_recorded = recorded.count()
        n_distinct = recorded.values("client_id").distinct().count()

        replayed = sent[:: max(1, len(sent) // 200)][:200]

        async def replay():
            """Each replayed answer sent again by its own learner (an offline queue flushed twice)."""
            it = iter(replayed)

            def again(u, n):
                user, cid = next(it, replayed[0])
                choice = world.tokens[user % len(world.tokens)][0]["a"]
                body = json.dumps({"response": {"choice": choice}, "client_id": cid}).encode()
                return "POST", world.answer_urls[0], {**signed_in(user), "Content-Type": "application/json",
                                                       "X-CSRFToken": csrf}, body

            return await drive("replay", port, again, 1, 1.0, keep_bodies=True)

        again_result = asyncio.run(replay())
        replay_dupes = sum(bool(json.loads(b).get("duplicate")) for b in again_result.bodies)
        n_after_replay = recorded.count()

        once = (n_recorded == n_distinct == len(ok_ids) == len(sent) == n_after_replay
                and replay_dupes == again_result.ok and not again_result.errors)
        static = results[0]
        print(f"\nLearner path under load: gunicorn {WORKERS} workers x {THREADS} threads, cms.settings.production, "
              f"{'Redis' if env.get('GESTE_CACHE_URL') else 'file'} cache, PostgreSQL; {USERS} concurrent users, "
              f"{SECONDS:.0f} s per endpoint; {os.cpu_count()} CPUs; load average before "
              f"{load_before[0]:.2f} / after {load_after[0]:.2f} (client runs on the same machine)")
        print(f"{'endpoint':28} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        for r in results:
            print(f"{r.name:28} {r.ok:9d} {r.ok / r.elapsed:8.1f} {r.pct(50):8.1f} {r.pct(95):8.1f} {r.errors:7d}"
                  + (f"   statuses {r.statuses}" if r.errors else ""))
        page, answer_r = results[1], results[3]
        ratio = (page.ok / page.elapsed) / (static.ok / static.elapsed) if static.ok else float("nan")
        print(f"capsule page / static file throughput: {ratio:.2f} (target >= {TARGET_RATIO})")
        print(f"capsule page p95 {page.pct(95):.0f} ms, answer API p95 {answer_r.pct(95):.0f} ms "
              f"(target <= {TARGET_P95_MS} ms); errors {sum(r.errors for r in results)} (target 0)")
        print(f"answers: sent {len(sent)}, answered 200 {answers.ok}, recorded {n_recorded} "
              f"({n_distinct} distinct client_ids); {again_result.ok} replays ({replay_dupes} answered duplicate), "
              f"recorded after: {n_after_replay} -> {'each recorded exactly once' if once else 'MISMATCH'}")
        met = (ratio >= TARGET_RATIO and page.pct(95) <= TARGET_P95_MS and answer_r.pct(95) <= TARGET_P95_MS
               and not any(r.errors for r in results) and once)
        print(f"targets met: {'yes' if met else 'no'}")
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
