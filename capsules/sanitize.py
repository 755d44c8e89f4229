"""The one way text people type reaches HTML: escaped, or through an allow-list sanitiser.

Wagtail renders a RichTextField with ``|richtext``, which trusts its input: a summary written
into a page intro as ``f"<p>{summary}</p>"`` ran ``<img src=x onerror=…>`` for every visitor.
Plain text goes through :func:`rich_text_from_plain` (escaped, paragraphs kept); HTML that must
stay HTML (a rich-text field, a rendered intro) through :func:`clean_html` (nh3/ammonia: known
tags and attributes only, http(s)/mailto/relative links only, no script, style or event handler).
"""

from __future__ import annotations

import html
import re

import nh3

# What Wagtail's default rich-text features produce, once expanded for display.
ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "code", "blockquote",
    "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "hr", "img", "figure", "figcaption", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "linktype"},
    "img": {"src", "alt", "width", "height", "class", "format", "embedtype"},
    "p": {"data-block-key"}, "h2": {"data-block-key"}, "h3": {"data-block-key"}, "h4": {"data-block-key"},
    "h5": {"data-block-key"}, "h6": {"data-block-key"}, "li": {"data-block-key"},
    "blockquote": {"data-block-key"}, "figure": {"class"}, "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(value: str) -> str:
    """``value`` with every tag, attribute and URL scheme outside the allow-list removed."""
    return nh3.clean(
        str(value or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def rich_text_from_plain(text: str) -> str:
    """Rich-text HTML for plain text someone typed: escaped, blank lines make paragraphs and
    single line breaks ``<br>``; empty text gives ``""``."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=True) for line in p.split("\n")) + "</p>" for p in paragraphs
    )


def slug_from_text(text: str) -> str:
    """A slug (URL part, file name) for a title someone typed: its tags and their attributes removed
    before slugifying. ``<img src=x onerror=alert(1)>Ranger une boîte`` gave
    ``img-srcx-onerroralert1ranger-une-boite`` as the capsule page's URL and the package's file name;
    it gives ``ranger-une-boite``. Empty when nothing is left (callers supply their fallback)."""
    from django.utils.text import slugify

    return slugify(html.unescape(nh3.clean(str(text or ""), tags=set(), strip_comments=True)))
