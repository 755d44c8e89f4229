"""A proposed title and key terms for a step, from the commentary spoken inside it.

"Ensuite, je visse la plaque avec le tournevis, bien à fond." gives the title
"Visser la plaque avec le tournevis": the first clause after the discourse marker,
its subject pronoun dropped and its verb put in the infinitive (simplemma). A title is
a short phrase of words (at most ``MAX_WORDS``, never ending on "de", "la", ...) and never
empty: without a usable sentence it is made of the step's key terms, else "Étape N".

The transcript's ``language`` picks the rules: English commentary (a take transcribed again in English,
walk 35) has its own fillers, subjects and auxiliaries, its verb put in the base form ("I'm rinsing the
cup" -> "Rinse the cup"), and English stop words for its key terms; the French rules gave « Rinser »,
« Okay », or nothing at all for « So, rinse. » (then « Étape N »).

A title is made only of words Whisper is reasonably sure of (first-user walk: « Commer avec toute centrale… »,
Whisper's misheard words, became a step's title): a sentence whose title words (``title_source_words``) include
one heard with a probability under ``TITLE_MIN_PROBABILITY`` gives no title, the next sentence is tried; key terms
leave such words out; else « Étape N ». Words without a probability (older stored transcripts) count as sure.
The threshold was measured on Debian's French Asterisk prompts (tests/benchmarks/bench_title_confidence.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from media_pipeline.segmentation.speech_cues import language_of, starts_with_marker, word_sentences

SUBJECTS = ("je ", "j'", "on ", "nous ", "tu ", "vous ", "il ", "elle ")
AUXILIARIES = ("va ", "vais ", "allons ", "allez ", "vas ", "dois ", "doit ", "faut ", "veuillez ", "vient de ",
               "viens de ", "peut ", "peux ", "pouvez ", "devez ", "il faut ", "faut qu'on ", "faut que ")
MAX_WORDS = 8
# Whisper's word probability under which a word may be misheard: no title is made of it. Chosen on half of Debian's
# French Asterisk prompts (clean, in noise, faster); on the other half, titles with a misheard word went from 53 % to
# 20 %, « Étape N » from 2 % to 12 % (docs/ARCHITECTURE.md, tests/benchmarks/bench_title_confidence.py).
TITLE_MIN_PROBABILITY = 0.7
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
# Adverbs said between an auxiliary and its verb (« vous pouvez maintenant parler »): never a title's first word.
LEAD_ADVERBS = ("maintenant", "ensuite", "alors", "déjà", "encore", "toujours", "d'abord", "enfin", "aussi",
                "ici", "doucement", "simplement", "juste")
# Verbs that make one gesture with the infinitive after them (« laisser tomber », « faire glisser »).
CAUSATIVES = {"laisser", "faire"}
# Markers that carry the step's verb stay in the clause ("je prends la clé" -> "Prendre la clé").
VERB_MARKERS = ("on va", "je vais", "nous allons", "je prends", "on prend", "on passe", "je passe")


# English (walk 35). Words said before the gesture ("So, now, first..."), dropped from the sentence's start.
EN_FILLERS = re.compile(
    r"^(so|okay|ok|well|um+|uh+|er|erm|right|alright|all right|now|then|and|but|next|first|firstly|second|"
    r"after that|afterwards|finally|lastly|yeah|yes|oh|hmm+|like|basically|actually|here|today|again|also)"
    r"(?=[\s,;:.!?]|$)\s*[,;:]?\s*", re.IGNORECASE)
EN_SUBJECTS = ("i ", "i'm ", "i am ", "i'll ", "i've ", "we ", "we're ", "we are ", "we'll ", "you ", "you're ",
               "you'll ", "let's ", "let us ", "let me ", "he ", "she ", "they ")
EN_AUXILIARIES = ("going to ", "gonna ", "want to ", "wanna ", "have to ", "has to ", "need to ", "needs to ",
                  "got to ", "gotta ", "will ", "can ", "could ", "should ", "must ", "just ", "am ", "are ",
                  "now ", "then ", "also ", "first ", "simply ", "carefully ", "try to ", "start to ")
EN_DANGLING = {"the", "a", "an", "of", "to", "with", "on", "in", "into", "onto", "at", "for", "from", "and",
               "or", "my", "your", "our", "his", "her", "their", "this", "that", "these", "those", "some", "by",
               "very", "really", "so", "just", "is", "are", "it's"}
EN_LIGHT_VERBS = {"be", "have", "do", "go", "get", "can", "will", "let", "see", "look", "want", "need", "know",
                  "say", "think"}
EN_STOP_WORDS = EN_DANGLING | {"i", "we", "you", "he", "she", "it", "they", "me", "us", "them", "there", "here",
                               "now", "then", "ok", "okay", "yes", "yeah", "no", "not", "oh", "well", "right",
                               "alright", "all", "good", "fine", "done", "again", "like", "um", "uh", "hmm",
                               "what", "how", "go", "one", "thing", "things", "bit", "little", "gonna", "i'm",
                               "we're", "you're", "that's", "let's", "out", "over"}
@lru_cache(maxsize=4096)
def _lemma(word: str, lang: str = "fr") -> str:
    import simplemma

    return simplemma.lemmatize(word, lang=lang)


def _drop_prefixes(clause: str, prefixes) -> str:
    """The clause without its leading fillers, subjects and auxiliaries, however many and in any order."""
    low = clause.lower()
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if low.startswith(prefix):
                clause, low = clause[len(prefix):].lstrip(), low[len(prefix):].lstrip()
                changed = True
    return clause


def _words(clause: str) -> list[str]:
    """The clause's words, or none when no word has three letters (« Ok », « Yes »: no title)."""
    words = [w for w in clause.split() if _WORD.match(w)]
    return words if any(len(w) > 2 for w in words) else []


def _finish(words: list[str], max_len: int, dangling, language: str) -> str:
    """At most MAX_WORDS words within max_len characters, no dangling article or preposition at the end, and
    nothing when what is left says nothing; capitalised."""
    words = words[:MAX_WORDS]
    while len(" ".join(words)) > max_len and len(words) > 1:
        words = words[:-1]
    while len(words) > 1 and words[-1].lower() in dangling:
        words = words[:-1]
    if len(words) == 1 and len(words[0]) <= 2:
        return ""
    if says_nothing(words, language):
        return ""
    title = " ".join(words)
    return title[:1].upper() + title[1:]


def _english_title(text: str, max_len: int) -> str:
    """An English sentence as a gesture title: "So, now I'm rinsing the cup under the tap." gives
    "Rinse the cup under the tap" (fillers, subject and auxiliary dropped, the verb in its base form)."""
    t = text.strip().strip("«»\"").replace("’", "'").lstrip(" ,;:-")
    while True:
        stripped = EN_FILLERS.sub("", t, count=1)
        if stripped == t:
            break
        t = stripped
    clause = re.split(r"[,;:.!?]| and | then | but | so ", t, maxsplit=1)[0].strip()
    words = _words(_drop_prefixes(clause, EN_SUBJECTS + EN_AUXILIARIES))
    if not words:
        return ""
    verb = words[0].lower()
    # Only a verb's form is put back to its base ("rinsing", "dried", "takes"): a noun or an adjective
    # at the start stays as said.
    if verb.endswith(("ing", "ed", "s")) and len(verb) > 3 and "'" not in verb:
        lemma = _lemma(verb, "en")
        if lemma and lemma != verb:
            words[0] = lemma
    return _finish(words, max_len, EN_DANGLING, "en")


def title_from_text(text: str, max_len: int = 60, language: str = "fr") -> str:
    if language == "en":
        return _english_title(text, max_len)
    t = text.strip().strip("«»\"").replace("’", "'")
    marker = starts_with_marker(t)
    if marker and marker not in VERB_MARKERS:
        t = t[len(marker):]
    t = t.lstrip(" ,;:-")
    while True:
        stripped = re.sub(r"^(là|bon|donc|voilà|euh|alors|ok|bien|et|mais|ben|bah|hop)\b\s*[,;:]?\s*", "", t,
                          flags=re.IGNORECASE)
        if stripped == t:
            break
        t = stripped
    parts = re.split(r"[,;:.!?]| et | puis | mais ", t, maxsplit=1)
    clause = parts[0].strip()
    if clause.lower().startswith("pour "):
        # A purpose before the gesture (session 40, titles kept « Pour … »): « Pour serrer l'écrou, je prends la
        # clé » is the gesture « Serrer l'écrou »; « Pour le joint, on prend la pince » names it in the next clause.
        rest = clause[5:].lstrip()
        lead = [w.lower() for w in rest.split()[:2]]
        head = lead[1] if len(lead) > 1 and lead[0] in ("bien", "mieux", "le", "la", "les", "en", "y", "lui") \
            else (lead[0] if lead else "")
        if head and head.endswith(("er", "ir", "re", "oir")) and _lemma(head) == head:
            clause = rest
        elif len(parts) > 1 and (after := title_from_text(parts[1], max_len, language)):
            return after
    words = _words(_drop_prefixes(clause, FILLERS + SUBJECTS + AUXILIARIES))
    if not words:
        return ""
    # Object pronouns before the verb ("je la pose") stay out of a title, and so does an adverb said between the
    # auxiliary and the verb (walk 40: « Vous pouvez maintenant parler » gave « Maintenant parler »).
    while len(words) > 1 and words[0].lower() in ("le", "la", "les", "l'", "en", "y", "me", "se", *LEAD_ADVERBS):
        words = words[1:]
    # A conjugated verb before an infinitive is a modal the lists above do not know, or one Whisper misheard
    # (walk 40: « Veuillez composer » heard « Veillez composer » gave « Veiller composer le code »): the
    # infinitive names the gesture.
    # « Laisser » and « faire » before an infinitive are part of the gesture (« laisser tomber la vis »,
    # « faire glisser la pièce »): they stay.
    if len(words) > 1 and _is_infinitive(words[1].lower()) and not _is_infinitive(words[0].lower()) \
            and _lemma(words[0].lower()).endswith(("er", "ir", "re", "oir")) \
            and _lemma(words[0].lower()) not in CAUSATIVES:
        words = words[1:]
    verb = words[0]
    lemma = _lemma(verb.lower())
    if lemma.endswith(("er", "ir", "re", "oir")) and lemma != verb.lower():
        words[0] = lemma
    elif verb.lower().endswith("e") and not verb.lower().endswith(("tre", "dre", "ire")) and len(verb) > 3:
        infinitive = _infinitive_guess(verb.lower())
        if infinitive:
            words[0] = infinitive
    return _finish(words, max_len, DANGLING, "fr")


def _is_infinitive(word: str) -> bool:
    """A French infinitive: a verb ending that simplemma gives as its own lemma (« composer », not « pierre »)."""
    return word.endswith(("er", "ir", "re", "oir")) and _lemma(word) == word and simplemma_known_verb(word)


@lru_cache(maxsize=4096)
def simplemma_known_verb(word: str) -> bool:
    """Whether simplemma reads some other form as ``word`` (a verb's infinitive is the lemma of its
    conjugated forms: « composez » -> « composer »); a noun in « -re » (« pierre ») is only its plural's."""
    stem = word[:-2] if word.endswith(("er", "ir", "re")) else word[:-3]
    return any(_lemma(stem + ending) == word for ending in ("ez", "ons", "ait", "ent", "é", "is", "it"))


@lru_cache(maxsize=4096)
def _infinitive_guess(word: str) -> str:
    """The infinitive of a present-tense form simplemma leaves as it is ("trace" -> "tracer", "rouvre" ->
    "rouvrir"), only when that infinitive is a French word: adding "r" to any word ending in "e" gave
    « Commer », « Personner », « Rouvrer » (walk 38, session 39)."""
    import simplemma

    for guess in (word + "r", word[:-1] + "ir" if word.endswith(("vre", "fre")) else ""):
        if guess and simplemma.is_known(guess, lang="fr"):
            return guess
    return ""


def says_nothing(words: list[str], language: str = "fr") -> bool:
    """Only a light verb ("être", "faire", in any form) and stop words: nothing a learner could recognise."""
    low = [w.lower() for w in words]
    if language == "en":
        return all(w in EN_STOP_WORDS or w in EN_LIGHT_VERBS or _lemma(w, "en") in EN_LIGHT_VERBS for w in low)
    return all(w in STOP_WORDS or w in LIGHT_VERBS or _lemma(w) in LIGHT_VERBS for w in low)


def step_text(transcript: dict | None, start: float, end: float, lead: float = 1.0) -> list[str]:
    """Sentences that begin inside the step (or just before it: people announce gestures)."""
    return [text for text, _words in _step_sentences(transcript, start, end, lead)]


def _step_sentences(transcript: dict | None, start: float, end: float,
                    lead: float = 1.0) -> list[tuple[str, list[dict]]]:
    """``step_text``'s sentences with their words."""
    return [(text.strip(), words) for s, _e, text, words in word_sentences(transcript) if start - lead <= s < end - 0.5]


def _probability(word: dict) -> float:
    p = word.get("probability")
    return float(p) if isinstance(p, int | float) else 1.0  # older transcripts: no probability, taken as sure


def _pieces(word: str) -> list[str]:
    """A word's parts at its apostrophes, lower-case ("L'écrou," -> "l'", "écrou"): Whisper's words and the
    title's are not always cut alike."""
    return re.findall(r"[\w-]+'?", word.lower().replace("’", "'"))


def title_source_words(title: str, words: list[dict], language: str = "fr") -> list[dict]:
    """The transcript words a title was made of, from its sentence's ``words``: the title's words after the first
    are said in a row, the first (the verb, maybe put in the infinitive) just before them; a title matched nowhere
    in the sentence (or key terms) stands for the sentence's content words."""
    first, *rest = title.split() or [""]
    head = _pieces(first)
    tail = [p for w in rest for p in _pieces(w)]
    said, owner = [], []
    for i, w in enumerate(words):
        for piece in _pieces(str(w.get("word", ""))):
            said.append(piece)
            owner.append(i)
    if not head or not said:
        return []
    if tail:
        for j in range(len(head), len(said) - len(tail) + 1):
            if said[j:j + len(tail)] == tail:
                return [words[i] for i in sorted(set(owner[j - len(head):j + len(tail)]))]
    else:
        verb = head[-1]
        for j, piece in enumerate(said):
            if piece == verb or _lemma(piece, language) == verb or (
                    language != "en" and piece.endswith("e") and _infinitive_guess(piece) == verb):
                return [words[owner[j]]]
    stops = EN_STOP_WORDS if language == "en" else STOP_WORDS
    content = [words[i] for i, piece in zip(owner, said, strict=True) if piece.rstrip("'") not in stops
               and piece not in stops]
    return content or list(words)


def is_sure(title: str, words: list[dict], language: str = "fr", min_probability: float | None = None) -> bool:
    """Whether every word the title was made of was heard with at least ``min_probability``."""
    threshold = TITLE_MIN_PROBABILITY if min_probability is None else min_probability
    return all(_probability(w) >= threshold for w in title_source_words(title, words, language))


def propose_title(transcript: dict | None, start: float, end: float, index: int | None = None,
                  min_probability: float | None = None) -> str:
    """Title of the step from what is said in it; with ``index`` (1-based) never empty:
    key terms, else "Étape N". Without ``index`` (older callers) it may be empty."""
    title = _speech_title(transcript, start, end, language_of(transcript), min_probability)[0]
    if title:
        return title
    terms = key_terms(transcript, start, end, top=2, min_probability=min_probability) if transcript else []
    if terms:
        title = " – ".join(_verb_first(t) for t in terms) if language_of(transcript) != "en" else " – ".join(terms)
        return title[:1].upper() + title[1:]
    return f"Étape {index}" if index is not None else ""


ARTICLES = ("le", "la", "les", "l'", "un", "une", "des", "du", "ce", "cette", "ces", "son", "sa", "ses")


def _verb_first(term: str) -> str:
    """A key term that is a verb and its object (« retire l'ancien ») in the infinitive, as titles are
    (« retirer l'ancien »); a noun group (« joint neuf ») as said."""
    words = term.split()
    if len(words) == 1:  # a verb alone (walk 40: « Passe suivi – composez »)
        lemma = _lemma(term.lower())
        return lemma if lemma != term.lower() and _is_infinitive(lemma) else term
    if not (words[1].lower() in ARTICLES or words[1].lower().startswith(("l'", "l’"))):
        return term
    verb = words[0].lower()
    lemma = _lemma(verb)
    if lemma != verb and lemma.endswith(("er", "ir", "re", "oir")):
        return " ".join([lemma, *words[1:]])
    if verb.endswith("e") and len(verb) > 3 and (guess := _infinitive_guess(verb)):
        return " ".join([guess, *words[1:]])
    return term


def _speech_title(transcript: dict | None, start: float, end: float, language: str = "fr",
                  min_probability: float | None = None) -> tuple[str, str]:
    """The title and the sentence it was made of ("", "" when none gives one): a sentence whose title words
    Whisper was unsure of gives none, the next one is tried."""
    said = _step_sentences(transcript, start, end)
    for text, words in said:  # prefer the sentence that opens with a discourse marker
        if starts_with_marker(text, language):
            title = title_from_text(text, language=language)
            if title and is_sure(title, words, language, min_probability):
                return title, text
    for text, words in said:
        title = title_from_text(text, language=language)
        if title and is_sure(title, words, language, min_probability):
            return title, text
    return "", ""


def propose_titles(transcript: dict | None, spans: list[tuple[float, float]],
                   min_probability: float | None = None) -> list[str]:
    """Titles of all the steps of a footage (``propose_title`` for each), and one more source for a step whose
    own sentences give none: a sentence said across its start, most of it inside the step, that no other step's
    title was made of (walk 35: « I am putting clothes in the washer » began 1.7 s before step 2 and went on
    2.3 s into it; step 1 took the sentence before, step 2 stayed « Étape 2 »)."""
    language = language_of(transcript)
    made = [_speech_title(transcript, start, end, language, min_probability) for start, end in spans]
    used = {text for _title, text in made if text}
    said = word_sentences(transcript)
    titles = []
    for idx, ((start, end), (title, _text)) in enumerate(zip(spans, made, strict=True), start=1):
        if not title:
            for s0, e0, text, words in said:
                text = text.strip()
                if text in used or not (start <= (s0 + e0) / 2 < end) or s0 >= start:
                    continue
                title = title_from_text(text, language=language)
                if title and not is_sure(title, words, language, min_probability):
                    title = ""
                if title:
                    used.add(text)
                    break
        titles.append(title or propose_title(transcript, start, end, index=idx, min_probability=min_probability))
    return titles


def key_terms(transcript: dict | None, start: float, end: float, top: int = 3,
              min_probability: float | None = None) -> list[str]:
    """A few key terms of the commentary in the step (YAKE, in the transcript's language), none with a word
    Whisper was unsure of each time it heard it in the step."""
    said = _step_sentences(transcript, start, end)
    text = " ".join(text for text, _words in said)
    threshold = TITLE_MIN_PROBABILITY if min_probability is None else min_probability
    best: dict[str, float] = {}
    for _text, words in said:
        for w in words:
            for piece in _pieces(str(w.get("word", ""))):
                token = piece.rstrip("'")
                best[token] = max(best.get(token, 0.0), _probability(w))
    unsure = {token for token, p in best.items() if p < threshold}
    if len(text.split()) < 3:
        return []
    import yake

    language = language_of(transcript)
    extractor = yake.KeywordExtractor(lan=language, n=2, top=top * 2, dedup_lim=0.7)
    terms: list[str] = []
    for kw, _score in extractor.extract_keywords(text):
        kw = kw.strip().lower()
        if language == "en":
            kw = kw.strip(" .,;:!?")
            if (not kw or starts_with_marker(kw, "en") or kw.split()[0] in EN_DANGLING
                    or kw.split()[-1] in EN_DANGLING or says_nothing(kw.split(), "en")):
                continue
        elif (starts_with_marker(kw) or kw in ("là", "voilà", "comme ça", "bien")
              or kw.split()[0] in ("veuillez", "euh") or says_nothing(kw.split())):
            continue
        if any(piece.rstrip("'") in unsure for piece in _pieces(kw)):
            continue
        if kw and not any(kw in t or t in kw for t in terms):
            terms.append(kw)
        if len(terms) >= top:
            break
    return terms
