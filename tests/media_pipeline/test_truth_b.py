"""The second annotator's truth files (session 38, ``realset/truth_b/``): each one loads as a truth file, names a
clip of the manifest with A's duration, and says who made it and how (``bench_agreement`` reads them)."""

import pytest

from media_pipeline.evaluation import realset
from media_pipeline.evaluation.truth import load_truth
from tests.benchmarks.bench_agreement import SETS, TRUTH_B, twice_annotated


def test_every_second_annotation_matches_a_clip_of_the_manifest():
    clips = {c.id: c for c in realset.load_manifest()}
    files = sorted(TRUTH_B.glob("*.json"))
    assert len(files) == 58
    for path in files:
        b = load_truth(path)  # validates: sorted, non-overlapping, inside the clip
        clip = clips[path.stem]
        assert b.video["name"] == clip.filename
        assert b.duration == pytest.approx(load_truth(clip.truth_path()).duration, abs=0.05)
        assert b.annotation["by"] in ("helper agree38 (second annotator, blind)",
                                      "helper homes45-B (second annotator, blind)") and "geste avec un but" in \
            b.annotation["how"]
        assert b.steps and all(s.title for s in b.steps)


def test_the_bench_finds_every_twice_annotated_clip_in_its_set():
    data = twice_annotated(SETS)
    assert {k: len(v) for k, v in data.items()} == {"take": 2, "homes": 16, "report": 11, "fresh": 18, "dev": 11}
