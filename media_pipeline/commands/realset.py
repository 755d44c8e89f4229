"""``realset fetch|list|sheet``: the real-footage development set (clips not committed, see manifest)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    from media_pipeline.evaluation.realset import DEFAULT_DEST, DEFAULT_MIRRORS, MANIFEST

    parser = subparsers.add_parser("realset", help="jeu de développement de vidéos réelles (récupérer, lister)")
    sub = parser.add_subparsers(dest="realset_command", required=True)
    f = sub.add_parser("fetch", help="copier les clips (miroirs git locaux ou dossier) et vérifier leur SHA-256")
    f.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    f.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                   help="dossier des miroirs git (<propriétaire>+<dépôt>/repo)")
    f.add_argument("--from", dest="source_dir", type=Path, default=None,
                   help="dossier contenant déjà les clips (reconnus par leur SHA-256, quel que soit leur nom)")
    f.add_argument("--manifest", type=Path, default=MANIFEST)
    f.set_defaults(func=run_fetch)
    ls = sub.add_parser("list", help="lister les clips, leur licence et leur présence")
    ls.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    ls.add_argument("--manifest", type=Path, default=MANIFEST)
    ls.set_defaults(func=run_list)
    sh = sub.add_parser("sheet", help="planche contact horodatée d'un clip, pour l'annoter à la main")
    sh.add_argument("clip", help="identifiant du clip (voir realset list)")
    sh.add_argument("--out", type=Path, required=True, help="image PNG")
    sh.add_argument("--fps", type=float, default=2.0)
    sh.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    sh.add_argument("--manifest", type=Path, default=MANIFEST)
    sh.set_defaults(func=run_sheet)


def run_fetch(args: argparse.Namespace) -> int:
    from media_pipeline.evaluation.realset import fetch, load_manifest

    clips = load_manifest(args.manifest)
    report = fetch(clips, args.dest, mirrors=args.mirrors, source_dir=args.source_dir,
                   log=lambda s: print(s, file=sys.stderr))
    print(f"{len(report.copied)} copiés, {len(report.present)} déjà présents, {len(report.missing)} absents, "
          f"{len(report.corrupt)} refusés (SHA-256) sur {len(clips)} clips -> {args.dest}")
    return 0 if not (report.missing or report.corrupt) else 1


def run_list(args: argparse.Namespace) -> int:
    from media_pipeline.evaluation.realset import group_of, load_manifest

    for clip in load_manifest(args.manifest):
        here = "présent" if (args.dest / clip.filename).exists() else "absent"
        has_truth = "vérité" if clip.truth_path(args.manifest.parent).exists() else "sans vérité"
        print(f"{clip.id:<30} {group_of(clip):<6} {clip.duration:6.1f} s {clip.width}x{clip.height} {here:<8} "
              f"{has_truth:<12} {clip.repo}:{clip.path}@{clip.commit[:10]} — {clip.dataset}")
    return 0


def run_sheet(args: argparse.Namespace) -> int:
    from media_pipeline.evaluation.realset import load_manifest
    from media_pipeline.evaluation.realset.sheet import contact_sheet

    clip = next((c for c in load_manifest(args.manifest) if c.id == args.clip), None)
    if clip is None or not (args.dest / clip.filename).exists():
        print(f"clip {args.clip} inconnu ou absent (python -m media_pipeline realset fetch)", file=sys.stderr)
        return 2
    n = contact_sheet(args.dest / clip.filename, args.out, fps=args.fps)
    print(f"{n} images -> {args.out}")
    return 0
