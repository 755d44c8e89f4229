"""Evaluation of gesture-step segmentation: synthetic clips with ground truth, metrics, harness."""
