"""``python -m media_pipeline probe VIDEO``: print the ProbeResult as JSON, exit 2 on rejection."""

from __future__ import annotations

import argparse
import json

from media_pipeline.probe import ProbeLimits, inspect


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("probe", help="analyse et valide une vidéo (JSON)")
    parser.add_argument("video", help="fichier vidéo")
    parser.add_argument("--max-duration", type=float, default=ProbeLimits.max_duration,
                        help="durée maximale en secondes")
    parser.add_argument("--max-width", type=int, default=ProbeLimits.max_width)
    parser.add_argument("--max-height", type=int, default=ProbeLimits.max_height)
    parser.add_argument("--no-decode-check", action="store_true",
                        help="ne pas décoder d'extraits (plus rapide, détecte moins de corruptions)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    limits = ProbeLimits(max_duration=args.max_duration, max_width=args.max_width, max_height=args.max_height,
                         decode_windows=0 if args.no_decode_check else ProbeLimits.decode_windows)
    result = inspect(args.video, limits)  # MediaError -> exit 2 with the French message (see __main__)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    return 0
