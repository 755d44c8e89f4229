"""Server-side grading, one kind at a time (unsaved Interaction objects: no database needed)."""

from __future__ import annotations

import pytest

from capsules.learning.grading import InvalidResponse, grade, normalise_text, point_in_polygon
from capsules.models import Interaction


def inter(kind, key=None, choices=None, **kw) -> Interaction:
    return Interaction(
        pk=1,
        kind=kind,
        time=3.0,
        prompt="?",
        answer_key=key or {},
        choices=choices or [],
        feedback_correct="Bravo",
        feedback_wrong="Non",
        **kw,
    )


CHOICES = [
    {"id": "a", "text": "A", "feedback": "a, car…"},
    {"id": "b", "text": "B"},
    {"id": "c", "text": "C"},
]


def test_single_choice_right_wrong_and_feedback():
    q = inter("single_choice", {"correct": ["a"]}, CHOICES)
    right = grade(q, {"choice": "a"})
    assert (right.correct, right.score, right.feedback) == (True, 1.0, "Bravo")
    assert right.choice_feedback == {"a": "a, car…"}
    wrong = grade(q, {"choice": "b"})
    assert (wrong.correct, wrong.score, wrong.feedback) == (False, 0.0, "Non")
    assert wrong.solution == {}  # a wrong answer may be retried: no key with it
    assert right.solution == {"correct": ["a"]}
    assert grade(inter("single_choice", {"correct": "a"}, CHOICES), {"choices": ["a"]}).correct is True
    with pytest.raises(InvalidResponse):
        grade(q, {"choices": ["a", "b"]})
    with pytest.raises(InvalidResponse):
        grade(q, {})


def test_multiple_choice_exact_set_and_partial_score():
    q = inter("multiple_choice", {"correct": ["a", "c"]}, CHOICES)
    assert grade(q, {"choices": ["c", "a"]}).correct is True
    half = grade(q, {"choices": ["a"]})
    assert (half.correct, half.score) == (False, 0.5)
    cancelled = grade(q, {"choices": ["a", "b"]})
    assert (cancelled.correct, cancelled.score) == (False, 0.0)
    assert grade(q, {"choices": ["a", "b", "c"]}).score == 0.5


def test_true_false_accepts_booleans_and_french_words():
    q = inter("true_false", {"correct": False})
    assert grade(q, {"value": False}).correct is True
    assert grade(q, {"value": "faux"}).correct is True
    assert grade(q, {"value": True}).correct is False
    with pytest.raises(InvalidResponse):
        grade(q, {"value": "peut-être"})


def test_ordering_full_and_partial():
    q = inter("ordering", {"order": ["s1", "s2", "s3", "s4"]})
    assert grade(q, {"order": ["s1", "s2", "s3", "s4"]}).correct is True
    swapped = grade(q, {"order": ["s1", "s2", "s4", "s3"]})
    assert (swapped.correct, swapped.score) == (False, 0.5)
    with pytest.raises(InvalidResponse):
        grade(q, {"order": ["s1", "s2", "s3"]})
    with pytest.raises(InvalidResponse):
        grade(q, {"order": ["s1", "s1", "s2", "s3"]})


def test_hotspot_rect_and_polygon_relative_coordinates():
    triangle = [[0.5, 0.1], [0.9, 0.9], [0.1, 0.9]]
    q = inter("hotspot", {"regions": [{"rect": [0.0, 0.0, 0.2, 0.2]}, {"polygon": triangle}]})
    assert grade(q, {"x": 0.1, "y": 0.1}).correct is True  # in the rect
    assert grade(q, {"x": 0.5, "y": 0.6}).correct is True  # in the triangle
    assert grade(q, {"x": 0.15, "y": 0.3}).correct is False  # left of the triangle's edge
    assert grade(q, {"x": 0.95, "y": 0.1}).correct is False
    assert point_in_polygon(0.5, 0.9, triangle)  # on an edge counts
    with pytest.raises(InvalidResponse):
        grade(q, {"x": 1.5, "y": 0.5})
    with pytest.raises(InvalidResponse):
        grade(q, {"x": "ici"})


def test_cloze_normalises_case_accents_punctuation_and_spaces():
    assert normalise_text("  Clé   DYNAMOMÉTRIQUE ! ") == "cle dynamometrique"
    q = inter("cloze", {"blanks": [["clé dynamométrique", "clé"], ["newton-mètre"]]})
    assert grade(q, {"blanks": ["Cle dynamometrique", "newton mètre"]}).correct is True
    half = grade(q, {"blanks": ["marteau", "Newton-Mètre"]})
    assert (half.correct, half.score) == (False, 0.5)
    assert half.solution == {}
    right = grade(q, {"blanks": ["clé", "newton-mètre"]})
    assert right.solution == {"blanks": ["clé dynamométrique", "newton-mètre"]}
    with pytest.raises(InvalidResponse):
        grade(q, {"blanks": ["clé"]})


def test_free_recall_is_graded_by_the_learners_own_rating():
    q = inter("free_recall")
    knew = grade(q, {"text": "une clé plate", "self_assessment": "knew"})
    assert (knew.correct, knew.score) == (True, 1.0)
    # "Je ne savais pas" is not a right answer, whatever was typed (it used to be graded correct).
    didnt = grade(q, {"text": "une clé plate", "self_assessment": "didnt"})
    assert (didnt.correct, didnt.score) == (False, 0.0)
    partly = grade(q, {"text": "", "self_assessment": "partly"})
    assert (partly.correct, partly.score) == (False, 0.5)
    # The model answer is shown whatever the rating: it is what the learner compares with.
    assert didnt.feedback == knew.feedback == "Bravo"
    for response in ({"text": "une clé plate"}, {"text": "x", "self_assessment": "sure"}):
        with pytest.raises(InvalidResponse):  # no rating: nothing to grade (it used to count as "knew")
            grade(q, response)


def test_observe_is_acknowledged():
    assert grade(inter("observe"), {}).correct is True


def test_unknown_kind_and_malformed_response():
    with pytest.raises(InvalidResponse):
        grade(inter("quiz_inconnu"), {})
    with pytest.raises(InvalidResponse):
        grade(inter("single_choice", {"correct": ["a"]}), ["a"])
