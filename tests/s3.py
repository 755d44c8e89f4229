"""A real S3 server for tests: SeaweedFS started by scripts/ensure_s3.sh (also run by `make test`).

Every test gets its own key prefix (``GESTE_S3_LOCATION``) in one shared bucket, so stored stage
outputs of one test are never reused by another and nothing needs deleting between tests.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
S3_PORT = int(os.environ.get("GESTE_WEED_S3_PORT", "8333"))
BUCKET = os.environ.get("GESTE_TEST_S3_BUCKET", "geste-test")
ACCESS_KEY = "geste"
SECRET_KEY = "geste-test-secret"


@dataclass(frozen=True)
class S3Place:
    endpoint: str
    bucket: str
    location: str

    def env(self) -> dict[str, str]:
        """The environment a web or worker process needs to use this bucket and prefix."""
        return {"GESTE_S3_ENDPOINT_URL": self.endpoint, "GESTE_S3_BUCKET": self.bucket,
                "GESTE_S3_ACCESS_KEY": ACCESS_KEY, "GESTE_S3_SECRET_KEY": SECRET_KEY,
                "GESTE_S3_REGION": "us-east-1", "GESTE_S3_LOCATION": self.location}

    def storage_options(self) -> dict:
        return {"bucket_name": self.bucket, "endpoint_url": self.endpoint, "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY, "region_name": "us-east-1", "querystring_auth": True,
                "querystring_expire": 300, "signature_version": "s3v4", "location": self.location,
                "file_overwrite": False}

    def keys(self) -> list[str]:
        """Every key stored under this place's prefix, relative to it."""
        s3 = client(self.endpoint)
        found = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=f"{self.location}/"):
            found += [obj["Key"][len(self.location) + 1:] for obj in page.get("Contents", [])]
        return found

    def delete_all(self) -> None:
        s3 = client(self.endpoint)
        keys = [f"{self.location}/{k}" for k in self.keys()]
        for i in range(0, len(keys), 1000):
            s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]]})


def client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name="us-east-1")


def ensure_server() -> str:
    """Start SeaweedFS if nothing answers on the S3 port; create the bucket. Returns the endpoint."""
    env = {**os.environ, "GESTE_WEED_S3_PORT": str(S3_PORT), "GESTE_S3_BUCKET": BUCKET,
           "GESTE_S3_ACCESS_KEY": ACCESS_KEY, "GESTE_S3_SECRET_KEY": SECRET_KEY}
    subprocess.run(["bash", str(ROOT / "scripts" / "ensure_s3.sh")], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=180)
    return f"http://127.0.0.1:{S3_PORT}"


def new_place(endpoint: str) -> S3Place:
    return S3Place(endpoint=endpoint, bucket=BUCKET, location=f"t-{uuid.uuid4().hex[:12]}")
