"""Transcribe: Whisper on the extracted audio, saved as a Transcript and WebVTT captions."""

import json

from django.conf import settings
from django.utils.translation import gettext as _

from capsules import pages, storage
from capsules.models import Footage, Transcript
from capsules.pipeline.stages.base import Skip, Stage, register
from media_pipeline.captions import write_vtt
from media_pipeline.transcribe import TranscribeSettings, transcribe


def transcribe_settings(footage: Footage) -> TranscribeSettings:
    block = footage.skills_block
    vocabulary = block.certification.vocabulary_terms if block else []
    language = None if footage.language in ("", "auto") else footage.language
    return TranscribeSettings(
        model_dir=settings.GESTE_WHISPER_MODEL_DIR, device=settings.GESTE_WHISPER_DEVICE,
        compute_type=settings.GESTE_WHISPER_COMPUTE_TYPE, cpu_threads=settings.GESTE_WHISPER_THREADS,
        beam_size=settings.GESTE_WHISPER_BEAM_SIZE, language=language, vocabulary=vocabulary)


def merge_caption_track(footage_id: int, lang: str, key: str) -> dict[str, str]:
    """Set one language's captions in ``renditions["captions"]``, keeping the other languages.

    Transcribe (French) and translate (English) finish in any order on parallel workers: the
    footage row is locked so neither overwrites the other's track. Call inside a transaction.
    """
    footage = Footage.objects.select_for_update().only("renditions").get(pk=footage_id)
    renditions = dict(footage.renditions or {})
    captions = {**(renditions.get("captions") or {}), lang: key}
    renditions["captions"] = captions
    stale = [x for x in renditions.get("captions_stale") or [] if x != lang]  # freshly computed: current
    if stale:
        renditions["captions_stale"] = stale
    else:
        renditions.pop("captions_stale", None)
    Footage.objects.filter(pk=footage_id).update(renditions=renditions)
    pages.new_content_generation()  # cached manifests name the renditions
    return captions


@register
class TranscribeStage(Stage):
    name = "transcribe"

    def settings_key(self, ctx) -> str:
        s = transcribe_settings(ctx.footage)
        # Device and threads do not change the words; the model, language and prompt do.
        return json.dumps([str(s.model_dir).rstrip("/").rsplit("/", 1)[-1], s.language, s.vocabulary, s.beam_size])

    def check(self, ctx):
        if not ctx.upstream_ran("audio"):
            raise Skip(_("Pas de piste audio : pas de transcription."))

    def compute(self, ctx, workdir, progress):
        with storage.local_copy(ctx.upstream_file("audio", "wav")) as wav:
            result = transcribe(wav, transcribe_settings(ctx.footage), progress=progress, phase=progress.phase)
        (workdir / "transcript.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False), "utf-8")
        write_vtt(result, workdir / "captions.fr.vtt" if result.language == "fr" else workdir / "captions.vtt")
        captions = "captions.fr.vtt" if result.language == "fr" else "captions.vtt"
        return {"files": {"transcript": "transcript.json", "captions": captions}, "language": result.language}

    def apply(self, ctx, manifest, prefix):
        data = storage.read_json(f"{prefix}/{manifest['files']['transcript']}")
        existing = Transcript.objects.filter(footage=ctx.footage, task="transcribe").first()
        if existing and existing.edited:
            return  # never overwrite a designer's corrections with a fresh machine transcript
        Transcript.objects.update_or_create(
            footage=ctx.footage, task="transcribe",
            defaults={"language": data.get("language", ""), "duration": data.get("duration", 0),
                      "model": data.get("model", ""), "segments": data.get("segments", []),
                      "heard_language": data.get("heard_language") or "",
                      "heard_probability": data.get("heard_probability") or None})
        merge_caption_track(ctx.footage.pk, data.get("language") or "fr", f"{prefix}/{manifest['files']['captions']}")
