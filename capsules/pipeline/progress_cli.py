"""Follow a PipelineRun from the command line with one tqdm bar per stage."""

from __future__ import annotations

import time

from tqdm import tqdm

from capsules.models import PipelineRun
from capsules.pipeline.workflow import STAGES

DONE = {PipelineRun.Status.SUCCEEDED, PipelineRun.Status.FAILED, PipelineRun.Status.CANCELLED}


def follow_run(run: PipelineRun, stream, timeout: float = 3600, poll: float = 0.5) -> PipelineRun:
    """Bars on a terminal; one line per change of stage state (or each 25 %) in a log or a pipe."""
    if not getattr(stream, "isatty", lambda: False)():
        return _follow_lines(run, stream, timeout, poll)
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


def _follow_lines(run: PipelineRun, stream, timeout: float, poll: float) -> PipelineRun:
    labels = {spec.name: str(spec.label) for spec in STAGES}
    seen: dict[str, tuple[str, int]] = {}
    deadline = time.monotonic() + timeout
    while True:
        run.refresh_from_db()
        for stage in sorted(run.stages.all(), key=lambda s: [spec.name for spec in STAGES].index(s.name)):
            state = (stage.status, int(stage.progress // 25))
            if seen.get(stage.name) != state:
                seen[stage.name] = state
                stream.write(f"{labels.get(stage.name, stage.name)} : {stage.get_status_display()} "
                             f"{stage.progress:.0f} %\n")
                stream.flush()
        if run.status in DONE or time.monotonic() > deadline:
            return run
        time.sleep(poll)
