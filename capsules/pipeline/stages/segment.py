"""Segment: gesture steps from motion (and speech cues when a transcript exists), with keyframes."""

import json

from capsules import storage
from capsules.models import Step
from capsules.pipeline.stages.base import Stage, register
from media_pipeline.hotspot import activity_region
from media_pipeline.keyframes import extract_keyframe
from media_pipeline.motion import MotionSeries
from media_pipeline.segmentation import SegmentSettings, segment_steps


@register
class SegmentStage(Stage):
    name = "segment"

    def settings_key(self, ctx) -> str:
        # "titles-en": titles and key terms follow the transcript's language (walk 35); steps stored
        # with the French rules applied to English speech are made again.
        return repr(SegmentSettings()) + "|keyframe-regions|titles-en"

    def compute(self, ctx, workdir, progress):
        motion = MotionSeries.from_dict(storage.read_json(ctx.upstream_file("motion", "motion")))
        transcript = None
        if ctx.upstream_ran("transcribe"):
            transcript = storage.read_json(ctx.upstream_file("transcribe", "transcript"))
        proposals = segment_steps(motion, transcript, SegmentSettings())
        progress(50)
        steps = []
        with storage.local_copy(ctx.footage.original.name) as src:
            for i, step in enumerate(proposals, start=1):
                name = f"keyframe-{i:03d}.jpg"
                extract_keyframe(src, step.keyframe_time, workdir / name)
                region = activity_region(motion, step.keyframe_time)
                steps.append({**step.to_dict(), "keyframe": name,
                              "keyframe_region": region.rect() if region else None})
                progress(50 + 50 * i / max(1, len(proposals)))
        (workdir / "steps.json").write_text(json.dumps(steps, ensure_ascii=False), "utf-8")
        return {"files": {"steps": "steps.json"}, "count": len(steps)}

    def apply(self, ctx, manifest, prefix):
        footage = ctx.footage
        if footage.review_version > 1 or footage.steps.filter(approved=True).exists():
            return  # an expert or designer already changed or signed off the steps: never replace them
        steps = storage.read_json(f"{prefix}/{manifest['files']['steps']}")
        # Inside the footage as probed: the segmenter rounds to the hundredth (8.5556 -> 8.56 for an 8.556-s
        # file), and the review refuses an end past the duration.
        limit = footage.duration if footage.duration and footage.duration > 0 else None
        for s in steps:
            s["start"] = max(0.0, float(s["start"]))
            s["end"] = min(float(s["end"]), limit) if limit else float(s["end"])
        ctx.footage.steps.all().delete()
        Step.objects.bulk_create([
            Step(footage=ctx.footage, order=i, start=s["start"], end=s["end"], title=s.get("title", "")[:255],
                 confidence=s.get("confidence", 0), keyframe=f"{prefix}/{s['keyframe']}",
                 keyframe_time=s.get("keyframe_time"), keyframe_region=s.get("keyframe_region"),
                 key_terms=s.get("key_terms", []))
            for i, s in enumerate(steps, start=1)])
