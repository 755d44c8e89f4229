"""Which step a question belongs to for the learner (``shared_content.owning_step``): the one it lies
in, else the step before it (a gap between two steps, or after the last), else the first."""

from __future__ import annotations

import pytest

from capsules.learning.shared_content import LOOP_PAST_QUESTION, loop_end, owning_step

STEPS = [(0.0, 11.9, 1), (12.5, 20.0, 2), (20.0, 30.0, 3)]  # the demo's gap: 11.9 -> 12.5


@pytest.mark.parametrize(("time", "owner"), [
    (5.0, 1), (11.89, 1),
    (12.0, 1),  # in the gap: the step before it
    (12.5, 2), (19.99, 2),
    (20.0, 3),  # a step's end belongs to the next one, as in the player
    (31.0, 3),  # after the last step
])
def test_owner(time, owner):
    assert owning_step(time, STEPS)[2] == owner


def test_owner_before_every_step_and_without_steps():
    assert owning_step(1.0, [(2.0, 5.0, 7), (5.0, 9.0, 8)])[2] == 7
    assert owning_step(3.0, []) is None
    assert owning_step(12.0, list(reversed(STEPS)))[2] == 1  # order of the list does not matter


def test_the_loop_of_a_step_runs_just_past_the_question_in_its_gap():
    questions = [(5.0, None), (12.0, None), (15.0, None)]
    assert loop_end(STEPS[0], questions, STEPS) == pytest.approx(12.0 + LOOP_PAST_QUESTION)
    assert loop_end(STEPS[1], questions, STEPS) == 20.0  # 15.0 lies inside
    assert loop_end(STEPS[2], [], STEPS) == 30.0


# The demo's walk: a step 27.2-38.3, a question at 38.6 (in the next step) attached to it by the designer.
WALK = [(20.0, 27.2, 4), (27.2, 38.3, 5), (38.3, 50.0, 6)]


def test_a_question_attached_to_a_step_just_after_its_end_stays_with_it():
    assert owning_step(38.6, WALK)[2] == 6  # no attachment: the step it lies in
    assert owning_step(38.6, WALK, step_id=5)[2] == 5
    assert owning_step(38.3, WALK, step_id=5)[2] == 5  # at its end: still the designer's step
    assert loop_end(WALK[1], [(38.6, 5)], WALK) == pytest.approx(38.6 + LOOP_PAST_QUESTION)
    assert loop_end(WALK[2], [(38.6, 5)], WALK) == 50.0
    # Too far after the chosen step's end (or before its start): where it lies wins.
    assert owning_step(45.0, WALK, step_id=5)[2] == 6
    assert owning_step(25.0, WALK, step_id=5)[2] == 4
    assert owning_step(30.0, WALK, step_id=99)[2] == 5  # a step not in the capsule: ignored


@pytest.mark.django_db
def test_the_manifest_and_the_step_list_keep_an_attached_question_with_its_step(rf):
    from django.contrib.sessions.backends.db import SessionStore

    from capsules.authoring import capsule as authoring
    from capsules.learning.shared_content import public_interaction, shared_manifest
    from capsules.models import Footage, Interaction
    from tests.factories import FootageFactory, InteractionFactory, StepFactory, designer

    footage = FootageFactory(duration=60.0, status=Footage.Status.APPROVED, renditions={"mp4": "x.mp4"})
    steps = [StepFactory(footage=footage, order=i + 1, start=s, end=e, title=f"Étape {i}", approved=True)
             for i, (s, e) in enumerate([(0.0, 27.2), (27.2, 38.3), (38.3, 60.0)])]
    made = authoring.create_capsule(footage, title="Changer un joint", user=designer(username="auteur"))
    capsule = footage.capsules.get(pk=made.capsule_id)
    inter = InteractionFactory(capsule=capsule, time=38.6, step=steps[1],
                               draft_status=Interaction.DraftStatus.ACCEPTED)
    content = shared_manifest(capsule)
    loops = {s["id"]: s["loop_end"] for s in content.shared["steps"]}
    assert loops[steps[1].pk] == pytest.approx(38.6 + LOOP_PAST_QUESTION) and loops[steps[2].pk] == 60.0
    assert public_interaction(inter, content.step_ranges)["step_id"] == steps[1].pk
    # The capsule page's step list counts it under that step.
    page = capsule.page.specific
    request = rf.get("/")
    request.user = designer(username="lecteur")
    request.session = SessionStore()
    counts = [s.questions for s in page.get_context(request)["steps"]]
    assert counts == [0, 1, 0]
