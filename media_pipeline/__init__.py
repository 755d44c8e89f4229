"""Geste media pipeline: framework-free stages (probe, transcode, audio, transcribe,
motion, segmentation, quiz drafting) with typed dataclasses in and out.

This package never imports Django or Celery so that each stage can run and be
tested from the command line (`python -m media_pipeline ...`).
"""
