"""Open Badges 3.0 baking: the signed credential carried inside the badge image.

SVG: an ``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``)
holding the JSON-LD in CDATA. PNG: an ``iTXt`` chunk with keyword ``openbadgecredential``,
uncompressed, before ``IEND``. Unbaking is here too, so tests read back what a verifier would.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

OB_NS = "https://purl.imsglobal.org/ob/v3p0"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"


def _json(document: dict) -> str:
    # "]]>" can only occur inside a JSON string, where ">" may be written \u003e.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).replace("]]>", "]]\\u003e")


def bake_svg(document: dict, title: str, code: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NS}" viewBox="0 0 512 512" width="512" height="512" \
role="img" aria-label="{escape(title, {'"': '&quot;'})}">
<openbadges:credential><![CDATA[{_json(document)}]]></openbadges:credential>
<title>{escape(title)}</title>
<circle cx="256" cy="256" r="240" fill="#1d4e89"/>
<circle cx="256" cy="256" r="200" fill="#ffffff"/>
<text x="256" y="230" text-anchor="middle" font-family="sans-serif" font-size="34" font-weight="bold" \
fill="#1d4e89">Bloc validé</text>
<text x="256" y="290" text-anchor="middle" font-family="sans-serif" font-size="28" fill="#333">{escape(code)}</text>
</svg>
"""


def unbake_svg(svg: str) -> dict | None:
    match = re.search(r"<openbadges:credential[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</openbadges:credential>", svg, re.S)
    return json.loads(match.group(1)) if match else None


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _chunks(png: bytes):
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("pas une image PNG")
    pos = len(PNG_SIGNATURE)
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind = png[pos + 4:pos + 8]
        yield kind, png[pos + 8:pos + 8 + length], pos
        pos += 12 + length


def bake_png(png: bytes, document: dict) -> bytes:
    """``png`` with the credential in an iTXt chunk (any earlier credential chunk replaced)."""
    out = bytearray(PNG_SIGNATURE)
    text = PNG_KEYWORD + b"\0\0\0\0\0" + json.dumps(document, ensure_ascii=False).encode()
    for kind, data, _pos in _chunks(png):
        if kind == b"iTXt" and data.startswith(PNG_KEYWORD + b"\0"):
            continue
        if kind == b"IEND":
            out += _chunk(b"iTXt", text)
        out += _chunk(kind, data)
    return bytes(out)


def unbake_png(png: bytes) -> dict | None:
    for kind, data, _pos in _chunks(png):
        if kind == b"iTXt" and data.startswith(PNG_KEYWORD + b"\0"):
            keyword_end = len(PNG_KEYWORD)
            compressed = data[keyword_end + 1]
            rest = data[keyword_end + 3:]
            _lang, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            return json.loads(zlib.decompress(text) if compressed else text)
    return None


def badge_png(title: str, code: str, image_bytes: bytes | None = None) -> bytes:
    """The badge picture: the designer's image when there is one, else a drawn medal."""
    if image_bytes:
        img = Image.open(io.BytesIO(image_bytes)).convert("RGBA")
        img.thumbnail((512, 512))
    else:
        img = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        draw.ellipse((16, 16, 496, 496), fill=(29, 78, 137, 255))
        draw.ellipse((56, 56, 456, 456), fill=(255, 255, 255, 255))
        draw.text((256, 230), "Bloc validé", fill=(29, 78, 137, 255), anchor="mm", font_size=40)
        draw.text((256, 290), code, fill=(51, 51, 51, 255), anchor="mm", font_size=30)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()
