// Geste service worker: plays downloaded capsules offline and keeps the learner pages visited.
// The page stores a capsule's files (low-rung MP4, captions, manifest, page, its block's page,
// player) in a cache named geste-capsule-<id>; this worker answers from those caches when the
// network is gone — navigations and the manifest network-first, media cache-first with Range
// support (the video element asks for byte ranges). API POSTs are never intercepted: the page
// queues them itself while offline.
//
// Pages visited online that the site marks keepable (X-Geste-Offline: 1, cms/offline.py: catalogue,
// certification, skills block and capsule pages) are kept in geste-pages for the account that saw
// them (X-Geste-Scope); a navigation answered with another scope (sign-out, another account) empties
// that cache first. Offline, a kept page is served with the mark « Hors ligne — version du 4 décembre à
// 23:27 », its search and sign-out forms saying « indisponible hors ligne » (cms/static/cms/offline.js)
// until the connection is back; a page never kept gets the offline page (/hors-ligne/, kept at install), which lists
// the capsules downloaded on this device.
//
// Languages: the offline page is kept once per language (/hors-ligne/?lang=xx: the worker fetches it
// without cookies, so the language is in the URL), the one of the browser at install, and the one of each
// page the learner reads online (X-Geste-Lang, cms/offline.py: the header's language link or the browser's)
// the first time it is seen. Offline, a page never kept gets the offline page in the language of the last
// page seen online. A kept page's mark and offline.js's words come from the page's own catalogue, else
// from the catalogue of the offline page of the page's language.

const OPTS = { ignoreVary: true };
const PAGES = "geste-pages";
const SHELL = "geste-shell";
const SHELL_URL = "/hors-ligne/";
const LANG_KEY = "/__lang__";
const SCOPE_KEY = "/__scope__";
const SAVED_AT = "X-Geste-Saved-At";
const MAX_PAGES = 40;

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(keepShell().catch(() => {}));
});
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function shellUrl(lang) {
  return `${SHELL_URL}?lang=${encodeURIComponent(lang)}`;
}

// The offline page in `lang` (the browser's language when none) and the files it needs, rendered without
// the account (one copy for all).
async function keepShell(lang) {
  const resp = await fetch(lang ? shellUrl(lang) : SHELL_URL, { credentials: "omit", cache: "no-store" });
  if (!resp.ok) return;
  const shown = lang || resp.headers.get("X-Geste-Lang") || "fr";
  const html = await resp.clone().text();
  const cache = await caches.open(SHELL);
  await cache.put(shellUrl(shown), resp);
  if (!(await cache.match(LANG_KEY))) await cache.put(LANG_KEY, new Response(shown));
  for (const m of html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)) {
    try {
      const r = await fetch(m[1], { cache: "no-store" });
      if (r.ok) await cache.put(m[1], r);
    } catch { /* the page still shows without it */ }
  }
}

function isNetworkFirst(req, url) {
  return req.mode === "navigate" || url.pathname.startsWith("/api/");
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js" || url.pathname.startsWith("/admin/")) return;
  if (req.method !== "GET") {
    // Signing out: the pages kept for this account go before the next person uses the device.
    if (req.method === "POST" && url.pathname.endsWith("/deconnexion/")) event.waitUntil(forget());
    return;
  }
  if (req.mode === "navigate") event.respondWith(navigate(event, req));
  else event.respondWith(isNetworkFirst(req, url) ? networkFirst(req) : cacheFirst(req, url));
});

async function navigate(event, req) {
  let saving = Promise.resolve();
  try {
    const resp = await fetch(req);
    saving = Promise.all([remember(req, resp.clone()).catch(() => {}), followLanguage(resp).catch(() => {})]);
    event.waitUntil(saving);
    return resp;
  } catch (err) {
    const pages = await caches.open(PAGES);
    const hit = (await pages.match(pageKey(req.url), OPTS)) || (await caches.match(req.url, OPTS));
    if (hit) return marked(hit);
    const shell = await offlinePage();
    const headers = { "Content-Type": "text/html; charset=utf-8" };
    if (shell) return new Response(await shell.blob(), { status: 503, headers });
    return new Response("<!doctype html><html lang=fr><meta charset=utf-8><meta name=viewport content='width=device-width'>"
      + "<title>Hors ligne</title><p>Vous êtes hors ligne et cette page n'a pas été téléchargée.</p>",
      { status: 503, headers });
  }
}

// The language the learner reads (each HTML page online says it): the offline page is kept in it.
async function followLanguage(resp) {
  const lang = resp.headers.get("X-Geste-Lang");
  if (!lang || !/^[a-z]{2,3}$/.test(lang)) return;
  const cache = await caches.open(SHELL);
  const last = await cache.match(LANG_KEY);
  if (!last || (await last.text()) !== lang) await cache.put(LANG_KEY, new Response(lang));
  if (!(await cache.match(shellUrl(lang)))) await keepShell(lang);
}

// The offline page in the language of the last page seen online, else any copy kept.
async function offlinePage() {
  const cache = await caches.open(SHELL);
  const last = await cache.match(LANG_KEY);
  const hit = last && (await cache.match(shellUrl(await last.text())));
  if (hit) return hit;
  for (const r of await cache.keys()) {
    if (new URL(r.url).pathname === SHELL_URL) return cache.match(r);
  }
  return caches.match(SHELL_URL, OPTS);
}

// Kept pages sit under /__pages__/…: a fetch of the page's own URL by a script (the download of a
// capsule) never gets this copy instead of the network's.
function pageKey(href) {
  const u = new URL(href);
  return `${u.origin}/__pages__${u.pathname}${u.search}`;
}

// What one account saw goes: the pages kept, and the page copies in the downloaded capsules (they
// show the account's name and progress; the video, captions and pictures stay on the device).
async function forget() {
  await caches.delete(PAGES);
  for (const name of await caches.keys()) {
    if (!name.startsWith("geste-capsule-")) continue;
    const cache = await caches.open(name);
    for (const r of await cache.keys()) {
      const hit = await cache.match(r);
      if (hit && (hit.headers.get("Content-Type") || "").startsWith("text/html")) await cache.delete(r);
    }
  }
}

// Keeps a keepable page for the account that saw it; another account's pages go first.
async function remember(req, resp) {
  const scope = resp.headers.get("X-Geste-Scope");
  if (scope === null) return;
  let cache = await caches.open(PAGES);
  const own = await cache.match(SCOPE_KEY);
  if (!own || (await own.text()) !== scope) {
    if (own) {
      await forget();
      cache = await caches.open(PAGES);
    }
    await cache.put(SCOPE_KEY, new Response(scope));
  }
  if (resp.status !== 200 || resp.redirected || resp.headers.get("X-Geste-Offline") !== "1") return;
  const headers = new Headers(resp.headers);
  headers.set(SAVED_AT, String(Date.now()));
  const key = pageKey(req.url);
  await cache.delete(key);  // put again at the end: the oldest pages go first past MAX_PAGES
  await cache.put(key, new Response(await resp.blob(), { status: 200, headers }));
  const keys = (await cache.keys()).filter((r) => new URL(r.url).pathname !== SCOPE_KEY);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

function two(n) { return String(n).padStart(2, "0"); }

// The worker has no page of its own: its words are looked up in the kept page's catalogue (the JSON of
// #geste-i18n's data-catalog, capsules/templatetags/geste_i18n.py), French when the page has none.
const gettext_noop = (s) => s;  // marks a msgid for makemessages (djangojs domain)
const STALE_MARK = gettext_noop("Hors ligne — version du %(date)s à %(time)s");
// The day the copy was kept, its month named in the page's language: « 4 décembre », « December 4 » (walk
// 25b: « 04/12 » read as April 12 in English).
function keptDay(at, lang) {
  try {
    return at.toLocaleDateString(lang || "fr", { day: "numeric", month: "long" });
  } catch {
    return at.toLocaleDateString("fr", { day: "numeric", month: "long" });  // an unknown language tag
  }
}
function rawCatalog(html) {
  const m = html.match(/id="geste-i18n"[^>]*data-catalog="([^"]*)"/);
  return m ? m[1] : "";
}
function pageString(html, msgid) {
  const raw = rawCatalog(html);
  if (!raw) return msgid;
  try {
    const text = raw.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    const found = JSON.parse(text)[msgid];
    return typeof found === "string" && found ? found : msgid;
  } catch {
    return msgid;
  }
}

// A kept page, with the mark that says it is this device's copy and from when.
async function marked(resp) {
  if (!(resp.headers.get("Content-Type") || "").startsWith("text/html")) return resp;
  const at = new Date(+resp.headers.get(SAVED_AT) || Date.parse(resp.headers.get("Date") || "") || Date.now());
  let html = await resp.text();
  // the offline page of the page's language: its catalogue has the mark and offline.js's words
  const lang = (html.match(/<html[^>]*\blang="([^"]*)"/) || [])[1] || "fr";
  const shell = await caches.match(shellUrl(lang.split("-")[0]), OPTS);
  const extra = shell ? rawCatalog(await shell.text()) : "";
  const parts = { date: keptDay(at, lang), time: `${two(at.getHours())}:${two(at.getMinutes())}` };
  let text = pageString(html, STALE_MARK);
  if (text === STALE_MARK && extra) text = pageString(`id="geste-i18n" data-catalog="${extra}"`, STALE_MARK);
  const label = text.replace(/%\((\w+)\)s/g, (all, k) => parts[k] ?? all);
  const mark = `<p class="offline-stale" role="status" data-offline-stale>${label}</p>`;
  html = html.replace("</head>", '<link rel="stylesheet" href="/static/cms/offline.css"></head>');
  // offline.js (kept with the offline page) makes the search and sign-out forms say they need the network
  html = html.replace("</body>", `<div id="geste-offline-i18n" hidden data-catalog="${extra}"></div>`
    + '<script src="/static/cms/offline.js"></script></body>');
  html = /<main[\s>]/.test(html) ? html.replace(/<main[\s>]/, (m) => mark + m) : html.replace(/<body[^>]*>/, (m) => m + mark);
  const headers = new Headers(resp.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

async function networkFirst(req) {
  try {
    return await fetch(req);
  } catch (err) {
    const hit = await caches.match(req.url, OPTS);
    if (hit) return hit;
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
