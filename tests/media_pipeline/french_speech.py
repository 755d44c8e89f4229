"""Real French speech for recognition tests: Debian's Asterisk prompts (fr_CA, voice "June").

The audio comes from ``asterisk-core-sounds-fr-wav`` and the reference texts from
``core-sounds-fr.txt`` in ``asterisk-core-sounds-fr``. These are 8 kHz telephone-quality
recordings of a Québécois speaker: harder than a headset microphone, which makes them
an honest stand-in for workshop footage. The reference file has a few spelling slips
("vérouiller", "occupes"); they are corrected here so that WER measures recognition,
not the typist.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import unicodedata
from pathlib import Path

SOUNDS = Path("/usr/share/asterisk/sounds/fr_CA_f_June")
TEXTS = Path("/usr/share/doc/asterisk-core-sounds-fr/core-sounds-fr.txt.gz")

# About 95 s of clean prose prompts without digits (the test set).
TEST_SET = (
    "agent-newlocation", "check-number-dial-again", "conf-getpin", "conf-invalid", "conf-onlyperson",
    "confbridge-lock-extended", "confbridge-mute-extended", "demo-nogo", "followme/pls-hold-while-try",
    "followme/status", "queue-periodic-announce", "tt-allbusy", "vm-nobox", "vm-mailboxfull",
    "privacy-unident", "vm-rec-unv", "dir-nomore", "feature-not-avail-line",
)
# A few minutes for the benchmark: the test set plus long monologues.
BENCH_SET = TEST_SET + (
    "demo-echotest", "demo-congrats", "demo-abouttotry", "priv-introsaved", "followme/sorry",
    "transfer", "tt-weasels", "vm-newuser", "vm-intro", "vm-instructions", "dir-intro",
    "conf-adminmenu-menu8", "vm-opts-full", "vm-msginstruct", "conf-usermenu-162",
)

TYPO_FIXES = {
    "vérouiller": "verrouiller", "verouillée": "verrouillée", "seul les": "seuls les",
    "demeurez en ligne": "demeurer en ligne", "j'essai ": "j'essaie ",
    "presentement occupes": "présentement occupés",
    "démontration": "démonstration", "des information ": "des informations ", "n'etes": "n'êtes",
    "Vous etes": "Vous êtes", "et et la": "et la", "Felicitation": "Félicitations",
    "fichiers audios": "fichiers audio",
    "pouvez utilisez": "pouvez utiliser", "laissez votre message": "laisser votre message",
    "votre votre": "votre", "appuyez sur  9": "appuyez sur 9", "répétér": "répéter",
}

_DIGITS = {"0": "zéro", "1": "un", "2": "deux", "3": "trois", "4": "quatre", "5": "cinq", "6": "six",
           "7": "sept", "8": "huit", "9": "neuf", "10": "dix"}


def references() -> dict[str, str]:
    """Prompt name -> corrected reference text, read from the Debian package's list."""
    out = {}
    with gzip.open(TEXTS, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(";") or ":" not in line:
                continue
            key, text = line.split(":", 1)
            text = text.strip().strip('“”"').strip(". ").strip()
            text = text.lstrip(".").strip()
            for wrong, right in TYPO_FIXES.items():
                text = text.replace(wrong, right)
            out[key.strip()] = text
    return out


def build_wav(keys: tuple[str, ...], out: Path, *, gap: float = 0.7) -> tuple[Path, str]:
    """Concatenate prompts with short pauses into one 16 kHz WAV; returns (path, reference text)."""
    refs = references()
    silence = out.with_name(out.stem + ".gap.wav")
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(silence), "trim", "0", str(gap)],
                   check=True)
    inputs: list[str] = []
    for key in keys:
        inputs += [str(SOUNDS / f"{key}.wav"), str(silence)]
    subprocess.run(["sox", *inputs, str(out), "rate", "16000"], check=True)
    silence.unlink()
    return out, " ".join(refs[k] for k in keys)


def normalize(text: str) -> str:
    """Lowercase, no accents, no punctuation, digits spelled out: compare words, not typography."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[-'\"“”«»]", " ", text)
    text = re.sub(r"[^\w\s]", " ", text)
    text = " ".join(_DIGITS.get(tok, tok) for tok in text.split())
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate after :func:`normalize` (jiwer)."""
    import jiwer

    return jiwer.wer(normalize(reference), normalize(hypothesis))
