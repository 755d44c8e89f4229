"""One learner clock: the player's ``fmt`` (frontend/src/player/dom.js, run here by Node) and the
server's ``capsules.learning.timecode.clock`` (step list, search results) give the same m:ss for the
same time, rounded down like mainstream players, and a difference of stored times that lands a hair
under a second (8.2 - 2.2) is that second on both sides. Walk defect: the same position read 0:05 in
one place and 0:06 in another."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from capsules.learning.timecode import clock, link_seconds, whole_seconds
from capsules.models import Step, Transcript
from cms.search import search_catalogue
from tests import factories, pages

DOM_JS = Path(__file__).resolve().parents[2] / "frontend/src/player/dom.js"

# (footage time, capsule start): what a learner sees is the difference, floored.
CASES = [(0, 0), (0.999, 0), (5.97, 0), (6.0, 0), (8.2, 2.2), (8.17, 2.2), (12.3, 0.3), (7.3, 1.3), (0.3, 0.1),
         (59.9995, 0), (60, 0), (3600.2, 0.2), (4502.7, 2.7), (1.0, 2.0)]
EXPECTED = ["0:00", "0:00", "0:05", "0:06", "0:06", "0:05", "0:12", "0:06", "0:00", "0:59", "1:00", "60:00",
            "75:00", "0:00"]


def js_fmt(values: list[float]) -> list[str]:
    script = (f"import {{ fmt, elapsed }} from {json.dumps(DOM_JS.as_uri())};"
              f"const cases = {json.dumps(values)};"
              "console.log(JSON.stringify(cases.map(([t, s]) => fmt(elapsed(t, s, 1e9)))));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_player_and_server_clocks_agree_and_round_down():
    server = [clock(t - s) for t, s in CASES]
    assert server == EXPECTED
    assert js_fmt(CASES) == EXPECTED


def test_a_hair_under_a_second_is_that_second_but_a_frame_under_is_not():
    assert 8.2 - 2.2 < 6 and whole_seconds(8.2 - 2.2) == 6
    assert whole_seconds(5.96) == 5 and whole_seconds(5.999) == 5  # a frame before 6 s is still 0:05
    assert clock(None) == clock(float("nan")) == clock(-3) == "0:00"


def test_time_links_never_round_up_into_the_next_second():
    for seconds in (5.97, 5.999, 14.5, 8.2 - 2.2, 8.17 - 2.2, 0.0, 61.05):
        link = float(link_seconds(seconds))
        assert whole_seconds(link) == whole_seconds(seconds), (seconds, link)
        assert link <= seconds + 1e-6 and seconds - link < 0.001
    assert link_seconds(5.97) == "5.97" and link_seconds(8.2 - 2.2) == "6" and link_seconds(0) == "0"


@pytest.mark.django_db
def test_search_result_time_and_link_say_the_same_second_as_the_player():
    """A sentence said 5.97 s into a capsule that starts at 2.2 s of its footage: the result reads 0:05
    and its link opens the player at 5.97 s (it read 0:05 and linked to #t=6: 0:06 in the player)."""
    block = factories.SkillsBlockFactory()
    footage = factories.FootageFactory(duration=20.0, skills_block=block)
    Step.objects.create(footage=footage, order=0, start=2.2, end=8.2, title="Couper l'arrivée d'eau")
    Step.objects.create(footage=footage, order=1, start=8.2, end=16.0, title="Dévisser l'écrou du siphon")
    Transcript.objects.create(footage=footage, language="fr", duration=20, segments=[
        {"start": 8.17, "end": 10.0, "text": " On desserre la bague crantée.",
         "words": [{"start": 8.17, "end": 10.0, "word": " bague"}]},
    ])
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title="Démonter un siphon",
                                       start=2.2, end=16.0)
    page = pages.capsule_page(capsule)
    (hit,) = search_catalogue("bague").hits
    (said,) = [p for p in hit.passages if p.kind == "speech"]
    assert said.clock == "0:05" and said.url == f"{page.url}#t=5.97"
    (step,) = search_catalogue("dévisser écrou").hits[0].passages
    assert step.clock == "0:06" and step.url == f"{page.url}#t=6"  # 8.2 - 2.2: six seconds in, not 0:05
    # The capsule page's step list says the same as the player will.
    html = Client().get(page.url).content.decode()
    assert '<span class="gp-step-time">0:06</span>' in html
