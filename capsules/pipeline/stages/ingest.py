"""Ingest: probe and validate the stored original; record what it is on the Footage."""

from django.conf import settings

from capsules import storage
from capsules.models import Footage
from capsules.pipeline.stages.base import Stage, register
from capsules.pipeline.workflow import skip_without_audio
from media_pipeline.probe import ProbeLimits, probe, validate


def limits() -> ProbeLimits:
    return ProbeLimits(max_duration=settings.GESTE_MAX_DURATION_S, max_size_bytes=settings.GESTE_MAX_UPLOAD_BYTES)


@register
class IngestStage(Stage):
    name = "ingest"

    def settings_key(self, ctx) -> str:
        lim = limits()
        return f"{lim.max_duration}:{lim.max_size_bytes}"

    def compute(self, ctx, workdir, progress):
        with storage.local_copy(ctx.footage.original.name) as src:
            result = validate(probe(src), limits())
        progress(100)
        return {"probe": result.to_dict(), "files": {}}

    def apply(self, ctx, manifest, prefix):
        info = manifest["probe"]
        Footage.objects.filter(pk=ctx.footage.pk).update(
            probe=info, duration=info["duration"], flags=info.get("flags", []))
        ctx.footage.refresh_from_db()
        # No audio track: the audio stages are « Sans objet » now, not « En attente » until a worker reaches them.
        skip_without_audio(ctx.run.pk, info)
