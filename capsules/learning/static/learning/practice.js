// Practice without network, like capsules. Online, the page asks the service worker's caches to keep
// itself (every due item is on it, the first one shown), its styles and scripts, and the offline
// bundle of each capsule an item replays, so that "Revoir l'étape" plays offline too.
// Offline, an answer is queued (localStorage, per account) with the time it was given and the next
// due item is shown; the queue goes to the server, which grades and schedules, once the network is
// back. Each queued answer carries its own client_id: sending it twice counts once (server-side).
// Its words are in the page's language (capsules/static/capsules/i18n.js, loaded before it; the page
// embeds the catalogue of capsules/learning/, so a copy kept offline keeps its language).
(function () {
  "use strict";
  var i18n = globalThis.gesteI18n || {
    ngettext: function (one, many, n, p) {
      var s = n > 1 ? many : one;
      p = Object.assign({ n: n }, p || {});
      return s.replace(/%\((\w+)\)s/g, function (all, k) { return k in p ? String(p[k]) : all; });
    }
  };
  var ngettext = i18n.ngettext;
  var status = document.querySelector("[data-practice-status]");
  if (!status) { return; }
  var scope = status.dataset.scope || "invite";
  var KEY = "geste-practice-queue:" + scope;
  var DONE_KEY = "geste-practice-done:" + scope;
  var CACHE = "geste-practice";
  var syncUrl = status.dataset.syncUrl;
  var renderedAt = parseInt(status.dataset.renderedAt || "0", 10);
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-practice-item]"));
  var count = document.querySelector("[data-practice-count]");
  var allDone = document.querySelector("[data-practice-done]");
  var flushing = false;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function load() { return read(KEY); }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  function say(text) { status.hidden = false; status.textContent = text; }
  function token() {
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (cookie) { return decodeURIComponent(cookie[1]); }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  // Items answered since this copy of the page was made: queued, or already sent after it was cached.
  function answeredCards() {
    var cards = {};
    load().forEach(function (q) { cards[q.card] = true; });
    read(DONE_KEY).forEach(function (d) { if (d.at >= renderedAt) { cards[d.card] = true; } });
    return cards;
  }

  // Shows the first item not answered yet; the focus goes to it (or to the closing message).
  function showNext(moveFocus) {
    var answered = answeredCards();
    var left = items.filter(function (item) { return !answered[item.dataset.card]; });
    items.forEach(function (item) { item.hidden = item !== left[0]; });
    if (count && items.length) {
      count.textContent = ngettext("%(n)s question à revoir aujourd'hui", "%(n)s questions à revoir aujourd'hui",
        left.length);
    }
    if (!left.length && items.length && allDone) {
      allDone.hidden = false;
      if (moveFocus) { allDone.focus(); }
    } else if (left.length && moveFocus) {
      var first = left[0].querySelector("input:not([type=hidden]), select, [tabindex='0'], button");
      if (first) { first.focus(); }
    }
  }

  function flush() {
    var queue = load();
    if (flushing || !queue.length || !navigator.onLine || !syncUrl) { return; }
    flushing = true;
    fetch(syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token() },
      body: JSON.stringify({ reviews: queue })
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); }).then(function (data) {
      var sent = {};
      var right = 0;
      (data.results || []).forEach(function (res) {
        sent[res.client_id] = true;
        if (res.correct) { right += 1; }
      });
      var done = read(DONE_KEY).filter(function (d) { return d.at > Date.now() - 2 * 86400000; });
      queue.forEach(function (q) { if (sent[q.client_id]) { done.push({ card: q.card, at: Date.now() }); } });
      localStorage.setItem(DONE_KEY, JSON.stringify(done));
      save(load().filter(function (item) { return !sent[item.client_id]; }));
      var n = Object.keys(sent).length;
      say(ngettext("%(n)s réponse donnée hors ligne enregistrée et corrigée\u00a0: %(right)s.",
        "%(n)s réponses données hors ligne enregistrées et corrigées\u00a0: %(right)s.", n,
        { right: ngettext("%(n)s juste", "%(n)s justes", right) }));
      status.dataset.synced = String((parseInt(status.dataset.synced || "0", 10)) + n);
    }).catch(function () { /* still offline, or the session is gone: kept for next time */ })
      .then(function () { flushing = false; });
  }

  items.forEach(function (item) {
    var form = item.querySelector("form[data-practice-form]");
    form.addEventListener("submit", function (e) {
      if (navigator.onLine) { return; }
      e.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && name !== "card" && name !== "client_id") {
          fields.push([name, String(value)]);
        }
      });
      var queue = load();
      queue.push({
        card: parseInt(item.dataset.card, 10), client_id: uuid(),
        answered_at: new Date().toISOString(), fields: fields
      });
      save(queue);
      say(ngettext("Vous êtes hors ligne\u00a0: %(n)s réponse enregistrée sur cet appareil. Elle sera corrigée au retour du réseau.",
        "Vous êtes hors ligne\u00a0: %(n)s réponses enregistrées sur cet appareil. Elles seront corrigées au retour du réseau.",
        queue.length));
      showNext(true);
    });
  });

  // Online: keep this page, its assets and the replayed capsules for offline use.
  function sameOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }
  async function keep(cache, url, refresh) {
    if (!refresh && await cache.match(url, { ignoreVary: true })) { return; }
    var r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (r.ok) { await cache.put(url, r); }
  }
  async function prepareOffline() {
    if (!navigator.onLine || !("serviceWorker" in navigator) || !("caches" in window) || !status.dataset.sw) { return; }
    await navigator.serviceWorker.register(status.dataset.sw, { scope: "/" });
    await navigator.serviceWorker.ready;
    var cache = await caches.open(CACHE);
    var own = await cache.match("/__scope__");
    if (own && (await own.text()) !== scope) {  // another account's copy: not for this one
      await caches.delete(CACHE);
      cache = await caches.open(CACHE);
    }
    await cache.put("/__scope__", new Response(scope));
    await keep(cache, status.dataset.practiceUrl, true);
    var assets = [];
    document.querySelectorAll("link[rel=stylesheet][href], script[src], img[src]").forEach(function (el) {
      var url = el.getAttribute("href") || el.getAttribute("src");
      if (sameOrigin(url)) { assets.push(new URL(url, location.href).pathname); }
    });
    for (var i = 0; i < assets.length; i++) { await keep(cache, assets[i], false); }
    var bundles = {};
    items.forEach(function (item) { if (item.dataset.offlineBundle) { bundles[item.dataset.offlineBundle] = true; } });
    for (var url in bundles) {
      var r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!r.ok) { continue; }
      var bundle = await r.json();
      var media = await caches.open(bundle.cache);
      for (var j = 0; j < bundle.urls.length; j++) { await keep(media, bundle.urls[j], j === 0); }
      // the player reads this key to play its MP4 offline (frontend/src/player/player.js)
      localStorage.setItem("geste:offline:" + bundle.capsule, JSON.stringify({ at: Date.now(), urls: bundle.urls }));
    }
    status.dataset.offlineReady = "1";
  }

  showNext(false);
  window.addEventListener("online", flush);
  flush();
  prepareOffline().catch(function () { /* storage refused or network lost: online use is unaffected */ });
})();
