"""Admin template helpers: ``{% geste_page_editor as editor %}`` is true for a user who may open the page
explorer (Wagtail's own test, ``user_has_any_page_permission``): only they get the home page's « Rechercher
toutes les pages… » box, which leads to the explorer (walk 29). ``{% geste_wagtail_guides as guides %}`` is true
only for such a user whose admin speaks English: Wagtail's editor guide and release notes are English sites, so
the French admin links to neither (walk 37)."""

from django import template
from django.utils import translation
from wagtail.admin.auth import user_has_any_page_permission

register = template.Library()


@register.simple_tag(takes_context=True)
def geste_page_editor(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user is not None and user.is_authenticated and user_has_any_page_permission(user))


def wagtail_guides_shown(user) -> bool:
    """Wagtail's guides (guide.wagtail.org) exist in English only and are about editing pages."""
    return bool((translation.get_language() or "").startswith("en")
                and user is not None and user.is_authenticated and user_has_any_page_permission(user))


@register.simple_tag(takes_context=True)
def geste_wagtail_guides(context) -> bool:
    request = context.get("request")
    return wagtail_guides_shown(getattr(request, "user", None) or context.get("user"))
