// Choosing how to play: hls.js (a separate chunk, loaded when the player starts) wherever Media Source
// Extensions exist (MediaSource, or Safari's ManagedMediaSource); the browser's own HLS only without them
// (iOS Safari before ManagedMediaSource), or when the hls.js chunk cannot be fetched; the low-rung MP4
// otherwise — and always the MP4 when offline (it is what the service worker stored). Not native HLS first:
// Chromium plays HLS itself (canPlayType answers "maybe"), and there a seek into the last ~0.2 s of a VOD
// playlist (End on the seek bar) stayed `seeking` with readyState 1 for good (stop 35, real 68-s take);
// hls.js shows the last frame at once (hls.js's own advice: Hls.isSupported() first, native as fallback).

export function slowConnection() {
  const choice = dataSaverChoice();
  if (choice !== null) return choice; // the learner's own choice (« Économiser les données ») over the browser's hint
  const c = navigator.connection;
  return !!(c && (c.saveData || ["slow-2g", "2g", "3g"].includes(c.effectiveType)));
}

/** « Économiser les données » as the learner set it on this device: true, false, or null (never set). */
export function dataSaverChoice() {
  const v = localStorage.getItem("geste:datasaver");
  return v === "1" ? true : v === "0" ? false : null;
}

export function setDataSaver(on) {
  try { localStorage.setItem("geste:datasaver", on ? "1" : "0"); } catch { /* private mode: this page only */ }
}

let hlsChunk = null;

/** The hls.js chunk, fetched once: asked for as the player starts (prefetchHls), while the page's manifest is
 * still on its way (walk 36, slow 3G: the chunk came 4.5 s after the manifest, and the player waited for it). */
function loadHls() {
  if (!(window.MediaSource || window.ManagedMediaSource)) return Promise.resolve(null);
  hlsChunk ??= import("hls.js/light").then(({ default: Hls }) => (Hls.isSupported() ? Hls : null))
    // the chunk did not come (connection lost, a proxy): the browser's own HLS, else the MP4
    .catch(() => null);
  return hlsChunk;
}

export function prefetchHls() {
  if (navigator.onLine && !["mp4", "native"].includes(localStorage.getItem("geste:engine"))) loadHls();
}

/** hls.js's timeouts and retries on a weak connection (walk 39: 400-800 ms of latency, 50 KiB/s). Its defaults
 * (a playlist given up after 20 s and 2 tries, a segment's first byte after 10 s) are for a fast link; here a
 * playlist may wait behind the page's other requests, and a segment of the lowest rung take 5 s and more (walk 39,
 * 400 ms / 50 KiB/s): longer limits, more tries, spaced out. A fatal error still falls back to the MP4 (player.js). */
function loadPolicies(slow) {
  if (!slow) return {};
  const policy = (ttfb, load, tries) => ({ default: {
    maxTimeToFirstByteMs: ttfb, maxLoadTimeMs: load,
    timeoutRetry: { maxNumRetry: tries, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: tries, retryDelayMs: 2000, maxRetryDelayMs: 16000 } } });
  return { manifestLoadPolicy: policy(20000, 40000, 3), playlistLoadPolicy: policy(20000, 40000, 4),
    fragLoadPolicy: policy(20000, 120000, 6) };
}

/** hls.js's first bandwidth estimate (bit/s) from what the browser measured: `navigator.connection.downlink`
 * (Mbit/s, Chromium; also under DevTools / CDP emulation), 70 % of it (an estimate, and the page's other
 * requests share the link), within 100 kbit/s - 5 Mbit/s (hls.js's own ceiling for a default estimate); null
 * where the browser says nothing (Firefox, Safari). Walk 40: at 150 ms / 50 KiB/s Chromium rates the link « 4g »
 * (downlink 0.4) and hls.js, left to its bitrate test, fetched the lowest rung's first segment to time it, threw
 * it away and fetched it again: the first 6 s twice before the picture. */
export function deviceEstimate() {
  const d = navigator.connection?.downlink;
  if (!(d > 0)) return null;
  return Math.round(Math.min(Math.max(d * 1e6 * 0.7, 1e5), 5e6));
}

export async function attachSource(video, sources, { offline = false, slow = false, onFatal, startAt } = {}) {
  const mp4 = () => { video.src = sources.mp4; return { kind: "mp4", level: "bas", destroy() {} }; };
  // "hlsjs" | "native" | "mp4": a manual override (support, tests)
  const engine = localStorage.getItem("geste:engine");
  if (offline || !sources.hls || engine === "mp4") return mp4();
  const native = !!video.canPlayType("application/vnd.apple.mpegurl") && engine !== "hlsjs";
  const Hls = engine === "native" && native ? null : await loadHls();
  if (!Hls) {
    if (!native) return mp4();
    // Native HLS cannot be told to start low: the MP4 instead (360p: the stream-only 240p rung has none, the MP4
    // being the copy kept offline; a source under 360p has one rung, its MP4).
    if (slow && sources.mp4) return mp4();
    video.src = sources.hls;
    return { kind: "native-hls", level: "auto", destroy() {} };
  }
  let handleStart = null, started = false;
  // A weak connection fetches no segment before « Lecture » (as the MP4's preload="metadata" did): the
  // playlists only, the poster stands in; the first play starts the loading (hls.js's autoStartLoad).
  // The start rendition: the lowest on a weak connection (data saving, Save-Data, 2g/3g); else the best one the
  // browser's downlink estimate carries (deviceEstimate), with no bitrate test; without one, hls.js's own way
  // (the lowest rung's first segment fetched to time the link, then the start level; 500 kbit/s meanwhile).
  const estimate = slow ? null : deviceEstimate();
  const hls = new Hls({ startLevel: slow ? 0 : -1, capLevelToPlayerSize: true, maxBufferLength: slow ? 12 : 30,
    // At most 30 s ahead (12 on a weak connection): hls.js alone buffers up to 60 MB, i.e. a whole capsule
    // fetched before « Lecture » (walk 35: the 68-s take's 12 segments, 4.3 MB, on opening the page).
    maxMaxBufferLength: slow ? 12 : 30, testBandwidth: estimate === null,
    abrEwmaDefaultEstimate: slow ? 300000 : estimate ?? 500000, autoStartLoad: !slow, ...loadPolicies(slow) });
  if (slow) {
    // From the resume point (or a time chosen before « Lecture »), placed before any metadata (walk 36): from
    // 0 and then a seek, the first play fetched the capsule's first segments for nothing.
    const start = () => {
      if (started) return;
      started = true;
      video.removeEventListener("play", start);
      hls.startLoad(startAt ? startAt() : -1);
    };
    handleStart = start;
    video.addEventListener("play", start);
  }
  const handle = { kind: "hls.js", level: slow ? 0 : "auto", hls, destroy() { hls.destroy(); },
    /** « Réessayer » after a long wait for data: loading again from where the video stands. */
    retry() {
      if (handleStart && !started) { handleStart(); return; }
      hls.stopLoad();
      hls.startLoad(video.currentTime > 0 ? video.currentTime : -1);
    } };
  let recovered = false;
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, d) => { handle.level = d.level; video.dispatchEvent(new Event("geste-level")); });
  hls.on(Hls.Events.ERROR, (_e, d) => {
    if (!d.fatal) return;
    if (d.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) { recovered = true; hls.recoverMediaError(); return; }
    hls.destroy();
    if (onFatal) onFatal(d);
  });
  hls.loadSource(sources.hls);
  hls.attachMedia(video);
  // « Lecture » pressed before the hls.js chunk had come (walk 39, 400 ms / 50 KiB/s: it came ~5 s after the
  // controls): the element is already playing, its `play` event gone, and nothing started the loading: the
  // master playlist only, then a spinner for good. Started now, after loadSource (which stops any loading).
  if (handleStart && !video.paused) handleStart();
  return handle;
}
