"""Recognition of a completed skills block: achievements, signed Open Badges 3.0 credentials and the
learner's shareable portfolio (comes with the recognition issue)."""
