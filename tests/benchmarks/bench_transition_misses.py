"""Why transition F1 (±1 s) trails segment F1@10: each missed true transition, misplaced or missing.

Run: ``.venv/bin/python -m tests.benchmarks.bench_transition_misses [--seeds 1-30] [--ego-seeds 1-50]
[--no-speech]``. Tuning data only: the first generator's tuning seeds (640x360, 15 i/s), egocam's
tuning seeds and the real set's dev half (its report half is never read here). For each world and
each kind of true transition (first step's start, last step's end, a rest between two steps, two
steps that touch) it prints how many were matched and, of the missed ones, how many were
``shift`` (a predicted transition 1-3 s off: a localisation error), ``extent`` (one end right, the
other off: a rest too wide or too narrow) or ``count`` (nothing predicted near); then the histogram
of signed offsets (predicted minus true, seconds) of the nearest predicted transition within 3 s,
for every true transition and for the missed ones (``media_pipeline.evaluation.metrics.transition_misses``).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from media_pipeline.evaluation import realset
from media_pipeline.evaluation.metrics import TransitionMiss, transition_misses
from media_pipeline.segmentation import SegmentSettings, segment_steps
from tests.benchmarks.bench_segmentation import held_out_samples, transcribe_samples, tuning_pairs

BINS = (-3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
KINDS = ("first", "touching", "rest", "last")
OUTCOMES = ("matched", "shift", "extent", "count")


def misses_of(pairs: list[tuple], use_speech: bool = True) -> list[TransitionMiss]:
    out = []
    for clip, motion in pairs:
        transcript = clip.transcript if use_speech else None
        steps = segment_steps(motion, transcript, SegmentSettings(use_speech=use_speech))
        out += transition_misses([(p.start, p.end) for p in steps], clip.steps, clip.duration)
    return out


def histogram(values: list[float]) -> str:
    counts, _ = np.histogram(np.asarray(values, float), bins=BINS)
    return " ".join(f"{c:4d}" for c in counts)


def report(name: str, misses: list[TransitionMiss]) -> str:
    lines = [f"== {name} : {len(misses)} transitions vraies, "
             f"{sum(m.outcome == 'matched' for m in misses)} trouvées à ±1 s"]
    lines.append(f"  {'':9s}" + "".join(f"{o:>9s}" for o in OUTCOMES))
    for kind in KINDS:
        c = Counter(m.outcome for m in misses if m.kind == kind)
        if c:
            lines.append(f"  {kind:9s}" + "".join(f"{c[o]:9d}" for o in OUTCOMES))
    lines.append("  décalage signé (prédit - vrai, s) de la transition prédite la plus proche (<= 3 s), bornes "
                 + " ".join(f"{b:+.1f}" for b in BINS))
    for kind in KINDS:
        for end, label in ((False, "début"), (True, "fin")) if kind == "rest" else ((False, ""),):
            vals = [m.end_offset if end else m.start_offset for m in misses
                    if m.kind == kind and m.start_offset is not None]
            missed = [m.end_offset if end else m.start_offset for m in misses
                      if m.kind == kind and m.start_offset is not None and m.outcome != "matched"]
            if vals:
                lines.append(f"  {kind:9s}{label:6s} toutes  {histogram(vals)}  médiane {np.median(vals):+.2f}")
                lines.append(f"  {'':15s} manquées {histogram(missed)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="1-30", help="tuning seeds of the first generator (640x360, 15 i/s)")
    parser.add_argument("--ego-seeds", default="1-50", help="tuning seeds of the egocam generator")
    parser.add_argument("--realset", type=Path, default=realset.DEFAULT_DEST)
    parser.add_argument("--no-speech", action="store_true", help="motion only (and no transcription)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_misses_"))
    speech = not args.no_speech
    for gen, spec in (("synthetic", (args.seeds, (640, 360), 15.0)), ("egocam", (args.ego_seeds, None, 12.0))):
        print(report(f"{gen} graines {spec[0]} (réglage)", misses_of(tuning_pairs(gen, out, spec), speech)))
    samples, missing = realset.samples(args.realset)
    dev = [s for s in samples if s.clip.hands_at_work and realset.half(s.seed) == "dev"]
    if not dev:
        print(f"jeu réel absent de {args.realset} (python -m media_pipeline realset fetch)")
        return
    if speech:
        transcribe_samples(dev, out / "speech", log=lambda s: None)
    rows = held_out_samples(dev, 1, log=lambda s: None)
    print(report(f"réel moitié dev, mains au travail ({len(dev)} clips ; la moitié rapport n'est pas lue)",
                 misses_of([(c, m) for c, m, _d, _a in rows], speech)))


if __name__ == "__main__":
    main()
