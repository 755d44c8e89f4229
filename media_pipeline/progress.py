"""Progress reporting shared by every stage.

Stages take an optional callback receiving a percentage (0-100). The CLI turns it
into a tqdm bar on stderr; Celery tasks store it on the StageRun.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProgressCallback = Callable[[float], None]
# What a stage is doing now, in a sentence (French, as stored; the app translates it when shown): a long
# wait that no percentage can measure (loading a model) is named instead of sitting at 0 %.
PhaseCallback = Callable[[str], None]


def noop(_percent: float) -> None:
    """Default callback when nobody listens."""


def no_phase(_message: str) -> None:
    """Default phase callback when nobody listens."""


def scaled(callback: ProgressCallback | None, start: float, end: float) -> ProgressCallback:
    """Map a sub-task's 0-100 onto the [start, end] part of a parent's range."""
    cb = callback or noop

    def inner(percent: float) -> None:
        cb(start + (end - start) * max(0.0, min(100.0, percent)) / 100.0)

    return inner


@contextmanager
def cli_bar(description: str) -> Iterator[ProgressCallback]:
    """A tqdm progress bar on stderr driven by percentage updates."""
    from tqdm import tqdm

    with tqdm(total=100, desc=description, unit="%", file=sys.stderr,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:
        last = [0.0]

        def update(percent: float) -> None:
            percent = max(0.0, min(100.0, percent))
            if percent > last[0]:
                bar.update(percent - last[0])
                last[0] = percent

        yield update
        update(100.0)
