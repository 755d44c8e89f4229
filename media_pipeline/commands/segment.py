"""``segment VIDEO [--transcript T.json] [--json OUT]``: propose the gesture steps of a video."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from media_pipeline.errors import PermanentMediaError


def register(subparsers) -> None:
    p = subparsers.add_parser("segment", help="découper une vidéo en étapes gestuelles")
    p.add_argument("video", type=Path)
    p.add_argument("--transcript", type=Path, help="transcription JSON (sinon : mouvement seul)")
    p.add_argument("--json", type=Path, dest="json_out", help="écrire le résultat dans ce fichier")
    p.add_argument("--method", default="kernel_cpd")
    p.add_argument("--min-step", type=float, default=3.0)
    p.add_argument("--max-step", type=float, default=60.0)
    p.add_argument("--motion-json", type=Path, help="réutiliser des caractéristiques déjà calculées")
    p.add_argument("--quiet", action="store_true", help="pas de barre de progression")
    p.set_defaults(func=run)


def load_transcript(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PermanentMediaError(f"Transcription illisible : {path.name}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise PermanentMediaError(f"Transcription sans segments : {path.name}")
    return data


def run(args: argparse.Namespace) -> int:
    from media_pipeline.motion import MotionSeries, analyse_motion
    from media_pipeline.progress import cli_bar
    from media_pipeline.segmentation import SegmentSettings, segment_steps

    transcript = load_transcript(args.transcript)
    if args.motion_json:
        motion = MotionSeries.from_dict(json.loads(args.motion_json.read_text()))
    elif args.quiet:
        motion = analyse_motion(args.video)
    else:
        with cli_bar("mouvement") as bar:
            motion = analyse_motion(args.video, progress=bar)
    settings = SegmentSettings(min_step=args.min_step, max_step=args.max_step, method=args.method,
                               use_speech=transcript is not None)
    steps = segment_steps(motion, transcript, settings)
    result = {"video": str(args.video), "duration": round(motion.duration, 3), "method": args.method,
              "speech": transcript is not None, "steps": [s.to_dict() for s in steps]}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text, encoding="utf-8")
    sys.stdout.write(text + "\n")
    return 0
