"""``python -m media_pipeline transcode VIDEO OUT_DIR``: HLS ladder, MP4, poster, sprite; prints JSON."""

from __future__ import annotations

import argparse
import json

from media_pipeline.probe import inspect
from media_pipeline.progress import cli_bar
from media_pipeline.transcode import TranscodeSettings, transcode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("transcode", help="convertit une vidéo (HLS, MP4, affiche, vignettes)")
    parser.add_argument("video", help="fichier vidéo source")
    parser.add_argument("out_dir", help="dossier de sortie")
    parser.add_argument("--preset", default=TranscodeSettings.preset, help="préréglage libx264")
    parser.add_argument("--quiet", action="store_true", help="pas de barre de progression")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    probe = inspect(args.video)
    settings = TranscodeSettings(preset=args.preset)
    if args.quiet:
        result = transcode(args.video, args.out_dir, probe, settings)
    else:
        with cli_bar("transcodage") as bar:
            result = transcode(args.video, args.out_dir, probe, settings, progress=bar)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    return 0
