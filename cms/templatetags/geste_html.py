"""``{{ page.intro|safe_richtext }}``: Wagtail's ``|richtext`` whose output passes the allow-list
sanitiser, so an intro stored before escaping existed, or written by code that forgot it, or a
draft revision, cannot run script on the public site, the draft view or the preview."""

from django import template
from django.utils.safestring import mark_safe
from wagtail.templatetags.wagtailcore_tags import richtext

from capsules.sanitize import clean_html

register = template.Library()


@register.filter
def safe_richtext(value):
    return mark_safe(clean_html(richtext(value)))
