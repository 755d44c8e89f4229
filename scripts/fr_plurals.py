"""Write the French entries of the project's plural strings into locale/fr/LC_MESSAGES/django.po.

The project's strings are French in the source, so French needs no catalogue, except for plurals: for a
msgid missing from the catalogue, Django picks the plural form by the English rule (n != 1) and says
« 0 bonnes réponses ». Each entry written here gives the same two French forms under the catalogue's
French rule (plural=(n > 1)): « 0 bonne réponse ».

Run after ``makemessages -l en`` (locale/en lists every plural msgid of the project), then
``compilemessages -l fr``. Only the part below MARKER is rewritten; the hand-written corrections to
Wagtail's French above it stay as they are. tests/capsules/test_walk28_texts.py checks it is up to date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "locale/en/LC_MESSAGES/django.po"
TARGET = ROOT / "locale/fr/LC_MESSAGES/django.po"
MARKER = "# ---- Plural strings of the project, written by scripts/fr_plurals.py: do not edit below. ----"


def plural_entries(po: str) -> list[str]:
    out = []
    for entry in po.split("\n\n"):
        lines = [line for line in entry.strip("\n").splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid_plural ") for line in lines):
            continue
        flags = [line for line in lines if line.startswith("#,") and "fuzzy" not in line]
        keys, field = {"msgctxt": [], "msgid": [], "msgid_plural": []}, None
        for line in lines:
            head = re.match(r"(msgctxt|msgid|msgid_plural|msgstr\[\d+\]) ", line)
            if head:
                field = head.group(1)
                line = line[head.end():]
            elif not line.startswith('"'):
                continue
            if field in keys:
                keys[field].append(line)
        block = flags[:]
        if keys["msgctxt"]:
            block += _field("msgctxt", keys["msgctxt"])
        block += _field("msgid", keys["msgid"]) + _field("msgid_plural", keys["msgid_plural"])
        block += _field("msgstr[0]", keys["msgid"]) + _field("msgstr[1]", keys["msgid_plural"])
        out.append("\n".join(block))
    return out


def _field(name: str, strings: list[str]) -> list[str]:
    return [f"{name} {strings[0]}", *strings[1:]]


def main() -> int:
    entries = plural_entries(SOURCE.read_text(encoding="utf-8"))
    kept = TARGET.read_text(encoding="utf-8").split(MARKER)[0].rstrip("\n")
    TARGET.write_text(kept + "\n\n" + MARKER + "\n\n" + "\n\n".join(entries) + "\n", encoding="utf-8")
    print(f"{len(entries)} plural entries written to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
