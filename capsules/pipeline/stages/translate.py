"""Translate: Whisper's translate task on the extracted audio, an English Transcript and captions.en.vtt.

Learners who do not read French get a second captions track. Whisper translates straight from
the speech (no text translation model to ship); the source language is the footage's, and
"auto" lets Whisper detect it. Speech that is already English gets no translation: the
transcribe stage's own captions are the English track then. It runs after the transcription: where
that found no speech there is nothing to translate (a walk saw « He is nice. » offered as English
subtitles of a clip without a word, whose French transcription said « Aucune parole détectée »).
"""

from __future__ import annotations

import json
from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext as _

from capsules import storage
from capsules.models import Footage, Transcript
from capsules.pipeline.stages.base import Skip, Stage, register
from capsules.pipeline.stages.transcribe import merge_caption_track, transcribe_settings
from media_pipeline.captions import write_vtt
from media_pipeline.language_check import language_share
from media_pipeline.transcribe import TranscribeSettings, transcribe

TARGET = "en"  # Whisper's translate task only produces English
MIN_ENGLISH_SHARE = 0.5  # real translations score 0.9-1.0; garbled speech left in French about 0.1


def _already_english() -> str:
    """The skip reason, translated in the language active when raised."""
    return _("Le commentaire est déjà en anglais : sa transcription sert de sous-titres anglais.")


def _spoken(ctx) -> bool:
    """Whether the transcription of this run holds any words."""
    data = storage.read_json(ctx.upstream_file("transcribe", "transcript"))
    return any((seg.get("text") or "").strip() for seg in data.get("segments") or [])


def translate_settings(footage: Footage) -> TranscribeSettings:
    """The transcribe stage's settings (model, beam, vocabulary) with the translate task."""
    return replace(transcribe_settings(footage), task="translate")


@register
class TranslateStage(Stage):
    name = "translate"

    def settings_key(self, ctx) -> str:
        if not settings.GESTE_TRANSLATE_CAPTIONS:
            # A key no manifest is ever stored under: check() runs and skips, nothing old is reused.
            return "off"
        s = translate_settings(ctx.footage)
        # Device and threads do not change the words; the model, source language, prompt and beam do.
        return json.dumps([str(s.model_dir).rstrip("/").rsplit("/", 1)[-1], s.language, s.vocabulary,
                           s.beam_size, s.task])

    def check(self, ctx):
        if not settings.GESTE_TRANSLATE_CAPTIONS:
            raise Skip(_("Sous-titres anglais désactivés (GESTE_TRANSLATE_CAPTIONS)."))
        if not ctx.upstream_ran("audio"):
            raise Skip(_("Pas de piste audio : pas de sous-titres anglais."))
        if translate_settings(ctx.footage).language == TARGET:
            raise Skip(_already_english())
        if ctx.upstream_ran("transcribe") and not _spoken(ctx):
            raise Skip(_("Aucune parole dans le commentaire : pas de sous-titres anglais."))

    def compute(self, ctx, workdir, progress):
        with storage.local_copy(ctx.upstream_file("audio", "wav")) as wav:
            result = transcribe(wav, translate_settings(ctx.footage), progress=progress, phase=progress.phase)
        if result.language == TARGET:
            # "auto" footage whose speech Whisper found to be English: stored as such, so later runs
            # reuse this finding (apply skips) instead of translating the whole file again.
            return {"files": {}, "source_language": TARGET, "language": TARGET}
        text = " ".join(seg.text for seg in result.segments)
        if not text.strip():
            # Whisper's translate task found nothing to say: a finding, not a track of no cues.
            return {"files": {}, "source_language": result.language, "language": TARGET, "no_cues": True}
        share = language_share(text, TARGET)
        if text.strip() and share < MIN_ENGLISH_SHARE:
            # Stored as a finding too: a re-run reuses it instead of translating again.
            return {"files": {}, "source_language": result.language, "language": TARGET,
                    "english_share": round(share, 3)}
        (workdir / "translation.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False), "utf-8")
        write_vtt(result, workdir / f"captions.{TARGET}.vtt")
        return {"files": {"transcript": "translation.json", "captions": f"captions.{TARGET}.vtt"},
                "source_language": result.language, "language": TARGET}

    def apply(self, ctx, manifest, prefix):
        if manifest.get("source_language") == TARGET:
            raise Skip(_already_english())
        if "english_share" in manifest:
            raise Skip(_("La traduction automatique n'a pas donné un texte anglais fiable "
                         "(%(share)d %% de mots anglais) : pas de piste anglaise.")
                       % {"share": round(100 * manifest["english_share"])})
        data = {} if manifest.get("no_cues") else storage.read_json(f"{prefix}/{manifest['files']['transcript']}")
        if not any((seg.get("text") or "").strip() for seg in data.get("segments") or []):
            # An earlier run's header-only track may stay in renditions: the player and the footage
            # page never offer a track without cues (storage.captions_with_cues).
            raise Skip(_("La traduction automatique n'a produit aucun sous-titre anglais pour ce "
                         "commentaire : pas de piste anglaise."))
        existing = Transcript.objects.filter(footage=ctx.footage, task="translate").first()
        if existing and existing.edited:
            return  # a designer's corrections win over a fresh machine translation
        # language is the text's language (English), the one its captions track is keyed by.
        Transcript.objects.update_or_create(
            footage=ctx.footage, task="translate",
            defaults={"language": TARGET, "duration": data.get("duration", 0),
                      "model": data.get("model", ""), "segments": data.get("segments", [])})
        merge_caption_track(ctx.footage.pk, TARGET, f"{prefix}/{manifest['files']['captions']}")
