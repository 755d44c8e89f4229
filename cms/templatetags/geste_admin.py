"""Admin template helpers: ``{% geste_page_editor as editor %}`` is true for a user who may open the page
explorer (Wagtail's own test, ``user_has_any_page_permission``): only they get the home page's « Rechercher
toutes les pages… » box, which leads to the explorer, and the link to Wagtail's editor guide (walk 29)."""

from django import template
from wagtail.admin.auth import user_has_any_page_permission

register = template.Library()


@register.simple_tag(takes_context=True)
def geste_page_editor(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user is not None and user.is_authenticated and user_has_any_page_permission(user))
