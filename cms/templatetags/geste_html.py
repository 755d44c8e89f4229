"""``{{ page.intro|safe_richtext }}``: Wagtail's ``|richtext`` whose output passes the allow-list
sanitiser, so an intro stored before escaping existed, or written by code that forgot it, or a
draft revision, cannot run script on the public site, the draft view or the preview."""

import re

from django import template
from django.utils.safestring import mark_safe
from wagtail.templatetags.wagtailcore_tags import richtext

from capsules.sanitize import clean_html

register = template.Library()


@register.filter
def safe_richtext(value):
    return mark_safe(clean_html(richtext(value)))


SITE_NAME = "Geste"


@register.filter(is_safe=True)
def site_title(value):
    """A tab title ending « · Geste », unless it already names Geste (walk 24a: the home page's tab read
    « Geste — catalogue des formations · Geste »). The title comes rendered (escaped) from the block."""
    title = str(value).strip()
    if not title:
        return SITE_NAME
    # The name as a word: « Gestes et postures », a capsule's title, still gets « · Geste ».
    return title if re.search(rf"\b{SITE_NAME}\b", title) else f"{title} · {SITE_NAME}"
