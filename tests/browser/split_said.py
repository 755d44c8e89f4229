"""What the review screen says after a split (walk 38: where the cut is, at the playhead's clock)."""

import re

SPLIT_DONE = re.compile(r"^Étape scindée à \d+:\d\d,\d et enregistrée\.$")
SPLIT_DONE_EN = re.compile(r"^Step split at \d+:\d\d\.\d and saved\.$")
