"""Our method: rests split the footage, kernel change points split the working runs.

1. Hand activity (the strongest residual motion after removing the head's motion,
   on a log scale) is compared with its own rest floor and working level; still
   periods of at least ``min_rest`` are rests and belong to no step.
2. Inside each working run, a kernel change-point detection (ruptures KernelCPD,
   RBF kernel, penalty scaled from the run's length) on smoothed features that
   describe *how* the hands move (activity, periodicity, period, place, direction)
   finds the gesture changes; head turns and lighting are left out on purpose.
   A brief burst of activity (the hands fetching the next tool) pulls a change point
   onto itself.
3. With a transcript, weaker change points are kept when a discourse marker
   ("ensuite", "puis", ...) is spoken near them, and confidence rises.
4. Steps longer than ``max_step`` are split at their strongest inner change.
5. Gaps between steps shorter than ``max_gap`` are closed (``gaps.py``).
6. Beside the steps (``segment_with_hints``), split hints: the change points the kernel CPD finds
   inside each step at a fraction of the penalty, which the steps did not keep (``split_hints``).

Footage where no hands ever work (``media_pipeline.handwork``: a still camera, no palm and no
hand colour coming and going) gets no step: the review screen tells the expert why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter, uniform_filter1d

from media_pipeline.handwork import handwork_verdict
from media_pipeline.segmentation.base import (
    HintSettings,
    Segmentation,
    SegmentSettings,
    SplitHint,
    StepProposal,
    register,
)
from media_pipeline.segmentation.cuts import find_cuts, split_at_cuts
from media_pipeline.segmentation.gaps import close_short_gaps
from media_pipeline.segmentation.speech_cues import language_of, sentences, speech_cues, starts_with_marker
from media_pipeline.segmentation.titles import key_terms, propose_titles


def _smooth(x: np.ndarray, k: int) -> np.ndarray:
    return uniform_filter1d(x, max(1, k), mode="nearest") if x.size else x


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index runs where mask is true."""
    if mask.size == 0:
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.where(d == 1)[0].tolist(), np.where(d == -1)[0].tolist(), strict=False))


def fill_frozen(motion, level: float, min_len: float):
    """The motion with its frozen stretches read from their neighbours (``SegmentSettings.freeze_level``).

    A run of at least ``min_len`` seconds, inside the footage (a moving frame on either side), where the whole
    frame's peak motion (``energy_peak``) stays under ``level``, is the source holding one picture: it says
    nothing of the hands, so every feature there is interpolated linearly between the frames on either side.
    Returns ``motion`` itself when there is none (or no ``energy_peak``): a picture frozen from start to end, or
    to one edge, is left as it is (``handwork`` judges a frozen camera)."""
    f = motion.features
    if level <= 0 or "energy_peak" not in f:
        return motion
    n = len(motion.times)
    need = max(2, int(round(min_len * motion.fps)))
    runs = [(a, b) for a, b in _runs(np.asarray(f["energy_peak"], float) < level) if b - a >= need and 0 < a and b < n]
    if not runs:
        return motion
    features = {}
    for k, v in f.items():
        v = np.array(v, dtype=np.float64)
        if len(v) == n:
            for a, b in runs:
                v[a:b] = np.interp(np.arange(a, b), (a - 1, b), (v[a - 1], v[b]))
        features[k] = v
    return replace(motion, features=features)


def activity_level(motion) -> np.ndarray:
    f = motion.features
    peak = np.asarray(f["hands_peak"] if "hands_peak" in f else f["energy_peak"], float)
    e = np.log(peak + 0.05)
    e = median_filter(e, size=3, mode="nearest")
    return _smooth(e, int(round(motion.fps * 0.6)))


def hands_present(motion, relative: float = 0.3) -> np.ndarray | None:
    """Hands in the working field, 0-1 from the video's own hands-away floor to its working level
    (the hand-colour cue of ``media_pipeline.hands``, smoothed over a second); ``None`` when the
    features predate it or show no contrast (hands never in view, or never away: the floor stays
    above ``1 - relative`` of the working level)."""
    f = motion.features
    if "hand_presence" not in f or not len(motion.times):
        return None
    p = _smooth(median_filter(np.asarray(f["hand_presence"], float), size=5, mode="nearest"),
                int(round(motion.fps)))
    lo, hi = np.percentile(p, 5), np.percentile(p, 95)
    # Hands that come and go leave the field nearly empty of their colours at times; a cue that never
    # falls far under its top (a fixed camera on a street: the colour model fits the people, the
    # ground) says nothing of hands.
    if hi - lo < max(0.03, relative * hi) or hi < 0.05:
        return None
    return np.clip((p - lo) / (hi - lo), 0.0, 1.0)


def palm_seen(motion, threshold: float = 0.6) -> np.ndarray | None:
    """Frames where the palm detector sees a hand (held over 1.5 s: it runs every other second,
    its score interpolated in between)."""
    f = motion.features
    if "palm_score" not in f or not motion.extra.get("palm_detector", True) or not len(motion.times):
        return None
    k = max(1, int(round(1.5 * motion.fps)))
    return maximum_filter1d(np.asarray(f["palm_score"], float), k, mode="nearest") > threshold


GRASP_COLUMNS = ("curl_thumb", "curl_index", "curl_middle", "curl_ring", "curl_little", "pinch", "hands")


def _grasp_cols(motion, k: int) -> list[np.ndarray]:
    """The hand-shape columns (experiment), where the motion carries them and a hand was seen."""
    f = motion.features
    if any(c not in f for c in GRASP_COLUMNS) or float(np.max(f.get("grasp_seen", [0.0]), initial=0.0)) <= 0:
        return []
    curls = np.stack([np.asarray(f[c], float) for c in GRASP_COLUMNS[:5]], axis=1)
    return [_smooth(curls[:, 0], k), _smooth(curls[:, 1:].mean(axis=1), k),
            _smooth(np.log(np.asarray(f["pinch"], float) + 0.1), k), _smooth(np.asarray(f["hands"], float), k)]


def feature_matrix(motion, hand_weight: float = 1.0, grasp_weight: float = 0.0) -> np.ndarray:
    """Per-frame description of how the hands move, where they work and what the working field
    looks like, smoothed over about a second, standardised."""
    fps = motion.fps
    k = max(1, int(round(fps * 1.0)))
    f = motion.features
    hand_cols = []
    # Only where the hand cue has some contrast (as a feature a weak one still tells places apart).
    if hand_weight > 0 and hands_present(motion, relative=0.0) is not None:
        hand_cols = [
            _smooth(np.asarray(f["hand_presence"], float), k),
            _smooth(median_filter(np.asarray(f["hand_x"], float), size=k, mode="nearest"), k),
            _smooth(median_filter(np.asarray(f["hand_y"], float), size=k, mode="nearest"), k),
        ]
    cols = [
        activity_level(motion),
        _smooth(np.asarray(f["periodicity"], float), k),
        _smooth(median_filter(np.asarray(f["period"], float), size=k, mode="nearest"), k),
        _smooth(median_filter(np.asarray(f["centroid_x"], float), size=k, mode="nearest"), k),
        _smooth(median_filter(np.asarray(f["centroid_y"], float), size=k, mode="nearest"), k),
        _smooth(np.asarray(f["horizontality"], float), 2 * k),
        _smooth(np.log(np.asarray(f["moving_frac"], float) + 0.01), k),
        *hand_cols,
    ]
    grasp_cols = _grasp_cols(motion, k) if grasp_weight > 0 else []
    cols += grasp_cols
    x = np.stack(cols, axis=1)
    med = np.median(x, axis=0)
    # A floor relative to the level: a constant column (a frozen picture) with rounding noise
    # must not turn into strong features.
    mad = np.median(np.abs(x - med), axis=0) * 1.4826 + 1e-6 + 1e-3 * np.abs(med)
    z = np.clip((x - med) / mad, -6, 6)
    if hand_cols:
        z[:, len(cols) - len(grasp_cols) - len(hand_cols):len(cols) - len(grasp_cols)] *= hand_weight
    if grasp_cols:
        z[:, -len(grasp_cols):] *= grasp_weight
    return z


def _grasp_filter(bk: list[int], weak: list[int], motion, a: int, b: int, settings) -> list[int]:
    """Veto change points where the hand's shape stayed the same, add weak ones where it changed
    (experiment, off by default)."""
    f = motion.features
    if "grasp_change" not in f:
        return bk
    fps = motion.fps
    r = max(1, int(round(fps)))
    change = np.asarray(f["grasp_change"], float)
    seen = np.asarray(f.get("grasp_seen", np.zeros(len(change))), float)
    out = list(bk)
    if settings.grasp_veto > 0:
        keep = []
        for i in out:
            lo, hi = max(a, i - r), min(b, i + r)
            both = seen[max(a, i - 2 * r):i].max(initial=0) > 0.5 and seen[i:min(b, i + 2 * r)].max(initial=0) > 0.5
            if both and change[lo:hi].max(initial=0) < settings.grasp_veto:
                continue
            keep.append(i)
        out = keep
    if settings.grasp_boost > 0:
        for i in weak:
            lo, hi = max(a, i - r), min(b, i + r)
            if change[lo:hi].max(initial=0) >= settings.grasp_boost and all(abs(i - o) > 2 * r for o in out):
                out.append(i)
    return sorted(out)


def _appearance_filter(bk: list[int], weak: list[int], motion, a: int, b: int, settings) -> list[int]:
    """Veto change points where what is worked on looked the same, add weak ones where it changed
    (experiment, off by default)."""
    change = np.asarray(motion.features.get("appearance_change", []), float)
    if len(change) != len(motion.times) or float(change.max(initial=0.0)) <= 0:
        return bk
    r = max(1, int(round(motion.fps)))
    out = list(bk)
    if settings.appearance_veto > 0:
        out = [i for i in out if change[max(a, i - r):min(b, i + r)].max(initial=0) >= settings.appearance_veto]
    if settings.appearance_boost > 0:
        for i in weak:
            near = change[max(a, i - r):min(b, i + r)].max(initial=0)
            if near >= settings.appearance_boost and all(abs(i - o) > 2 * r for o in out):
                out.append(i)
    return sorted(out)


def _cpd(x: np.ndarray, min_size: int, pen: float, pool: int = 1) -> list[int]:
    """Kernel change points (frame indices into x). Exact kernel CPD costs O(n^2), so the
    features are first averaged over ``pool`` frames: an hour of footage stays seconds."""
    import ruptures as rpt

    pool = max(1, pool)
    if pool > 1:
        n = len(x) // pool * pool
        if n == 0:
            return []
        x = x[:n].reshape(-1, pool, x.shape[1]).mean(axis=1)
        min_size = max(2, int(round(min_size / pool)))
    if len(x) < 2 * min_size:
        return []
    algo = rpt.KernelCPD(kernel="rbf", min_size=max(2, min_size)).fit(x)
    return [b * pool for b in algo.predict(pen=pen) if b < len(x)]


def rhythm_period(sig: np.ndarray, fps: float, lo_s: float, hi_s: float) -> tuple[float, float]:
    """(period in frames, autocorrelation there) of the strongest autocorrelation peak between lo_s and
    hi_s seconds (at most half the signal's length); (0, 0) when there is none."""
    n = len(sig)
    lo, hi = max(2, int(round(lo_s * fps))), min(int(round(hi_s * fps)), n // 2)
    if hi <= lo + 1:
        return 0.0, 0.0
    z = sig - np.mean(sig)
    den = float(np.dot(z, z))
    if den < 1e-9:
        return 0.0, 0.0
    r = np.array([float(np.dot(z[:n - k], z[k:])) / den * n / (n - k) for k in range(lo - 1, hi + 2)])
    peaks = [j for j in range(1, len(r) - 1) if r[j] >= r[j - 1] and r[j] >= r[j + 1] and r[j] > 0]
    if not peaks:
        return 0.0, 0.0
    top = max(r[j] for j in peaks)
    j = next(j for j in peaks if r[j] >= 0.9 * top)  # the fundamental, not a multiple of it
    return float(lo - 1 + j), float(r[j])


def _rhythm_bounds(x: np.ndarray, act: np.ndarray, fps: float, min_size: int, settings) -> list[int] | None:
    """Change points (indices into the run) from the run's own rhythm, or None when it shows none."""
    n = len(act)
    period, corr = rhythm_period(act, fps, settings.rhythm_min, settings.rhythm_max)
    if period <= 0 or corr < settings.rhythm_corr:
        return None
    k = int(round(n / period))
    if k < 2:
        return None
    if settings.rhythm_place in ("cpd", "cap"):
        import ruptures as rpt

        size = max(2, min(min_size, n // (k + 1)))
        if n < k * size:
            return None
        try:
            return [b for b in rpt.KernelCPD(kernel="rbf", min_size=size).fit(x).predict(n_bkps=k - 1) if b < n]
        except Exception:  # noqa: BLE001 - ruptures refuses impossible splits
            return None
    out, radius = [], max(1, int(round(period / 3)))
    for j in range(1, k):
        c = int(round(j * n / k))
        a, b = max(1, c - radius), min(n - 1, c + radius + 1)
        out.append(a + int(np.argmin(act[a:b])) if b > a else c)
    return sorted(set(out))


def _gain_bounds(x: np.ndarray, min_size: int, gain: float, pool: int) -> list[int]:
    """Change points of the run (indices into it): the most whose last still lowers the kernel cost by
    ``gain`` of the cost with none."""
    import ruptures as rpt

    pool = max(1, pool)
    if pool > 1:
        m = len(x) // pool * pool
        x = x[:m].reshape(-1, pool, x.shape[1]).mean(axis=1)
        min_size = max(2, int(round(min_size / pool)))
    n = len(x)
    kmax = n // max(2, min_size) - 1
    if kmax < 1:
        return []
    algo = rpt.KernelCPD(kernel="rbf", min_size=max(2, min_size)).fit(x)
    c0 = float(algo.cost.sum_of_costs([n]))
    if c0 <= 1e-9:
        return []
    best, prev = [], c0
    for k in range(1, kmax + 1):
        try:
            bk = algo.predict(n_bkps=k)
        except Exception:  # noqa: BLE001 - no admissible split with k change points
            break
        cost = float(algo.cost.sum_of_costs(bk))
        if (prev - cost) / c0 >= gain:
            best = [b * pool for b in bk if b < n]
        prev = cost
    return best


def _strongest_change(x: np.ndarray, margin: int, win: int) -> int:
    """Index (margin..n-margin) where the mean features of the windows before and after differ
    most: a linear-time cut for steps longer than the maximum."""
    n = len(x)
    if n < 2 * margin + 2:
        return n // 2
    c = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    idx = np.arange(margin, n - margin)
    lo, hi = np.maximum(idx - win, 0), np.minimum(idx + win, n)
    before = (c[idx] - c[lo]) / (idx - lo)[:, None]
    after = (c[hi] - c[idx]) / (hi - idx)[:, None]
    return int(idx[int(np.argmax(np.linalg.norm(after - before, axis=1)))])


def motion_change(x: np.ndarray, i: int, lo: int, hi: int, win: int) -> float:
    """How differently the hands move just before and just after frame ``i`` (kept within lo..hi): the
    distance between the mean features of the ``win`` frames on each side, activity left out, per
    feature (robust z units). Under ``hold_similarity`` the two sides are alike motions."""
    left, right = x[max(lo, i - win):i, 1:], x[i:min(hi, i + win), 1:]
    if not len(left) or not len(right):
        return 0.0
    d = left.mean(axis=0) - right.mean(axis=0)
    return float(np.linalg.norm(d) / np.sqrt(d.size))


def _fuse_speech(bk: list[int], conf: dict[int, float], weak: list[int], cues, x: np.ndarray, a: int, b: int,
                 fps: float, min_size: int, settings: SegmentSettings) -> None:
    """Change points from what the expert says, fused with the motion's (in place).

    A spoken cue next to a motion change point raises its confidence (a marker most, a sentence
    after a pause less). A discourse marker ("ensuite", "maintenant", "on passe à") far from any
    boundary adds one: at a weaker motion change nearby if there is one (between the two: people
    announce a gesture as they start it), otherwise where the features change most around the
    marker. A sentence after a pause adds one only where a weaker motion change agrees and the hands
    really move otherwise on either side (``pause_change``: a remark in the middle of a gesture,
    "Voilà, comme ça.", follows a pause too, and a weak change point lies near most moments)."""
    near = int(round(1.5 * fps))
    window = int(round(settings.speech_window * fps))
    boost = {"marker": 0.2, "pause": 0.1, "sentence": 0.0}
    for cue in cues:
        m = int(round(cue.time * fps))
        if not a <= m < b:
            continue
        edges = [a, b, *bk]
        if min(abs(m - e) for e in edges) <= near:
            for s in bk:
                if abs(m - s) <= near:
                    conf[s] = min(0.95, conf[s] + boost.get(cue.kind, 0.0))
            continue
        if cue.kind == "sentence":
            continue
        close = [w for w in weak if abs(w - m) <= window]
        if close:
            w = min(close, key=lambda w: abs(w - m))
            pos = (w + m) // 2
        elif cue.kind == "marker":
            lo, hi = max(a, m - window), min(b, m + window)
            if hi - lo < 4:
                continue
            pos = lo + _strongest_change(x[lo:hi], max(1, min(near, (hi - lo) // 4)), near)
        else:
            continue
        if cue.kind == "pause" and motion_change(x, pos, a, b, int(round(3.0 * fps))) < settings.pause_change:
            continue
        if all(abs(pos - e) >= min_size for e in edges):
            bk.append(pos)
            conf[pos] = 0.6 if cue.kind == "marker" else 0.5


def _snap_to_bursts(bkps: list[int], act: np.ndarray, lo: int, hi: int, radius: int) -> list[int]:
    """Move each change point onto the activity burst (hands fetching a tool) nearby, if any."""
    out = []
    for b in bkps:
        a, z = max(lo + 1, b - radius), min(hi - 1, b + radius + 1)
        if z - a < 3:
            out.append(b)
            continue
        seg = act[a:z]
        j = int(np.argmax(seg))
        base = float(np.median(act[lo:hi]))
        out.append(a + j if seg[j] > base + 0.8 else b)
    return sorted(set(out))



def burst_bounds(act: np.ndarray, lo: int, hi: int, bkps: list[int], min_size: int, fps: float, settings) -> list[int]:
    """Change points added inside the work run lo..hi where the hands travel to the next gesture: a short burst
    of activity (its peak the largest within ``burst_width`` seconds either side) standing ``burst_boost`` (log
    units) above the median activity of both sides (from ``burst_width`` to ``burst_context`` seconds away),
    strongest first, each at least ``min_size`` frames from the run's ends, the change points already there and
    the ones added (``SegmentSettings.burst_boost``; 0 turns it off)."""
    inner = max(1, int(round(settings.burst_width * fps)))
    ctx = max(inner + 2, int(round(settings.burst_context * fps)))
    found = []
    for p in range(lo + ctx, hi - ctx):
        if act[p] < act[p - inner:p + inner + 1].max():
            continue
        side = max(float(np.median(act[p - ctx:p - inner])), float(np.median(act[p + inner + 1:p + ctx + 1])))
        if act[p] - side >= settings.burst_boost:
            found.append((float(act[p] - side), p))
    out: list[int] = []
    edges = [lo, hi, *bkps]
    for _h, p in sorted(found, reverse=True):
        if all(abs(p - e) >= min_size for e in edges + out):
            out.append(p)
    return sorted(out)


def _centre_in_pauses(bkps: list[int], still: np.ndarray, lo: int, hi: int, radius: int, min_len: int) -> list[int]:
    """Move each change point that lies within ``radius`` of a still moment inside lo..hi (at least
    ``min_len`` frames, too short or too shallow to be a rest) to the middle of it: the pause between two
    gestures is where one ends and the next begins; at its edge it stays in one of the two steps."""
    pauses = [(lo + s, lo + e) for s, e in _runs(still[lo:hi]) if e - s >= min_len and lo + s > lo and lo + e < hi]
    out = []
    for b in bkps:
        near = [(s, e) for s, e in pauses if s - radius <= b <= e + radius]
        out.append((lambda se: (se[0] + se[1]) // 2)(min(near, key=lambda se: abs((se[0] + se[1]) // 2 - b)))
                   if near else b)
    return sorted(set(out))


# The step length the change-point penalty was tuned for: a longer minimum step asked for does not
# lower the penalty (it would find more changes, not fewer).
REFERENCE_STEP = 3.0


@dataclass(frozen=True)
class ClipScale:
    """The knobs that follow the footage's length: a 10-s excerpt has 2-s steps, an hour has minutes."""

    min_step: float
    max_step: float
    penalty: float  # multiplies the change-point penalty: shorter steps, less evidence per change


def clip_scale(settings: SegmentSettings, duration: float) -> ClipScale:
    """``min_step`` shrinks on short footage (a share of its length, down to ``min_step_floor``);
    the penalty follows (a change between two short steps has fewer frames to show for itself), and
    on excerpts up to 15 s is lowered further by ``penalty_short`` (interpolated up to 1 at
    ``penalty_short_until``, 45 s);
    ``max_step`` stays: a short excerpt may well be one step."""
    min_step = float(np.clip(duration * settings.min_step_share, min(settings.min_step_floor, settings.min_step),
                             settings.min_step))
    return ClipScale(min_step=min_step, max_step=max(settings.max_step, 1.5 * min_step),
                     penalty=min(1.0, min_step / max(min(settings.min_step, REFERENCE_STEP), 1e-6))
                     * float(np.interp(duration, (15.0, max(settings.penalty_short_until, 15.0)),
                                       (settings.penalty_short, 1.0))))


ANNOUNCED = 3  # rest_mask's value for a rest the expert closes by announcing the next step


def rest_mask(motion, act: np.ndarray, settings: SegmentSettings, transcript: dict | None,
              duration: float) -> np.ndarray:
    """Per frame: 0 work, 1 rest (hands still), 2 rest (hands away), 3 rest closed by a spoken
    sentence (``_announced_rests``). A rest needs the hands idle
    *and* the expert silent. Idle is judged per still stretch, not per frame, and on purpose
    conservatively (dropping work costs the expert more than an extra step): a stretch is a rest when
    the hands are away from the working field (neither their colours there nor a palm in view), or
    when they are much stiller than while working (``rest_depth``: log units, e = 2.7 times less
    motion) and not held in the working field; inside the footage it must last ``min_rest``. Hands
    away from the field while something moves (the head, the scene) is a rest only when it lasts:
    a share of the footage (``away_share``: on a 10-s excerpt a glance away is not a pause), at
    most ``away_cap`` seconds."""
    n = len(act)
    fps = motion.fps
    out = np.zeros(n, np.int8)
    floor, top = np.percentile(act, 8), np.percentile(act, 92)
    contrast = top - floor
    if contrast < 0.35:  # no rest/work contrast: all of it is work (or all rest)
        still = np.zeros(n, bool)
    else:
        still = act <= floor + settings.rest_level * contrast
    present = hands_present(motion)
    palm = palm_seen(motion)
    idle = None  # hands both stiller and less present in the field than at work (0-1 each, averaged)
    idle_level = float(np.interp(duration, (15.0, 45.0), (0.0, settings.idle_level)))
    if present is not None and idle_level > 0 and contrast >= 0.35:
        idle = (np.clip((act - floor) / contrast, 0.0, 1.0) + present) / 2
        if palm is not None:  # a palm in view says the hands are there
            idle = np.where(palm, 1.0, idle)
    away = None
    if present is not None and settings.absent_level > 0:
        away = present < settings.absent_level
        if palm is not None:
            away &= ~palm
    speaking = np.zeros(n, bool)
    if transcript:
        for s0, e0, _text in sentences(transcript):
            speaking[max(0, int(s0 * fps)):min(n, int(np.ceil(e0 * fps)) + 1)] = True
    # An excerpt of a few seconds is cut around the work: a pause there must last longer to count.
    min_rest = int(round(float(np.interp(duration, (15.0, 45.0), (settings.min_rest_short, settings.min_rest))) * fps))
    # Short still moments inside a gesture are not rests.
    for a, b in _runs(still):
        if b - a < min_rest and a > 0 and b < n:
            still[a:b] = False
    work_level = float(np.median(act[~still])) if (~still).any() else float(top)
    # An excerpt of a few seconds is cut around the work: only deep stillness there is a pause. A long
    # take has real pauses between its steps: hands lying still count from a shallower depth.
    depth = float(np.interp(duration, (15.0, 45.0), (settings.rest_depth, settings.rest_depth_long)))
    # Still hands in view whose palm is not seen are most often closed on something (hold, inspect):
    # on a long take they need the deeper stillness too.
    depth_closed = float(np.interp(duration, (15.0, 45.0), (settings.rest_depth, settings.rest_depth_closed)))
    at_site = _at_work_site(motion, still, settings.site_distance, fps) if settings.site_distance > 0 else None
    for a, b in _runs(still & ~speaking):
        edge = a == 0 or b == n
        if not edge and b - a < min_rest:
            continue
        seg_away = away is not None and float(away[a:b].mean()) >= 0.5
        held = present is not None and settings.presence_level < 1.0 and \
            float(present[a:b].mean()) > settings.presence_level
        need = depth_closed if palm is not None and float(palm[a:b].mean()) < 0.5 else depth
        if at_site is not None and not edge and at_site(a, b):
            need = max(need, settings.site_depth)
        if seg_away:
            out[a:b] = 2
        elif work_level - float(act[a:b].mean()) >= need and not held:
            out[a:b] = 1
    if transcript and settings.announce_window > 0:
        _announced_rests(out, still, speaking, act, work_level, transcript, fps, settings)
    if idle is not None:
        for a, b in _runs((idle <= idle_level) & ~speaking & (out == 0)):
            if at_site is not None and a > 0 and b < n and at_site(a, b) and \
                    work_level - float(act[a:b].mean()) < settings.site_depth:
                continue
            if b - a >= min_rest or a == 0 or b == n:
                out[a:b] = 2
    if present is not None and settings.presence_drop > 0 and contrast >= 0.35:
        _withdrawn_rests(out, act, present, speaking, floor, contrast, min_rest, fps, settings)
    if away is not None and settings.away_share < 1.0:
        need = int(round(fps * max(settings.min_rest, min(settings.away_share * duration, settings.away_cap))))
        for a, b in _runs(away & ~speaking & (out == 0)):
            if b - a >= need:
                out[a:b] = 2
    return out


def _withdrawn_rests(out: np.ndarray, act: np.ndarray, present: np.ndarray, speaking: np.ndarray, floor: float,
                     contrast: float, min_rest: int, fps: float, settings: SegmentSettings) -> None:
    """Rests where the hands withdraw from the working field (in place: marked 2, hands away).

    A silent still stretch (activity under ``drop_level`` of the contrast above the floor; ``min_rest``
    inside the footage, any length at its edges) not yet a rest, where the hands' presence in the field
    falls ``presence_drop`` (0-1 of the video's own range) under its mean over the moving frames within
    ``drop_context`` seconds either side: resting hands leave the view or go to lie at its edge, holding
    or inspecting hands stay where they work."""
    n = len(act)
    still = act <= floor + settings.drop_level * contrast
    w = int(round(settings.drop_context * fps))
    for a, b in _runs(still & ~speaking):
        if (out[a:b] > 0).all() or (b - a < min_rest and a > 0 and b < n):
            continue
        near = np.zeros(n, bool)
        near[max(0, a - w):a] = True
        near[b:min(n, b + w)] = True
        near &= ~still
        if near.sum() < max(2, int(round(0.5 * fps))):
            continue
        if float(present[near].mean()) - float(present[a:b].mean()) >= settings.presence_drop:
            out[a:b] = np.where(out[a:b] > 0, out[a:b], 2)


def _announced_rests(out: np.ndarray, still: np.ndarray, speaking: np.ndarray, act: np.ndarray, work_level: float,
                     transcript: dict, fps: float, settings: SegmentSettings) -> None:
    """Rests that the expert closes by announcing the next step (in place: marked ``ANNOUNCED``).

    A silent still stretch (``min_rest`` inside the footage, any length at its start) that ends
    within ``announce_window`` seconds of the start of a spoken sentence is a rest if it is
    ``announce_depth`` stiller than the work (log units, as ``rest_depth``; 0: any still stretch),
    where the rules above want it deeper: the expert speaks as the hands come back to work, and
    the next step begins there. Any sentence of ``announce_min_words`` words, or one opening with a
    discourse marker: a lone "bon" or "voilà" announces nothing."""
    n = len(out)
    w = int(round(settings.announce_window * fps))
    # As the speaking mask counts them (a sentence speaks from this frame on).
    starts = np.array(sorted({max(0, int(s0 * fps)) for s0, _e0, text in sentences(transcript)
                              if _announces(text, settings.announce_min_words, language_of(transcript))}), int)
    if not starts.size:
        return
    for a, b in _runs(still & ~speaking):
        if b >= n or (out[a:b] > 0).all():
            continue
        if not ((starts >= b - w) & (starts <= b + w)).any():
            continue
        if work_level - float(act[a:b].mean()) >= settings.announce_depth:
            out[a:b] = np.where(out[a:b] > 0, out[a:b], ANNOUNCED)


def _announces(text: str, min_words: int, language: str = "fr") -> bool:
    """Whether a sentence can announce the next step: long enough, or opening with a marker."""
    return len(re.findall(r"\w+", text)) >= min_words or starts_with_marker(text, language) is not None


def _at_work_site(motion, still: np.ndarray, distance: float, fps: float):
    """A test for a still stretch [a, b): do the hands stay where they worked just before and after?
    Hands holding or inspecting a part stay at the work site; resting hands move to lie beside it.
    The distance (in units of the position's spread over the footage's working frames) is the mean of
    two cues: the hand colours' position and the palm detector's (frames where it sees one; when it
    sees none there, the colours' alone). ``None`` without a hand-position cue."""
    f = motion.features
    if "hand_x" not in f or "hand_y" not in f or (~still).sum() < 4:
        return None
    n = len(still)
    k = max(1, int(round(fps)) | 1)
    cues = []
    for kx, ky, ok in (("hand_x", "hand_y", np.ones(n, bool)),
                       ("palm_x", "palm_y", np.asarray(f.get("palm_score", np.zeros(n)), float) > 0.6)):
        if kx not in f:
            continue
        x, y = np.asarray(f[kx], float), np.asarray(f[ky], float)
        if kx == "hand_x":
            x, y = median_filter(x, size=k, mode="nearest"), median_filter(y, size=k, mode="nearest")
        w_ok = ok & ~still
        if w_ok.sum() < 4:
            continue
        # One scale for both axes (the spread's size): an axis the hands hardly move along must not
        # turn its noise into distance. A position that never moves while working tells no place.
        spread = float(np.hypot(np.std(x[w_ok]), np.std(y[w_ok])))
        if spread >= 0.02:
            cues.append((x, y, ok, spread))
    if not cues:
        return None
    w = int(round(4.0 * fps))

    def test(a: int, b: int) -> bool:
        near = np.zeros(n, bool)
        near[max(0, a - w):a] = True
        near[b:min(n, b + w)] = True
        near &= ~still
        dists = []
        for x, y, ok, spread in cues:
            inside, around = ok[a:b], ok & near
            if inside.sum() < 2 or around.sum() < 2:
                continue
            dists.append(float(np.hypot(np.median(x[a:b][inside]) - np.median(x[around]),
                                        np.median(y[a:b][inside]) - np.median(y[around]))) / spread)
        return bool(dists) and float(np.mean(dists)) < distance

    return test


@register("kernel_cpd")
class KernelCPDSegmenter:
    name = "kernel_cpd"
    hint_settings: HintSettings | None = None  # set by ``segment_with_hints``: split hints in ``last_hints``

    def segment(self, motion, transcript, settings: SegmentSettings) -> list[StepProposal]:
        n = len(motion.times)
        self.last_hints = []
        if n < 3 or handwork_verdict(motion).no_hands:
            self.last_evidence = []
            return []
        fps = motion.fps
        duration = float(motion.duration or n / fps)
        scale = clip_scale(settings, duration)
        if settings.freeze_level > 0:
            motion = fill_frozen(motion, settings.freeze_level, settings.freeze_min)
        act = activity_level(motion)
        floor, top = np.percentile(act, 8), np.percentile(act, 92)
        contrast = top - floor
        active = rest_mask(motion, act, settings, transcript, duration) == 0
        x = feature_matrix(motion, settings.hand_weight, settings.grasp_weight)
        # A short still moment between two stretches of the same gesture is a hold (pouring,
        # aiming), not a rest: merge it when the hands move alike on both sides.
        runs = _runs(active)
        win = int(round(3.0 * fps))
        for (a0, b0), (a1, b1) in zip(runs, runs[1:], strict=False):
            if a1 - b0 <= int(round(settings.max_hold * fps)):
                left = x[max(a0, b0 - win):b0, 1:].mean(axis=0)
                right = x[a1:min(b1, a1 + win), 1:].mean(axis=0)
                if np.linalg.norm(left - right) / np.sqrt(left.size) < settings.hold_similarity:
                    active[b0:a1] = True
        min_len = int(round(scale.min_step * fps * 0.6))
        for a, b in _runs(active):
            if b - a < min_len:
                active[a:b] = False
        min_size = max(2, int(round(scale.min_step * fps)))
        pause_still = act < floor + settings.pause_level * contrast
        cues = speech_cues(transcript) if transcript else []
        base_penalty = settings.penalty if cues else settings.penalty_silent
        spans: list[tuple[int, int, float, float]] = []  # start, end, start strength, end strength
        for a, b in _runs(active):
            length = b - a
            pool = max(1, -(-length // settings.max_cpd_frames))  # long runs: pool to stay fast
            pen = base_penalty * scale.penalty * 2.0 * np.log(max(length // pool, 3))
            # No activity contrast at all (a black or frozen picture): nothing to tell gestures apart.
            strong = _cpd(x[a:b], min_size, pen, pool) if contrast >= 0.35 else []
            if settings.rhythm_corr > 0 and duration <= settings.rhythm_max_duration and contrast >= 0.35:
                rb = _rhythm_bounds(x[a:b], act[a:b], fps, min_size, settings)
                # "cap": the rhythm only lowers the count (the kernel CPD places that many)
                if rb is not None and (settings.rhythm_place != "cap" or len(rb) < len(strong)):
                    strong = rb
            if settings.count_gain > 0 and duration <= settings.count_max_duration and contrast >= 0.35:
                strong = _gain_bounds(x[a:b], min_size, settings.count_gain, pool)
            bk = [a + i for i in strong]
            if (settings.grasp_veto > 0 or settings.grasp_boost > 0) and duration <= settings.grasp_max_duration \
                    and contrast >= 0.35:
                bk = _grasp_filter(bk, [a + i for i in _cpd(x[a:b], min_size, pen * 0.35, pool)], motion, a, b,
                                   settings)
            if (settings.appearance_veto > 0 or settings.appearance_boost > 0) \
                    and duration <= settings.appearance_max_duration and contrast >= 0.35:
                bk = _appearance_filter(bk, [a + i for i in _cpd(x[a:b], min_size, pen * 0.35, pool)], motion, a,
                                        b, settings)
            conf = {i: 0.7 for i in bk}
            if settings.burst_boost > 0 and contrast >= 0.35:
                for i in burst_bounds(act, a, b, bk, min_size, fps, settings):
                    bk.append(i)
                    conf[i] = 0.5
            if cues and contrast >= 0.35:
                weak = [a + i for i in _cpd(x[a:b], min_size, pen * 0.35, pool)]
                _fuse_speech(bk, conf, weak, cues, x, a, b, fps, min_size, settings)
            bk = sorted(bk)
            snapped = bk
            if settings.snap_boundaries:
                snapped = _snap_to_bursts(bk, act, a, b, int(round(1.5 * fps)))
                snapped = _centre_in_pauses(snapped, pause_still, a, b, int(round(settings.pause_snap * fps)),
                                            max(1, int(round(settings.pause_min * fps))))
            snap_conf = []
            for s in snapped:  # keep the confidence of the change point each snapped one came from
                src = min(bk, key=lambda o, s=s: abs(o - s)) if bk else s
                snap_conf.append(conf.get(src, 0.7))
            bounds = [a] + snapped + [b]
            bconf = [self._edge_strength(act, a, floor, contrast)] + snap_conf + \
                    [self._edge_strength(act, b - 1, floor, contrast)]
            for i in range(len(bounds) - 1):
                s, e = bounds[i], bounds[i + 1]
                if e - s >= 2:
                    spans.append((s, e, bconf[i], bconf[i + 1]))
        spans = self._split_long(spans, x, scale, fps)
        spans = _merge_short(spans, min_len)
        speaking = np.zeros(n, bool)
        for s0, e0, _text in sentences(transcript):
            speaking[max(0, int(s0 * fps)):min(n, int(np.ceil(e0 * fps)) + 1)] = True
        spans = close_short_gaps(spans, act, n, int(round(settings.max_gap * fps)),
                                 int(round(settings.max_edge_gap * fps)), speaking)
        if settings.refine_radius > 0 and contrast >= 0.35:
            spans = refine_boundaries(spans, x, act, fps, settings, min_len)
        if settings.cut_ratio > 0 and {"hist_change", "intensity_residual"} <= motion.features.keys():
            cuts = find_cuts(motion.features["hist_change"], motion.features["intensity_residual"],
                             settings.cut_ratio, settings.cut_min)
            spans = split_at_cuts(spans, cuts, min_len, max(min_len, int(round(settings.cut_snap * fps))))
        calibration = load_calibration()
        steps, evidence = [], []
        times = [(float(s / fps), float(min(e / fps, motion.duration or e / fps))) for s, e, _c0, _c1 in spans]
        titles = propose_titles(transcript, times)
        for idx, (s, e, c0, c1) in enumerate(spans, start=1):
            start, end = times[idx - 1]
            ev = step_evidence(s, e, c0, c1, act, floor, contrast, speaking, scale, fps, n)
            raw = float(np.clip((c0 + c1) / 2, 0, 1))
            evidence.append(ev)
            steps.append(StepProposal(
                start=round(start, 2), end=round(end, 2),
                confidence=calibration.confidence(ev) if calibration else raw,
                keyframe_time=round(choose_keyframe(motion, s, e), 2),
                title=titles[idx - 1],
                key_terms=key_terms(transcript, start, end) if transcript else []))
        self.last_evidence = evidence
        if self.hint_settings is not None and self.hint_settings.fraction > 0 and contrast >= 0.35:
            # After the steps are final, and from nothing they were made of but the features: they do not change.
            self.last_hints = split_hints(x, [(s, e) for s, e, _c0, _c1 in spans], base_penalty * scale.penalty,
                                          scale.min_step, fps, duration, settings.max_cpd_frames,
                                          self.hint_settings)
        return steps

    @staticmethod
    def _edge_strength(act: np.ndarray, i: int, floor: float, contrast: float) -> float:
        if contrast < 1e-6:
            return 0.3
        return float(np.clip(0.5 + (act[i] - floor) / contrast * 0.5, 0.3, 0.95))

    @staticmethod
    def _split_long(spans, x, settings: ClipScale, fps: float):
        out = []
        max_len = int(round(settings.max_step * fps))
        for s, e, c0, c1 in spans:
            pending = [(s, e, c0, c1)]
            while pending:
                a, b, ca, cb = pending.pop()
                if b - a <= max_len:
                    out.append((a, b, ca, cb))
                    continue
                margin = max(2, min(int(settings.min_step * fps), (b - a) // 3))
                if b - a < 2 * max_len:  # one cut is enough: among the places that leave both parts within max_step
                    margin = max(margin, b - a - max_len)
                cut = _strongest_change(x[a:b], margin, int(round(2 * fps))) + a
                pending += [(a, cut, ca, 0.3), (cut, b, 0.3, cb)]
        return sorted(out)


def _two_sided(sig: np.ndarray, lo: int, hi: int, idx: np.ndarray, win: int, spread: bool) -> np.ndarray:
    """For each frame i of ``idx``: the mean of ``sig`` (frames x columns) over the ``win`` frames from i minus
    the mean over the ``win`` frames before it, both kept within lo..hi (with ``spread``, the standard deviations'
    difference is appended per column)."""
    c = np.vstack([np.zeros((1, sig.shape[1])), np.cumsum(sig, axis=0)])
    c2 = np.vstack([np.zeros((1, sig.shape[1])), np.cumsum(sig * sig, axis=0)])
    left0, right1 = np.maximum(idx - win, lo), np.minimum(idx + win, hi)
    nl, nr = np.maximum(idx - left0, 1)[:, None], np.maximum(right1 - idx, 1)[:, None]
    ml, mr = (c[idx] - c[left0]) / nl, (c[right1] - c[idx]) / nr
    d = mr - ml
    if spread:
        vl = np.maximum((c2[idx] - c2[left0]) / nl - ml * ml, 0.0)
        vr = np.maximum((c2[right1] - c2[idx]) / nr - mr * mr, 0.0)
        d = np.hstack([d, np.sqrt(vr) - np.sqrt(vl)])
    return d


def refine_boundaries(spans, x: np.ndarray, act: np.ndarray, fps: float, settings: SegmentSettings,
                      min_len: int):
    """Move each step limit within ``settings.refine_radius`` seconds to where the work changes most
    (``SegmentSettings.refine_radius``): a limit shared by two touching steps to the largest two-sided contrast
    of the change features ``x`` (over the two steps only), a start after a rest to the activity onset, an end
    before one to its offset. Limits are taken left to right, each bounded by the ones already placed, so steps
    keep ``min_len`` frames and never overlap; a start at the footage's first frame or an end at its last stays."""
    n = len(act)
    radius = int(round(settings.refine_radius * fps))
    win = max(2, int(round(settings.refine_window * fps)))
    mode = settings.refine_mode
    spread = settings.refine_criterion == "meanvar"
    out = [list(sp) for sp in sorted(spans)]
    a2 = act.reshape(-1, 1)
    for k, sp in enumerate(out):
        s, e = sp[0], sp[1]
        prev_end = out[k - 1][1] if k else 0
        nxt = out[k + 1] if k + 1 < len(out) else None
        touching_prev = k > 0 and prev_end == s
        # the start (a touching start was placed with the previous step's end)
        if not touching_prev and s > 0 and mode in ("edges", "both"):
            lo_i, hi_i = max(prev_end + (1 if k else 0), s - radius), min(e - min_len, s + radius)
            if hi_i > lo_i:
                idx = np.arange(lo_i, hi_i + 1)
                rise = _two_sided(a2, prev_end, e, idx, win, False)[:, 0]
                s = int(idx[int(np.argmax(rise))])
        sp[0] = s
        if nxt is not None and nxt[0] == e:
            if mode in ("touching", "both"):
                lo_i, hi_i = max(s + min_len, e - radius), min(nxt[1] - min_len, e + radius)
                if hi_i > lo_i:
                    idx = np.arange(lo_i, hi_i + 1)
                    d = _two_sided(x, s, nxt[1], idx, win, spread)
                    e = int(idx[int(np.argmax(np.linalg.norm(d, axis=1)))])
                    nxt[0] = e
        elif e < n and mode in ("edges", "both"):
            limit = nxt[0] - 1 if nxt is not None else n
            lo_i, hi_i = max(s + min_len, e - radius), min(limit, e + radius)
            if hi_i > lo_i:
                idx = np.arange(lo_i, hi_i + 1)
                fall = -_two_sided(a2, s, limit if nxt is not None else n, idx, win, False)[:, 0]
                e = int(idx[int(np.argmax(fall))])
        sp[1] = e
    return [tuple(sp) for sp in out]


def _merge_short(spans, min_len: int):
    """A sliver shorter than ``min_len`` (a change point snapped near a run's edge) joins the
    touching neighbour; the boundary kept is the other one's."""
    spans = sorted(spans)
    changed = True
    while changed and len(spans) > 1:
        changed = False
        for i, (s, e, c0, c1) in enumerate(spans):
            if e - s >= min_len:
                continue
            left = i > 0 and spans[i - 1][1] == s
            right = i + 1 < len(spans) and spans[i + 1][0] == e
            if not (left or right):
                continue
            if left and (not right or spans[i - 1][1] - spans[i - 1][0] <= spans[i + 1][1] - spans[i + 1][0]):
                ps, _pe, pc0, _pc1 = spans[i - 1]
                spans[i - 1:i + 1] = [(ps, e, pc0, c1)]
            else:
                _ns, ne, _nc0, nc1 = spans[i + 1]
                spans[i:i + 2] = [(s, ne, c0, nc1)]
            changed = True
            break
    return spans


EVIDENCE = ("boundaries", "log_length", "activity", "speech", "at_edge", "log_duration")


def step_evidence(s: int, e: int, c0: float, c1: float, act: np.ndarray, floor: float, contrast: float,
                  speaking: np.ndarray, scale: ClipScale, fps: float, n: int) -> np.ndarray:
    """What a step's confidence is calibrated from: how its boundaries were found (0-1: a strong
    change, a spoken marker, a forced split), its length in minimum steps (log), the hands'
    activity inside it (0 rest floor, 1 working level), the share of it spoken over, and whether
    it touches the footage's start or end, and the footage's length (log minutes: short excerpts
    have short, harder steps)."""
    seg = act[s:e]
    level = float((np.mean(seg) - floor) / contrast) if contrast > 1e-6 and seg.size else 0.5
    return np.array([(c0 + c1) / 2, np.log(max(e - s, 1) / fps / max(scale.min_step, 1e-6)),
                     float(np.clip(level, -1, 2)), float(speaking[s:e].mean()) if e > s else 0.0,
                     float(s == 0 or e >= n), float(np.log(max(n / fps, 1.0) / 60.0))])


@dataclass(frozen=True)
class Calibration:
    """Logistic map from a step's evidence to the probability that it matches a true step (IoU >= 0.5),
    fitted on tuning data only (``fitted_on``); see ``media_pipeline.evaluation.calibration``."""

    coef: tuple[float, ...]
    intercept: float
    fitted_on: str = ""

    def confidence(self, evidence: np.ndarray) -> float:
        z = self.intercept + float(np.dot(self.coef, evidence))
        return float(1.0 / (1.0 + np.exp(-z)))


CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@lru_cache(maxsize=1)
def load_calibration(path: str | None = None) -> Calibration | None:
    """The committed calibration, or ``None`` (confidence is then the raw boundary strength)."""
    f = Path(path) if path else CALIBRATION_FILE
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tuple(data.get("evidence", ())) != EVIDENCE:
        return None  # fitted on other evidence: refuse rather than misread
    return Calibration(tuple(float(c) for c in data["coef"]), float(data["intercept"]), str(data.get("fitted_on", "")))


def choose_keyframe(motion, s: int, e: int) -> float:
    """A sharp frame where the hands act, away from the step's edges and from head motion."""
    f = motion.features
    lo, hi = s + (e - s) // 6, e - (e - s) // 6
    if hi <= lo:
        lo, hi = s, max(s + 1, e)
    blur = np.log(np.asarray(f["blur"][lo:hi], float) + 1)
    hands = np.log(np.asarray(f["energy_center"][lo:hi], float) + 0.05)
    cam = np.asarray(f["camera"][lo:hi], float)

    def z(v: np.ndarray) -> np.ndarray:
        return (v - v.mean()) / (v.std() + 1e-6)

    score = z(blur) + 0.7 * z(hands) - 0.7 * z(cam)
    i = lo + int(np.argmax(score))
    return float(motion.times[min(i, len(motion.times) - 1)])


def split_hints(x: np.ndarray, spans: list[tuple[int, int]], penalty: float, min_step: float, fps: float,
                duration: float, max_cpd_frames: int, settings: HintSettings) -> list[SplitHint]:
    """Change points the kernel CPD finds inside each step (frame spans of ``x``) with ``settings.fraction``
    of the penalty the steps were cut with (``penalty`` times 2 log of the length, as for a working
    run), kept at least ``min_step`` from every step limit and from one another, strongest first,
    at most ``settings.per_minute`` per minute (at least one). Strength: what splitting the step there
    alone saves of the kernel cost, over the full penalty (1 = it nearly was a limit)."""
    import ruptures as rpt

    min_size = max(2, int(round(min_step * fps)))
    limits = sorted({t for s, e in spans for t in (s / fps, e / fps)})
    found: list[SplitHint] = []
    for s, e in spans:
        length = e - s
        pool = max(1, -(-length // max_cpd_frames))
        full = penalty * 2.0 * np.log(max(length // pool, 3))
        cuts = _cpd(x[s:e], min_size, full * settings.fraction, pool)
        if not cuts:
            continue
        n = length // pool * pool
        xp = x[s:s + n].reshape(-1, pool, x.shape[1]).mean(axis=1) if pool > 1 else x[s:e]
        cost = rpt.costs.CostRbf().fit(np.asarray(xp, np.double))
        whole = float(cost.error(0, len(xp)))
        for c in cuts:
            j = min(max(1, c // pool), len(xp) - 1)
            gain = whole - float(cost.error(0, j)) - float(cost.error(j, len(xp)))
            found.append(SplitHint(time=float((s + c) / fps),
                                   strength=float(np.clip(gain / max(full, 1e-9), 0.0, 1.0))))
    cap = max(1, int(np.ceil(settings.per_minute * duration / 60.0 - 1e-9)))
    kept: list[SplitHint] = []
    for h in sorted(found, key=lambda h: (-h.strength, h.time)):
        if len(kept) >= cap:
            break
        if all(abs(h.time - t) >= min_step - 1e-6 for t in limits) and \
                all(abs(h.time - k.time) >= min_step - 1e-6 for k in kept):
            kept.append(h)
    return kept


def segment_with_hints(motion, transcript, settings: SegmentSettings,
                       hints: HintSettings = HintSettings()) -> Segmentation:
    """The steps of ``settings.method`` (exactly as ``segment_steps`` gives them) and, for ``kernel_cpd``, its
    split hints (others give none)."""
    from media_pipeline.segmentation import segment_steps

    if settings.method != "kernel_cpd":
        return Segmentation(segment_steps(motion, transcript, settings), [])
    seg = KernelCPDSegmenter()
    seg.hint_settings = hints
    steps = seg.segment(motion, transcript if settings.use_speech else None, settings)
    return Segmentation(steps, list(getattr(seg, "last_hints", [])))


def segment_with_evidence(motion, transcript, settings: SegmentSettings) -> tuple[list[StepProposal], list]:
    """The steps and, for each, the evidence its confidence is calibrated from (for fitting)."""
    seg = KernelCPDSegmenter()
    steps = seg.segment(motion, transcript if settings.use_speech else None, settings)
    return steps, list(getattr(seg, "last_evidence", []))
