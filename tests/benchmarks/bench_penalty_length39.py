"""Does the change-point penalty rise too early with the footage's length (session 39)? Motion only, from the
motion cache (not part of the test suite).

Why: on excerpts up to 15 s the penalty is multiplied by ``penalty_short`` (0.5), rising to 1 at 45 s
(``penalty_short_until``). Real takes of 60-70 s (the ``long`` and ``take`` groups) have 2-4-s steps like the
excerpts, and come out with about half their steps (long 43 for 53, take 10 for 17), while the generators' long
clips have longer steps. Moving the end of the ramp later lowers the penalty on 45-120-s footage only.

    python -m tests.benchmarks.motion_cache synth_tune ego_tune real synth_held ego_held
    python -m tests.benchmarks.bench_silent_penalty groups
    python -m tests.benchmarks.bench_knob scan penalty_short_until 45,60,90,120 synth_tune,ego_tune,dev,long
    python -m tests.benchmarks.bench_knob scan penalty_short_until 45,CHOSEN synth_held,ego_held,report,fresh,take

Rule written before any number was read (pre-registered, session 39):
- grid ``penalty_short_until`` in {45 (current), 60, 90, 120} s;
- choice on the tuning sets only (``synth_tune``, ``ego_tune``, ``dev``, ``long``): the highest mean transition
  F1 (±1 s) over the four, among the values that lose at most 0.01 of F1@50 and of coverage on each of them;
  ties within 0.005 go to the current value;
- held out, read once with the chosen value (``synth_held``, ``ego_held``, ``report``, ``fresh``, ``take``):
  adopted only if the mean transition F1 gain over them is >= 0.02, no held-out set loses more than 0.02 of
  transition F1 or of F1@50, and the real sets' coverage stays >= 0.95. Otherwise the knob stays at 45.

Outcome (session 39): tuning means of transition F1 0.613 (45) / 0.610 (60) / 0.605 (90) / 0.598 (120); 60-120 lose
0.008-0.056 of F1@50 on the generators: 45 chosen, not adopted. For information after the decision, 90 held out:
synthetic 0.841 -> 0.811, egocam 0.731 -> 0.714, take 0.485 -> 0.346, report and fresh unchanged
(docs/ARCHITECTURE.md, Segmentation).
"""

if __name__ == "__main__":
    print(__doc__)
