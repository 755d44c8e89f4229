"""Fields in error on the hand-written admin forms (new capsule, interaction), as the sign-up form does
with Django's widgets (capsules/learning/signin.py): sent back with errors, the page opens on the first
field in error (``autofocus``), and each field in error says so to screen readers (``aria-invalid``,
``aria-describedby`` naming its French message, ``id_<name>_error``). The view puts ``first_error``
(capsules.authoring.capsule.first_in_error) in the context."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def error_attrs(context, name: str, message_id: str = "", focus: bool = True):
    """` aria-invalid="true" aria-describedby="…" autofocus` for a field in error, nothing otherwise.
    ``message_id``: the element holding its message (default ``id_<name>_error``); ``focus=False`` for the
    second radio of a pair."""
    errors = context.get("errors") or {}
    if name not in errors:
        return ""
    autofocus = " autofocus" if focus and context.get("first_error") == name else ""
    return format_html(' aria-invalid="true" aria-describedby="{}"{}', message_id or f"id_{name}_error", autofocus)
