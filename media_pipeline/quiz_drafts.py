"""Quiz drafts from the steps and the commentary: Geste proposes, the designer decides.

No network service and no language model: questions come from the structure of the steps
(their order, titles, keyframes), the expert's key points and the transcript (trade vocabulary,
single key terms that are French words Whisper heard with confidence, numbers with units).
Framework-free so that the ``draft_quizzes`` stage prepares the transcript's proposals during the
run; ``capsules.authoring.drafting`` turns them into Interactions for a capsule.

Wrong-answer feedback says what to look at again (the step to replay and when), never the key:
``leaked_answer`` is the check every draft and every typed feedback goes through.
"""

from __future__ import annotations

import difflib
import random
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache

from media_pipeline.timecode import clock

BLANK = "____"
MAX_TERM_CLOZES = 3
MAX_NUMBER_CLOZES = 3
MAX_NEXT = 2
MIN_DISTRACTORS = 2  # a "what comes next?" question offers the right step and at least two others
MAX_OPTIONS = 4
MAX_HOTSPOTS = 3
MAX_SAFETY_RECALLS = 3
DEFAULT_REGION = [0.3, 0.3, 0.4, 0.4]  # when the motion gives no zone: the designer draws it
MIN_WORD_PROBABILITY = 0.6  # Whisper's word probability under which a word may be misheard
MIN_SENTENCE_PROBABILITY = 0.6  # mean over a sentence shown as a cloze prompt
DOUBTFUL_WORD_PROBABILITY = 0.4  # under this, a French word was probably misheard ("l'écoute")
CLEAR_WORD_PROBABILITY = 0.85  # a word outside the lexicon still readable when heard this clearly
MIN_KNOWN_WORDS = 0.9  # share of a prompt sentence's words found in the French lexicon
REPLAY_LEAD_S = 0.5  # as the player: a question this close after its step's start replays the step before
MOMENT = "{moment}"  # replaced by the replay time on the capsule's clock (see DraftQuestion.on_clock)


@dataclass(frozen=True)
class DraftStep:
    id: int
    start: float
    end: float
    title: str
    keyframe: str = ""
    key_terms: tuple[str, ...] = ()
    keyframe_region: tuple[float, float, float, float] | None = None  # where the hands work, 0-1


@dataclass(frozen=True)
class DraftKeyPoint:
    time: float
    kind: str
    text: str
    step_id: int | None = None


@dataclass(frozen=True)
class DraftQuestion:
    """One proposed interaction; ``source`` says what it was drafted from (shown to the designer).

    ``feedback_wrong`` may hold ``{moment}``: the time to look at again (``replay_from``, footage
    time), written on the capsule's clock by ``on_clock`` once the capsule's start is known.
    """

    kind: str
    time: float
    prompt: str
    answer_key: dict
    choices: list[dict] = field(default_factory=list)
    step_id: int | None = None
    image: str = ""
    feedback_correct: str = ""
    feedback_wrong: str = ""
    replay_step_on_wrong: bool = False
    source: str = ""
    mandatory: bool = True
    replay_from: float | None = None
    rank: int = 0  # transcript drafts: the key term's rank (lower first) when a capsule keeps a few

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> DraftQuestion:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def on_clock(self, origin: float) -> DraftQuestion:
        """The feedback with its replay time counted from ``origin`` (the capsule's start)."""
        when = moment_text(max(0.0, (self.replay_from if self.replay_from is not None else self.time) - origin))
        return replace(self, feedback_wrong=self.feedback_wrong.replace(MOMENT, when))


def moment_text(seconds: float) -> str:
    """A time as the player's clock shows it (m:ss, rounded down: ``timecode.clock``), so that "à 0:20"
    in a feedback is the 0:20 of the step list (it said "21 s", rounded, next to a step at 0:20)."""
    return clock(seconds)


# --- text helpers -------------------------------------------------------------------------------

DETERMINERS = {
    "le",
    "la",
    "les",
    "l'",
    "un",
    "une",
    "des",
    "du",
    "au",
    "aux",
    "mon",
    "ma",
    "mes",
    "ton",
    "ta",
    "tes",
    "son",
    "sa",
    "ses",
    "notre",
    "nos",
    "votre",
    "vos",
    "leur",
    "leurs",
    "ce",
    "cet",
    "cette",
    "ces",
    "nouveau",
    "nouvelle",
    "ancien",
    "ancienne",
    "bon",
    "bonne",
    "chaque",
}
STOP = {
    "je",
    "tu",
    "il",
    "elle",
    "on",
    "nous",
    "vous",
    "ils",
    "elles",
    "et",
    "ou",
    "puis",
    "ensuite",
    "enfin",
    "avant",
    "après",
    "avec",
    "sans",
    "pour",
    "dans",
    "sur",
    "sous",
    "de",
    "d'",
    "à",
    "en",
    "bien",
    "très",
    "plus",
    "moins",
    "pas",
    "ne",
    "que",
    "qui",
    "quoi",
    "se",
    "sa",
    "son",
    "est",
    "c'est",
    "ça",
    "cela",
    "voilà",
    "donc",
    "alors",
    "comme",
    "tout",
    "toute",
    "tous",
    "fois",
    "chose",
    "choses",
    "faut",
    "fait",
}

_NUMBER_WORDS = {
    "zéro": 0,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "cent": 100,
    "mille": 1000,
}
# canonical unit -> (surface regex, accepted spellings)
UNITS: dict[str, tuple[str, tuple[str, ...]]] = {
    "newtons-mètres": (r"newtons?[- ]m[eè]tres?|N\.?\s?m", ("newtons-mètres", "newton-mètre", "N.m", "Nm")),
    "millimètres": (r"millim[eè]tres?|mm", ("millimètres", "millimètre", "mm")),
    "centimètres": (r"centim[eè]tres?|cm", ("centimètres", "centimètre", "cm")),
    "mètres": (r"m[eè]tres?", ("mètres", "mètre", "m")),
    "bars": (r"bars?", ("bars", "bar")),
    "degrés": (r"degr[ée]s?(?:\s+celsius)?|°\s?C?", ("degrés", "degré", "°C", "°")),
    "minutes": (r"minutes?|min", ("minutes", "minute", "min")),
    "secondes": (r"secondes?", ("secondes", "seconde", "s")),
    "heures": (r"heures?", ("heures", "heure", "h")),
    "tours": (r"tours?", ("tours", "tour")),
    "volts": (r"volts?|V", ("volts", "volt", "V")),
    "ampères": (r"amp[eè]res?", ("ampères", "ampère", "A")),
    "watts": (r"watts?|W", ("watts", "watt", "W")),
    "kilogrammes": (r"kilogrammes?|kilos?|kg", ("kilogrammes", "kilos", "kg")),
    "grammes": (r"grammes?|g", ("grammes", "gramme", "g")),
    "litres": (r"litres?", ("litres", "litre", "l")),
    "pour cent": (r"pour\s?cent|%", ("pour cent", "%")),
}
_NUM = r"(?P<num>\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(UNITS.values()))
NUMBER_WITH_UNIT = re.compile(rf"(?<![\w-]){_NUM}\s*(?:{_UNIT})(?![\w-])", re.IGNORECASE)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _clean(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).strip()


def _term_regex(term: str) -> re.Pattern:
    return re.compile(rf"(?<![\w]){re.escape(term)}(?![\w])", re.IGNORECASE)


# --- the answer never in the wrong-answer feedback --------------------------------------------


def answer_texts(kind: str, choices: list[dict] | None, answer_key: dict | None) -> list[str]:
    """The texts that give the answer of a question away: right choices, accepted blanks."""
    key = answer_key or {}
    if kind in ("single_choice", "multiple_choice") and isinstance(key.get("correct"), list):
        right = {str(i) for i in key["correct"]}
        return [c.get("text", "") for c in choices or [] if str(c.get("id")) in right and c.get("text")]
    if kind == "cloze":
        return [a for blank in key.get("blanks", []) for a in (blank if isinstance(blank, list) else [blank]) if a]
    return []


def _words(text: str) -> str:
    """Accent- and case-folded words separated by single spaces (punctuation dropped)."""
    return " ".join(re.findall(r"\w+", _fold(text)))


def leaked_answer(feedback: str, answers: list[str]) -> str | None:
    """The first answer whose words appear, whole, in ``feedback`` (accents and case ignored)."""
    said = f" {_words(feedback or '')} "
    for answer in answers:
        words = _words(answer)
        if words and f" {words} " in said:
            return answer
    return None


def wrong_feedback_leak(question: DraftQuestion) -> str | None:
    """The answer that the draft's wrong-answer feedback (or a wrong choice's) would give away."""
    answers = answer_texts(question.kind, question.choices, question.answer_key)
    correct = (question.answer_key or {}).get("correct")
    right = {str(i) for i in correct} if isinstance(correct, list) else set()
    texts = [question.feedback_wrong] + [
        c.get("feedback", "") for c in question.choices if str(c.get("id")) not in right
    ]
    return next((hit for t in texts if (hit := leaked_answer(t, answers))), None)


@dataclass(frozen=True)
class Sentence:
    start: float
    end: float
    text: str
    # Whisper's probability of each word said, folded ("écrou" -> "ecrou"); empty when unknown
    word_probs: tuple[tuple[str, float], ...] = ()

    def probability(self, text: str) -> float | None:
        """The lowest probability of ``text``'s words in this sentence (None: not measured)."""
        probs = dict(self._min_probs())
        found = [probs[w] for w in _words(text).split() if w in probs]
        return min(found) if found else None

    def mean_probability(self) -> float | None:
        return sum(p for _, p in self.word_probs) / len(self.word_probs) if self.word_probs else None

    def _min_probs(self):
        out: dict[str, float] = {}
        for w, p in self.word_probs:
            out[w] = min(p, out.get(w, 1.0))
        return out.items()


def _probs(words: list[dict]) -> tuple[tuple[str, float], ...]:
    out = []
    for w in words:
        if isinstance(w.get("probability"), int | float):
            out += [(token, float(w["probability"])) for token in _words(w.get("word", "")).split()]
    return tuple(out)


def sentences(transcript: dict | None, start: float = 0.0, end: float = float("inf")) -> list[Sentence]:
    """Transcript segments (Whisper's phrases) inside [start, end], cut at sentence ends using word times."""
    out: list[Sentence] = []
    for seg in (transcript or {}).get("segments", []):
        if seg.get("end", 0) <= start + 0.05 or seg.get("start", 0) >= end - 0.05:
            continue
        words = seg.get("words") or []
        if not words:
            out.append(Sentence(seg["start"], seg["end"], _clean(seg.get("text", ""))))
            continue
        spaced = any(w.get("word", "")[:1].isspace() for w in words)  # faster-whisper keeps a leading space
        join = "".join if spaced else _join_bare
        buf: list[dict] = []
        for w in words:
            buf.append(w)
            if re.search(r"[.!?…]$", w.get("word", "").strip()):
                out.append(Sentence(buf[0]["start"], buf[-1]["end"], _clean(join(x["word"] for x in buf)), _probs(buf)))
                buf = []
        if buf:
            out.append(Sentence(buf[0]["start"], buf[-1]["end"], _clean(join(x["word"] for x in buf)), _probs(buf)))
    return [s for s in out if s.text and start - 0.05 <= (s.start + s.end) / 2 <= end + 0.05]


def _join_bare(words) -> str:
    """Words stored without their leading space: glue elisions, hyphens and punctuation back."""
    out = ""
    for w in words:
        w = w.strip()
        if out and not out.endswith(("'", "’", "-")) and not re.match(r"^['’\-.,;:!?…)]", w):
            out += " "
        out += w
    return out


def word_confidence(sents: list[Sentence]) -> dict[str, float]:
    """Each folded word's lowest probability over the whole commentary: a word counts as heard
    with confidence only when every occurrence of it was."""
    out: dict[str, float] = {}
    for s in sents:
        for w, p in s.word_probs:
            out[w] = min(p, out.get(w, 1.0))
    return out


# --- key terms ------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="fr")


@lru_cache(maxsize=8192)
def is_french_word(word: str) -> bool:
    """In simplemma's French lexicon (itself or its lower-case form): misheard words such as
    "conférencer" or words glued together are not."""
    import simplemma

    return any(simplemma.is_known(w, lang="fr") for w in {word, word.lower()})


def _lemma_phrase(term: str) -> str:
    return " ".join(_lemma(w) for w in term.split())


def _is_noun_phrase(term: str, text: str) -> bool:
    """A term counts when some occurrence follows a determiner ("le joint", "l'écrou", "mes gants")."""
    for m in _term_regex(term).finditer(text):
        before = text[: m.start()].rstrip()
        if before.endswith("'"):
            prev = before.rsplit(None, 1)[-1].lower()
            if prev in {"l'", "d'"}:
                return prev == "l'"
        prev = before.rsplit(None, 1)[-1].lower() if before else ""
        if prev in DETERMINERS:
            return True
    return False


def _confident(term: str, confidence: dict[str, float] | None) -> bool:
    if not confidence:
        return True  # a transcript without word probabilities (typed, or corrected by hand)
    return all(confidence.get(w, 1.0) >= MIN_WORD_PROBABILITY for w in _words(term).split())


def key_terms(
    text: str,
    vocabulary: list[str] | tuple[str, ...] = (),
    extra: list[str] | tuple[str, ...] = (),
    top: int = 8,
    confidence: dict[str, float] | None = None,
) -> list[str]:
    """Trade vocabulary found in the text first; then single key words (the steps' key terms, then
    YAKE's), which must be French nouns Whisper heard with confidence, the most repeated first.

    Blanks of several words drafted from a machine transcript kept its recognition errors: one
    known word, said several times and always heard clearly, is what a learner can fill in.
    """
    import yake

    found: list[str] = []
    seen: set[str] = set()
    folded_stop = {_fold(s) for s in STOP | DETERMINERS}

    def add(term: str, *, trusted: bool) -> bool:
        term = _clean(term).strip('.,;:!?«»"')
        term = re.sub(r"^(?:l'|d'|le |la |les |un |une |des |du )", "", term, flags=re.IGNORECASE)
        if len(term) < 4 or _fold(term) in folded_stop:
            return False
        if not trusted and (
            len(term.split()) != 1 or not is_french_word(term) or not _confident(term, confidence)
        ):
            return False
        match = _term_regex(term).search(text)
        if not match:
            return False
        key = _fold(_lemma_phrase(term))
        if key in seen or any(key != s and (f" {key} " in f" {s} ") for s in seen):
            return False
        seen.add(key)
        found.append(match.group(0))
        return True

    for term in vocabulary:
        add(term, trusted=True)
    for term in extra:
        add(term, trusted=False)
    if text.strip():
        candidates = []
        for rank, (term, _score) in enumerate(
            yake.KeywordExtractor(lan="fr", n=1, top=top * 6, dedupLim=0.9).extract_keywords(text)
        ):
            term = re.sub(r"^(?:l'|d')", "", term.strip(), flags=re.IGNORECASE)
            if not term or _fold(term) in folded_stop or not _is_noun_phrase(term, text):
                continue
            said = len(_term_regex(term).findall(text))
            candidates.append((-min(said, 3), rank, term))  # repeated words first, then YAKE's order
        for _, _, term in sorted(candidates):
            add(term, trusted=False)
    return found[:top]


def _accepted_term(term: str, vocabulary: list[str] | tuple[str, ...]) -> list[str]:
    out = [term]
    lemma = _lemma_phrase(term)
    for candidate in [lemma, *[v for v in vocabulary if _fold(_lemma_phrase(v)) == _fold(lemma)]]:
        if _fold(candidate) not in {_fold(o) for o in out}:
            out.append(candidate)
    return out


# --- numbers with units -----------------------------------------------------------------------


def _number_value(raw: str) -> str:
    raw = raw.lower()
    return str(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else raw


@dataclass(frozen=True)
class Quantity:
    text: str  # as said: "12 newtons-mètres"
    value: str  # "12"
    unit: str  # canonical: "newtons-mètres"
    span: tuple[int, int]

    def accepted(self) -> list[str]:
        values = {self.value, self.value.replace(".", ",")}
        values |= {w for w, n in _NUMBER_WORDS.items() if str(n) == self.value}
        out = [self.text]
        for v in sorted(values):
            for u in UNITS[self.unit][1]:
                answer = f"{v} {u}"
                if _fold(answer) not in {_fold(o) for o in out}:
                    out.append(answer)
        return out


def quantities(text: str) -> list[Quantity]:
    """Numbers followed by a unit: "12 newtons-mètres", "3 mm", "deux minutes", "2,5 bars"."""
    out = []
    units = list(UNITS)
    for m in NUMBER_WITH_UNIT.finditer(text):
        unit = next(units[i] for i in range(len(units)) if m.group(f"u{i}"))
        out.append(Quantity(text=m.group(0), value=_number_value(m.group("num")), unit=unit, span=m.span()))
    return out


# --- step titles that give the order away ---------------------------------------------------------

ORDER_WORDS = re.compile(
    r"\b(suite|fin|debut|premier|premiere|deuxieme|second|seconde|troisieme|quatrieme|dernier|derniere|"
    r"etape|partie|reprise|encore|continuer|recommencer|"
    # English titles (« Step 3 », « Rinse (cont.) », the review's split suffix in English; session 35)
    r"cont|continued|step|part|first|third|fourth|last|final|again|beginning)\b|\d",
)


def reveals_order(title: str) -> bool:
    """ "Serrer (suite)", "Étape 3", "Dernier contrôle": the title tells where the step stands."""
    return bool(ORDER_WORDS.search(_fold(title)))


def _title_core(title: str) -> str:
    words = [w for w in _words(title).split() if not ORDER_WORDS.fullmatch(w)]
    return " ".join(w for w in words if w not in {_fold(s) for s in DETERMINERS} and len(w) > 1)


def near_identical(a: str, b: str) -> bool:
    """Two titles a learner cannot tell apart ("Serrer l'écrou" and "Serrer les écrous (suite)")."""
    ca, cb = _title_core(a), _title_core(b)
    if not ca or not cb:
        return ca == cb
    ca, cb = _lemma_phrase(ca), _lemma_phrase(cb)
    return ca == cb or difflib.SequenceMatcher(None, ca, cb).ratio() >= 0.8


def _title(step: DraftStep, i: int) -> str:
    return step.title.strip() or f"Étape {i + 1}"


def _askable_titles(steps: list[DraftStep]) -> list[bool]:
    """Whether each step's title may appear as an answer: it says nothing of the order and no
    other step of the capsule has a title near-identical to it."""
    titles = [_title(s, i) for i, s in enumerate(steps)]
    return [
        not reveals_order(t) and not any(near_identical(t, o) for j, o in enumerate(titles) if j != i)
        for i, t in enumerate(titles)
    ]


# --- drafting -----------------------------------------------------------------------------------


def distinct_texts(texts: list[str]) -> list[str]:
    """``texts`` without the ones a learner reads as an earlier one (case, accents, punctuation aside)."""
    seen: set[str] = set()
    out = []
    for t in texts:
        key = _words(t)
        if key and key not in seen:
            seen.add(key)
            out.append(t)
    return out


def _shuffled_choices(texts: list[str], correct_index: int, rng: random.Random) -> tuple[list[dict], str]:
    order = list(range(len(texts)))
    rng.shuffle(order)
    choices = [{"id": chr(ord("a") + pos), "text": texts[i]} for pos, i in enumerate(order)]
    return choices, chr(ord("a") + order.index(correct_index))


def draft_ordering(steps: list[DraftStep]) -> list[DraftQuestion]:
    """The steps to put back in order, their keyframes as pictures; a step whose title gives its
    place away ("… (suite)", "Étape 3") or repeats another's is left out of the list."""
    askable = _askable_titles(steps)
    kept = [(i, s) for i, s in enumerate(steps) if askable[i]]
    if len(kept) < 3:
        return []
    choices = [{"id": f"s{s.id}", "text": _title(s, i), "image": s.keyframe} for i, s in kept]
    return [
        DraftQuestion(
            kind="ordering",
            time=steps[-1].end,
            prompt="Remettez les étapes du geste dans l'ordre.",
            choices=choices,
            answer_key={"order": [c["id"] for c in choices]},
            feedback_correct="Bravo : c'est l'ordre suivi par le professionnel.",
            feedback_wrong=f"Ce n'est pas l'ordre du professionnel : revoyez le geste depuis {MOMENT}.",
            replay_from=steps[0].start,
            source="ordre des étapes approuvées",
        )
    ]


def draft_what_next(steps: list[DraftStep], rng: random.Random, limit: int = MAX_NEXT) -> list[DraftQuestion]:
    """'What comes next?' after a step, with distractors taken from the other steps' titles.

    Only titles that neither tell the order nor look like another are used, so the answer is
    never "the same title, continued". Each question offers the right step and at least two other
    steps (``MIN_DISTRACTORS``), all different: with three steps, two-way guesses would only repeat
    the ordering question."""
    titles = [_title(s, i) for i, s in enumerate(steps)]
    askable = _askable_titles(steps)
    if len(steps) < 3:
        return []
    candidates = [i for i in range(len(steps) - 1) if askable[i] and askable[i + 1]]
    # middle steps first: their neighbours are the least obvious
    candidates.sort(key=lambda i: abs(i - (len(steps) - 2) / 2))
    out = []
    for i in sorted(candidates):
        others = [j for j in range(len(steps)) if j not in (i, i + 1) and askable[j]]
        if not others:
            continue
        rng.shuffle(others)
        options = distinct_texts([titles[i + 1]] + [titles[j] for j in others])[:MAX_OPTIONS]
        if len(options) < 1 + MIN_DISTRACTORS:
            continue  # a two-way guess repeats what the ordering question already asks
        choices, right = _shuffled_choices(options, 0, rng)
        out.append(
            DraftQuestion(
                kind="single_choice",
                time=steps[i].end,
                prompt=f"Après « {titles[i]} », quelle est l'étape suivante ?",
                choices=choices,
                answer_key={"correct": [right]},
                # asked where step i ends: it belongs to the step it follows (replayed, looped with it)
                step_id=steps[i].id,
                feedback_correct=f"Oui : vient ensuite « {titles[i + 1]} ».",
                feedback_wrong=f"Non. Revoyez l'étape « {titles[i]} » à partir de {MOMENT}, puis pensez à ce que fait "
                               "le professionnel ensuite.",
                replay_step_on_wrong=True,
                replay_from=steps[i + 1].start,
                source=f"enchaînement des étapes {i + 1} et {i + 2}",
            )
        )
        if len(out) >= limit:
            break
    return out


def _step_at(steps: list[DraftStep], time: float) -> DraftStep | None:
    """The step a moment (a sentence's middle, a key point) lies in: [start, end), a moment on the boundary
    is the later step's start (walk 38; ``capsules.learner_steps.step_at`` is the same rule); only a step's
    end with no step starting there takes it. 0.05 s of slack (half a tenth)."""
    ordered = sorted(steps, key=lambda s: s.start)
    return (next((s for s in ordered if s.start - 0.05 <= time < s.end - 0.05), None)
            or next((s for s in ordered if s.start - 0.05 <= time <= s.end + 0.05), None))


def readable_sentence(sent: Sentence, vocabulary=()) -> bool:
    """A sentence shown as a prompt: long enough, not mostly guessed by Whisper, and made of words
    a reader knows: in the French lexicon, in the trade vocabulary, or heard very clearly (trade
    words the lexicon lacks, such as "étanchéité"); Whisper's inventions ("récoute") are none."""
    mean = sent.mean_probability()
    tokens = re.findall(r"\w+", sent.text.lower())
    trade = {w for term in vocabulary for w in re.findall(r"\w+", term.lower())}

    def known_word(t: str) -> bool:
        if t in trade:
            return True  # Whisper gives prompted vocabulary low probabilities even when right
        heard = sent.probability(t)
        if heard is None:
            return True  # a typed or corrected transcript
        if t.isdigit() or len(t) < 3 or is_french_word(t):
            return heard >= DOUBTFUL_WORD_PROBABILITY  # a real word, but maybe not the one said
        return heard >= CLEAR_WORD_PROBABILITY

    known = sum(known_word(t) for t in tokens)
    return (
        len(sent.text.split()) >= 4
        and known >= MIN_KNOWN_WORDS * len(tokens)
        and (mean is None or mean >= MIN_SENTENCE_PROBABILITY)
    )


def draft_term_clozes(
    steps: list[DraftStep], sents: list[Sentence], vocabulary, limit: int | None = MAX_TERM_CLOZES
) -> list[DraftQuestion]:
    """One blank per key term, in the first clear sentence that says it; ranked like the terms."""
    text = " ".join(s.text for s in sents)
    extra = [t for s in steps for t in s.key_terms]
    used: set[int] = set()
    out = []
    for rank, term in enumerate(key_terms(text, vocabulary, extra, confidence=word_confidence(sents))):
        for idx, sent in enumerate(sents):
            if idx in used or not _term_regex(term).search(sent.text) or not readable_sentence(sent, vocabulary):
                continue
            heard = sent.probability(term)
            if heard is not None and heard < MIN_WORD_PROBABILITY:
                continue
            break
        else:
            continue
        used.add(idx)
        step = _step_at(steps, (sent.start + sent.end) / 2)
        blanked = _term_regex(term).sub(BLANK, sent.text, count=1)
        out.append(
            DraftQuestion(
                kind="cloze",
                time=round(sent.end, 3),
                prompt=f"Complétez la phrase du commentaire : « {blanked} »",
                answer_key={"blanks": [_accepted_term(term, vocabulary)]},
                step_id=step.id if step else None,
                feedback_correct=f"Oui : « {term} ».",
                feedback_wrong=f"Non. Réécoutez le commentaire : l'étape est rejouée à partir de {MOMENT}.",
                replay_step_on_wrong=True,
                replay_from=round(sent.start, 3),
                source=f"terme clé « {term} »",
                rank=rank,
            )
        )
        if limit and len(out) >= limit:
            break
    return out


def draft_number_clozes(
    steps: list[DraftStep], sents: list[Sentence], limit: int | None = MAX_NUMBER_CLOZES, vocabulary=()
) -> list[DraftQuestion]:
    out = []
    for sent in sents:
        if not readable_sentence(sent, vocabulary):
            continue
        for q in quantities(sent.text):
            heard = sent.probability(q.value)  # the unit is matched against a closed list of units
            if heard is not None and heard < MIN_WORD_PROBABILITY:
                continue
            a, b = q.span
            step = _step_at(steps, (sent.start + sent.end) / 2)
            out.append(
                DraftQuestion(
                    kind="cloze",
                    time=round(sent.end, 3),
                    prompt=f"Complétez avec la valeur et l'unité : « {sent.text[:a]}{BLANK}{sent.text[b:]} »",
                    answer_key={"blanks": [q.accepted()]},
                    step_id=step.id if step else None,
                    feedback_correct=f"Oui : {q.text}.",
                    feedback_wrong=f"Non. Revoyez le réglage : l'étape est rejouée à partir de {MOMENT}.",
                    replay_step_on_wrong=True,
                    replay_from=round(sent.start, 3),
                    source=f"valeur « {q.text} »",
                    rank=len(out),
                )
            )
            if limit and len(out) >= limit:
                return out
    return out


def _key_point_step(steps: list[DraftStep], kp: DraftKeyPoint) -> DraftStep | None:
    return next((s for s in steps if s.id == kp.step_id), None) or _step_at(steps, kp.time)


def _by_step(steps: list[DraftStep], key_points: list[DraftKeyPoint]) -> list[tuple[DraftStep, list[DraftKeyPoint]]]:
    """The key points grouped by their step, in the steps' order, each group in time order; the same
    words pinned twice count once. Questions drafted from key points are one per step: two would show
    the same keyframe and the same prompt."""
    groups: dict[int, list[DraftKeyPoint]] = {}
    for kp in sorted(key_points, key=lambda k: k.time):
        step = _key_point_step(steps, kp)
        if step is None or not kp.text.strip():
            continue
        group = groups.setdefault(step.id, [])
        if _words(kp.text) not in {_words(k.text) for k in group}:
            group.append(kp)
    return [(s, groups[s.id]) for s in steps if s.id in groups]


def _joined(texts: list[str]) -> str:
    """Key point texts as one text, each ending with its own full stop."""
    return " ".join(t if t.endswith((".", "!", "?", "…")) else f"{t}." for t in (x.strip() for x in texts))


def _warned(text: str) -> str:
    """« Attention : » before a key point's text, unless the expert's words already open with it (walk 48:
    « Attention : Attention aux doigts… »)."""
    if re.match(r"\s*(attention|prudence|vigilance|danger)\b", text, re.IGNORECASE):
        return text
    return f"Attention : {text}"


def draft_hotspots(
    steps: list[DraftStep], key_points: list[DraftKeyPoint], limit: int = MAX_HOTSPOTS
) -> list[DraftQuestion]:
    """One "touch the place" question per step that holds key points, on its keyframe; the step's
    safety points come first and make it mandatory."""
    out = []
    for step, kps in _by_step(steps, key_points):
        if not step.keyframe:
            continue
        kps = sorted(kps, key=lambda k: k.kind != "safety")
        kp = kps[0]
        text = _joined([k.text for k in kps])
        label = "pour la sécurité" if kp.kind == "safety" else "pour la qualité du travail"
        region = list(step.keyframe_region) if step.keyframe_region else list(DEFAULT_REGION)
        where = "zone proposée là où les mains travaillent, à vérifier" if step.keyframe_region else "zone à tracer"
        out.append(
            DraftQuestion(
                kind="hotspot",
                time=round(kp.time, 3),
                # Device-neutral: the learner taps, clicks or places the marker with the keyboard.
                prompt=f"Montrez sur l'image l'endroit qui demande de la vigilance {label}.",
                answer_key={"regions": [{"rect": region}]},
                step_id=step.id,
                image=step.keyframe,
                feedback_correct=f"Oui. {text}",
                feedback_wrong=f"{_warned(text)} Revoyez l'étape à partir de {MOMENT}.",
                replay_from=round(kp.time, 3),
                source=f"point de vigilance « {kp.text[:60]} » ({where})",
                mandatory=kp.kind == "safety",
            )
        )
        if len(out) >= limit:
            break
    return out


def draft_safety_recalls(
    steps: list[DraftStep], key_points: list[DraftKeyPoint], limit: int = MAX_SAFETY_RECALLS
) -> list[DraftQuestion]:
    """The expert's safety key points asked back at the end of their step, mandatory: the learner
    says what to watch out for, then compares with the expert's words."""
    out = []
    safety = [k for k in key_points if k.kind == "safety"]
    for i, (step, kps) in enumerate(_by_step(steps, safety)):
        kp = kps[-1]  # asked once the step's last safety point has been seen
        answer = kps[0].text.strip() if len(kps) == 1 else _joined([k.text for k in kps])
        title = _title(step, steps.index(step))
        out.append(
            DraftQuestion(
                kind="free_recall",
                time=round(max(kp.time, step.end), 3),
                prompt=f"Pendant « {title} », à quoi le professionnel fait-il attention pour la sécurité ?",
                answer_key={"model_answer": answer},
                step_id=step.id,
                feedback_correct=f"Le point de vigilance de l'expert : {answer}",
                feedback_wrong=f"Revoyez l'étape à partir de {MOMENT}.",
                replay_from=round(kps[0].time, 3),
                source=f"point de vigilance de l'expert « {kps[0].text[:60]} »",
                mandatory=True,
                rank=i,
            )
        )
        if len(out) >= limit:
            break
    return out


def draft_transcript_questions(
    steps: list[DraftStep], transcript: dict | None, *, vocabulary: list[str] | tuple[str, ...] = ()
) -> list[DraftQuestion]:
    """Every cloze the commentary gives over ``steps`` (key terms then values, each by rank):
    the part of drafting that reads the transcript, prepared by the ``draft_quizzes`` stage."""
    steps = sorted(steps, key=lambda s: s.start)
    if not steps:
        return []
    sents = sentences(transcript, steps[0].start, steps[-1].end)
    # A sentence said twice ("je serre à 12 newtons-mètres", then again) gives one question.
    return unique_questions(
        draft_term_clozes(steps, sents, vocabulary, limit=None)
        + draft_number_clozes(steps, sents, limit=None, vocabulary=vocabulary)
    )


def pick_transcript_questions(
    questions: list[DraftQuestion], terms: int = MAX_TERM_CLOZES, numbers: int = MAX_NUMBER_CLOZES
) -> list[DraftQuestion]:
    """The best few: the top-ranked key terms and the first values said."""
    by_term = sorted((q for q in questions if q.source.startswith("terme")), key=lambda q: q.rank)
    by_value = sorted((q for q in questions if q.source.startswith("valeur")), key=lambda q: q.rank)
    return by_term[:terms] + by_value[:numbers]


def draft_structure_questions(
    steps: list[DraftStep], key_points: list[DraftKeyPoint] | None = None, *, seed: int = 0
) -> list[DraftQuestion]:
    """What comes from the approved steps and the expert's key points (known at authoring time)."""
    steps = sorted(steps, key=lambda s: s.start)
    rng = random.Random(seed)
    kps = key_points or []
    return draft_ordering(steps) + draft_what_next(steps, rng) + draft_hotspots(steps, kps) + draft_safety_recalls(
        steps, kps
    )


def question_keys(kind: str, prompt: str, choices, answer_key, image: str = "") -> set[tuple]:
    """What makes two questions the same: the kind with the prompt (case, accents and punctuation
    aside) and the picture it asks about, or the kind with the same right choices among the same options."""
    keys = {(kind, "prompt", _words(prompt or ""), image or "")}
    answers = tuple(sorted(_words(t) for t in answer_texts(kind, choices or [], answer_key or {})))
    options = tuple(sorted(_words(c.get("text", "")) for c in choices or []))
    if answers and options:  # a cloze's blank alone is no duplicate: the same word in another sentence
        keys.add((kind, "answer", answers, options))
    if kind == "ordering" and choices:
        keys.add((kind, "order", tuple(_words(c.get("text", "")) for c in choices)))
    return keys


def has_duplicate_options(question: DraftQuestion) -> bool:
    """Two options of one question that a learner reads as the same (case, accents, punctuation aside)."""
    texts = [c.get("text", "") for c in question.choices]
    return len(distinct_texts(texts)) != len(texts) or any(not _words(t) for t in texts)


def unique_questions(drafts: list[DraftQuestion], existing: set[tuple] = frozenset()) -> list[DraftQuestion]:
    """The drafts that repeat neither a question of ``existing`` (keys from ``question_keys``) nor an
    earlier draft, and whose options are all different."""
    seen = set(existing)
    out = []
    for d in drafts:
        keys = question_keys(d.kind, d.prompt, d.choices, d.answer_key, d.image)
        if keys & seen or has_duplicate_options(d):
            continue
        seen |= keys
        out.append(d)
    return out


def replay_start(draft: DraftQuestion, steps: list[DraftStep]) -> float | None:
    """Where the player's « Revoir l'étape » replays ``draft`` from once it is an interaction on its step
    (``replayFrom`` in frontend/src/player/player.js): its step's start, or the step before when the
    question comes right at its step's start. None without a step among ``steps``."""
    step = next((s for s in steps if s.id == draft.step_id), None)
    if step is None:
        return None
    if draft.time >= step.start + REPLAY_LEAD_S:
        return step.start
    before = [s for s in steps if s.start < draft.time - REPLAY_LEAD_S and s.start < step.start - 0.01]
    return before[-1].start if before else min(step.start, draft.time)


def finish(
    drafts: list[DraftQuestion], origin: float = 0.0, steps: list[DraftStep] | None = None
) -> list[DraftQuestion]:
    """Feedback on the capsule's clock, drafts whose wrong-answer feedback would give the answer
    away dropped (none are expected: this is the check), and drafts that repeat an earlier one or
    offer the same option twice dropped (none are expected either: each drafter keeps its questions
    apart), sorted by time.

    With ``steps`` (the capsule's, where each draft's step is final), the time a feedback names is where
    « Revoir l'étape » replays the question's step from (walk 24: « Revoyez … à 0:14 », the next step or
    the sentence, while the button replayed the question's step from 0:07). Feedback already saved on an
    interaction (a designer may have edited it) is never rewritten: this only words new drafts."""
    if steps:
        ordered = sorted(steps, key=lambda s: s.start)
        drafts = [replace(d, replay_from=r) if (r := replay_start(d, ordered)) is not None else d for d in drafts]
    done = sorted((d.on_clock(origin) for d in drafts), key=lambda d: d.time)
    return unique_questions([d for d in done if wrong_feedback_leak(d) is None])


def draft_questions(
    steps: list[DraftStep],
    transcript: dict | None = None,
    key_points: list[DraftKeyPoint] | None = None,
    *,
    vocabulary: list[str] | tuple[str, ...] = (),
    seed: int = 0,
    origin: float = 0.0,
) -> list[DraftQuestion]:
    """All drafts for a run of approved steps, sorted by time. Deterministic for a given seed.
    ``origin``: where the learner's clock starts (the capsule's start) for replay times."""
    steps = sorted(steps, key=lambda s: s.start)
    if not steps:
        return []
    drafts = draft_structure_questions(steps, key_points, seed=seed) + pick_transcript_questions(
        draft_transcript_questions(steps, transcript, vocabulary=vocabulary)
    )
    return finish(drafts, origin, steps)


# --- proposals prepared by the processing run ----------------------------------------------------

PROPOSALS_FORMAT = 1


def transcript_digest(transcript: dict | None) -> str:
    """What the transcript's drafts depend on (its words and their times): a transcript corrected
    after the run no longer matches, and its proposals are drafted again."""
    import hashlib
    import json

    parts = [
        [round(float(s.get("start", 0)), 2), round(float(s.get("end", 0)), 2), _clean(s.get("text", "")),
         [[w.get("word", ""), round(float(w.get("probability") or 0), 3)] for w in s.get("words") or []]]
        for s in (transcript or {}).get("segments", [])
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def prepare_proposals(
    steps: list[DraftStep], transcript: dict | None, *, vocabulary: list[str] | tuple[str, ...] = ()
) -> dict:
    """The transcript's proposals grouped by step (the ``draft_quizzes`` stage's artefact).

    Each question keeps its time on the footage's clock; authoring takes those inside a capsule,
    attaches them to the approved step at that time and writes the replay times on its clock."""
    steps = sorted(steps, key=lambda s: s.start)
    questions = draft_transcript_questions(steps, transcript, vocabulary=vocabulary)
    return {
        "format": PROPOSALS_FORMAT,
        "transcript": transcript_digest(transcript),
        "vocabulary": list(vocabulary),
        "steps": [
            {"id": s.id, "start": s.start, "end": s.end, "title": s.title,
             "questions": [q.to_dict() for q in questions if q.step_id == s.id]}
            for s in steps
        ],
        "outside_steps": [q.to_dict() for q in questions if q.step_id not in {s.id for s in steps}],
    }


def proposals_questions(proposals: dict) -> list[DraftQuestion]:
    """Every question of a prepared artefact, step ids left as the run numbered them."""
    found = [q for step in proposals.get("steps", []) for q in step.get("questions", [])]
    return [DraftQuestion.from_dict(q) for q in found + proposals.get("outside_steps", [])]
