"""`GESTE_PORT=8190 make run`: absolute links and the demo Site follow the port the site is served on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from wagtail.models import Site

from capsules import demo
from capsules.recognition.site import public_url
from tests.baseline import ensure_baseline

ROOT = Path(__file__).resolve().parents[2]


def settings_seen(env: dict[str, str]) -> list[str]:
    """The settings a fresh process computes from this environment (as run.sh's children do)."""
    base = {k: v for k, v in os.environ.items()
            if k not in {"WAGTAILADMIN_BASE_URL", "GESTE_HOST", "GESTE_PORT", "DJANGO_CSRF_TRUSTED_ORIGINS"}}
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.WAGTAILADMIN_BASE_URL); print(','.join(s.CSRF_TRUSTED_ORIGINS))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                         capture_output=True, text=True, check=True, timeout=120)
    return out.stdout.strip().splitlines()[-2:]


def test_base_url_follows_geste_port():
    base_url, origins = settings_seen({"GESTE_PORT": "8190"})
    assert base_url == "http://127.0.0.1:8190"
    assert "http://127.0.0.1:8190" in origins.split(",")
    assert settings_seen({"GESTE_HOST": "0.0.0.0", "GESTE_PORT": "8191"})[0] == "http://127.0.0.1:8191"
    # A public address given explicitly wins.
    assert settings_seen({"GESTE_PORT": "8190", "WAGTAILADMIN_BASE_URL": "https://geste.example.org"})[0] \
        == "https://geste.example.org"


def test_run_script_exports_host_and_port_before_the_django_commands():
    script = (ROOT / "scripts/run.sh").read_text()
    export = script.index("export GESTE_HOST=$HOST GESTE_PORT=$PORT")
    assert export < script.index("manage.py migrate") and export < script.index("seed_demo")


@pytest.mark.django_db
@override_settings(WAGTAILADMIN_BASE_URL="http://127.0.0.1:8190")
def test_demo_points_the_site_and_credential_urls_at_the_port():
    ensure_baseline()
    assert demo.ensure_site_address() == ("127.0.0.1", 8190)
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://127.0.0.1:8190"
    assert public_url("/verifier/x/") == "http://127.0.0.1:8190/verifier/x/"


def test_run_script_says_at_once_that_the_port_is_taken():
    """Walk 33: with GESTE_PORT on a port already in use, ``make run`` built the demo, printed « Geste est prêt »,
    then failed on gunicorn's bind; it now stops before anything else with a French message."""
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        out = subprocess.run(["bash", str(ROOT / "scripts/run.sh")], cwd=ROOT, capture_output=True, text=True,
                             timeout=60, env={**os.environ, "GESTE_HOST": "127.0.0.1", "GESTE_PORT": str(port)})
    finally:
        taken.close()
    assert out.returncode == 2
    assert f"Le port {port} de 127.0.0.1 est déjà utilisé" in out.stderr
    assert "prêt" not in out.stdout
