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

from capsules.learning.timecode import clock, clock_tenths, link_seconds, whole_seconds
from capsules.models import Step, Transcript
from cms.search import search_catalogue
from media_pipeline.quiz_drafts import DraftQuestion, moment_text
from tests import factories, pages

DOM_JS = Path(__file__).resolve().parents[2] / "frontend/src/player/dom.js"

# (footage time, capsule start): what a learner sees is the difference, floored.
CASES = [(0, 0), (0.999, 0), (5.97, 0), (6.0, 0), (8.2, 2.2), (8.17, 2.2), (12.3, 0.3), (7.3, 1.3), (0.3, 0.1),
         (59.9995, 0), (60, 0), (3600.2, 0.2), (4502.7, 2.7), (1.0, 2.0)]
EXPECTED = ["0:00", "0:00", "0:05", "0:06", "0:06", "0:05", "0:12", "0:06", "0:00", "0:59", "1:00", "60:00",
            "75:00", "0:00"]


def js_fmt(values: list[float], fn: str = "fmt") -> list[str]:
    script = (f"import {{ {fn}, elapsed }} from {json.dumps(DOM_JS.as_uri())};"
              f"const cases = {json.dumps(values)};"
              f"console.log(JSON.stringify(cases.map(([t, s]) => {fn}(elapsed(t, s, 1e9)))));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


TENTHS_CASES = [*CASES, (9.584, 0), (0.35, 0), (12.35, 0), (12.34, 0), (59.96, 0), (0.04, 0)]
TENTHS = ["0:00,0", "0:01,0", "0:06,0", "0:06,0", "0:06,0", "0:06,0", "0:12,0", "0:06,0", "0:00,2", "1:00,0",
          "1:00,0", "60:00,0", "75:00,0", "0:00,0", "0:09,6", "0:00,4", "0:12,4", "0:12,3", "1:00,0", "0:00,0"]


def test_the_editors_tenths_clock_rounds_to_the_nearest_tenth_on_both_sides():
    """The review screen's m:ss,d (boundaries move by a tenth) is rounded, a half up, by the browser and
    the server alike. Walk 19: a limit at 9.584 s read 0:09,5 (truncated); it reads 0:09,6. (It used to
    be rounded down and start with the player's m:ss: 5.97 s read 0:05,9.)"""
    server = [clock_tenths(t - s) for t, s in TENTHS_CASES]
    assert server == TENTHS
    assert js_fmt(TENTHS_CASES, "fmtTenths") == TENTHS


def test_quiz_feedback_times_are_the_player_clock():
    """Walk defect: a drafted feedback said "à 21 s" (rounded) for a sentence at 20.6 s, whose step the
    step list showed at 0:20."""
    assert [moment_text(t - s) for t, s in CASES] == EXPECTED
    assert moment_text(20.6) == "0:20" and moment_text(65.2) == "1:05"
    drafted = DraftQuestion(kind="cloze", time=25.0, prompt="Je serre à ____.", answer_key={"blanks": [["12"]]},
                            replay_from=20.6 + 4.0,
                            feedback_wrong="Non. Revoyez le réglage à {moment} : l'étape est rejouée.")
    assert drafted.on_clock(4.0).feedback_wrong == "Non. Revoyez le réglage à 0:20 : l'étape est rejouée."


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


def test_review_messages_and_admin_times_read_the_same_clock():
    from django.template import Context, Template

    from capsules.review.validation import ReviewValidationError, ValidationSettings, validate_steps

    with pytest.raises(ReviewValidationError) as err:
        validate_steps([{"start": 0, "end": 10.05}, {"start": 9.04, "end": 20}, {"start": 20, "end": 75.3}],
                       ValidationSettings(duration=70.0))
    said = " ".join(e.message for e in err.value.errors)
    assert "(0:09,0 < 0:10,1)" in said and "la fin (1:15,3) dépasse la durée de la vidéo (1:10,0)" in said
    html = Template("{% load geste_clock %}{{ t|clock }} {{ t|clock:origin }} {{ t|clock_tenths }}").render(
        Context({"t": 8.17, "origin": 2.2}))
    assert html == "0:08 0:05 0:08,2"  # whole seconds rounded down, tenths rounded (walk 19)


def test_steps_and_questions_name_their_times_on_the_same_clock():
    from capsules.models import Interaction

    assert str(Step(start=12.34, end=20.1, title="")) == "0:12,3 – 0:20,1"  # it read "12.3–20.1 s"
    assert str(Interaction(kind="true_false", time=65.0)) == "Vrai / faux à 1:05,0"
