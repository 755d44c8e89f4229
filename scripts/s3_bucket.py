"""Create the media bucket on an S3 server (SeaweedFS in tests, MinIO or AWS in production) and let
browsers fetch from it cross-origin (the player's hls.js follows the web's redirects to presigned URLs).

Reads GESTE_S3_ENDPOINT_URL, GESTE_S3_BUCKET, GESTE_S3_ACCESS_KEY, GESTE_S3_SECRET_KEY, GESTE_S3_REGION.
Idempotent; retries while a freshly started server is not ready yet.
"""

from __future__ import annotations

import os
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

CORS = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["*"],
                       "ExposeHeaders": ["Content-Length", "Content-Range", "ETag"], "MaxAgeSeconds": 3600}]}


def client():
    return boto3.client(
        "s3", endpoint_url=os.environ.get("GESTE_S3_ENDPOINT_URL") or None,
        aws_access_key_id=os.environ.get("GESTE_S3_ACCESS_KEY"),
        aws_secret_access_key=os.environ.get("GESTE_S3_SECRET_KEY"),
        region_name=os.environ.get("GESTE_S3_REGION") or "us-east-1",
        config=Config(retries={"max_attempts": 2}, connect_timeout=3, read_timeout=10))


def ensure_bucket(bucket: str, timeout_s: float = 60) -> None:
    s3 = client()
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            try:
                s3.head_bucket(Bucket=bucket)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                    raise
                s3.create_bucket(Bucket=bucket)
            s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
            # A round trip proves the volumes accept writes (a fresh SeaweedFS grows them lazily).
            s3.put_object(Bucket=bucket, Key="_ready", Body=b"ok")
            return
        except (BotoCoreError, ClientError) as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"S3 bucket {bucket!r} not ready: {exc}") from exc
            time.sleep(1)


if __name__ == "__main__":
    name = os.environ.get("GESTE_S3_BUCKET")
    if not name:
        sys.exit("GESTE_S3_BUCKET is not set")
    ensure_bucket(name)
    print(f"S3 bucket {name} ready at {os.environ.get('GESTE_S3_ENDPOINT_URL', 'AWS')}")
