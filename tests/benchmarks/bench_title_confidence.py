"""Step titles from words Whisper is sure of: the threshold measured on real French speech with known text.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python -m tests.benchmarks.bench_title_confidence [--conditions clean,noise]``
``[--limit N] [--workdir DIR]``. Not part of the test suite: it prints numbers, and exits 0 at once with a
message when Debian's French Asterisk prompts (``asterisk-core-sounds-fr-wav`` and ``asterisk-core-sounds-fr``
for their text) are not installed.

Each prompt of three words or more (``core-sounds-fr.txt``: file name, then the text said) is transcribed by
the project's own transcription (``media_pipeline.transcribe``, the offline base weights), as recorded
(``clean``), mixed with pink noise (``noise``: ffmpeg ``anoisesrc``, amplitude 0.08) and sped up with lighter
noise (``fast``: ``atempo=1.5``, amplitude 0.04); transcripts are cached in ``--workdir``. Recognised words are
aligned to the reference words (difflib on lower-case words without punctuation, digits spelt out): a word in a
matching block is right, any other word is wrong. The prompt is one step (0 to its end): its title is
``propose_titles``'s, and a title is *wrong* when one of its words is not said in the prompt, nor its lemma
(« diètre »; « Composer » for « Composez » is right, and so is « Cetter » for « Cette »: the title maker's own
first-group guess, not a word misheard). The per-word alignment gives the share of
misheard and right words under each threshold.

The rule, written before the report half was read: the prompts are split in two halves by their sorted names
(even ranks: ``dev``, odd ranks: ``report``). On ``dev`` only, for each threshold of the grid 0, 0.05, ... 0.9,
count the titles that contain a wrong word, those made only of right words ("good") and the « Étape N »; among
the thresholds that keep at least 90 % of threshold 0's good titles and add at most 10 points of « Étape N »,
choose the lowest that removes 75 % of threshold 0's wrong titles (if none does, the one with the fewest wrong
titles, the lowest on a tie). The ``report`` half is then measured once at 0 (before) and at the chosen
threshold (after): share of titles containing a wrong word, share that fell back to « Étape N ».
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

SOUNDS = Path("/usr/share/asterisk/sounds/fr")
TEXTS = (Path("/usr/share/doc/asterisk-core-sounds-fr/core-sounds-fr.txt.gz"),
         Path("/usr/share/asterisk/sounds/fr/core-sounds-fr.txt"))
CONDITIONS = {
    "clean": None,
    "noise": "anoisesrc=color=pink:amplitude=0.08:r=16000:seed=7",
    "fast": "anoisesrc=color=pink:amplitude=0.04:r=16000:seed=7",
}
GRID = [round(0.05 * i, 2) for i in range(19)]
KEEP_GOOD = 0.9
MORE_FALLBACK = 0.10
REMOVE_WRONG = 0.75
DIGITS = {"0": "zéro", "1": "un", "2": "deux", "3": "trois", "4": "quatre", "5": "cinq", "6": "six", "7": "sept",
          "8": "huit", "9": "neuf", "10": "dix"}


def reference_texts() -> dict[str, str]:
    """Prompt name -> text said, for the prompts of three words or more that are installed."""
    for path in TEXTS:
        if path.is_file():
            raw = gzip.open(path, "rt", encoding="utf-8").read() if path.suffix == ".gz" else path.read_text()
            break
    else:
        return {}
    out = {}
    for line in raw.splitlines():
        if line.startswith(";") or ":" not in line:
            continue
        name, text = (part.strip() for part in line.split(":", 1))
        if text.startswith(("[", "(")) or len(text.split()) < 3:
            continue
        if (SOUNDS / f"{name}.wav").is_file():
            out[name] = text
    return out


def norm_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text.lower().replace("’", "'"))
    words = []
    for w in re.findall(r"[\w']+", text):
        w = w.strip("'")
        if w:
            words.append(DIGITS.get(w, w))
    return words


def degraded(name: str, condition: str, workdir: Path) -> Path:
    src = SOUNDS / f"{name}.wav"
    if condition == "clean":
        return src
    out = workdir / "audio" / condition / f"{name.replace('/', '__')}.wav"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tempo = ",atempo=1.5" if condition == "fast" else ""
        graph = (f"[0:a]aresample=16000{tempo}[s];{CONDITIONS[condition]}[n];"
                 f"[s][n]amix=inputs=2:duration=first:normalize=0[o]")
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), "-filter_complex", graph,
                        "-map", "[o]", "-ac", "1", str(out)], check=True)
    return out


def _order(name: str) -> str:
    """A fixed order spread over the names (a run cut short has some of each half)."""
    import hashlib

    return hashlib.sha1(name.encode()).hexdigest()


def transcripts(names: list[str], conditions: list[str], workdir: Path,
                cached_only: bool = False) -> dict[tuple[str, str], dict]:
    """(name, condition) -> transcript dict, cached in workdir; with ``cached_only`` only those already made."""
    settings = None
    out = {}
    for i, name in enumerate(sorted(names, key=_order)):
        for condition in conditions:
            cache = workdir / "transcripts" / condition / f"{name.replace('/', '__')}.json"
            if not cache.exists():
                if cached_only:
                    continue
                from media_pipeline.transcribe import TranscribeSettings, transcribe

                settings = settings or TranscribeSettings(language="fr")
                cache.parent.mkdir(parents=True, exist_ok=True)
                data = transcribe(degraded(name, condition, workdir), settings).to_dict()
                cache.write_text(json.dumps(data, ensure_ascii=False))
                if i % 25 == 0:
                    print(f"  {i}/{len(names)}", file=sys.stderr, flush=True)
            out[(name, condition)] = json.loads(cache.read_text())
    return out


def aligned(transcript: dict, reference: str) -> dict[int, bool]:
    """id(word dict) -> whether the recognised word matches the reference (difflib on normalised words)."""
    words = [w for seg in transcript.get("segments") or [] for w in seg.get("words") or []]
    tokens, owner = [], []
    for i, w in enumerate(words):
        for token in norm_words(str(w.get("word", ""))):
            tokens.append(token)
            owner.append(i)
    ok_token = [False] * len(tokens)
    matcher = difflib.SequenceMatcher(a=tokens, b=norm_words(reference), autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.a, block.a + block.size):
            ok_token[k] = True
    right = {id(w): True for w in words}
    for k, i in enumerate(owner):
        right[id(words[i])] = right[id(words[i])] and ok_token[k]
    return right


def reference_vocabulary(reference: str) -> set[str]:
    from media_pipeline.segmentation.titles import _lemma

    words = norm_words(reference)
    return set(words) | {_lemma(w) for w in words} | {w + "r" for w in words}  # « Cette » titles « Cetter »


def outcome(transcript: dict, vocabulary: set[str], threshold: float) -> str:
    """"fallback" (« Étape N »), "wrong" (a title word that is not said in the prompt, nor its lemma: « Commer »,
    « diètre ») or "good"."""
    from media_pipeline.segmentation.titles import _lemma, propose_titles

    end = max([float(s.get("end", 0)) for s in transcript.get("segments") or []] + [0.0]) + 1.0
    title = propose_titles(transcript, [(0.0, end)], min_probability=threshold)[0]
    if re.fullmatch(r"Étape \d+", title):
        return "fallback"
    misheard = [w for w in norm_words(title) if w not in vocabulary and _lemma(w) not in vocabulary]
    return "wrong" if misheard else "good"


def counts(items, threshold: float) -> dict[str, int]:
    out = {"good": 0, "wrong": 0, "fallback": 0}
    for transcript, vocabulary in items:
        out[outcome(transcript, vocabulary, threshold)] += 1
    return out


def choose(dev) -> tuple[float, list[tuple[float, dict[str, int]]]]:
    """The rule (written before the report half was read): among the thresholds that keep 90 % of threshold 0's
    good titles and add at most 10 points of « Étape N », the lowest that removes 75 % of its wrong titles; if
    none does, the one with the fewest wrong titles (the lowest on a tie)."""
    table = [(t, counts(dev, t)) for t in GRID]
    base = table[0][1]
    n = sum(base.values()) or 1
    kept = [(t, c) for t, c in table
            if c["good"] >= KEEP_GOOD * base["good"] and c["fallback"] <= base["fallback"] + MORE_FALLBACK * n]
    enough = [t for t, c in kept if c["wrong"] <= (1 - REMOVE_WRONG) * base["wrong"]]
    if enough:
        return min(enough), table
    return min((c["wrong"], t) for t, c in kept)[1], table


def line(label: str, c: dict[str, int]) -> str:
    n = sum(c.values()) or 1
    made = c["good"] + c["wrong"] or 1
    return (f"{label:>12}  titles {n:4d}  wrong word in title {100 * c['wrong'] / n:5.1f} % of all, "
            f"{100 * c['wrong'] / made:5.1f} % of proposed  « Étape N » {100 * c['fallback'] / n:5.1f} %  "
            f"(good {c['good']}, wrong {c['wrong']}, fallback {c['fallback']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conditions", default="clean,noise,fast")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "geste-bench-title-confidence"))
    parser.add_argument("--cached-only", action="store_true", help="only the prompts already transcribed")
    parser.add_argument("--limit", type=int, default=0, help="at most N prompts (a quick check)")
    parser.add_argument("--dev-only", action="store_true", help="the dev half alone (the report half unread)")
    args = parser.parse_args(argv)
    refs = reference_texts()
    if not refs:
        print("Asterisk French prompts not installed (apt-get install asterisk-core-sounds-fr-wav "
              "asterisk-core-sounds-fr): nothing measured.")
        return 0
    from media_pipeline.segmentation.titles import TITLE_MIN_PROBABILITY

    names = sorted(refs)
    if args.limit:
        names = sorted(sorted(names, key=_order)[:args.limit])
    conditions = [c for c in args.conditions.split(",") if c in CONDITIONS]
    made = transcripts(names, conditions, Path(args.workdir), cached_only=args.cached_only)
    half = {name: ("dev" if rank % 2 == 0 else "report") for rank, name in enumerate(sorted(refs))}
    items: dict[str, list] = {"dev": [], "report": []}
    by_condition: dict[str, list] = {c: [] for c in conditions}
    word_stats = []
    for (name, condition), transcript in sorted(made.items()):
        right = aligned(transcript, refs[name])
        items[half[name]].append((transcript, reference_vocabulary(refs[name])))
        if half[name] == "report":
            by_condition[condition].append(items["report"][-1])
        if half[name] == "dev":
            word_stats += [(float(w.get("probability", 1.0)), right[id(w)])
                           for seg in transcript.get("segments") or [] for w in seg.get("words") or []]
    print(f"prompts {len(names)}, conditions {','.join(conditions)}, transcripts dev {len(items['dev'])}, "
          f"report {len(items['report'])}")
    wrong_words = sum(1 for _p, ok in word_stats if not ok)
    print(f"dev words {len(word_stats)}, misheard {wrong_words} ({100 * wrong_words / max(1, len(word_stats)):.1f} %)")
    chosen, table = choose(items["dev"])
    print("dev half, by threshold (words under it: share of misheard words / of right words):")
    for t, c in table:
        under_wrong = sum(1 for p, ok in word_stats if p < t and not ok) / max(1, wrong_words)
        under_right = sum(1 for p, ok in word_stats if p < t and ok) / max(1, len(word_stats) - wrong_words)
        print(f"  {t:4.2f}  words under: misheard {100 * under_wrong:5.1f} %, right {100 * under_right:5.1f} %  "
              + line("", c).strip())
    print(f"chosen on dev: {chosen:.2f} (shipped TITLE_MIN_PROBABILITY = {TITLE_MIN_PROBABILITY})")
    if args.dev_only:
        return 0
    print("report half, measured once:")
    print(line("before (0)", counts(items["report"], 0.0)))
    print(line(f"after ({chosen:.2f})", counts(items["report"], chosen)))
    for condition, some in by_condition.items():
        print(f"  {condition}:")
        print(line("before (0)", counts(some, 0.0)))
        print(line(f"after ({chosen:.2f})", counts(some, chosen)))
    if chosen != TITLE_MIN_PROBABILITY:
        print(line(f"shipped {TITLE_MIN_PROBABILITY}", counts(items["report"], TITLE_MIN_PROBABILITY)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
