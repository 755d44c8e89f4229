"""Audio: 16 kHz mono WAV for speech recognition; skipped when the footage has no audio."""

from django.utils.translation import gettext as _

from capsules import storage
from capsules.pipeline.stages.base import Skip, Stage, register
from media_pipeline.audio import extract_audio


@register
class AudioStage(Stage):
    name = "audio"

    def settings_key(self, ctx) -> str:
        return "wav-16k-mono-s16"

    def check(self, ctx):
        if not ctx.upstream_manifest("ingest")["probe"].get("has_audio"):
            raise Skip(_("La vidéo n'a pas de piste audio : transcription impossible."))

    def compute(self, ctx, workdir, progress):
        with storage.local_copy(ctx.footage.original.name) as src:
            result = extract_audio(src, workdir / "audio.wav", progress=progress)
        return {"files": {"wav": "audio.wav"}, "duration": result.duration}
