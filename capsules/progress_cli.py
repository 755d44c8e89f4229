"""Follow a PipelineRun from the command line with one tqdm bar per stage."""

from __future__ import annotations

import time

from tqdm import tqdm

from capsules.models import PipelineRun
from capsules.workflow import STAGES

DONE = {PipelineRun.Status.SUCCEEDED, PipelineRun.Status.FAILED, PipelineRun.Status.CANCELLED}


def follow_run(run: PipelineRun, stream, timeout: float = 3600, poll: float = 0.5) -> PipelineRun:
    bars = {spec.name: tqdm(total=100, desc=f"{spec.label:<36}", position=i, file=stream, leave=True,
                            bar_format="{desc} {percentage:3.0f}%|{bar}| {postfix}")
            for i, spec in enumerate(STAGES)}
    deadline = time.monotonic() + timeout
    try:
        while True:
            run.refresh_from_db()
            for stage in run.stages.all():
                bar = bars[stage.name]
                bar.n = stage.progress
                bar.set_postfix_str(stage.get_status_display(), refresh=False)
                bar.refresh()
            if run.status in DONE or time.monotonic() > deadline:
                return run
            time.sleep(poll)
    finally:
        for bar in bars.values():
            bar.close()
