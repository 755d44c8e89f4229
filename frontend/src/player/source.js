// Choosing how to play: native HLS where the browser has it, hls.js (a separate chunk,
// loaded only when needed) on Media Source Extensions, the low-rung MP4 otherwise — and
// always the MP4 when offline (it is what the service worker stored).

export function slowConnection() {
  if (localStorage.getItem("geste:datasaver") === "1") return true;
  const c = navigator.connection;
  return !!(c && (c.saveData || ["slow-2g", "2g", "3g"].includes(c.effectiveType)));
}

export async function attachSource(video, sources, { offline = false, slow = false, onFatal } = {}) {
  const mp4 = () => { video.src = sources.mp4; return { kind: "mp4", level: "bas", destroy() {} }; };
  const engine = localStorage.getItem("geste:engine"); // "hlsjs" | "mp4": a manual override (support, tests)
  if (offline || !sources.hls || engine === "mp4") return mp4();
  if (engine !== "hlsjs" && video.canPlayType("application/vnd.apple.mpegurl")) {
    if (slow && sources.mp4) return mp4(); // native HLS cannot be told to start low: the MP4 is the low rung
    video.src = sources.hls;
    return { kind: "native-hls", level: "auto", destroy() {} };
  }
  if (!(window.MediaSource || window.ManagedMediaSource)) return mp4();
  const { default: Hls } = await import("hls.js/light");
  if (!Hls.isSupported()) return mp4();
  const hls = new Hls({ startLevel: slow ? 0 : -1, capLevelToPlayerSize: true, maxBufferLength: slow ? 12 : 30,
    abrEwmaDefaultEstimate: slow ? 300000 : 500000 });
  const handle = { kind: "hls.js", level: slow ? 0 : "auto", hls, destroy() { hls.destroy(); } };
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
  return handle;
}
