"""bench_fresh measures any group kept apart from the halves: ``--group long`` reads the long takes."""

from __future__ import annotations

from media_pipeline.evaluation import realset
from tests.benchmarks import bench_fresh


def test_bench_fresh_reads_the_group_asked_for(tmp_path, monkeypatch, capsys):
    asked = {}

    def fake_fetch(clips, dest, **kw):
        asked["fetched"] = {c.id for c in clips}

    def fake_samples(dest, groups=("dev", "report"), **kw):
        asked["groups"] = tuple(groups)
        return [], []

    monkeypatch.setattr(realset, "fetch", fake_fetch)
    monkeypatch.setattr(realset, "samples", fake_samples)
    bench_fresh.main(["--group", "long", "--realset", str(tmp_path)])
    long_ids = {c.id for c in realset.load_manifest() if realset.group_of(c) == "long"}
    assert asked == {"fetched": long_ids, "groups": ("long",)} and long_ids
    assert "groupe « long »" in capsys.readouterr().out
