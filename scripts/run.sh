#!/usr/bin/env bash
# Migrate, create the demo admin and demo content (processed by the real pipeline), then serve
# the site and run a Celery worker. Ctrl-C stops both.
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
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0

.venv/bin/celery -A cms worker -Q media,asr,lti -c "${GESTE_WORKER_CONCURRENCY:-2}" -l info \
  --hostname "geste@%h" >var/log/worker.log 2>&1 &
WORKER=$!
# Stop the worker with the server: a warm shutdown may wait for a long stage, so after 10 s it is
# killed (stages are idempotent and acks are late: the next start resumes the run, nothing is lost).
stop_worker() {
  kill -TERM "$WORKER" 2>/dev/null || return 0
  for _ in $(seq 20); do kill -0 "$WORKER" 2>/dev/null || return 0; sleep 0.5; done
  pkill -KILL -P "$WORKER" 2>/dev/null; kill -KILL "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null
}
trap stop_worker EXIT INT TERM

$PY manage.py seed_demo --wait
cat <<TXT

  Geste est prêt : http://$HOST:$PORT/
  Administration :  http://$HOST:$PORT/admin/   (identifiant : admin, mot de passe : geste-admin)
  Santé du worker : http://$HOST:$PORT/health/
  Journal du worker : var/log/worker.log

TXT
.venv/bin/gunicorn cms.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 --timeout 120 \
  --access-logfile - 
