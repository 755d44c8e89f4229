"""Benchmark: the "hands seen working" verdict (``media_pipeline.handwork``) against labelled footage.

    .venv/bin/python -m tests.benchmarks.bench_handwork [--realset var/realset] [--vtest PATH]
        [--seeds 1,2,3,4] [--size 320x240] [--cache var/handwork] [--report]

Footage: the real set (``hands_at_work`` of the manifest; clips fetched into ``var/realset``),
generated clips (``synthetic`` and ``egocam``: hands always at work) and OpenCV's ``vtest.avi``
(a fixed street camera: no hand work). Motion features are cached per clip in ``--cache``.

The thresholds were chosen on the real set's ``dev`` half only; ``--report`` also prints the
``report`` half (held out: read once). A "warning" is ``hands_seen_working == False``.

Measured (2026-12-02, palm detector on; MIN_SHARE 0.03, CAM_STILL 0.15):

    set        hand work: ok / warned    no hand work: warned / missed
    dev        11 / 0                    0 / 5
    report     11 / 0                    0 / 4
    generators  8 / 0                    -
    vtest       -                        1 / 0

No threshold on the palm share alone beats "never warn" on the dev half when a false warning counts
twice a miss (share 0 on three real hand-work clips: brush painting, sweeping). The verdict catches
still cameras (vtest), not first-person footage without hand work.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from media_pipeline.evaluation.harness import make_clip
from media_pipeline.evaluation.realset import group_of, half, load_manifest
from media_pipeline.handwork import handwork_verdict
from media_pipeline.motion import MotionSeries, MotionSettings, analyse_motion

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


def _motion(video, cache: Path, key: str) -> MotionSeries:
    """The cached features of ``key``, else those of ``video`` (a path, or a callable making one)."""
    f = cache / f"{key}.json"
    if f.exists():
        return MotionSeries.from_dict(json.loads(f.read_text("utf-8")))
    series = analyse_motion(video() if callable(video) else video, MotionSettings())
    f.parent.mkdir(parents=True, exist_ok=True)  # keys may name a sub-folder (gen/...)
    f.write_text(json.dumps(series.to_dict()), "utf-8")
    return series


def _table(name: str, rows: list[tuple[str, bool, object]]) -> str:
    ok = sum(1 for _, y, v in rows if y and v.hands_seen_working)
    false_warn = sum(1 for _, y, v in rows if y and not v.hands_seen_working)
    warned = sum(1 for _, y, v in rows if not y and not v.hands_seen_working)
    missed = sum(1 for _, y, v in rows if not y and v.hands_seen_working)
    # no_hands: the segmenter proposes no step; on hand work that loses every step.
    no_step = sum(1 for _, y, v in rows if not y and v.no_hands)
    false_no_step = sum(1 for _, y, v in rows if y and v.no_hands)
    lines = [f"{name}: hand work ok {ok} / false warning {false_warn} / judged handless {false_no_step}; "
             f"no hand work warned {warned} / missed {missed} / no step {no_step}"]
    lines += [f"    {cid:28s} {'work' if y else 'none':4s} share {v.share} camera {v.camera} "
              f"-> {'ok' if v.hands_seen_working else 'WARN'}{' NO STEP' if v.no_hands else ''}"
              for cid, y, v in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realset", default="var/realset")
    ap.add_argument("--vtest", default=str(VTEST))
    ap.add_argument("--seeds", default="1,2,3,4")
    ap.add_argument("--size", default="320x240")
    ap.add_argument("--cache", default="var/handwork")
    ap.add_argument("--report", action="store_true", help="also the held-out report half (read once)")
    args = ap.parse_args(argv)
    cache = Path(args.cache)
    halves: dict[str, list] = {"dev": [], "report": []}
    for clip in load_manifest():
        video = Path(args.realset) / clip.filename
        if clip.hands_at_work is None or not video.exists() or group_of(clip) not in halves:  # fresh, long: apart
            continue
        halves[half(clip.id)].append((clip.id, clip.hands_at_work, handwork_verdict(_motion(video, cache, clip.id))))
    print(_table("real dev", halves["dev"]))
    if args.report:
        print(_table("real report", halves["report"]))
    w, h = (int(v) for v in args.size.split("x"))
    gen = []
    for generator in ("synthetic", "egocam"):
        for seed in (int(s) for s in args.seeds.split(",") if s):
            key = f"gen/{generator}-{seed}-{w}x{h}"  # another --size is another clip

            def video(generator=generator, seed=seed) -> Path:
                return Path(make_clip(generator, seed, cache / "clips", size=(w, h)).path)

            gen.append((f"{generator}-{seed}", True, handwork_verdict(_motion(video, cache, key))))
    print(_table("generators", gen))
    vtest = Path(args.vtest)
    if vtest.exists():
        print(_table("vtest", [("vtest", False, handwork_verdict(_motion(vtest, cache, "vtest")))]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
