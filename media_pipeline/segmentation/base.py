"""The segmenter interface, its settings and result type, and the registry of implementations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from media_pipeline.motion import MotionSeries


@dataclass(frozen=True)
class StepProposal:
    """One proposed gesture step; times in seconds. The expert reviews and corrects it."""

    start: float
    end: float
    confidence: float
    keyframe_time: float
    title: str = ""
    key_terms: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("start", "end", "keyframe_time"):
            d[k] = round(float(d[k]), 2)
        d["confidence"] = round(float(d["confidence"]), 3)
        return d


@dataclass(frozen=True)
class SplitHint:
    """A weaker change point inside a proposed step that the segmenter did not keep: the review screen
    offers it as a one-tap split (« Coupes suggérées »). ``time`` in seconds; ``strength`` 0-1, how
    close it came to being kept (its kernel-cost gain over the full change-point penalty)."""

    time: float
    strength: float

    def to_dict(self) -> dict:
        return {"time": round(float(self.time), 2), "strength": round(float(self.strength), 3)}


@dataclass(frozen=True)
class HintSettings:
    """Split hints (« Coupes suggérées », session 37): inside each proposed step the kernel CPD is run again with
    ``fraction`` of the change-point penalty; the change points it finds there (at least a minimum step from every
    limit and from one another) are offered, strongest first, at most ``per_minute`` per minute of footage (at
    least one). Apart from ``SegmentSettings``: the steps do not depend on them. Chosen on the tuning sets by
    ``tests/benchmarks/bench_split_hints.py`` (docs/ARCHITECTURE.md, Segmentation: they catch few of the missed
    transitions, so the pipeline does not store them)."""

    fraction: float = 0.6
    per_minute: float = 4.0


@dataclass(frozen=True)
class Segmentation:
    """What a segmenter proposes: the steps and, beside them, split hints (empty where it has none)."""

    steps: list[StepProposal]
    hints: list[SplitHint] = field(default_factory=list)


@dataclass(frozen=True)
class SegmentSettings:
    """Step length bounds (seconds), the method's name and its knobs."""

    min_step: float = 3.0
    max_step: float = 30.0
    method: str = "kernel_cpd"
    use_speech: bool = True
    min_rest: float = 1.5  # a still period at least this long separates steps (takes of 45 s and more)
    # The same on excerpts up to 15 s (interpolated between): an excerpt is cut around the work, a pause
    # inside it must last longer to count.
    min_rest_short: float = 2.0
    max_hold: float = 2.5  # a shorter still moment between alike motions is a hold inside a step
    hold_similarity: float = 0.8  # feature distance (robust z units) under which motions are alike
    rest_level: float = 0.3  # activity threshold between the rest floor (0) and working level (1)
    # Hands in the working field (0-1 of the video's own range) above which still hands are working
    # (hold, inspect); 1 turns it off. The generators disagree on still hands at the work site (the
    # first calls it rest, egocam's 'hold' calls it work) and the issue calls still, silent hands a
    # rest: off by default, as tuned on the first generator.
    presence_level: float = 1.0
    # Still hands that stay where they worked (hand position within this many spreads of the
    # neighbouring work's) are holding or inspecting, not resting; 0 turns it off.
    site_distance: float = 0.2
    site_depth: float = 1.5  # ... unless this much stiller than at work (log units, as rest_depth)
    # Under this hands-in-field level (and no palm seen) the hands are away. Low: hands at the view's edge
    # (reaching for a part, a tool held low) are still at work.
    absent_level: float = 0.1
    # Hands leaving the working field (session 38; tests/benchmarks/bench_rest_cue38.py): a still stretch (under
    # drop_level of the clip's contrast above its floor; min_rest inside the footage, any length at its edges)
    # where the hands' presence in the field (0-1 of the video's own range) is presence_drop under its mean over
    # the moving frames within drop_context seconds either side is a rest: the hands withdrew (left the view, or
    # went to lie at its edge), where a hold or inspect keeps them at the work; 0 turns it off.
    presence_drop: float = 0.0
    drop_level: float = 0.3
    drop_context: float = 4.0
    # A still stretch is a rest only when the hands are away, or this much stiller than while working
    # (log units of their motion: 1.0 = e times less): still hands at the work site are a hold.
    rest_depth: float = 1.6
    rest_depth_long: float = 0.6  # the same on takes of 45 s and more (interpolated from 15 s)
    # On long takes, hands still in view while the palm detector sees no open hand are most often
    # closed on something (holding, inspecting): there they must be this much stiller (interpolated
    # like rest_depth_long); hands lying open in view keep rest_depth_long. Without a palm detector,
    # rest_depth_long applies.
    rest_depth_closed: float = 1.3
    # Hands both stiller and less present in the working field than at work: the mean of the hands'
    # activity (0 rest floor, 1 working level) and their presence in the field (0-1 of the video's own
    # range) under this is a rest, on takes of 45 s and more (from 0, off, at 15 s: interpolated).
    idle_level: float = 0.4
    # Hands away while something moves (the head, the scene) is a rest when it lasts this share of the
    # footage, at most away_cap seconds; away_share = 1 turns it off. On a 10-s excerpt, cut around the work,
    # half of it: fingertips working at the frame's lower edge are seen by no hand cue (session 46, homes).
    away_share: float = 0.5
    away_cap: float = 5.0
    # Short footage has short steps: the minimum step is this share of its length, never under the floor.
    min_step_share: float = 0.14
    min_step_floor: float = 1.5
    hand_weight: float = 0.5  # weight of where the hands work (presence, position) among the change features
    max_cpd_frames: int = 3000  # longer working runs are pooled first (exact kernel CPD is O(n^2))
    # On excerpts up to 15 s the change-point penalty is further multiplied by this (interpolated up to 1
    # at 45 s): their steps last 1.5-3 s, with few frames each to show their change.
    penalty_short: float = 0.5
    # Where the interpolation reaches 1 (session 39 scanned it: real takes of 60-70 s have 2-4-s steps too).
    penalty_short_until: float = 45.0
    penalty: float = 2.0  # multiplies the data-driven change-point penalty
    # The same where the expert says nothing that marks a step (no transcript, or no discourse marker or
    # sentence boundary in it): no speech cue then supports a weak change point, so motion alone must
    # show it, and continuous work (steps that touch, no rest between) was under-split (session 33).
    penalty_silent: float = 1.5
    # A gap between two steps shorter than this (seconds) is closed at one boundary inside it (a speech
    # pause, else the quietest moment): nothing there to review, and it strands questions; a lead-in
    # or tail shorter than max_edge_gap goes to the first or last step. 0 turns either off.
    max_gap: float = 1.5
    max_edge_gap: float = 0.5
    # A change point within pause_snap seconds of a still moment of at least pause_min seconds (activity
    # under pause_level of the clip's contrast above its floor) moves to the middle of that pause.
    pause_snap: float = 0.5
    pause_min: float = 0.8
    pause_level: float = 0.15
    speech_window: float = 2.0  # a discourse marker supports a weak change point this close
    # A sentence after a pause opens a step only where the hands move otherwise on either side: the
    # distance of their mean features over 3 s before and after (the units of hold_similarity) at
    # least this; 0 lets every such sentence near a weak change point open a step.
    pause_change: float = 0.8
    # Rhythm prior (experiment, off by default: 0): a run of work whose activity repeats with a clear
    # period of rhythm_min..rhythm_max seconds (autocorrelation peak at least rhythm_corr, two periods at
    # least) is cut into round(length / period) steps; rhythm_place "cpd" lets the kernel CPD place that
    # many change points, "min" puts them at the activity minima nearest the even cuts.
    rhythm_corr: float = 0.0
    rhythm_min: float = 1.5
    rhythm_max: float = 8.0
    rhythm_place: str = "cpd"
    rhythm_max_duration: float = 45.0  # only footage up to this long (excerpts)
    # Count by relative gain (experiment, off by default: 0): on footage up to count_max_duration, a run
    # of work gets the largest number of change points whose last one still lowers the kernel cost by
    # count_gain of the run's cost without any change point (an elbow, not a fixed penalty).
    count_gain: float = 0.0
    count_max_duration: float = 45.0
    # A silent still stretch (min_rest inside the footage, any length at its start) that ends within
    # this many seconds of a spoken sentence's start is a rest (the expert announces the next step as
    # the hands come back) when it is announce_depth stiller than the work (log units, as rest_depth;
    # 0: any still stretch); 0 turns it off.
    announce_window: float = 1.0
    announce_depth: float = 0.0
    # ... and only a sentence of at least this many words, or one opening with a discourse marker,
    # announces a step: "bon", "voilà", "euh" as the hands come back announce nothing.
    announce_min_words: int = 3
    # What the hands hold (experiment, off by default: 0; issue 13 item 2): where the motion carries the
    # hand-landmark columns (``hand_landmarks.grasp_features``: finger curls, pinch, hand count), they join
    # the change features with this weight. grasp_veto > 0: on footage up to grasp_max_duration, a change
    # point where a hand's shape was seen on both sides but changed less than grasp_veto (the largest
    # ``grasp_change`` within 1 s) is dropped; grasp_boost > 0: a weak change point where it changed more
    # than grasp_boost is added. Measured and not adopted: docs/ARCHITECTURE.md, Segmentation.
    grasp_weight: float = 0.0
    grasp_veto: float = 0.0
    grasp_boost: float = 0.0
    grasp_max_duration: float = 45.0
    # What is being worked on (issue 13): where the motion carries ``appearance_change``
    # (``appearance.appearance_features``: an ImageNet embedding of the working field, the distance of its
    # means 1.5 s before and after each moment, 0-2; the default analysis computes it on footage up to
    # ``MotionSettings.appearance_max_duration``, the same 45 s, when the weights are installed), on footage
    # up to appearance_max_duration a change point whose largest appearance change within 1 s is under
    # appearance_veto is dropped. Adopted at 0.40 (chosen on the tuning sets; the real report half and the
    # fresh group gained, nothing held out lost: docs/ARCHITECTURE.md, Segmentation); without the column
    # (no weights, longer footage) nothing is vetoed. appearance_boost > 0: a weak change point where it
    # reaches appearance_boost is added (measured, not adopted).
    appearance_veto: float = 0.40
    appearance_boost: float = 0.0
    appearance_max_duration: float = 45.0
    # Boundary timing (session 38, experiment, off by default: refine_radius 0; tests/benchmarks/
    # bench_boundary_timing.py): after the steps are final, each limit moves within refine_radius seconds to
    # where the work changes most: a limit between two touching steps to the largest two-sided contrast of the
    # change features (the distance of their means over refine_window seconds before and after, and with
    # refine_criterion "meanvar" of their spreads too), a step's start after a rest (or the footage's start) to
    # the hands' activity onset, its end before a rest to the offset (the largest rise or fall of the mean
    # activity over refine_window on either side); refine_mode "touching", "edges" or "both" says which.
    # Steps keep 0.6 minimum step and never overlap. snap_boundaries False leaves out the burst and pause
    # snapping of the change points (measured only). Measured and not adopted (held out: +0.011 pooled transition
    # F1, the report half's F1@50 -0.046): docs/ARCHITECTURE.md, Segmentation.
    refine_radius: float = 0.0
    refine_window: float = 1.5
    refine_mode: str = "both"
    refine_criterion: str = "mean"
    snap_boundaries: bool = True
    # Travel bursts (session 38; tests/benchmarks/bench_egocam38.py): inside a run of work, a short burst of
    # activity (the largest within burst_width seconds either side) standing burst_boost (log units) above the
    # median activity of both sides (burst_width to burst_context seconds away) adds a change point there (the
    # hands travel to the next gesture), at least a minimum step from the others and the run's ends; 0 turns it
    # off. Adopted at 1.5 by the pre-registered rule (egocam held out +0.026 transition F1, nothing else held out
    # moved): docs/ARCHITECTURE.md, Segmentation.
    burst_boost: float = 1.5
    burst_width: float = 0.6
    burst_context: float = 2.5
    # Frozen picture (session 39, experiment, off by default: freeze_level 0; tests/benchmarks/bench_rest_edges39.py):
    # a run of at least freeze_min seconds inside the footage where the whole frame's peak motion (``energy_peak``)
    # stays under freeze_level is the source holding one picture (a stalled stream, frames dropped and held), not
    # still hands: every motion feature there is read from its neighbours (linear between the frames on either
    # side) before the rests and change points are found. A picture frozen to the footage's start or end is left.
    freeze_level: float = 0.0
    freeze_min: float = 0.5
    # Cuts (session 42, ``segmentation/cuts.py``, tests/benchmarks/bench_cuts42.py): footage joined from several
    # takes; a frame whose histogram change is cut_ratio times its neighbours' (and at least cut_min) starts a new
    # take, and no step runs across it (a limit within cut_snap seconds, or too close to the cut for a step between
    # them, moves onto it). cut_ratio 0: off.
    cut_ratio: float = 0.0
    cut_min: float = 0.1
    cut_snap: float = 1.5
    true_count: int | None = None  # for the uniform baseline only

    def to_dict(self) -> dict:
        return asdict(self)


class Segmenter(Protocol):
    """Turns motion features (and a transcript when there is one) into step proposals."""

    name: str

    def segment(self, motion: MotionSeries, transcript: dict | None,
                settings: SegmentSettings) -> list[StepProposal]: ...


_REGISTRY: dict[str, Callable[[], Segmenter]] = {}


def register(name: str) -> Callable[[type], type]:
    """Class decorator: make a segmenter available under ``name``."""

    def deco(cls: type) -> type:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def get_segmenter(name: str) -> Segmenter:
    from media_pipeline.segmentation import _load_all

    _load_all()
    try:
        return _REGISTRY[name]()
    except KeyError:
        from media_pipeline.errors import PermanentMediaError

        raise PermanentMediaError(f"Méthode de segmentation inconnue : {name} "
                                  f"(disponibles : {', '.join(sorted(_REGISTRY))})") from None


def available() -> list[str]:
    from media_pipeline.segmentation import _load_all

    _load_all()
    return sorted(_REGISTRY)
