"""``{% geste_js_catalog %}``: the browser's strings in the page's language, embedded in the page as a JSON
block (id ``geste-i18n``) that capsules/static/capsules/i18n.js reads.

Why embedded, not Django's JavaScriptCatalog view: the player must work offline and from the page cache,
so the strings travel with the HTML of their language (the page cache keys on the language). Only our own
``djangojs`` catalogue (locale/, French msgids) is read, not Django's or Wagtail's: a French page carries
an empty catalogue (the msgids are the French)."""

from __future__ import annotations

import gettext as gettext_module
from functools import lru_cache

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import json_script

register = template.Library()


@lru_cache(maxsize=8)
def js_catalog(lang: str) -> dict:
    """msgid -> msgstr (a list of plural forms for a plural entry) for ``lang``; empty for French."""
    if not lang or lang.split("-")[0] == settings.LANGUAGE_CODE:
        return {}
    found = None
    for path in settings.LOCALE_PATHS:
        found = gettext_module.translation("djangojs", localedir=str(path), languages=[lang, lang.split("-")[0]],
                                           fallback=True)
        if type(found) is not gettext_module.NullTranslations:
            break
    catalog: dict = {}
    for key, value in getattr(found, "_catalog", {}).items():
        if not key or not value:
            continue  # the header, untranslated entries
        if isinstance(key, tuple):
            msgid, index = key
            forms = catalog.setdefault(msgid, [])
            forms.extend([""] * (index + 1 - len(forms)))
            forms[index] = value
        else:
            catalog[key] = value
    return catalog


@register.simple_tag
def geste_js_catalog():
    return json_script(js_catalog(translation.get_language() or settings.LANGUAGE_CODE), "geste-i18n")
