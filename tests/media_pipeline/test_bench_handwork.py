"""bench_handwork's feature cache: generated clips are cached under --cache/gen/, per size."""

import json

from tests.benchmarks.bench_handwork import main


def test_generated_clip_features_are_cached_in_the_gen_folder_of_the_cache(tmp_path, capsys):
    cache = tmp_path / "cache"
    argv = ["--realset", str(tmp_path / "none"), "--vtest", str(tmp_path / "none.avi"), "--seeds", "1",
            "--size", "160x120", "--cache", str(cache)]
    assert main(argv) == 0  # the gen/ sub-folder did not exist: the first run failed writing its cache
    files = sorted(p.relative_to(cache).as_posix() for p in (cache / "gen").glob("*.json"))
    assert files == ["gen/egocam-1-160x120.json", "gen/synthetic-1-160x120.json"]
    assert json.loads((cache / files[1]).read_text("utf-8"))["width"] == 160
    assert "generators: hand work ok 2" in capsys.readouterr().out
