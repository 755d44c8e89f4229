"""Geste's Wagtail site: settings, URLs, the Celery app, page types and admin views."""

from cms.celery import app as celery_app

__all__ = ["celery_app"]
