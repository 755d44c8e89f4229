"""The Wagtail page types that present the domain (defined in ``cms.models``), reached through
Django's app registry: ``cms`` sits above ``capsules`` and imports it, so ``capsules`` never imports
``cms`` back (an import-linter contract holds that)."""

from __future__ import annotations

from django.apps import apps


def page_model(name: str):
    """``page_model("CapsulePage")`` → the ``cms.CapsulePage`` class."""
    return apps.get_model("cms", name)
