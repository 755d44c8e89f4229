"""Cache of (clip, motion) pairs for segmentation experiments (``bench_learned``): the motion analysis of
~120 clips costs ~15 min, so experiments read it from here instead of recomputing it every run.

    python -m tests.benchmarks.motion_cache all | synth_tune | ego_tune | real | synth_held | ego_held

Writes ``$GESTE_MOTION_CACHE/NAME.pkl`` (default ``var/motion-cache``): a pickled list of (clip, motion).
Real clips (``realset fetch`` first) carry Whisper's transcript; the held-out sets are for a final report only.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from pathlib import Path

from media_pipeline.commands.evaluate import parse_seeds
from media_pipeline.evaluation import realset
from media_pipeline.evaluation.harness import make_clip
from media_pipeline.motion import analyse_motion

CACHE = Path(os.environ.get("GESTE_MOTION_CACHE", "var/motion-cache"))
# name: (generator, seeds, size, fps); None size/fps: the generator's own (held-out clips as the bench makes them)
GENERATED = {"synth_tune": ("synthetic", "1-30", (640, 360), 15.0), "ego_tune": ("egocam", "1-50", None, 12.0),
             "synth_held": ("synthetic", "9100-9105", None, None), "ego_held": ("egocam", "101-106", None, None)}


def build(name: str) -> Path:
    t0, pairs, work = time.time(), [], CACHE / "clips" / name
    if name in GENERATED:
        gen, seeds, size, fps = GENERATED[name]
        for seed in parse_seeds(seeds):
            clip = make_clip(gen, seed, work) if fps is None else make_clip(gen, seed, work, size, fps)
            pairs.append((clip, analyse_motion(clip.path)))
            print(name, seed, f"{time.time() - t0:.0f}s", flush=True)
    elif name == "real":
        from tests.benchmarks.bench_segmentation import transcribe_samples

        samples, _missing = realset.samples(realset.DEFAULT_DEST)
        transcribe_samples(samples, work / "speech")
        for sample in samples:
            pairs.append((sample, analyse_motion(sample.path)))
    else:
        raise SystemExit(f"inconnu : {name}")
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"{name}.pkl"
    out.write_bytes(pickle.dumps(pairs))
    print(f"{out} : {len(pairs)} clips en {time.time() - t0:.0f} s")
    return out


if __name__ == "__main__":
    names = sys.argv[1:] or ["all"]
    for n in ([*GENERATED, "real"] if names == ["all"] else names):
        build(n)
