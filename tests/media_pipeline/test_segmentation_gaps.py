"""Gaps between steps and still hands at the work site, on hand-made feature series (no video): a short
gap is closed at one boundary inside it, a real rest stays, a short lead-in or tail goes to its step, a
question asked in a former short gap falls in a step; still hands that stay where they worked are
holding (work), the same stillness with the hands moved aside is a rest."""

from dataclasses import replace

import numpy as np

from media_pipeline.motion import MotionSeries
from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.gaps import close_short_gaps, cut_point
from media_pipeline.segmentation.kernel_cpd import activity_level, rest_mask

FPS = 10.0


def _motion(peak: np.ndarray, **extra) -> MotionSeries:
    n = len(peak)
    rng = np.random.default_rng(0)
    feats = {"hands_peak": peak.tolist(), "energy_peak": peak.tolist(), "energy_center": (peak / 3).tolist(),
             "periodicity": rng.uniform(0, 0.1, n).tolist(), "period": [0.5] * n,
             "centroid_x": [0.5] * n, "centroid_y": [0.6] * n, "horizontality": [0.5] * n,
             "moving_frac": (0.01 + peak / 50).tolist(), "blur": [100.0] * n, "camera": [0.2] * n}
    feats.update({k: list(v) for k, v in extra.items()})
    return MotionSeries(fps=FPS, times=[i / FPS for i in range(n)], features=feats, width=256, height=144,
                        duration=n / FPS)


def _pieces(*parts: tuple[str, float]) -> np.ndarray:
    """Hand activity: ('work', seconds) at the working level, ('rest', seconds) dead still."""
    rng = np.random.default_rng(1)
    out = [rng.uniform(2, 4, int(s * FPS)) if kind == "work" else np.full(int(s * FPS), 0.02) for kind, s in parts]
    return np.concatenate(out)


def test_short_gap_closed_inside_it_long_rest_kept():
    act = np.zeros(300)
    act[112] = -1.0  # the quietest moment of the short gap
    spans = [(0, 100, 0.7, 0.8), (115, 200, 0.6, 0.7), (240, 300, 0.5, 0.9)]
    out = close_short_gaps(spans, act, 300, max_gap=20, max_edge_gap=5)
    assert out == [(0, 112, 0.7, 0.8), (112, 200, 0.6, 0.7), (240, 300, 0.5, 0.9)]
    # Off: the spans as they were.
    assert close_short_gaps(spans, act, 300, max_gap=0, max_edge_gap=0) == spans


def test_cut_at_a_speech_pause_else_quietest_else_middle():
    act = np.zeros(40)
    assert cut_point(10, 21, act, None) == 15  # all alike: the middle
    act[12] = -2.0
    assert cut_point(10, 21, act, None) == 12
    speaking = np.zeros(40, bool)
    speaking[10:17] = True
    speaking[19:21] = True  # one sentence ends at 17, the next begins at 19
    assert cut_point(10, 21, act, speaking) in (17, 18)


def test_short_lead_in_and_tail_go_to_their_step_longer_ones_stay():
    act = np.zeros(200)
    out = close_short_gaps([(3, 100, 0.7, 0.7), (100, 196, 0.7, 0.7)], act, 200, max_gap=15, max_edge_gap=5)
    assert out[0][0] == 0 and out[-1][1] == 200
    out = close_short_gaps([(20, 100, 0.7, 0.7), (100, 180, 0.7, 0.7)], act, 200, max_gap=15, max_edge_gap=5)
    assert out[0][0] == 20 and out[-1][1] == 180


def test_segmenter_gives_a_short_lead_in_to_the_first_step():
    # 0.4 s of dead still hands before the work: a rest at the edge, too short to review.
    m = _motion(_pieces(("rest", 0.4), ("work", 20), ("rest", 5), ("work", 20)))
    steps = segment_steps(m, None, SegmentSettings())
    assert steps[0].start == 0.0, steps
    off = segment_steps(m, None, replace(SegmentSettings(), max_edge_gap=0.0))
    assert off[0].start >= 0.3, off  # without the rule, the lead-in stayed out of every step


def test_question_in_a_former_short_gap_falls_in_a_step_real_rest_stays():
    # A pause of 3.5 s (longer than a hold between alike motions): a rest by the rules, closed when
    # gaps up to 4 s are.
    m = _motion(_pieces(("work", 15), ("rest", 3.5), ("work", 15), ("rest", 6), ("work", 15)))
    question, in_rest = 16.7, 36.5  # inside the short pause; inside the 6-s rest
    closing = replace(SegmentSettings(), max_gap=4.0)

    def covered(steps, t):
        return any(s.start <= t < s.end for s in steps)

    off = segment_steps(m, None, replace(closing, max_gap=0.0))
    assert not covered(off, question), off  # the short pause was a gap, stranding the question
    steps = segment_steps(m, None, closing)
    assert covered(steps, question), steps
    assert not covered(steps, in_rest), steps  # a real rest stays
    for s in steps:  # closing moved edges only: keyframes and confidence stay valid
        assert s.start <= s.keyframe_time <= s.end and 0.0 <= s.confidence <= 1.0
    assert all(a.end <= b.start for a, b in zip(steps, steps[1:], strict=False))


def test_still_hands_at_the_work_site_hold_moved_aside_rest():
    """A long take: hands still for 5 s, about e times less motion than at work, palm seen (open hand:
    the shallow depth of long takes applies). Where they stay at the work site they hold the part
    (work); moved to the side of the frame, they rest."""
    seconds = (25, 5, 25)
    n = int(sum(seconds) * FPS)
    rng = np.random.default_rng(2)
    peak = np.concatenate([rng.uniform(2, 4, 250), np.full(50, 1.07), rng.uniform(2, 4, 250)])
    middle = slice(int(26 * FPS), int(29 * FPS))
    # The hands work at three places in turn (5 s each), at the middle one just before and after.
    place = np.array([0.3, 0.7, 0.5, 0.3, 0.5, 0.5, 0.5, 0.7, 0.3, 0.7, 0.5])[np.arange(n) // 50]
    x_work = place + rng.normal(0, 0.01, n)
    y_work = 0.7 + rng.normal(0, 0.01, n)

    def mask(x: np.ndarray, y: np.ndarray, settings=SegmentSettings()) -> np.ndarray:
        m = _motion(peak, palm_score=np.ones(n), hand_x=x, hand_y=y, hand_presence=np.full(n, 0.5))
        m.extra["palm_detector"] = True
        return rest_mask(m, activity_level(m), settings, None, m.duration)

    assert (mask(x_work, y_work)[middle] == 0).all()  # held at the work site
    aside_x, aside_y = x_work.copy(), y_work.copy()
    aside_x[250:300], aside_y[250:300] = 0.85, 0.85  # hands laid down at the side
    assert (mask(aside_x, aside_y)[middle] == 1).all()
    # Much deeper stillness is a rest even at the work site.
    assert (mask(x_work, y_work, replace(SegmentSettings(), site_depth=0.9))[middle] == 1).all()
