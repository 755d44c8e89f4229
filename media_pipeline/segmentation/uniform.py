"""Baseline: the video cut into equal parts, told the true number of steps."""

from __future__ import annotations

from media_pipeline.segmentation.base import SegmentSettings, StepProposal, register


@register("uniform")
class UniformSegmenter:
    name = "uniform"

    def segment(self, motion, transcript, settings: SegmentSettings) -> list[StepProposal]:
        n = settings.true_count or max(1, int(round(motion.duration / max(settings.min_step, 10.0))))
        d = motion.duration / n
        return [StepProposal(i * d, (i + 1) * d, 0.0, (i + 0.5) * d, f"Étape {i + 1}", []) for i in range(n)]
