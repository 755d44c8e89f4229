// Words in the page's language: French msgids, looked up in the catalogue the worker adds to a kept page
// (#geste-offline-i18n: the offline page's of that language, frontend/src/sw/sw.js), else the page's own
// (#geste-i18n, capsules/templatetags/geste_i18n.py: the offline page carries this file's strings).
var gesteOfflineText = (function () {
  "use strict";
  var catalogs = ["geste-offline-i18n", "geste-i18n"].map(function (id) {
    var el = document.getElementById(id);
    try { return el ? JSON.parse(el.dataset.catalog || "{}") || {} : {}; } catch (e) { return {}; }
  });
  return function gettext(msgid, params) {
    var found = msgid;
    for (var i = 0; i < catalogs.length; i++) {
      var v = catalogs[i][msgid];
      if (typeof v === "string" && v) { found = v; break; }
    }
    return params ? found.replace(/%\((\w+)\)s/g, function (all, k) { return k in params ? String(params[k]) : all; }) : found;
  };
})();

// A page served from this device's copy (the service worker's mark « Hors ligne — version du … »,
// [data-offline-stale]): its search and sign-out forms need the network. Offline they say so instead of
// failing silently: the search field reads « Hors ligne », both buttons are
// aria-disabled (« Indisponible hors ligne »), and one sent shows why under the mark. Nothing is added
// above the page until then (the player's controls stay on a phone's first screen). Back online they work.
// Back online, the mark says « De nouveau en ligne. » (end panel 28: « Hors ligne — version du … » stayed at
// the top until a reload while the answers were synced); offline again, the copy's date again.
(function () {
  "use strict";
  var mark = document.querySelector("[data-offline-stale]");
  if (!mark) { return; }
  var gettext = gesteOfflineText;
  var label = mark.textContent;
  function state() {
    var on = navigator.onLine;
    mark.textContent = on ? gettext("De nouveau en ligne.") : label;
    mark.classList.toggle("offline-back", on);
  }
  window.addEventListener("online", state);
  window.addEventListener("offline", state);
})();

(function () {
  "use strict";
  var mark = document.querySelector("[data-offline-stale]");
  if (!mark) { return; }
  var gettext = gesteOfflineText;
  var forms = [
    [document.querySelector(".site-header form.search-form"),
      gettext("Recherche indisponible hors ligne\u00a0: reconnectez-vous pour chercher dans le catalogue.")],
    [document.querySelector(".site-header form.logout-form"),
      gettext("Déconnexion indisponible hors ligne\u00a0: reconnectez-vous pour vous déconnecter.")]
  ].filter(function (f) { return f[0]; });
  if (!forms.length) { return; }
  var note = document.createElement("p");
  note.className = "offline-unavailable";
  note.setAttribute("role", "status");
  note.setAttribute("data-offline-unavailable", "");
  note.hidden = true;
  mark.insertAdjacentElement("afterend", note);
  var field = document.querySelector(".site-header form.search-form input[type=search]");
  var placeholder = field ? field.getAttribute("placeholder") : null;

  function sync() {
    var off = !navigator.onLine;
    if (!off) { note.hidden = true; note.textContent = ""; }
    // Short: at 360 px the field has ~130 px (walk 28: « Recherche indi… »); the button's title and the note
    // on sending say the rest.
    if (field) { field.setAttribute("placeholder", off ? gettext("Hors ligne") : placeholder || ""); }
    forms.forEach(function (f) {
      var button = f[0].querySelector("button");
      if (!button) { return; }
      if (off) {
        button.setAttribute("aria-disabled", "true");
        button.title = gettext("Indisponible hors ligne");
      } else {
        button.removeAttribute("aria-disabled");
        button.removeAttribute("title");
      }
    });
  }
  forms.forEach(function (f) {
    f[0].addEventListener("submit", function (ev) {
      if (navigator.onLine) { return; }
      ev.preventDefault();
      note.hidden = false;
      note.textContent = f[1];
    });
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", sync);
  sync();
})();

// The offline page: lists what this device can show without network (the capsules downloaded with
// « Télécharger pour hors ligne », kept in the caches geste-capsule-<id> and marked complete in
// localStorage under geste:offline:<id> by the player; the other pages kept by the service worker in
// geste-pages), and offers « Réessayer » once the connection is back.
(function () {
  "use strict";
  var root = document.querySelector("[data-offline-page]");
  if (!root) { return; }
  var gettext = gesteOfflineText;
  var state = root.querySelector("[data-offline-state]");
  var retry = root.querySelector("[data-offline-retry]");
  var OFFLINE_TEXT = state.textContent;

  function online(on) {
    retry.hidden = !on;
    state.textContent = on ? gettext("La connexion est revenue\u00a0: réessayez d'ouvrir la page.") : OFFLINE_TEXT;
  }
  retry.querySelector("button").addEventListener("click", function () { location.reload(); });
  window.addEventListener("online", function () { online(true); });
  window.addEventListener("offline", function () { online(false); });
  online(navigator.onLine);

  async function titleOf(resp, fallback) {
    try {
      var doc = new DOMParser().parseFromString(await resp.text(), "text/html");
      var h1 = doc.querySelector("main h1") || doc.querySelector("h1");
      var text = (h1 && h1.textContent.trim()) || doc.title;
      return text || fallback;
    } catch (e) { return fallback; }
  }
  function item(list, href, title) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href;
    a.textContent = title;
    li.appendChild(a);
    list.appendChild(li);
  }
  function pageKey(href) {  // where frontend/src/sw/sw.js keeps a visited page
    var u = new URL(href, location.href);
    return u.origin + "/__pages__" + u.pathname + u.search;
  }
  function downloaded(id) {
    try { return JSON.parse(localStorage.getItem("geste:offline:" + id) || "null"); } catch (e) { return null; }
  }

  async function list() {
    var capsules = root.querySelector("[data-offline-capsules]");
    var shown = {};
    var extra = {};  // other pages that came with a downloaded capsule
    var names = "caches" in window ? await caches.keys() : [];
    for (var i = 0; i < names.length; i++) {
      var m = /^geste-capsule-(\d+)$/.exec(names[i]);
      var meta = m && downloaded(m[1]);
      if (!meta || !meta.urls || !meta.urls.length) { continue; }  // not downloaded whole
      var href = meta.urls[0];  // the capsule's page comes first in its offline bundle
      var resp = await (await caches.open(names[i])).match(href, { ignoreVary: true })
        || await caches.match(pageKey(href), { ignoreVary: true });
      if (!resp) { continue; }  // its page went at a sign-out: it opens again once visited online
      shown[new URL(href, location.href).pathname] = true;
      item(capsules, href, await titleOf(resp, gettext("Capsule %(id)s", { id: m[1] })));
      // The other pages that came with it: its skills block (the breadcrumb's way back).
      var media = await caches.open(names[i]);
      var entries = await media.keys();
      for (var j = 0; j < entries.length; j++) {
        var u = new URL(entries[j].url);
        if (shown[u.pathname] || extra[u.pathname]) { continue; }
        var copy = await media.match(entries[j], { ignoreVary: true });
        if (copy && (copy.headers.get("Content-Type") || "").indexOf("text/html") === 0) { extra[u.pathname] = copy; }
      }
    }
    root.querySelector("[data-offline-none]").hidden = capsules.children.length > 0;
    var pages = root.querySelector("[data-offline-pages]");
    var cache = await caches.open("geste-pages");
    var keys = await cache.keys();
    for (var path in extra) {
      if (shown[path]) { continue; }
      shown[path] = true;
      item(pages, path, await titleOf(extra[path], path));
    }
    for (var k = 0; k < keys.length; k++) {
      var url = new URL(keys[k].url);
      if (url.pathname.indexOf("/__pages__/") !== 0) { continue; }
      url = new URL(url.pathname.slice("/__pages__".length) + url.search, location.href);
      if (shown[url.pathname]) { continue; }
      var page = await cache.match(keys[k]);
      if (!page) { continue; }
      var html = await page.clone().text();
      if (html.indexOf("data-geste-player") >= 0) { continue; }  // a capsule not downloaded: no video offline
      shown[url.pathname] = true;
      item(pages, url.pathname + url.search, await titleOf(page, url.pathname));
    }
    root.querySelector("[data-offline-pages-section]").hidden = pages.children.length === 0;
  }
  list().catch(function () { root.querySelector("[data-offline-none]").hidden = false; })
    .then(function () { root.dataset.listed = "1"; });
})();
