"""The multi-node test's findings (timings, which users the nodes ran as) in pytest's summary, so that
`make test` shows them even when the test passes (pytest keeps a passing test's output to itself)."""

from __future__ import annotations

import pytest

_LINES = pytest.StashKey[list]()


@pytest.fixture
def scale_report(request):
    """Call with a line: printed now (shown with the test's output) and again in the run's summary."""
    lines = request.config.stash.setdefault(_LINES, [])

    def report(line: str) -> None:
        print(line)
        lines.append(f"{request.node.name}: {line}")

    return report


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(_LINES, [])
    if lines:
        terminalreporter.section("multi-node")
        for line in lines:
            terminalreporter.write_line(line)
