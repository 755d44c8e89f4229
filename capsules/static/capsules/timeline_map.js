/* Geste — the step timelines' time <-> position map (walk 38): at 360 px a short step was drawn a few pixels
 * wide, too small to see or tap. Every step piece gets at least MIN_STEP_PX (WCAG 2.2 target size) while the
 * whole still fits the track; the longer steps and the time between steps give the room back in proportion, so
 * the map is linear piece by piece and the playhead, limits, marks and taps stay on the steps' own times.
 * Plain script, no build step: the designer's capsule screen (authoring.js) and the expert's review screen
 * (review.js) load it before their own script; each builds its pieces (its own rule for overlapping steps). */
(() => {
  "use strict";
  const MIN_STEP_PX = 24;
  /** Widths and offsets (fractions of the track) for ``pieces``: [{t0, t1, step}] in time order, end to end. */
  function fit(pieces, trackPx) {
    const nSteps = pieces.filter((p) => p.step).length;
    const min = nSteps && trackPx ? Math.min(MIN_STEP_PX / trackPx, 1 / nSteps) : 0;
    const total = pieces.reduce((sum, p) => sum + (p.t1 - p.t0), 0) || 1;
    pieces.forEach((p) => { p.d = (p.t1 - p.t0) / total; p.fixed = false; });
    // The steps under the minimum get it; the others share what is left in proportion, until none is under it.
    for (let again = true; again;) {
      again = false;
      const fixedW = pieces.filter((p) => p.fixed).length * min;
      const freeD = pieces.filter((p) => !p.fixed).reduce((sum, p) => sum + p.d, 0);
      const k = freeD > 0 ? (1 - fixedW) / freeD : 0;
      for (const p of pieces) {
        p.w = p.fixed ? min : p.d * k;
        if (p.step && !p.fixed && p.w < min - 1e-9) { p.fixed = true; again = true; }
      }
    }
    let x = 0;
    for (const p of pieces) { p.x0 = x; x += p.w; }
    return pieces;
  }
  const xOf = (pieces, t) => {
    const p = pieces.find((q) => t <= q.t1) || pieces[pieces.length - 1];
    return p.x0 + (p.t1 > p.t0 ? ((Math.min(p.t1, Math.max(p.t0, t)) - p.t0) / (p.t1 - p.t0)) * p.w : 0);
  };
  const timeOf = (pieces, x) => {
    const p = pieces.find((q) => x <= q.x0 + q.w) || pieces[pieces.length - 1];
    return p.t0 + (p.w > 0 ? ((Math.min(p.x0 + p.w, Math.max(p.x0, x)) - p.x0) / p.w) * (p.t1 - p.t0) : 0);
  };
  globalThis.gesteTimelineMap = Object.freeze({ MIN_STEP_PX, fit, xOf, timeOf });
})();
