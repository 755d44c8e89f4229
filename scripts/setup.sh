#!/usr/bin/env bash
# Install what Geste needs on a Debian 12 machine, skipping whatever is already there.
# Called by `make setup` (and so by `make run` and `make test`). Safe to run again: quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STAMPS=var/.stamps
mkdir -p "$STAMPS"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

APT_PACKAGES=(ffmpeg espeak-ng sox gettext chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core asterisk-core-sounds-fr asterisk-core-sounds-fr-wav opencv-doc)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
# As root, the multi-node test runs its nodes as users of their own, on Debian's python3.11 (the
# virtualenv's interpreter may live under a /root other users cannot enter): tests/scale/nodes.py.
if [ "$(id -u)" -eq 0 ]; then dpkg -s python3.11 >/dev/null 2>&1 || missing+=(python3.11); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "Paquets Debian : ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

LOCK_HASH=$(cat requirements/lock.txt | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ ! -f "$STAMPS/pip-$LOCK_HASH" ]; then
  say "Environnement Python (.venv) depuis requirements/lock.txt"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --no-deps -r requirements/lock.txt
  .venv/bin/python -m pip check >/dev/null || .venv/bin/python -m pip check | grep -v opencv-python || true
  rm -f "$STAMPS"/pip-*; touch "$STAMPS/pip-$LOCK_HASH"
fi

say "Poids Whisper (base multilingue, vérifiés par SHA-256)"
.venv/bin/python -m media_pipeline install-weights --target "${GESTE_WHISPER_MODEL_DIR:-var/models/whisper-base}"

if [ -f frontend/package.json ]; then
  FE_HASH=$(cat frontend/package-lock.json frontend/package.json 2>/dev/null | sha256sum | cut -c1-16)
  if [ ! -d frontend/node_modules ] || [ ! -f "$STAMPS/npm-$FE_HASH" ]; then
    say "Dépendances du lecteur (npm ci)"
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
    rm -f "$STAMPS"/npm-*; touch "$STAMPS/npm-$FE_HASH"
  fi
  SRC_HASH=$(find frontend/src frontend/package.json -type f -print0 2>/dev/null | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
  if [ ! -f "$STAMPS/build-$SRC_HASH" ] || [ ! -d frontend/dist ]; then
    say "Construction du lecteur (npm run build)"
    (cd frontend && npm run build --silent)
    rm -f "$STAMPS"/build-*; touch "$STAMPS/build-$SRC_HASH"
  fi
fi

if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then
  .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=frontend --ignore=var -v 0 >/dev/null
fi
say "Installation prête."
