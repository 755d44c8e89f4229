// Geste service worker: plays downloaded capsules offline.
// The page stores a capsule's files (low-rung MP4, captions, manifest, page, player) in a
// cache named geste-capsule-<id>; this worker answers from those caches when the network is
// gone — navigations and the manifest network-first, media cache-first with Range support
// (the video element asks for byte ranges). API POSTs are never intercepted: the page queues
// them itself while offline.

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

const OPTS = { ignoreVary: true };

function isNetworkFirst(req, url) {
  return req.mode === "navigate" || url.pathname.startsWith("/api/");
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js" || url.pathname.startsWith("/admin/")) return;
  event.respondWith(isNetworkFirst(req, url) ? networkFirst(req) : cacheFirst(req, url));
});

async function networkFirst(req) {
  try {
    return await fetch(req);
  } catch (err) {
    const hit = await caches.match(req.url, OPTS);
    if (hit) return hit;
    if (req.mode === "navigate") {
      return new Response("<!doctype html><html lang=fr><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        + "<title>Hors ligne</title><p>Vous êtes hors ligne et cette page n'a pas été téléchargée.</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    throw err;
  }
}

async function cacheFirst(req, url) {
  const hit = await caches.match(url.href, OPTS);
  if (!hit) return fetch(req);
  if (url.pathname.startsWith("/static/")) refresh(url.href); // player updates reach downloaded capsules
  const range = req.headers.get("range");
  return range ? rangeResponse(hit, range) : hit;
}

async function refresh(href) {
  try {
    const r = await fetch(href, { cache: "no-cache" });
    if (!r.ok) return;
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      if (await cache.match(href, OPTS)) await cache.put(href, r.clone());
    }
  } catch { /* offline: keep the cached copy */ }
}

async function rangeResponse(resp, range) {
  const blob = await resp.blob();
  const size = blob.size;
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m || (!m[1] && !m[2])) return new Response(blob, { status: 200, headers: resp.headers });
  let start, end;
  if (m[1]) { start = +m[1]; end = m[2] ? Math.min(+m[2], size - 1) : size - 1; }
  else { start = Math.max(0, size - +m[2]); end = size - 1; }
  if (start >= size || start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: { "Content-Type": resp.headers.get("Content-Type") || "video/mp4", "Content-Range": `bytes ${start}-${end}/${size}`,
      "Content-Length": String(end - start + 1), "Accept-Ranges": "bytes" },
  });
}
