"""The real set degraded as other cameras and conditions would film it, against the same clips native.

Run: ``.venv/bin/python -m tests.benchmarks.bench_degraded [--rates 2,3,4,5] [--filters portrait,dark,shake,small]``
``[--groups dev,report,fresh] [--workdir DIR]``.

Under the analysis' 10 i/s (``--rates``): the clips re-encoded at each rate, with and without the fill of repeated
pictures (``media_pipeline/repeated_frames.py``). Other conditions (``--filters``, default analysis only): a phone
held upright (``portrait``: the middle 9:16 of the picture), a dark, noisy picture (``dark``: brightness -0.25,
contrast 0.6, temporal noise 12), a head shaken more (``shake``: a 80 % window swaying at about 1 Hz), a small file
(``small``: 320 px wide).

Each clip of the groups (the halves' clips with hands at work, as ``bench_segmentation`` reports them, and the
``fresh`` group) is re-encoded without sound at each rate (ffmpeg ``fps`` filter, H.264 CRF 20; cached in
``--workdir``) and analysed twice, by the default analysis and with ``repeat_fill_max=0`` (the analysis before
the fill), then segmented by the default segmenter on motion alone. The native clip, analysed by the default,
is the reference of the same run. Printed per group: per-clip means of transition F1 ±1 s / F1@10 / F1@50 /
coverage and predicted / true steps. Nothing is tuned here: the fill has no knob read from these numbers (its
residual threshold and 1-s run limit follow from what a camera and a frame rate are).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from media_pipeline.evaluation import realset
from media_pipeline.evaluation.metrics import score
from media_pipeline.motion import MotionSettings, analyse_motion
from media_pipeline.segmentation import SegmentSettings, segment_steps

MOTION_ONLY = replace(SegmentSettings(), use_speech=False)
NO_FILL = replace(MotionSettings(), repeat_fill_max=0.0)


FILTERS = {
    "portrait": "crop='min(iw,ih*9/16)':ih",
    "dark": "eq=brightness=-0.25:contrast=0.6,noise=alls=12:allf=t",
    "shake": "crop=iw*0.8:ih*0.8:'(iw-ow)/2+((iw-ow)/2)*sin(t*7)':'(ih-oh)/2+((ih-oh)/2)*sin(t*5.3)'",
    "small": "scale=320:-2",
}


def reencode(src: Path, vf: str, tag: str, workdir: Path) -> Path:
    out = workdir / f"{src.stem}-{tag}.mp4"
    if not out.exists():
        part = out.with_name(out.stem + ".part.mp4")
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), "-an", "-vf", vf,
                        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", str(part)], check=True)
        part.replace(out)
    return out


def scores(sample, video: Path, settings: MotionSettings) -> tuple[tuple[float, ...], int, int]:
    motion = analyse_motion(video, settings)
    pred = [(p.start, p.end) for p in segment_steps(motion, None, MOTION_ONLY)]
    s = score(pred, sample.steps, sample.duration)
    return (s.transition.f1, s.f1_10, s.f1_50, s.coverage), len(pred), int(motion.extra.get("repeated_frames", 0))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--realset", type=Path, default=realset.DEFAULT_DEST)
    parser.add_argument("--rates", default="2,3,4,5")
    parser.add_argument("--filters", default=",".join(FILTERS))
    parser.add_argument("--groups", default="dev,report,fresh")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "geste-bench-degraded")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    rates = [float(r) for r in args.rates.split(",") if r]
    filters = [f for f in args.filters.split(",") if f]
    groups = args.groups.split(",")
    samples, missing = realset.samples(args.realset, groups=tuple(groups))
    if missing:
        print(f"absents de {args.realset} : {', '.join(missing)} (python -m media_pipeline realset fetch)")
    if not samples:
        print("jeu réel absent : rien à mesurer")
        return
    print("== dégradé : F1 transitions ±1 s / F1@10 / F1@50 / couverture (étapes prédites / vraies), "
          "moyennes par clip, mouvement seul")
    for group in groups:
        chosen = [s for s in samples if realset.group_of(s.clip) == group and s.clip.hands_at_work is not False]
        if not chosen:
            continue
        columns: dict[str, list] = {"natif": []}
        for s in chosen:
            columns["natif"].append(scores(s, s.path, MotionSettings()))
            for rate in rates:
                video = reencode(Path(s.path), f"fps={rate:g}", f"{rate:g}fps", args.workdir)
                columns.setdefault(f"{rate:g} i/s sans", []).append(scores(s, video, NO_FILL))
                columns.setdefault(f"{rate:g} i/s avec", []).append(scores(s, video, MotionSettings()))
            for name in filters:
                video = reencode(Path(s.path), FILTERS[name], name, args.workdir)
                columns.setdefault(name, []).append(scores(s, video, MotionSettings()))
        n_true = sum(len(s.steps) for s in chosen)
        print(f"-- {group} ({len(chosen)} clips, {n_true} étapes)")
        for label, rows in columns.items():
            mean = np.mean([r[0] for r in rows], axis=0)
            filled = sum(r[2] for r in rows)
            print(f"   {label:<14} {'/'.join(f'{v:.3f}' for v in mean)} ({sum(r[1] for r in rows)}/{n_true})"
                  f"  images répétées complétées : {filled}", flush=True)


if __name__ == "__main__":
    main()
