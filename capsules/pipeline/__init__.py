"""Footage processing: the workflow as data, the stage runner, one file per stage, thin Celery tasks,
validate-then-store ingestion, resumable uploads and the footage screens (designers)."""
