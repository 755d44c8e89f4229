"""``python -m media_pipeline audio VIDEO OUT_WAV``: 16 kHz mono WAV for speech recognition."""

from __future__ import annotations

import argparse
import json

from media_pipeline.audio import extract_audio
from media_pipeline.progress import cli_bar


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audio", help="extrait le son en WAV 16 kHz mono")
    parser.add_argument("video", help="fichier vidéo source")
    parser.add_argument("out_wav", help="fichier WAV à écrire")
    parser.add_argument("--quiet", action="store_true", help="pas de barre de progression")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.quiet:
        result = extract_audio(args.video, args.out_wav)
    else:
        with cli_bar("extraction audio") as bar:
            result = extract_audio(args.video, args.out_wav, progress=bar)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    return 0
