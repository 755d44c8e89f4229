"""Motion: per-frame features of the head-camera footage, and the curve for the review screen."""

import json

from capsules import storage
from capsules.models import Footage
from capsules.pipeline.stages.base import Stage, register
from media_pipeline.handwork import handwork_verdict
from media_pipeline.motion import MotionSettings, analyse_motion


@register
class MotionStage(Stage):
    name = "motion"

    def settings_key(self, ctx) -> str:
        return repr(MotionSettings())

    def compute(self, ctx, workdir, progress):
        with storage.local_copy(ctx.footage.original.name) as src:
            series = analyse_motion(src, MotionSettings(), progress=progress)
        (workdir / "motion.json").write_text(json.dumps(series.to_dict()), "utf-8")
        # Whether hands are seen working: the review screen warns the expert when they are not.
        return {"files": {"motion": "motion.json"}, "curve": series.curve(),
                "handwork": handwork_verdict(series).to_dict()}

    def apply(self, ctx, manifest, prefix):
        curve = manifest["curve"]
        Footage.objects.filter(pk=ctx.footage.pk).update(
            motion_curve={"fps": curve["fps"], "start": curve.get("start", 0), "values": curve["activity"],
                          "handwork": manifest.get("handwork")})
