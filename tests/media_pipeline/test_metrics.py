"""Metrics on hand-made cases whose answers are worked out by hand."""

import pytest

from media_pipeline.evaluation.metrics import score, segment_f1, transition_prf, transitions


def test_transitions_touching_gaps_and_edges():
    steps = [(2.0, 10.0), (10.0, 20.0), (23.0, 30.0)]
    assert transitions(steps, duration=40.0) == [(2.0, 2.0), (10.0, 10.0), (20.0, 23.0), (30.0, 30.0)]
    # Steps reaching the video's edges add no edge transition.
    assert transitions([(0.0, 10.0), (10.0, 40.0)], duration=40.0) == [(10.0, 10.0)]


def test_perfect_prediction_scores_one():
    truth = [(2.0, 10.0), (10.0, 20.0), (23.0, 30.0)]
    s = score(truth, truth, 40.0)
    assert s.transition.f1 == 1.0 and s.f1_10 == s.f1_25 == s.f1_50 == 1.0


def test_transition_tolerance_is_one_second_on_both_ends():
    truth = [(0.0, 10.0), (13.0, 20.0)]  # one transition [10, 13]
    assert transition_prf([(0.0, 10.9), (13.9, 20.0)], truth, 20.0).f1 == 1.0
    assert transition_prf([(0.0, 10.0), (14.2, 20.0)], truth, 20.0).f1 == 0.0  # the end is 1.2 s off
    # A zero-length prediction inside the gap is 1.5 s from both ends: no match.
    assert transition_prf([(0.0, 11.5), (11.5, 20.0)], truth, 20.0).f1 == 0.0


def test_one_to_one_matching():
    truth = [(0.0, 10.0), (10.0, 20.0)]
    pred = [(0.0, 9.6), (9.6, 10.4), (10.4, 20.0)]  # two predicted transitions near one true one
    prf = transition_prf(pred, truth, 20.0)
    assert prf.matched == 1 and prf.predicted == 2 and prf.truth == 1
    assert prf.precision == pytest.approx(0.5) and prf.recall == 1.0
    assert prf.f1 == pytest.approx(2 / 3)


def test_segment_f1_thresholds():
    truth = [(0.0, 10.0), (10.0, 20.0)]
    pred = [(0.0, 4.0), (4.0, 20.0)]  # IoU 0.4 with the first, 10/16 = 0.625 with the second
    assert segment_f1(pred, truth, 0.25).f1 == 1.0
    assert segment_f1(pred, truth, 0.5).f1 == pytest.approx(0.5)
    pred2 = [(0.0, 20.0)]  # IoU 0.5 with both, but only one may match
    r = segment_f1(pred2, truth, 0.5)
    assert r.matched == 1 and r.precision == 1.0 and r.recall == 0.5


def test_empty_prediction():
    s = score([], [(1.0, 5.0)], 10.0)
    assert s.transition.f1 == 0.0 and s.f1_50 == 0.0


def test_coverage_is_the_share_of_working_time_inside_some_step():
    from media_pipeline.evaluation.metrics import coverage

    truth = [(2.0, 10.0), (10.0, 20.0), (23.0, 33.0)]  # 28 s of work
    assert coverage(truth, truth) == 1.0
    assert coverage([], truth) == 0.0
    # Half of the second step and all of the third dropped as "rest": 8 + 5 = 13 of 28 s.
    assert coverage([(0.0, 15.0)], truth) == pytest.approx(13 / 28)
    # Overlapping predictions count once; time outside the work does not count.
    assert coverage([(0.0, 12.0), (5.0, 12.0), (20.0, 40.0)], truth) == pytest.approx(20 / 28)
    assert score([(0.0, 15.0)], truth, 40.0).coverage == pytest.approx(13 / 28)


def test_transition_misses_tell_misplaced_from_missing_and_rest_extent():
    from media_pipeline.evaluation.metrics import transition_misses

    # A boundary found 1.5 s late: a shift, offset +1.5 on both ends of the zero-length transition.
    (m,) = transition_misses([(0.0, 11.5), (11.5, 20.0)], [(0.0, 10.0), (10.0, 20.0)], 20.0)
    assert (m.kind, m.outcome) == ("touching", "shift")
    assert m.start_offset == pytest.approx(1.5) and m.end_offset == pytest.approx(1.5)
    # A rest [10, 14] predicted as [6, 14]: its end is right, its start 4 s early (work dropped).
    (m,) = transition_misses([(0.0, 6.0), (14.0, 20.0)], [(0.0, 10.0), (14.0, 20.0)], 20.0)
    assert (m.kind, m.outcome, m.start_offset, m.end_offset) == ("rest", "extent", None, None)
    # Within 3 s on both ends it is a shift, with its offsets.
    (m,) = transition_misses([(0.0, 8.0), (12.5, 20.0)], [(0.0, 10.0), (14.0, 20.0)], 20.0)
    assert m.outcome == "shift" and m.start_offset == pytest.approx(-2.0) and m.end_offset == pytest.approx(-1.5)
    # Two steps merged into one: the boundary between them is a count error, nothing near.
    misses = transition_misses([(2.0, 20.0)], [(2.0, 6.0), (6.0, 12.0), (12.0, 20.0)], 20.0)
    assert [(x.kind, x.outcome) for x in misses] == [("first", "matched"), ("touching", "count"),
                                                     ("touching", "count")]
    assert misses[1].start_offset is None and misses[2].start_offset is None
    # One prediction between two true boundaries 2 s apart matches one; the other is a count error
    # (the prediction is taken), and a late last end is told apart from the rest.
    misses = transition_misses([(0.0, 11.0), (11.0, 17.5)], [(0.0, 10.0), (10.0, 12.0), (12.0, 16.0)], 20.0)
    assert [(x.kind, x.outcome) for x in misses] == [("touching", "matched"), ("touching", "count"),
                                                     ("last", "shift")]
    assert misses[2].start_offset == pytest.approx(1.5)
    # Matched transitions agree with transition_prf's count.
    pred, truth = [(0.0, 9.6), (9.6, 10.4), (10.4, 20.0)], [(0.0, 10.0), (10.0, 20.0)]
    assert sum(x.outcome == "matched" for x in transition_misses(pred, truth, 20.0)) == \
        transition_prf(pred, truth, 20.0).matched
