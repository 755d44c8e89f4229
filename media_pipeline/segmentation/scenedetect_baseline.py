"""Baseline: PySceneDetect's AdaptiveDetector; each detected scene becomes a step."""

from __future__ import annotations

from media_pipeline.errors import PermanentMediaError
from media_pipeline.segmentation.base import SegmentSettings, StepProposal, register


@register("scenedetect")
class SceneDetectSegmenter:
    name = "scenedetect"

    def segment(self, motion, transcript, settings: SegmentSettings) -> list[StepProposal]:
        if not motion.source:
            raise PermanentMediaError("PySceneDetect a besoin du fichier vidéo source.")
        from scenedetect import AdaptiveDetector, detect

        scenes = detect(motion.source, AdaptiveDetector(min_scene_len=f"{settings.min_step}s"),
                        start_in_scene=True)
        out = []
        for i, (a, b) in enumerate(scenes):
            s, e = a.seconds, b.seconds
            out.append(StepProposal(s, e, 0.5, (s + e) / 2, f"Scène {i + 1}", []))
        return out
