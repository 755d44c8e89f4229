"""Errors raised by pipeline stages.

The workflow needs to know whether retrying can help, so every error is either
permanent (bad input: retrying gives the same result) or transient (a resource
hiccup). Messages are written in French for the people who read them in the admin.
"""


class MediaError(Exception):
    """Base class; ``message`` is shown to users as is (French)."""

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class PermanentMediaError(MediaError):
    """The input cannot be processed: retrying will not help."""


class TransientMediaError(MediaError):
    """A temporary failure (disk full, process killed, timeout): a retry may succeed."""
