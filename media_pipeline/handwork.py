"""Is this footage hand work filmed from the head? A verdict from the motion features.

The segmenter cuts whatever it is given into steps: a fixed street camera or a walk where nobody
works with their hands still gets "gesture steps". The review screen warns the expert when the
footage does not look like hand work, from the cue the motion stage already computes that best
separates the two on the real set: the palm detector seeing a hand in the working field (the lower
part of the picture, where hands work in front of a head camera). The hand-colour cue is not used:
on real clips it fits faces, skin-coloured walls and floors as well as hands.

The verdict is conservative: without the palm detector's column it says nothing (no warning). On the
real set's development half (a false warning on real hand work counted twice as costly as a missed
one) no threshold on the palm share alone beats never warning: brush painting and sweeping show no
palm, card games show many. So the palm share only decides together with a second cue: a camera that
does not move (the median camera motion of a head camera is never under 0.4 % of the width per frame
on the dev half, nor under 0.29 on the generated clips; a fixed street camera is at 0.04). Footage
filmed from a still camera where no palm is seen in the working field is "not hand work from the
head"; first-person footage without hand work is not caught (``tests/benchmarks/bench_handwork.py``).

``no_hands``: the confident part of that verdict, on which the segmenter proposes no step at all
(a street camera, a black or frozen picture was still cut into "gestures" covering all of it). It
also needs the hand-colour cue to stay silent: no colour that comes into the working field and
leaves it again, as hands (bare or gloved) do. A still camera filming gloved or badly lit work,
where the palm detector sees nothing, keeps its steps as long as the hands' colours come and go.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter, uniform_filter1d

# A palm counts at this detector score (the segmenter's ``palm_seen`` threshold) ...
PALM_SCORE = 0.6
# ... when its centre is in the working field: below this fraction of the picture's height.
FIELD_TOP = 0.4
# The detector runs every other second (its score interpolated in between): a detection holds this long.
HOLD_S = 1.5
# Hands are seen working when a palm is in the field for at least this share of the footage
# (chosen on the real set's dev half; see the module docstring).
MIN_SHARE = 0.03
# A still camera: median camera motion (% of frame width per frame, the motion stage's ``camera``).
CAM_STILL = 0.15
# The hand-colour cue comes and goes when its 5-95 % range is at least this share of its top (and an
# absolute 0.03): the test of ``segmentation.kernel_cpd.hands_present``, which the rests rely on.
COLOUR_CONTRAST = 0.3


@dataclass(frozen=True)
class HandworkVerdict:
    """``share``: 0-1 of the footage where a palm is seen in the working field (``None``: unknown);
    ``camera``: the median camera motion (``None``: unknown); ``no_hands``: confident that no hands
    work anywhere in the footage (the segmenter then proposes no step)."""

    hands_seen_working: bool
    share: float | None
    reason: str
    camera: float | None = None
    no_hands: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> HandworkVerdict | None:
        if not data or "hands_seen_working" not in data:
            return None
        share = data.get("share")
        return cls(hands_seen_working=bool(data["hands_seen_working"]),
                   share=None if share is None else float(share), reason=str(data.get("reason", "")),
                   camera=None if data.get("camera") is None else float(data["camera"]),
                   no_hands=bool(data.get("no_hands", False)))


def palm_in_field(motion, score: float = PALM_SCORE, field_top: float = FIELD_TOP,
                  hold_s: float = HOLD_S) -> np.ndarray | None:
    """Per sample: a palm seen in the working field (held ``hold_s``); ``None`` without the detector."""
    f = motion.features
    if "palm_score" not in f or "palm_y" not in f or not motion.extra.get("palm_detector", True):
        return None
    if not len(motion.times):
        return None
    seen = (np.asarray(f["palm_score"], float) > score) & (np.asarray(f["palm_y"], float) >= field_top)
    k = max(1, int(round(hold_s * motion.fps)))
    return maximum_filter1d(seen.astype(np.uint8), k, mode="nearest") > 0


def handwork_verdict(motion, min_share: float = MIN_SHARE, cam_still: float = CAM_STILL) -> HandworkVerdict:
    """Whether hands are seen working in the footage whose motion features are ``motion``."""
    seen = palm_in_field(motion)
    if seen is None or "camera" not in motion.features:
        return HandworkVerdict(True, None, "Détecteur de mains indisponible : pas de vérification.")
    share = round(float(seen.mean()), 3)
    camera = round(float(np.median(np.asarray(motion.features["camera"], float))), 3)
    percent = round(100 * share)
    if share < min_share and camera < cam_still:
        if hand_colours_come_and_go(motion) is False:
            return HandworkVerdict(False, share, "Caméra fixe, aucune main vue dans le champ de travail ni aucune "
                                   "couleur de main qui y entre et en sort : aucune étape proposée.", camera,
                                   no_hands=True)
        return HandworkVerdict(False, share, f"Caméra fixe et mains vues au travail pendant {percent} % de la vidéo.",
                               camera)
    return HandworkVerdict(True, share, f"Mains vues au travail pendant {percent} % de la vidéo.", camera)


def hand_colours_come_and_go(motion, relative: float = COLOUR_CONTRAST) -> bool | None:
    """Whether the hand-colour cue (``hand_presence``) rises and falls in the working field over the
    footage, as hands that come to work and leave do; ``None`` when the features lack it."""
    f = motion.features
    if "hand_presence" not in f or not len(motion.times):
        return None
    p = median_filter(np.asarray(f["hand_presence"], float), size=5, mode="nearest")
    p = uniform_filter1d(p, max(1, int(round(motion.fps))), mode="nearest")
    lo, hi = float(np.percentile(p, 5)), float(np.percentile(p, 95))
    return not (hi - lo < max(0.03, relative * hi) or hi < 0.05)
