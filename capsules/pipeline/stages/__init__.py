"""Stage implementations, one file each, registered by name (the workflow is data)."""

from capsules.pipeline.stages import audio, draft_quizzes, ingest, motion, segment, transcode, transcribe, translate  # noqa: E402,F401,I001
from capsules.pipeline.stages.base import Stage, get_stage, register

__all__ = ["Stage", "get_stage", "register"]
