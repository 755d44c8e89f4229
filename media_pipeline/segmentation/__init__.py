"""Gesture-step segmentation: motion features (and speech cues) in, step proposals out.

One small interface (``Segmenter``), one file per implementation registered by name:
``kernel_cpd`` (ours: rests + kernel change points + speech cues), ``uniform`` and
``scenedetect`` (baselines for the evaluation).
"""

from __future__ import annotations

import importlib

from media_pipeline.segmentation.base import (
    HintSettings,
    Segmentation,
    Segmenter,
    SegmentSettings,
    SplitHint,
    StepProposal,
    available,
    get_segmenter,
    register,
)

_IMPLEMENTATIONS = ("kernel_cpd", "uniform", "scenedetect_baseline")


def _load_all() -> None:
    for name in _IMPLEMENTATIONS:
        importlib.import_module(f"{__name__}.{name}")


def segment_steps(motion, transcript: dict | None = None,
                  settings: SegmentSettings = SegmentSettings()) -> list[StepProposal]:
    """Propose the steps of a footage with the method named in ``settings``."""
    segmenter = get_segmenter(settings.method)
    return segmenter.segment(motion, transcript if settings.use_speech else None, settings)


def segment_with_hints(motion, transcript: dict | None = None, settings: SegmentSettings = SegmentSettings(),
                       hints: HintSettings = HintSettings()) -> Segmentation:
    """The steps and, beside them, split hints (« Coupes suggérées »: ``kernel_cpd`` only)."""
    from media_pipeline.segmentation.kernel_cpd import segment_with_hints as _with_hints

    return _with_hints(motion, transcript, settings, hints)


__all__ = ["HintSettings", "SegmentSettings", "Segmentation", "Segmenter", "SplitHint", "StepProposal", "available",
           "get_segmenter", "register", "segment_steps", "segment_with_hints"]
