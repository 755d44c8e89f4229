"""``transcribe``: speech to text of an audio or video file, JSON on stdout, progress bar on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from media_pipeline.progress import cli_bar
from media_pipeline.whisper_weights import default_model_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transcribe", help="transcrit la parole d'un fichier audio ou vidéo (Whisper)",
        description="Transcrit la parole (Whisper, hors ligne) et écrit le résultat en JSON sur la sortie "
                    "standard ; la progression s'affiche sur la sortie d'erreur.")
    parser.add_argument("file", type=Path, help="fichier audio ou vidéo")
    parser.add_argument("--language", default="fr",
                        help="code de langue (fr, en, ...) ou « auto » pour la détecter (défaut : fr)")
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="dossier du modèle CTranslate2 (défaut : $GESTE_WHISPER_MODEL_DIR ou "
                             "var/models/whisper-base)")
    parser.add_argument("--vocabulary", default="",
                        help="termes du métier séparés par des virgules, "
                             "ex. « clé dynamométrique,newton-mètre »")
    parser.add_argument("--task", choices=("transcribe", "translate"), default="transcribe",
                        help="translate : sous-titres en anglais")
    parser.add_argument("--device", default="auto", help="auto, cpu ou cuda")
    parser.add_argument("--compute-type", default="auto",
                        help="auto (int8 sur CPU, float16 sur GPU), int8, float32...")
    parser.add_argument("--threads", type=int, default=0, help="fils CPU (0 : choix automatique)")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--no-vad", action="store_true", help="désactive le filtre d'activité vocale")
    parser.add_argument("--json", type=Path, default=None, help="écrit aussi le JSON dans ce fichier")
    parser.add_argument("--vtt", type=Path, default=None, help="écrit les sous-titres WebVTT dans ce fichier")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from media_pipeline.captions import write_vtt
    from media_pipeline.transcribe import TranscribeSettings, transcribe

    settings = TranscribeSettings(
        model_dir=args.model_dir or default_model_dir(), device=args.device, compute_type=args.compute_type,
        cpu_threads=args.threads, beam_size=args.beam_size,
        language=None if args.language in ("auto", "") else args.language,
        vocabulary=tuple(t.strip() for t in args.vocabulary.split(",") if t.strip()),
        vad=not args.no_vad, task=args.task)
    with cli_bar(f"transcription {args.file.name}") as progress:
        transcript = transcribe(args.file, settings, progress)
    text = json.dumps(transcript.to_dict(), ensure_ascii=False, indent=1)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    if args.vtt:
        write_vtt(transcript, args.vtt)
    sys.stdout.write(text + "\n")
    return 0
