import "../../../capsules/static/capsules/clock.js";
import "../../../capsules/static/capsules/i18n.js";

/** The page's strings (French msgids, the page's catalogue embedded by the server): capsules/static/capsules/i18n.js. */
export const { gettext, ngettext, number, parts } = globalThis.gesteI18n;

// Tiny DOM helpers (no framework: the player must stay light on phones).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else if (k === "style") el.style.cssText = v; // CSSOM: a style attribute would break the CSP
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c.nodeType ? c : document.createTextNode(String(c)));
  return el;
}

/** The one time format of the player (counter, seek bar, steps, transcript, announcements, resume):
 * m:ss, rounded down to the second like mainstream players (6.97 s reads 0:06 until 7 s). A
 * difference of two stored times that lands a hair under a second (8.2 - 2.2 = 5.999999999999999)
 * counts as that second. It is the site's one clock, capsules/static/capsules/clock.js, which the
 * admin screens load too; the server renders the same with media_pipeline/timecode.py `clock`. */
export const { EPSILON, fmt, fmtTenths } = globalThis.gesteClock;

/** "elapsed / duration" of a capsule playing at footage time `t`: the elapsed time is clamped to the
 * capsule (the video's own clock may run past its end, or sit before its start), and both sides are
 * rounded down the same way, so the counter never reads more than the duration (0:37 / 0:36). */
export function clock(t, start, end) {
  return `${fmt(elapsed(t, start, end))} / ${fmt(Math.max(0, end - start))}`;
}

/** Seconds elapsed in the capsule at footage time `t`, clamped to [0, duration]. */
export function elapsed(t, start, end) {
  return Math.min(Math.max(0, t - start), Math.max(0, end - start));
}

// Inline SVG icons: no icon font, no glyph missing on a phone without emoji fonts.
const PATHS = {
  play: "M8 5v14l11-7z",
  pause: "M6 5h4v14H6zM14 5h4v14h-4z",
  prev: "M6 5h2v14H6zM20 5v14L9 12z",
  next: "M16 5h2v14h-2zM4 5l11 7-11 7z",
  full: "M4 4h6v2H6v4H4zM14 4h6v6h-2V6h-4zM4 14h2v4h4v2H4zM18 14h2v6h-6v-2h4z",
  unfull: "M8 4h2v6H4V8h4zM14 4h2v4h4v2h-6zM4 14h6v6H8v-4H4zM14 14h6v2h-4v4h-2z",
  vol: "M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z",
  mute: "M3 9v6h4l5 5V4L7 9zm18.4 3 2.1-2.1-1.4-1.4L20 10.6l-2.1-2.1-1.4 1.4 2.1 2.1-2.1 2.1 1.4 1.4 2.1-2.1 2.1 2.1 1.4-1.4z",
};

export function icon(name) {
  const span = document.createElement("span");
  span.className = "gp-icon";
  span.setAttribute("aria-hidden", "true");
  span.innerHTML = `<svg viewBox="0 0 24 24" width="22" height="22" fill="currentColor"><path d="${PATHS[name]}"/></svg>`;
  return span;
}
