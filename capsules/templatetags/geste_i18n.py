"""``{% geste_js_catalog "frontend/src/" … %}``: the browser's strings in the page's language, embedded in
the page as JSON in an attribute (``<div id="geste-i18n" hidden data-catalog="…">``, not a ``<script>`` data
block: learner pages hold no inline script element at all) that capsules/static/capsules/i18n.js reads.

Why embedded, not Django's JavaScriptCatalog view: the player must work offline and from the page cache,
so the strings travel with the HTML of their language (the page cache keys on the language). Only our own
``djangojs`` catalogue (locale/, French msgids) is read, not Django's or Wagtail's: a French page carries
an empty catalogue (the msgids are the French). The arguments are source paths, prefixes of the ``#:``
references of locale/<lang>/LC_MESSAGES/djangojs.po: a page carries the strings of its own scripts only
(a learner's phone does not download the review screen's)."""

from __future__ import annotations

import ast
import gettext as gettext_module
import json
from functools import lru_cache
from pathlib import Path

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

register = template.Library()


def _sources(po: Path) -> dict[str, tuple[str, ...]]:
    """msgid -> the source files it comes from, read from the ``#:`` lines of a .po file."""
    found: dict[str, tuple[str, ...]] = {}
    files: list[str] = []
    parts: list[str] | None = None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#:"):
            files += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("msgid "):
            parts = [line[6:]]
        elif line.startswith('"') and parts is not None:
            parts.append(line)
        elif parts is not None:  # msgid_plural, msgstr or the blank line: the msgid is whole
            msgid = "".join(ast.literal_eval(p) for p in parts)
            if msgid:
                found[msgid] = tuple(files)
            files, parts = [], None
        elif not line.strip():
            files = []
    return found


@lru_cache(maxsize=32)
def js_catalog(lang: str, prefixes: tuple[str, ...] = ()) -> dict:
    """msgid -> msgstr (a list of plural forms for a plural entry) for ``lang``, the msgids used in files
    under ``prefixes`` (all when empty); empty for French."""
    if not lang or lang.split("-")[0] == settings.LANGUAGE_CODE:
        return {}
    languages = [lang, lang.split("-")[0]]
    for path in settings.LOCALE_PATHS:
        found = gettext_module.translation("djangojs", localedir=str(path), languages=languages, fallback=True)
        if type(found) is not gettext_module.NullTranslations:
            break
    else:
        return {}
    sources: dict[str, tuple[str, ...]] = {}
    if prefixes:
        pos = [Path(path) / code / "LC_MESSAGES" / "djangojs.po" for code in languages]
        sources = next((_sources(po) for po in pos if po.exists()), {})
    catalog: dict = {}
    for key, value in getattr(found, "_catalog", {}).items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or not value:
            continue  # the header, untranslated entries
        if prefixes and not any(f.startswith(prefixes) for f in sources.get(msgid, ())):
            continue
        if isinstance(key, tuple):
            forms = catalog.setdefault(msgid, [])
            forms.extend([""] * (key[1] + 1 - len(forms)))
            forms[key[1]] = value
        else:
            catalog[msgid] = value
    return catalog


@register.simple_tag
def geste_js_catalog(*prefixes: str):
    catalog = js_catalog(translation.get_language() or settings.LANGUAGE_CODE, tuple(prefixes))
    return format_html('<div id="geste-i18n" hidden data-catalog="{}"></div>', json.dumps(catalog, ensure_ascii=False))


@register.filter
def percent(value) -> str:
    """``{{ 50|percent }}``: « 50 % » in French (a no-break space: never « 50 » and « % » on two lines),
    « 50% » in English (walk 28 read « (0 %) » on English pages)."""
    lang = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return f"{value}%" if lang == "en" else f"{value}\u00a0%"
