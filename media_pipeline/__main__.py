"""Command line: ``python -m media_pipeline COMMAND ...``.

Each module in ``media_pipeline.commands`` adds one sub-command through
``register(subparsers)``; the chosen one's ``run(args)`` returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from media_pipeline import commands
from media_pipeline.errors import MediaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m media_pipeline",
                                     description="Geste media pipeline stages, run by hand.")
    sub = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except MediaError as exc:
        print(f"erreur : {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
