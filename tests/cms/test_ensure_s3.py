"""`scripts/ensure_s3.sh` and a SeaweedFS left running from a deleted checkout (session 33: a CI rehearsal's
clone was removed while its weed ran; the next run found the port answering, kept it, and every S3 test
failed on writes into its missing directory). The script stops such a server and starts a fresh one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = 18433  # S3; master, volume and filer +1..+3, gRPC +10000 (away from the suite's 8333)


def _open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(cond, seconds: float) -> bool:
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.25)
    return False


def _weeds() -> list[int]:
    out = subprocess.run(["pgrep", "-f", f"weed server .*-s3.port={PORT} "], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_a_weed_from_a_deleted_checkout_is_replaced(tmp_path):
    gone = tmp_path / "removed-clone"
    (gone / "data").mkdir(parents=True)
    weed = str(ROOT / ".venv/bin/weed")
    stale = subprocess.Popen(
        [weed, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=data", f"-master.port={PORT + 1}",
         f"-master.port.grpc={PORT + 10001}", f"-volume.port={PORT + 2}", f"-volume.port.grpc={PORT + 10002}",
         f"-filer.port={PORT + 3}", f"-filer.port.grpc={PORT + 10003}", "-s3", f"-s3.port={PORT}",
         f"-s3.port.grpc={PORT + 10000}", "-s3.port.iceberg=0", "-s3.port.lance=0", "-iam=false", "-webdav=false",
         "-sftp=false"], cwd=gone, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    fresh_dir = tmp_path / "fresh"
    try:
        assert _wait(lambda: _open(PORT), 60)
        shutil.rmtree(gone)
        out = subprocess.run(["bash", str(ROOT / "scripts/ensure_s3.sh")], cwd=ROOT, capture_output=True, text=True,
                             timeout=120, env={**os.environ, "GESTE_WEED_S3_PORT": str(PORT),
                                               "GESTE_WEED_DIR": str(fresh_dir)})
        assert out.returncode == 0, out.stderr[-800:]
        assert "dossier supprimé" in out.stderr
        assert stale.poll() is not None  # the stale server is gone
        alive = _weeds()
        assert alive and all(os.readlink(f"/proc/{p}/cwd") == str(ROOT) for p in alive)
        assert "ready at" in out.stderr
    finally:
        for p in _weeds():
            os.kill(p, 9)
        if stale.poll() is None:
            stale.kill()
        stale.wait(timeout=10)
