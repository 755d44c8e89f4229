"""The small interface every stage implements."""

from __future__ import annotations

from pathlib import Path

_REGISTRY: dict[str, Stage] = {}


class Skip(Exception):
    """Raised by a stage that has nothing to do for this footage (e.g. no audio track)."""


class Stage:
    """compute() calls one media_pipeline function and writes files; apply() saves to the database.

    compute() only runs when no stored manifest exists for the stage's input key; apply()
    always runs, so a reused result is saved exactly like a fresh one.
    """

    name = ""

    def settings_key(self, ctx) -> str:
        return ""

    def check(self, ctx) -> None:
        """Raise Skip when the stage has nothing to do."""

    def compute(self, ctx, workdir: Path, progress) -> dict:
        raise NotImplementedError

    def apply(self, ctx, manifest: dict, prefix: str) -> None:
        """Save results to the database (runs inside a transaction)."""


def register(cls: type[Stage]) -> type[Stage]:
    _REGISTRY[cls.name] = cls()
    return cls


def get_stage(name: str) -> Stage:
    return _REGISTRY[name]
