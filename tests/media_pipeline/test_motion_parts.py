"""The analysis' vectorised parts against plain references: periodicity, the head-motion fit, row storage."""

import numpy as np

from media_pipeline.hands import RowStore
from media_pipeline.motion import MotionSettings, _FrameAnalyser, _periodicity


def _periodicity_loop(signal, fps, window_s):
    """The frame-by-frame definition: each frame's window, its autocorrelation, the best repeat after
    the first dip."""
    n = signal.size
    win = max(8, int(round(window_s * fps)))
    min_lag, max_lag = 2, max(3, win // 2)
    strength, period = np.zeros(n), np.zeros(n)
    if n < win + 2:
        return strength, period
    for i in range(n):
        lo = max(0, min(n - win, i - win // 2))
        seg = signal[lo:lo + win] - signal[lo:lo + win].mean()
        denom = float((seg * seg).sum())
        if denom < 1e-9:
            continue
        ac = np.array([(seg[:-lag] * seg[lag:]).sum() / denom for lag in range(min_lag, max_lag + 1)])
        dips = np.where(ac < 0)[0]
        if dips.size == 0:
            continue
        tail = ac[dips[0]:]
        j = int(np.argmax(tail))
        if tail[j] > 0:
            strength[i], period[i] = tail[j], (dips[0] + j + min_lag) / fps
    return strength, period


def test_periodicity_matches_the_frame_by_frame_definition():
    rng = np.random.default_rng(3)
    t = np.arange(700) / 10.0
    signals = [rng.normal(size=700), np.sin(2 * np.pi * t / 1.2) + 0.3 * rng.normal(size=700),
               np.r_[np.zeros(300), np.sin(2 * np.pi * t[:400] / 0.8)], np.ones(200), rng.normal(size=25),
               rng.normal(size=5000)]  # more than one block of windows
    for sig in signals:
        for window in (3.0, 1.5):
            got, ref = _periodicity(sig, 10.0, window), _periodicity_loop(sig, 10.0, window)
            np.testing.assert_allclose(got[0], ref[0], atol=1e-12)
            np.testing.assert_allclose(got[1], ref[1], atol=1e-12)
    strength, period = _periodicity(signals[1], 10.0, 3.0)
    assert np.median(strength) > 0.5 and abs(np.median(period) - 1.2) < 0.11


def test_head_motion_fit_ignores_a_moving_hand():
    an = _FrameAnalyser(MotionSettings())
    an._setup((144, 256))
    # A pan with a little zoom (pixels per frame), and a hand moving the other way over a sixth of the view.
    yy, xx = np.mgrid[0:144, 0:256].astype(np.float32)
    xc, yc = (xx - 128) / 256, (yy - 72) / 256
    flow = np.stack([3.0 + 0.02 * 256 * xc, -1.5 + 0.02 * 256 * yc], axis=-1).astype(np.float32)
    flow[80:140, 100:180] = (-6.0, 4.0)
    pu, pv, weights = an._fit_camera(flow)
    assert abs(pu[0] * 256 - 3.0) < 0.05 and abs(pv[0] * 256 + 1.5) < 0.05
    assert abs(pu[1] - 0.02) < 0.002 and abs(pv[2] - 0.02) < 0.002
    g = an.s.grid_step
    hand = np.zeros((144, 256), bool)
    hand[80:140, 100:180] = True
    on_hand = hand[g // 2::g, g // 2::g].ravel()
    assert weights[on_hand].max() == 0 and weights[~on_hand].min() > 0.9


def _fit_loop(an, flow):
    """The head-motion fit as first written: three IRLS passes, each forming and solving the
    weighted normal equations from the weighted design matrix."""
    f = flow[an.grid_sel].reshape(-1, 2).astype(np.float64) / an.w
    a, weights = an.design, np.ones(len(f))
    for _ in range(3):
        aw = a * weights[:, None]
        p = np.linalg.solve(aw.T @ a + an.reg, aw.T @ f)
        rn = np.hypot(*(a @ p - f).T)
        c = max(4.685 * 1.4826 * float(np.median(rn)), 0.002)
        weights = np.clip(1.0 - (rn / c) ** 2, 0.0, None) ** 2
    return p[:, 0], p[:, 1], weights


def test_head_motion_fit_matches_the_plain_irls_on_random_fields():
    rng = np.random.default_rng(5)
    an = _FrameAnalyser(MotionSettings())
    an._setup((192, 256))
    yy, xx = np.mgrid[0:192, 0:256].astype(np.float32)
    xc, yc = (xx - 128) / 256, (yy - 96) / 256
    for _ in range(20):
        c = rng.normal(size=(2, 6)) * [3, 0.05 * 256, 0.05 * 256, 0.5, 0.5, 0.5]
        basis = np.stack([np.ones_like(xc), xc, yc, xc ** 2, xc * yc, yc ** 2])
        flow = np.tensordot(c, basis, axes=1).transpose(1, 2, 0)
        flow += rng.normal(scale=0.2, size=flow.shape)
        y0, x0 = rng.integers(0, 120), rng.integers(0, 180)
        flow[y0:y0 + 60, x0:x0 + 70] = rng.normal(scale=5, size=2)  # a hand moving its own way
        flow = flow.astype(np.float32)
        for got, ref in zip(an._fit_camera(flow), _fit_loop(an, flow), strict=True):
            np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_row_store_keeps_rows_across_blocks():
    store = RowStore((3, 2), np.uint16, block=4)
    rows = [np.full((3, 2), i) for i in range(11)]
    for r in rows:
        store.append(r)
    assert len(store) == 11 and len(store.blocks) == 3
    assert [len(c) for c in store.chunks()] == [4, 4, 3]
    np.testing.assert_array_equal(store.array(np.float64), np.stack(rows))
    assert len(RowStore((2,), np.float32).array()) == 0
