"""``motion VIDEO [--json OUT]``: per-frame motion features and the review curve."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("motion", help="analyser le mouvement d'une vidéo")
    p.add_argument("video", type=Path)
    p.add_argument("--json", type=Path, dest="json_out", help="écrire toutes les caractéristiques ici")
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--fps", type=float, default=10.0)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from media_pipeline.motion import MotionSettings, analyse_motion
    from media_pipeline.progress import cli_bar

    with cli_bar("mouvement") as bar:
        motion = analyse_motion(args.video, MotionSettings(width=args.width, fps=args.fps), progress=bar)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(motion.to_dict()))
    act = motion.activity()
    sys.stdout.write(json.dumps({"frames": len(motion), "fps": motion.fps, "duration": round(motion.duration, 3),
                                 "size": [motion.width, motion.height],
                                 "mean_activity": round(float(act.mean()) if act.size else 0.0, 3),
                                 "curve": motion.curve()}) + "\n")
    return 0
