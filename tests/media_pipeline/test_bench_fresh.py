"""bench_fresh measures any group kept apart from the halves: ``--group long`` reads the long takes,
``--group take`` the real-time takes, ``--group homes`` the 10-s takes at home."""

from __future__ import annotations

import pytest

from media_pipeline.evaluation import realset
from tests.benchmarks import bench_fresh


@pytest.mark.parametrize("group", ["long", "take", "homes"])
def test_bench_fresh_reads_the_group_asked_for(tmp_path, monkeypatch, capsys, group):
    asked = {}

    def fake_fetch(clips, dest, **kw):
        asked["fetched"] = {c.id for c in clips}

    def fake_samples(dest, groups=("dev", "report"), **kw):
        asked["groups"] = tuple(groups)
        return [], []

    monkeypatch.setattr(realset, "fetch", fake_fetch)
    monkeypatch.setattr(realset, "samples", fake_samples)
    bench_fresh.main(["--group", group, "--realset", str(tmp_path)])
    ids = {c.id for c in realset.load_manifest() if realset.group_of(c) == group}
    assert asked == {"fetched": ids, "groups": (group,)} and ids
    assert f"groupe « {group} »" in capsys.readouterr().out
