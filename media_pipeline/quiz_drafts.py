"""Quiz drafts from the approved steps and the commentary: Geste proposes, the designer decides.

No network service and no language model: questions come from the structure the expert approved
(the order of the steps, their titles, their keyframes, the key points) and from the transcript
(key terms found by YAKE and the trade vocabulary, numbers with units). The pure part
(``draft_questions``) works on plain dataclasses; ``draft_for_capsule`` stores the drafts as
Interactions with ``origin=drafted`` and ``draft_status=proposed``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import asdict, dataclass, field

BLANK = "____"
MAX_TERM_CLOZES = 3
MAX_NUMBER_CLOZES = 3
MAX_NEXT = 2
MAX_HOTSPOTS = 3
DEFAULT_REGION = [0.3, 0.3, 0.4, 0.4]  # when the motion gives no zone: the designer draws it


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
    """One proposed interaction; ``source`` says what it was drafted from (shown to the designer)."""

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

    def to_dict(self) -> dict:
        return asdict(self)


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


@dataclass(frozen=True)
class Sentence:
    start: float
    end: float
    text: str


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
                out.append(Sentence(buf[0]["start"], buf[-1]["end"], _clean(join(x["word"] for x in buf))))
                buf = []
        if buf:
            out.append(Sentence(buf[0]["start"], buf[-1]["end"], _clean(join(x["word"] for x in buf))))
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


# --- key terms ------------------------------------------------------------------------------


def _lemma_phrase(term: str) -> str:
    import simplemma

    return " ".join(simplemma.lemmatize(w, lang="fr") for w in term.split())


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


def key_terms(
    text: str,
    vocabulary: list[str] | tuple[str, ...] = (),
    extra: list[str] | tuple[str, ...] = (),
    top: int = 8,
) -> list[str]:
    """Trade vocabulary found in the text first, then the steps' key terms, then YAKE's noun phrases."""
    import yake

    found: list[str] = []
    seen: set[str] = set()

    def add(term: str) -> None:
        term = _clean(term).strip('.,;:!?«»"')
        term = re.sub(r"^(?:l'|d'|le |la |les |un |une |des |du )", "", term, flags=re.IGNORECASE)
        if len(term) < 4 or _fold(term) in {_fold(s) for s in STOP}:
            return
        match = _term_regex(term).search(text)
        if not match:
            return
        key = _fold(_lemma_phrase(term))
        if key in seen or any(key != s and (f" {key} " in f" {s} ") for s in seen):
            return
        seen.add(key)
        found.append(match.group(0))

    for term in vocabulary:
        add(term)
    for term in extra:
        add(term)
    if text.strip():
        for term, _score in yake.KeywordExtractor(lan="fr", n=3, top=top * 4, dedupLim=0.8).extract_keywords(
            text
        ):
            words = [w for w in re.split(r"\s+", term) if w]
            if not words or _fold(words[0]) in STOP or _fold(words[-1]) in STOP:
                continue
            bare = re.sub(r"^(?:l'|d')", "", term, flags=re.IGNORECASE)
            if _is_noun_phrase(bare, text):
                add(bare)
            if len(found) >= top:
                break
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


# --- drafting -----------------------------------------------------------------------------------


def _title(step: DraftStep, i: int) -> str:
    return step.title.strip() or f"Étape {i + 1}"


def _shuffled_choices(texts: list[str], correct_index: int, rng: random.Random) -> tuple[list[dict], str]:
    order = list(range(len(texts)))
    rng.shuffle(order)
    choices = [{"id": chr(ord("a") + pos), "text": texts[i]} for pos, i in enumerate(order)]
    return choices, chr(ord("a") + order.index(correct_index))


def draft_ordering(steps: list[DraftStep]) -> list[DraftQuestion]:
    if len(steps) < 3:
        return []
    choices = [{"id": f"s{s.id}", "text": _title(s, i), "image": s.keyframe} for i, s in enumerate(steps)]
    return [
        DraftQuestion(
            kind="ordering",
            time=steps[-1].end,
            prompt="Remettez les étapes du geste dans l'ordre.",
            choices=choices,
            answer_key={"order": [c["id"] for c in choices]},
            feedback_correct="Bravo : c'est l'ordre suivi par le professionnel.",
            feedback_wrong="Ce n'est pas l'ordre du professionnel : revoyez la séquence.",
            source="ordre des étapes approuvées",
        )
    ]


def draft_what_next(steps: list[DraftStep], rng: random.Random, limit: int = MAX_NEXT) -> list[DraftQuestion]:
    """'What comes next?' after a step, with distractors taken from the other steps' titles."""
    titles = [_title(s, i) for i, s in enumerate(steps)]
    if len(steps) < 3 or len({_fold(t) for t in titles}) < len(titles):
        return []
    candidates = list(range(len(steps) - 1))
    # middle steps first: their neighbours are the least obvious
    candidates.sort(key=lambda i: abs(i - (len(steps) - 2) / 2))
    out = []
    for i in sorted(candidates[:limit]):
        others = [j for j in range(len(steps)) if j not in (i, i + 1)]
        rng.shuffle(others)
        options = [titles[i + 1]] + [titles[j] for j in others[:3]]
        choices, right = _shuffled_choices(options, 0, rng)
        out.append(
            DraftQuestion(
                kind="single_choice",
                time=steps[i].end,
                prompt=f"Après « {titles[i]} », quelle est l'étape suivante ?",
                choices=choices,
                answer_key={"correct": [right]},
                step_id=steps[i + 1].id,
                feedback_correct=f"Oui : vient ensuite « {titles[i + 1]} ».",
                feedback_wrong=f"Non : l'étape suivante est « {titles[i + 1]} ».",
                replay_step_on_wrong=True,
                source=f"enchaînement des étapes {i + 1} et {i + 2}",
            )
        )
    return out


def _step_at(steps: list[DraftStep], time: float) -> DraftStep | None:
    return next((s for s in steps if s.start - 0.05 <= time <= s.end + 0.05), None)


def draft_term_clozes(
    steps: list[DraftStep], sents: list[Sentence], vocabulary, limit: int = MAX_TERM_CLOZES
) -> list[DraftQuestion]:
    text = " ".join(s.text for s in sents)
    extra = [t for s in steps for t in s.key_terms]
    used: set[int] = set()
    out = []
    for term in key_terms(text, vocabulary, extra):
        idx = next(
            (k for k, s in enumerate(sents) if k not in used and _term_regex(term).search(s.text)), None
        )
        if idx is None:
            continue
        sent = sents[idx]
        if len(sent.text.split()) < 4 or _term_regex(term).sub(BLANK, sent.text, count=1) == sent.text:
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
                feedback_wrong=f"Le mot attendu était « {term} ».",
                source=f"terme clé « {term} »",
            )
        )
        if len(out) >= limit:
            break
    return out


def draft_number_clozes(
    steps: list[DraftStep], sents: list[Sentence], limit: int = MAX_NUMBER_CLOZES
) -> list[DraftQuestion]:
    out = []
    for sent in sents:
        for q in quantities(sent.text):
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
                    feedback_wrong=f"La valeur attendue était {q.text}.",
                    replay_step_on_wrong=True,
                    source=f"valeur « {q.text} »",
                )
            )
            if len(out) >= limit:
                return out
    return out


def draft_hotspots(
    steps: list[DraftStep], key_points: list[DraftKeyPoint], limit: int = MAX_HOTSPOTS
) -> list[DraftQuestion]:
    out = []
    for kp in key_points:
        step = next((s for s in steps if s.id == kp.step_id), None) or _step_at(steps, kp.time)
        if step is None or not step.keyframe:
            continue
        label = "de sécurité" if kp.kind == "safety" else "de qualité"
        region = list(step.keyframe_region) if step.keyframe_region else list(DEFAULT_REGION)
        where = "zone proposée là où les mains travaillent, à vérifier" if step.keyframe_region else "zone à tracer"
        out.append(
            DraftQuestion(
                kind="hotspot",
                time=round(kp.time, 3),
                prompt=f"Touchez sur l'image l'endroit qui demande de la vigilance ({label}).",
                answer_key={"regions": [{"rect": region}]},
                step_id=step.id,
                image=step.keyframe,
                feedback_correct=f"Oui. {kp.text}",
                feedback_wrong=f"Attention : {kp.text}",
                source=f"point de vigilance « {kp.text[:60]} » ({where})",
            )
        )
        if len(out) >= limit:
            break
    return out


def draft_questions(
    steps: list[DraftStep],
    transcript: dict | None = None,
    key_points: list[DraftKeyPoint] | None = None,
    *,
    vocabulary: list[str] | tuple[str, ...] = (),
    seed: int = 0,
) -> list[DraftQuestion]:
    """All drafts for a run of approved steps, sorted by time. Deterministic for a given seed."""
    steps = sorted(steps, key=lambda s: s.start)
    if not steps:
        return []
    rng = random.Random(seed)
    sents = sentences(transcript, steps[0].start, steps[-1].end)
    drafts = (
        draft_ordering(steps)
        + draft_what_next(steps, rng)
        + draft_term_clozes(steps, sents, vocabulary)
        + draft_number_clozes(steps, sents)
        + draft_hotspots(steps, key_points or [])
    )
    return sorted(drafts, key=lambda d: d.time)


def draft_for_capsule(capsule, *, seed: int | None = None) -> list:
    """Replace the capsule's still-proposed drafts by fresh ones (accepted or discarded ones stay)."""
    from django.db import transaction

    from capsules.models import Interaction, Transcript

    steps = [
        DraftStep(
            id=s.pk,
            start=s.start,
            end=s.end,
            title=s.title,
            keyframe=s.keyframe,
            key_terms=tuple(s.key_terms or ()),
            keyframe_region=tuple(s.keyframe_region) if s.keyframe_region else None,
        )
        for s in capsule.steps().order_by("start")
    ]
    transcript = Transcript.objects.filter(footage=capsule.footage, task="transcribe").first()
    kps = [
        DraftKeyPoint(time=k.time, kind=k.kind, text=k.text, step_id=k.step_id)
        for k in capsule.footage.key_points.filter(time__gte=capsule.start, time__lte=capsule.effective_end)
    ]
    block = capsule.skills_block
    vocabulary = block.certification.vocabulary_terms if block else []
    drafts = draft_questions(
        steps,
        transcript.as_dict() if transcript else None,
        kps,
        vocabulary=vocabulary,
        seed=capsule.pk if seed is None else seed,
    )
    existing = {
        (i.kind, i.prompt)
        for i in capsule.interactions.exclude(draft_status=Interaction.DraftStatus.PROPOSED)
    }
    with transaction.atomic():
        capsule.interactions.filter(
            origin=Interaction.Origin.DRAFTED, draft_status=Interaction.DraftStatus.PROPOSED
        ).delete()
        created = [
            Interaction.objects.create(
                capsule=capsule,
                time=d.time,
                kind=d.kind,
                prompt=d.prompt,
                choices=d.choices,
                answer_key=d.answer_key,
                image=d.image,
                feedback_correct=d.feedback_correct,
                feedback_wrong=d.feedback_wrong,
                replay_step_on_wrong=d.replay_step_on_wrong,
                mandatory=False,
                step_id=d.step_id,
                origin=Interaction.Origin.DRAFTED,
                draft_status=Interaction.DraftStatus.PROPOSED,
            )
            for d in drafts
            if (d.kind, d.prompt) not in existing
        ]
    return created
