"""French-aware matching of a query against short texts, without a search server.

Why in Python rather than a database full-text index: the catalogue search must behave the same on
PostgreSQL and on SQLite (``make run``), fold accents (``é`` matches ``e``) and tolerate plurals and
verb forms, and it must say WHICH sentence matched and at what time. The texts are small (titles,
key points, transcript sentences of live capsules), so they are matched here, after a cheap
substring prefilter on the accent-folded text.

A word gives a set of *keys*: its folded form, a light suffix stem, its singular, and its simplemma lemma (kept
only when it shares the word's first three letters, so that "vis" is not read as "voir"). A text
word matches a query term when their keys meet. Every key of a word starts with the word's first
three folded letters, so a text that does not contain one of a term's 3-letter probes cannot
match it: the prefilter never loses a hit.

Framework-free: nothing here imports Django.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MIN_TERM_LEN = 2
MAX_TERMS = 10
MAX_QUERY_CHARS = 200
PROBE_LEN = 3
MIN_STEM_LEN = 4
SUFFIXES = ("ees", "ee", "es", "er", "ez", "e", "s", "x")  # longest first; on folded words

# Function words: they would match every sentence and drown the ranking (folded forms).
STOP_WORDS = frozenset(
    """a au aux avec ce ces cet cette d dans de des du elle elles en et il ils je l la le les leur
    leurs lui ma mais me mes moi mon n ne nos notre nous on ou par pas pour qu que qui sa se ses si
    son sur ta te tes toi ton tu un une vos votre vous y c s j m t est sont""".split()
)

_WORD = re.compile(r"[^\W_]+")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):  # Latin-1 supplement and Latin Extended-A/B
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base != ch and base.isascii():
            table[cp] = base
    table.update({ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE", ord("ß"): "ss",
                  ord("’"): "'", ord("ʼ"): "'"})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without accents ("Écrou" -> "ecrou"); str.translate keeps it at C speed."""
    return unicodedata.normalize("NFC", text).translate(_FOLD).lower()


def _stems(folded: str) -> set[str]:
    """A light suffix stem, and the singular of a short plural ("cles" -> "cle") that it leaves alone."""
    out = {folded}
    for suffix in SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= MIN_STEM_LEN:
            out.add(folded[: -len(suffix)])
            break
    if folded.endswith(("s", "x")) and len(folded) > PROBE_LEN:
        out.add(folded[:-1])
    return out


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="fr").lower()


@lru_cache(maxsize=65536)
def word_keys(word: str) -> frozenset[str]:
    """The forms under which a (lower-case, accented as written) word is found."""
    folded = fold(word)
    keys = _stems(folded)
    lemma = fold(_lemma(word))
    if lemma and lemma[:PROBE_LEN] == folded[:PROBE_LEN]:
        keys |= _stems(lemma)
    return frozenset(keys)


@dataclass(frozen=True)
class Term:
    """One word of the query, with the keys it matches and the probes of the prefilter."""

    text: str
    keys: frozenset[str]
    probes: frozenset[str]


@dataclass(frozen=True)
class Query:
    raw: str
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(raw: str) -> Query:
    """Words of at least two letters, function words dropped unless nothing else is left."""
    raw = (raw or "").strip()[:MAX_QUERY_CHARS]
    words = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", raw)) if len(w) >= MIN_TERM_LEN]
    words = list(dict.fromkeys(words))  # same word twice counts once
    content = [w for w in words if fold(w) not in STOP_WORDS]
    terms = []
    for w in (content or words)[:MAX_TERMS]:
        keys = word_keys(w)
        terms.append(Term(text=w, keys=keys, probes=frozenset(k[:PROBE_LEN] for k in keys)))
    # Two spellings of one word ("clé cle") are one term.
    unique: dict[frozenset[str], Term] = {}
    for t in terms:
        unique.setdefault(t.keys, t)
    return Query(raw=raw, terms=tuple(unique.values()))


@dataclass(frozen=True)
class TextMatch:
    """Which query terms a text contains, and where (character spans in the original text)."""

    terms: frozenset[str]
    spans: tuple[tuple[int, int], ...]


def match_text(query: Query, text: str, folded: str | None = None) -> TextMatch | None:
    """The terms of ``query`` found in ``text``, or None (cheap when nothing can match).

    ``folded`` is ``fold(text)`` when the caller keeps it (str.translate is the costly part).
    """
    if not text or not query.terms:
        return None
    folded = fold(text) if folded is None else folded
    candidates = [t for t in query.terms if any(p in folded for p in t.probes)]
    if not candidates:
        return None
    text = unicodedata.normalize("NFC", text)
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        keys = word_keys(m.group().lower())
        hit = [t.text for t in candidates if t.keys & keys]
        if hit:
            found.update(hit)
            spans.append(m.span())
    if not found:
        return None
    return TextMatch(terms=frozenset(found), spans=tuple(spans))


def highlight(text: str, spans: tuple[tuple[int, int], ...], max_chars: int = 220) -> str:
    """Escaped HTML of ``text`` with each span in <mark>; a long text is cut around its first match."""
    text = unicodedata.normalize("NFC", text or "")
    lo, hi = 0, len(text)
    if len(text) > max_chars:
        first = spans[0][0] if spans else 0
        lo = max(0, first - max_chars // 3)
        if lo:
            space = text.find(" ", lo)
            lo = space + 1 if 0 <= space < first else lo
        hi = min(len(text), lo + max_chars)
        if hi < len(text):
            space = text.rfind(" ", lo, hi)
            hi = space if space > (spans[0][1] if spans else lo) else hi
    out = ["…" if lo else ""]
    pos = lo
    for a, b in spans:
        if b <= lo or a >= hi:
            continue
        a, b = max(a, lo), min(b, hi)
        out += [html.escape(text[pos:a]), "<mark>", html.escape(text[a:b]), "</mark>"]
        pos = b
    out.append(html.escape(text[pos:hi]))
    if hi < len(text):
        out.append("…")
    return "".join(out)
