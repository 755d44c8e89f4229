"""Transcode: the HLS ladder, low-rung MP4, poster and thumbnail sprite (one ffmpeg decode)."""

from capsules import pages, storage
from capsules.models import Footage
from capsules.pipeline.stages.base import Stage, register
from media_pipeline.probe import ProbeResult
from media_pipeline.transcode import TranscodeSettings, settings_key, transcode


@register
class TranscodeStage(Stage):
    name = "transcode"

    def settings_key(self, ctx) -> str:
        return settings_key(TranscodeSettings())

    def compute(self, ctx, workdir, progress):
        info = ProbeResult.from_dict(ctx.upstream_manifest("ingest")["probe"])
        with storage.local_copy(ctx.footage.original.name) as src:
            result = transcode(src, workdir, info, TranscodeSettings(), progress=progress)
        data = result.to_dict()
        files = {k: data[k] for k in ("master_playlist", "mp4", "poster", "sprite", "thumbnails_vtt") if data.get(k)}
        return {"files": files, "variants": data.get("variants", [])}

    def apply(self, ctx, manifest, prefix):
        # Read the renditions again under a row lock: captions saved by transcribe/translate while
        # this transcode ran are in the row, not in ctx.footage (loaded when the task started).
        footage = Footage.objects.select_for_update().only("renditions").get(pk=ctx.footage.pk)
        renditions = dict(footage.renditions or {})
        renditions.update({name: f"{prefix}/{rel}" for name, rel in manifest["files"].items()})
        renditions["variants"] = manifest.get("variants", [])
        Footage.objects.filter(pk=ctx.footage.pk).update(renditions=renditions)
        pages.new_content_generation()  # cached manifests name the renditions
