#!/usr/bin/env bash
# Migrate, create the demo admin and demo content (processed by the real pipeline), then serve
# the site and run a Celery worker. Ctrl-C (or SIGTERM) stops both within a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-cms.settings.dev} HF_HUB_OFFLINE=1
# A first user meets French error pages, not Django's debug pages (DJANGO_DEBUG=true brings them back).
export DJANGO_DEBUG=${DJANGO_DEBUG:-false}
PY=.venv/bin/python
HOST=${GESTE_HOST:-127.0.0.1}; PORT=${GESTE_PORT:-8000}
# Absolute links (share links, badge ids, the attestation's verification URL) and the demo Site record
# follow the address served here (cms/settings/base.py reads GESTE_HOST/GESTE_PORT).
export GESTE_HOST=$HOST GESTE_PORT=$PORT
mkdir -p var/log
# A port already taken (another server, or the S3 store's own port: 8333 by default) is said now, in French,
# not after the demo was built and « Geste est prêt » printed (walk 33).
if ! $PY - "$HOST" "$PORT" <<'PYCHECK'
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PYCHECK
then
  echo "Le port $PORT de $HOST est déjà utilisé par un autre programme : choisissez-en un autre, par exemple GESTE_PORT=8190 make run" >&2
  exit 2
fi
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0

# The worker and the server run in process groups of their own (setsid), so that a stop reaches every
# process they started (the worker's pool, gunicorn's workers) and a Ctrl-C during the demo's creation
# reaches only seed_demo; stop() then ends both.
setsid .venv/bin/celery -A cms worker -Q media,asr,lti -c "${GESTE_WORKER_CONCURRENCY:-2}" -l info \
  --hostname "geste@%h" >var/log/worker.log 2>&1 &
WORKER=$!
SERVER=
STOP_GRACE_S=${GESTE_STOP_GRACE_S:-3}
# Ctrl-C (SIGINT), SIGTERM or the end of the script: SIGTERM to the server and the worker (the server
# finishes the requests in flight, the worker makes its warm shutdown), and whatever of their process
# groups is still running after GESTE_STOP_GRACE_S seconds (3; a long stage) is killed: stages are
# idempotent and acknowledged late, so the next start resumes the run and nothing is lost.
stop() {
  local status=$1 pg pending
  trap - INT TERM EXIT
  # the leaders only: gunicorn's master stops its workers, the Celery worker its pool
  for pg in $SERVER $WORKER; do kill -TERM "$pg" 2>/dev/null || true; done
  for _ in $(seq $((STOP_GRACE_S * 10))); do
    pending=
    for pg in $SERVER $WORKER; do kill -0 -- "-$pg" 2>/dev/null && pending=1; done
    [ -z "$pending" ] && break
    sleep 0.1
  done
  for pg in $SERVER $WORKER; do kill -KILL -- "-$pg" 2>/dev/null || kill -KILL "$pg" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$status" -ge 128 ] && echo "Geste arrêté (serveur et worker)." >&2
  exit "$status"
}
trap 'stop 130' INT
trap 'stop 143' TERM
trap 'stop $?' EXIT

$PY manage.py seed_demo --wait
cat <<TXT

  Geste est prêt : http://$HOST:$PORT/
  Administration :  http://$HOST:$PORT/admin/   (identifiant : admin, mot de passe : geste-admin)
  Santé du worker : http://$HOST:$PORT/health/
  Journal du worker : var/log/worker.log

TXT
# In the background, waited for: bash runs a trap only once the foreground command returns, and `wait`
# returns as soon as a signal arrives.
# GESTE_WEB_WORKERS x GESTE_WEB_THREADS: 2 x 4 by default (threads keep slow phone clients from holding a
# whole worker when nothing buffers in front); behind a buffering proxy, 4 x 1 gave a better tail latency to
# the learner API (tests/benchmarks/bench_load.py, docs/ARCHITECTURE.md).
setsid .venv/bin/gunicorn cms.wsgi:application --bind "$HOST:$PORT" --workers "${GESTE_WEB_WORKERS:-2}" \
  --threads "${GESTE_WEB_THREADS:-4}" --timeout 120 \
  --graceful-timeout "$STOP_GRACE_S" --access-logfile - &
SERVER=$!
wait "$SERVER"
