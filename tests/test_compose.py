"""docker-compose.yml describes the multi-node layout (no `docker compose` here to validate it):
valid YAML, every service it names, worker services per queue with no volume, the same S3 and
broker settings for every Geste service, and dependencies that exist."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GESTE_SERVICES = {"web", "worker-media", "worker-asr", "worker-asr-gpu", "minio-bucket"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # merges the <<: anchors


def test_services_of_the_layout():
    services = compose()["services"]
    assert set(services) == GESTE_SERVICES | {"postgres", "rabbitmq", "redis", "minio"}
    assert "-Q media" in services["worker-media"]["command"] and "-Q asr" in services["worker-asr"]["command"]
    assert services["worker-asr-gpu"]["profiles"] == ["gpu"]
    assert services["worker-asr-gpu"]["environment"]["GESTE_WHISPER_DEVICE"] == "cuda"
    gpu = services["worker-asr-gpu"]["deploy"]["resources"]["reservations"]["devices"][0]
    assert gpu["driver"] == "nvidia" and gpu["capabilities"] == ["gpu"]


def test_no_volume_shared_between_services():
    services = compose()["services"]
    for name in ("worker-media", "worker-asr", "worker-asr-gpu"):
        assert not services[name].get("volumes"), f"{name} must not need a shared disk"
    owners: dict[str, str] = {}
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert owners.setdefault(source, name) == name, f"volume {source} shared by {owners[source]} and {name}"
            assert source in compose()["volumes"]


def test_every_geste_service_uses_s3_rabbitmq_and_postgres():
    services = compose()["services"]
    for name in GESTE_SERVICES:
        env = services[name]["environment"]
        assert env["CELERY_BROKER_URL"].startswith("amqp://") and "@rabbitmq:5672/" in env["CELERY_BROKER_URL"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["GESTE_S3_BUCKET"] and env["GESTE_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert "DJANGO_MEDIA_ROOT" not in env and "GESTE_WHISPER_MODEL_DIR" not in env


def test_dependencies_exist_and_are_healthchecked():
    services = compose()["services"]
    for name, service in services.items():
        for dep, cond in (service.get("depends_on") or {}).items():
            assert dep in services, (name, dep)
            if cond["condition"] == "service_healthy":
                assert "healthcheck" in services[dep], (name, dep)
