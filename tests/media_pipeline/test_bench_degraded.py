"""bench_degraded runs end to end: a clip re-encoded under 10 i/s, analysed with and without the fill, scored."""

from __future__ import annotations

from types import SimpleNamespace

from media_pipeline.evaluation import realset
from media_pipeline.evaluation.egocam import generate_egocam_clip
from tests.benchmarks import bench_degraded


def test_bench_degraded_fills_the_copies_of_a_4_fps_clip(tmp_path, monkeypatch, capsys):
    made = generate_egocam_clip(tmp_path / "ego.mp4", 3, size=(320, 240), duration=14.0)
    sample = SimpleNamespace(clip=SimpleNamespace(id="ego-3", group="fresh", hands_at_work=True), path=made.path,
                             steps=made.steps, duration=made.duration, seed="ego-3")
    monkeypatch.setattr(realset, "samples", lambda dest, groups=("dev", "report"), **kw: ([sample], []))
    bench_degraded.main(["--rates", "4", "--filters", "portrait", "--groups", "fresh",
                         "--workdir", str(tmp_path / "work")])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("   ") and " i/s " in line]
    lines = {line.split()[0] + " " + line.split()[2]: line for line in rows}
    assert set(lines) == {"4 sans", "4 avec"}
    assert lines["4 sans"].endswith("complétées : 0")
    filled = int(lines["4 avec"].rsplit(":", 1)[1])
    assert filled > 0.5 * 14 * 10  # more than half the analysed frames repeat a picture at 4 i/s
    assert any(line.startswith("   portrait ") for line in out.splitlines())
    assert "natif" in out and "complétées : 0" in out.split("natif", 1)[1].splitlines()[0]
