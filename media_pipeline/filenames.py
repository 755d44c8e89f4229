"""Storage-safe file names for uploads.

An uploaded name is user input: it may carry path parts ("../../etc/passwd"),
shell metacharacters, control characters, a leading dash (read as an option by
command-line tools) or a leading dot (a hidden file). Storage keys keep a
readable ASCII slug of it and its extension, nothing else.
"""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 80
MAX_EXT = 10
DEFAULT_STEM = "video"


def _ascii(text: str) -> str:
    # "Découpe œuvre" -> "Decoupe oeuvre": decompose accents, then drop non-ASCII.
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def safe_filename(name: str, *, default_stem: str = DEFAULT_STEM) -> str:
    """A short ASCII ``slug.ext`` for ``name`` (never empty, never starting with '.' or '-').

    >>> safe_filename("../../Découpe d'un tuyau; rm -rf ~.MP4")
    'Decoupe-d-un-tuyau-rm-rf.mp4'
    """
    # Only the last path component counts, whatever the separator of the uploader's OS.
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")  # control, format chars
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = re.sub(r"[^a-z0-9]", "", _ascii(ext).lower())[:MAX_EXT]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", _ascii(stem)).strip("-._")
    slug = slug[:MAX_STEM].rstrip("-") or default_stem
    return f"{slug}.{ext}" if ext else slug


# Extensions the server gives stored originals, by the container the probe found (never the
# uploader's extension: a video uploaded as ``notes.html`` is stored as ``source.mp4``).
CONTAINER_EXTENSIONS = {
    "mp4": "mp4", "mov": "mov", "matroska": "mkv", "webm": "webm", "avi": "avi", "mpegts": "ts",
    "flv": "flv", "asf": "wmv", "mpeg": "mpg", "3gp": "3gp", "ogg": "ogv",
}
ORIGINAL_STEM = "source"


def original_filename(container: str) -> str:
    """The stored name of an original: ``source.<extension of its probed container>``.

    >>> original_filename("matroska"), original_filename("html")
    ('source.mkv', 'source.bin')
    """
    return f"{ORIGINAL_STEM}.{CONTAINER_EXTENSIONS.get(container, 'bin')}"
