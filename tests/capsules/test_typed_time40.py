"""Walk instant40: the interaction form's « Instant (secondes) » refused « 0:30 », although the same form writes
times as m:ss,d (the help line's clock, the step list « (0:12,0 – 0:20,5) »); a designer who copied « 1:05,5 »
from the step list was told « un nombre est attendu ». The field takes seconds (« 65,5 », « 65.5 ») and those
clocks (« m:ss », « m:ss,d », « h:mm:ss »), counted from the capsule's start, on the server
(``media_pipeline.timecode.typed_seconds``) and in the browser (clock.js ``parse``, run here under Node, same
table); anything else gets a French message."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from capsules.authoring import capsule as authoring
from capsules.models import Interaction
from media_pipeline.timecode import typed_seconds
from tests.capsules.test_authoring import capsule, footage  # noqa: F401  (fixtures)

CLOCK_JS = Path(__file__).resolve().parents[2] / "capsules/static/capsules/clock.js"

ACCEPTED = [("65,5", 65.5), ("65.5", 65.5), ("14", 14.0), ("0", 0.0), (".5", 0.5), ("65,", 65.0),
            ("0:30", 30.0), ("0:14", 14.0), ("1:05", 65.0), ("1:05,5", 65.5), ("1:05.5", 65.5), ("0:12,0", 12.0),
            ("75:02", 4502.0), ("1:01:05", 3665.0), ("0:01:05,25", 65.25), ("  1:05,5\u00a0", 65.5),
            # a leading minus is read, so that the range check says « between 0 and … » for both
            ("-5", -5.0), ("-0:05", -5.0)]
REFUSED = ["", " ", "1:75", "1:60", ":30", "1:", "0::30", "1:5", "1:2:3", "1:60:00", "1:2:3:4", "1:02:03:04",
           "1 : 05", "1:05,5,1", "4,5,1", "--5", "+5", "-", "inf", "-inf", "Infinity", "nan", "NaN", "1e3", "1E3",
           "6.5e1", "0x10", "1_000", "٣", "１:30", "0:30\n1", "0,30s", "30 s", "1h05", "9" * 400, "9" * 400 + ":00"]


@pytest.mark.parametrize(("typed", "seconds"), ACCEPTED)
def test_seconds_and_clock_times_are_read(typed, seconds):
    assert typed_seconds(typed) == pytest.approx(seconds)


@pytest.mark.parametrize("typed", REFUSED)
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        typed_seconds(typed)


def test_the_browser_reads_the_same_table():
    script = (f"await import({json.dumps(CLOCK_JS.as_uri())});"
              f"const cases = {json.dumps([t for t, _ in ACCEPTED] + REFUSED)};"
              "console.log(JSON.stringify(cases.map((t) => { const v = globalThis.gesteClock.parse(t);"
              " return Number.isNaN(v) ? null : v; })));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    assert got[:len(ACCEPTED)] == pytest.approx([s for _, s in ACCEPTED])
    assert got[len(ACCEPTED):] == [None] * len(REFUSED)


SAID = "Instant\u00a0: écrivez des secondes (65,5) ou minutes:secondes (1:05,5), les secondes de 00 à 59."


def _excerpt(footage):  # noqa: F811
    steps = list(footage.steps.order_by("start"))
    made = authoring.create_capsule(footage, title="Dévisser", first_step_id=steps[1].pk)
    return footage.capsules.get(pk=made.capsule_id)


def test_the_form_takes_a_clock_time_from_the_capsule_s_start(footage):  # noqa: F811
    cap = _excerpt(footage)  # 10 s into its footage, 20 s long
    assert (cap.start, authoring.capsule_length(cap)) == (10.0, 20.0)
    for typed, stored in (("0:04,5", 14.5), ("0:14", 24.0), ("0:00:12.5", 22.5), ("7,25", 17.25)):
        inter = authoring.apply_interaction_form(
            cap, {"kind": "true_false", "time": typed, "prompt": "On coupe l'eau.", "true_false": "true"})
        assert inter.time == pytest.approx(stored), typed  # on the footage's clock, as before


@pytest.mark.parametrize("typed", ["1:75", ":30", "1:2:3:4", "inf", "nan", "1e1", "4,5,1", "0:1e1"])
def test_a_wrong_time_gets_a_french_message_and_nothing_is_saved(footage, typed):  # noqa: F811
    cap = _excerpt(footage)
    before = Interaction.objects.count()
    with pytest.raises(authoring.AuthoringError) as raised:
        authoring.apply_interaction_form(
            cap, {"kind": "true_false", "time": typed, "prompt": "On coupe l'eau.", "true_false": "true"})
    assert raised.value.errors["time"] == SAID
    assert Interaction.objects.count() == before


@pytest.mark.parametrize("typed", ["-5", "-0:05", "0:21", "1:00", "1:00:00"])
def test_a_time_outside_the_capsule_keeps_the_range_message(footage, typed):  # noqa: F811
    cap = _excerpt(footage)
    with pytest.raises(authoring.AuthoringError) as raised:
        authoring.apply_interaction_form(
            cap, {"kind": "true_false", "time": typed, "prompt": "On coupe l'eau.", "true_false": "true"})
    assert raised.value.errors["time"].startswith("Le moment doit être entre 0 et 20,0 secondes"), typed


@pytest.mark.parametrize(("time", "clock"), [("", ""), (None, ""), (0.0, "0:00,0"), (12.5, "0:12,5")])
def test_the_help_clock_is_empty_while_no_time_is_given(time, clock):
    """Walk 40: an empty « Instant » still showed « 0:00,0 » beside it, as if a time had been read."""
    from django.template.loader import render_to_string

    html = render_to_string("capsules/admin/_interaction_form.html",
                            {"form": {"time": time}, "errors": {}, "kinds": [], "capsule_length": 20.0})
    assert f'<output data-role="time-clock">{clock}</output>' in html
    # Walk 41: with no time, the sentence ends without the clock's « : » (it read « … de 0 à 20,0 s : . »).
    assert ('<span data-role="time-said" hidden>' in html) == (clock == ""), html
    assert ('<span data-role="time-unsaid" hidden>' in html) == (clock != ""), html
    assert "de 0 à 20,0 s.</span>" in html
