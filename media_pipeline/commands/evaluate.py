"""``evaluate [--seeds 100-109] [--out DIR]``: score segmentation methods on generated clips."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-", 1)
            seeds += list(range(int(a), int(b) + 1))
        elif part:
            seeds.append(int(part))
    return seeds


def register(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="évaluer la segmentation sur des clips synthétiques")
    p.add_argument("--seeds", default="100-109", help="ex. 100-109 ou 1,5,7")
    p.add_argument("--out", type=Path, default=Path("evaluation_out"))
    p.add_argument("--size", default="", help="taille imposée, ex. 640x360 (sinon 720p à 1080p)")
    p.add_argument("--fps", type=float, default=25.0)
    p.add_argument("--generator", choices=("synthetic", "egocam"), default="synthetic",
                   help="générateur de clips : synthetic (le premier) ou egocam (écrit à part, fisheye)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from media_pipeline.evaluation.harness import evaluate_seeds, format_table, save, summary

    size = tuple(int(v) for v in args.size.lower().split("x")) if args.size else None
    results = evaluate_seeds(parse_seeds(args.seeds), args.out, size=size, fps=args.fps,
                             log=lambda s: print(s, file=sys.stderr), generator=args.generator)
    table = summary(results)
    print(format_table(table))
    save(results, table, args.out / "results.json")
    return 0
