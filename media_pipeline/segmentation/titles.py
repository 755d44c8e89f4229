"""A proposed title and key terms for a step, from the commentary spoken inside it.

"Ensuite, je visse la plaque avec le tournevis, bien à fond." gives the title
"Visser la plaque avec le tournevis": the first clause after the discourse marker,
its subject pronoun dropped and its verb put in the infinitive (simplemma). A title is
a short phrase of words (at most ``MAX_WORDS``, never ending on "de", "la", ...) and never
empty: without a usable sentence it is made of the step's key terms, else "Étape N".
"""

from __future__ import annotations

import re
from functools import lru_cache

from media_pipeline.segmentation.speech_cues import sentences, starts_with_marker

SUBJECTS = ("je ", "j'", "on ", "nous ", "tu ", "vous ", "il ", "elle ")
AUXILIARIES = ("va ", "vais ", "allons ", "allez ", "vas ", "dois ", "doit ", "faut ", "veuillez ", "vient de ",
               "viens de ", "peut ", "peux ", "pouvez ", "devez ", "il faut ", "faut qu'on ", "faut que ")
MAX_WORDS = 8
# A title never ends on a word that announces more.
DANGLING = {"de", "du", "des", "d'", "la", "le", "les", "l'", "un", "une", "à", "au", "aux", "et", "ou", "sur",
            "sous", "avec", "dans", "en", "pour", "par", "que", "qui", "son", "sa", "ses", "votre", "vos",
            "notre", "nos", "mon", "ma", "mes", "ce", "cette", "ces", "bien", "très", "plus"}
# Verbs that name no gesture on their own ("Il est bien." once gave the title "Être"): a title made of
# one of them and stop words only is no title (the step falls back on its key terms, else "Étape N").
LIGHT_VERBS = {"être", "avoir", "faire", "aller", "pouvoir", "devoir", "falloir", "vouloir", "venir", "savoir"}
STOP_WORDS = DANGLING | {"ça", "cela", "ceci", "c'", "ici", "là", "y", "lui", "leur", "il", "elle", "on", "je",
                         "tu", "nous", "vous", "ils", "elles", "bon", "voilà", "tout", "tous", "ok", "comme",
                         "pas", "ne", "n'", "oui", "non", "si", "ainsi", "aussi", "encore", "déjà", "juste"}
_WORD = re.compile(r"^[\w'’-]+$")
FILLERS = ("là ", "bon ", "donc ", "voilà ", "euh ", "alors ", "et ", "mais ", "ben ", "bah ", "hop ")
# Markers that carry the step's verb stay in the clause ("je prends la clé" -> "Prendre la clé").
VERB_MARKERS = ("on va", "je vais", "nous allons", "je prends", "on prend", "on passe", "je passe")


@lru_cache(maxsize=4096)
def _lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="fr")


def title_from_text(text: str, max_len: int = 60) -> str:
    t = text.strip().strip("«»\"").replace("’", "'")
    marker = starts_with_marker(t)
    low = t.lower()
    if marker and marker not in VERB_MARKERS:
        t = t[len(marker):]
        low = t.lower()
    t = t.lstrip(" ,;:-")
    while True:
        stripped = re.sub(r"^(là|bon|donc|voilà|euh|alors|ok|bien|et|mais|ben|bah|hop)\b\s*[,;:]?\s*", "", t,
                          flags=re.IGNORECASE)
        if stripped == t:
            break
        t = stripped
    clause = re.split(r"[,;:.!?]| et | puis | mais ", t, maxsplit=1)[0].strip()
    low = clause.lower()
    changed = True
    while changed:
        changed = False
        for prefix in FILLERS + SUBJECTS + AUXILIARIES:
            if low.startswith(prefix):
                clause, low = clause[len(prefix):].lstrip(), low[len(prefix):].lstrip()
                changed = True
    words = [w for w in clause.split() if _WORD.match(w)]
    if not words or not any(len(w) > 2 for w in words):
        return ""
    # Object pronouns before the verb ("je la pose") stay out of a title.
    while len(words) > 1 and words[0].lower() in ("le", "la", "les", "l'", "en", "y", "me", "se"):
        words = words[1:]
    verb = words[0]
    lemma = _lemma(verb.lower())
    if lemma.endswith(("er", "ir", "re", "oir")) and lemma != verb.lower():
        words[0] = lemma
    elif verb.lower().endswith("e") and not verb.lower().endswith(("tre", "dre", "ire")) and len(verb) > 3:
        words[0] = verb.lower() + "r"  # "trace" -> "tracer": present of a first-group verb
    words = words[:MAX_WORDS]
    while len(" ".join(words)) > max_len and len(words) > 1:
        words = words[:-1]
    while len(words) > 1 and words[-1].lower() in DANGLING:
        words = words[:-1]
    if len(words) == 1 and len(words[0]) <= 2:
        return ""
    if says_nothing(words):
        return ""
    title = " ".join(words)
    return title[:1].upper() + title[1:]


def says_nothing(words: list[str]) -> bool:
    """Only a light verb ("être", "faire", in any form) and stop words: nothing a learner could recognise."""
    low = [w.lower() for w in words]
    return all(w in STOP_WORDS or w in LIGHT_VERBS or _lemma(w) in LIGHT_VERBS for w in low)


def step_text(transcript: dict | None, start: float, end: float, lead: float = 1.0) -> list[str]:
    """Sentences that begin inside the step (or just before it: people announce gestures)."""
    return [text.strip() for s, _e, text in sentences(transcript) if start - lead <= s < end - 0.5]


def propose_title(transcript: dict | None, start: float, end: float, index: int | None = None) -> str:
    """Title of the step from what is said in it; with ``index`` (1-based) never empty:
    key terms, else "Étape N". Without ``index`` (older callers) it may be empty."""
    title = _title_from_speech(transcript, start, end)
    if title:
        return title
    terms = key_terms(transcript, start, end, top=2) if transcript else []
    if terms:
        title = " – ".join(terms)
        return title[:1].upper() + title[1:]
    return f"Étape {index}" if index is not None else ""


def _title_from_speech(transcript: dict | None, start: float, end: float) -> str:
    texts = step_text(transcript, start, end)
    for text in texts:  # prefer the sentence that opens with a discourse marker
        if starts_with_marker(text):
            title = title_from_text(text)
            if title:
                return title
    for text in texts:
        title = title_from_text(text)
        if title:
            return title
    return ""


def key_terms(transcript: dict | None, start: float, end: float, top: int = 3) -> list[str]:
    """A few key terms of the commentary in the step (YAKE, French)."""
    text = " ".join(step_text(transcript, start, end))
    if len(text.split()) < 3:
        return []
    import yake

    extractor = yake.KeywordExtractor(lan="fr", n=2, top=top * 2, dedup_lim=0.7)
    terms: list[str] = []
    for kw, _score in extractor.extract_keywords(text):
        kw = kw.strip().lower()
        if (starts_with_marker(kw) or kw in ("là", "voilà", "comme ça", "bien") or kw.split()[0] in ("veuillez", "euh")
                or says_nothing(kw.split())):
            continue
        if kw and not any(kw in t or t in kw for t in terms):
            terms.append(kw)
        if len(terms) >= top:
            break
    return terms
