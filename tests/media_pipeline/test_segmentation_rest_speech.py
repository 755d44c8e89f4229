"""Rests the expert closes by announcing the next step (``_announced_rests``), on hand-made feature
series (no video): a shallow still stretch is work on motion alone, a rest when a sentence starts as
it ends (inside the footage and at its start), work again when the sentence comes later."""

from dataclasses import replace

import numpy as np

from media_pipeline.motion import MotionSeries
from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.kernel_cpd import ANNOUNCED, activity_level, rest_mask

FPS = 10.0


def _motion(peak: np.ndarray) -> MotionSeries:
    n = len(peak)
    rng = np.random.default_rng(0)
    feats = {"hands_peak": peak.tolist(), "energy_peak": peak.tolist(), "energy_center": (peak / 3).tolist(),
             "periodicity": rng.uniform(0, 0.1, n).tolist(), "period": [0.5] * n,
             "centroid_x": [0.5] * n, "centroid_y": [0.6] * n, "horizontality": [0.5] * n,
             "moving_frac": (0.01 + peak / 50).tolist(), "blur": [100.0] * n, "camera": [0.2] * n}
    return MotionSeries(fps=FPS, times=[i / FPS for i in range(n)], features=feats, width=256, height=144,
                        duration=n / FPS)


def _peak(parts) -> np.ndarray:
    """(seconds, level or None for work) pieces: still hands at ``level``, work between 2 and 4."""
    rng = np.random.default_rng(1)
    return np.concatenate([rng.uniform(2, 4, int(s * FPS)) if lv is None else np.full(int(s * FPS), lv)
                           for s, lv in parts])


def _transcript(*starts: float) -> dict:
    segs = []
    for t in starts:
        words = [{"start": t + i * 0.4, "end": t + i * 0.4 + 0.3, "word": w}
                 for i, w in enumerate(("on", "passe", "au", "suivant."))]
        segs.append({"start": t, "end": t + 1.5, "text": "on passe au suivant.", "words": words})
    return {"segments": segs}


# A slow, shallow stillness (2 against 2-4 at work: about 1.5 times less motion) of 3 s between two
# stretches of work: on motion alone not deep enough to be a rest. The next sentence starts as the
# hands move again. A real rest later (hands lying dead still) gives the clip its rest/work contrast.
PEAK = _peak([(20, None), (3, 2.0), (20, None), (3, 0.02), (10, None)])
SENTENCE = 23.0


def _gaps(steps, lo: float, hi: float) -> list[tuple[float, float]]:
    """Gaps (rests) between consecutive steps that lie within lo..hi seconds."""
    return [(a.end, b.start) for a, b in zip(steps, steps[1:], strict=False)
            if b.start - a.end > 0.5 and a.end >= lo and b.start <= hi]


def test_a_shallow_still_stretch_is_work_on_motion_alone():
    m = _motion(PEAK)
    mask = rest_mask(m, activity_level(m), SegmentSettings(), None, m.duration)
    assert (mask[int(20.6 * FPS):int(22.5 * FPS)] == 0).all()
    assert not _gaps(segment_steps(m, None, SegmentSettings()), 19, 24)


def test_a_still_stretch_that_ends_as_a_sentence_starts_is_a_rest():
    m = _motion(PEAK)
    tr = _transcript(1.0, SENTENCE, 46.5)
    mask = rest_mask(m, activity_level(m), SegmentSettings(), tr, m.duration)
    assert (mask[int(20.6 * FPS):int(22.5 * FPS)] == ANNOUNCED).all(), mask[195:240]
    steps = segment_steps(m, tr, SegmentSettings())
    # A rest between two steps, the second one starting with the sentence.
    gaps = _gaps(steps, 19, 24)
    assert gaps and abs(gaps[0][1] - SENTENCE) <= 0.5, steps
    # Off (announce_window 0), the same transcript leaves it work: no gap there.
    off = segment_steps(m, tr, replace(SegmentSettings(), announce_window=0.0))
    assert not _gaps(off, 19, 24), off


def test_a_sentence_far_from_the_stretch_does_not_make_it_a_rest():
    m = _motion(PEAK)
    tr = _transcript(1.0, SENTENCE + 2.0, 46.5)  # spoken 2 s after the hands are back at work
    mask = rest_mask(m, activity_level(m), SegmentSettings(), tr, m.duration)
    assert (mask[int(20.6 * FPS):int(22.5 * FPS)] == 0).all()


def test_a_lead_in_before_the_first_sentence_is_left_out_of_the_first_step():
    m = _motion(_peak([(1.5, 2.0), (20, None), (3, 0.02), (20, None)]))
    assert segment_steps(m, None, SegmentSettings())[0].start == 0.0
    first = segment_steps(m, _transcript(1.5, 24.5), SegmentSettings())[0]
    assert 1.0 <= first.start <= 1.6, first


def _short_transcript(start: float, text: str) -> dict:
    words = [{"start": start + i * 0.4, "end": start + i * 0.4 + 0.3, "word": w} for i, w in enumerate(text.split())]
    return {"segments": [{"start": t, "end": t + 1.5, "text": x, "words": w} for t, x, w in
                         [(1.0, "on passe au suivant.", _transcript(1.0)["segments"][0]["words"]),
                          (start, text, words)]]}


def test_a_one_word_interjection_announces_nothing_but_a_marker_does():
    """'Bon.' as the hands come back is no announcement: the still stretch stays work. 'Ensuite.'
    opens with a discourse marker: it announces the next step, short as it is."""
    m = _motion(PEAK)
    bon = rest_mask(m, activity_level(m), SegmentSettings(), _short_transcript(SENTENCE, "Bon."), m.duration)
    assert (bon[int(20.6 * FPS):int(22.5 * FPS)] == 0).all(), bon[195:240]
    ensuite = rest_mask(m, activity_level(m), SegmentSettings(), _short_transcript(SENTENCE, "Ensuite."), m.duration)
    assert (ensuite[int(20.6 * FPS):int(22.5 * FPS)] == ANNOUNCED).all(), ensuite[195:240]
    # With no minimum, "Bon." announces too: the rule is what tells them apart.
    any_word = rest_mask(m, activity_level(m), replace(SegmentSettings(), announce_min_words=0),
                         _short_transcript(SENTENCE, "Bon."), m.duration)
    assert (any_word[int(20.6 * FPS):int(22.5 * FPS)] == ANNOUNCED).all()


def test_hands_at_the_edge_of_the_view_are_still_at_work():
    """Hands working low in the view (reaching for a part, a tool held low) keep a little of their
    colour in the working field: that is work. Hands truly gone (nothing left) are away."""
    m = _motion(_peak([(4, None), (4, None), (3, None), (3, 0.02), (2, None)]))  # a 16-s excerpt
    presence = np.ones(int(16 * FPS))
    edge = slice(int(4 * FPS), int(8 * FPS))  # 4 s of work at the view's edge
    presence[edge] = 0.17  # a sixth of the working level
    presence[int(11 * FPS):int(14 * FPS)] = 0.0  # the rest: hands gone
    m.features["hand_presence"] = presence.tolist()
    mask = rest_mask(m, activity_level(m), SegmentSettings(), None, m.duration)
    assert (mask[edge] == 0).all(), mask[edge]
    assert (mask[int(11.6 * FPS):int(13.5 * FPS)] > 0).all()
    # A higher absent_level (0.25, before) called the edge of the view "away": a rest inside the work.
    # (Under session 45's away share and cap: since session 46 a 4-s stretch is too short to be away on 16 s.)
    old = rest_mask(m, activity_level(m), replace(SegmentSettings(), absent_level=0.25, away_share=0.3, away_cap=3.0),
                    None, m.duration)
    assert (old[int(5 * FPS):int(7 * FPS)] > 0).all(), old[edge]
