/* Geste — the one clock people read, in the browser: m:ss rounded down to the second like mainstream
 * players (6.97 s reads 0:06 until 7 s); a difference of two stored times that lands a hair under a
 * second (8.2 - 2.2 = 5.999999999999999) counts as that second. `fmtTenths` (editors that move
 * boundaries by a tenth: the review screen) is m:ss followed by the tenth, rounded to the nearest tenth
 * (9.584 s reads 0:09,6; walk 19: it was truncated to 0:09,5), a half up (0.35 reads 0:00,4).
 * Plain script, no build step: the admin screens load it before their own script; the player's
 * bundle imports it (frontend/src/player/dom.js). Its server twin: media_pipeline/timecode.py. */
(() => {
  "use strict";
  const EPSILON = 1e-6;
  const ok = (t) => Number.isFinite(t) && t > 0;
  const mss = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  function fmt(t) {
    return mss(ok(t) ? Math.floor(t + EPSILON) : 0);
  }
  // The tenth's separator in the page's language (0:09,6 in French, 0:09.6 in English).
  const lang = typeof document !== "undefined" ? (document.documentElement.lang || "fr").slice(0, 2).toLowerCase() : "fr";
  const sep = lang === "fr" ? "," : ".";
  function fmtTenths(t) {
    const d = ok(t) ? Math.floor(t * 10 + 0.5 + EPSILON * 10) : 0;
    return `${mss(Math.floor(d / 10))}${sep}${d % 10}`;
  }
  // A number written into a form field the same way ("4,5" / "4.5"; the server takes either).
  const decimal = (text) => String(text).replace(/[.,]/, sep);
  globalThis.gesteClock = Object.freeze({ EPSILON, fmt, fmtTenths, sep, decimal });
})();
