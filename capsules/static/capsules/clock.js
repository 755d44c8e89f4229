/* Geste — the one clock people read, in the browser: m:ss rounded down to the second like mainstream
 * players (6.97 s reads 0:06 until 7 s); a difference of two stored times that lands a hair under a
 * second (8.2 - 2.2 = 5.999999999999999) counts as that second. `fmtTenths` (editors that move
 * boundaries by a tenth: the review screen) is m:ss followed by the tenth, rounded to the nearest tenth
 * (9.584 s reads 0:09,6; walk 19: it was truncated to 0:09,5), a half up (0.35 reads 0:00,4). `parse`
 * reads back a time a person types: seconds, or m:ss,d / h:mm:ss as these write it.
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
  /* A time typed in a form field, in seconds: "65,5" / "65.5", or the clock these functions write, copied back
   * ("1:05", "1:05,5", "1:05.5", "1:01:05"); NaN for anything else ("1:75", ":30", "1e3", "inf"). A leading
   * minus is kept for the caller's range check. The server's twin: media_pipeline/timecode.py `typed_seconds`. */
  const TYPED = /^(-?)(?:(?:([0-9]+):([0-5][0-9])|([0-9]+)):([0-5][0-9](?:[.,][0-9]*)?)|([0-9]+(?:[.,][0-9]*)?|[.,][0-9]+))$/;
  function parse(text) {
    const m = TYPED.exec(String(text).trim());
    if (!m) return NaN;
    const [, sign, hours, minutesAfterHours, minutes, seconds, plain] = m;
    const num = (x) => parseFloat(x.replace(",", "."));
    const value = plain !== undefined ? num(plain)
      : (hours ? num(hours) * 3600 : 0) + num(minutesAfterHours ?? minutes) * 60 + num(seconds);
    return Number.isFinite(value) ? (sign ? -value : value) : NaN;
  }
  globalThis.gesteClock = Object.freeze({ EPSILON, fmt, fmtTenths, sep, decimal, parse });
})();
