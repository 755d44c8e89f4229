// Practice without network: an answer given offline is queued (localStorage) with the time it was given,
// and sent to the server, which grades it and schedules the question, as soon as the network is back.
// Each queued answer carries a client_id: sending it twice counts once.
(function () {
  "use strict";
  var KEY = "geste-practice-queue";
  var form = document.querySelector("form[data-practice-form]");
  var status = document.querySelector("[data-practice-status]");
  var syncUrl = status && status.dataset.syncUrl;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  function say(text) { if (status) { status.hidden = false; status.textContent = text; } }
  function token() {
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (cookie) { return decodeURIComponent(cookie[1]); }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function flush() {
    var queue = load();
    if (!queue.length || !navigator.onLine || !syncUrl) { return; }
    fetch(syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token() },
      body: JSON.stringify({ reviews: queue })
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); }).then(function (data) {
      var sent = {};
      (data.results || []).forEach(function (res) { sent[res.client_id] = true; });
      save(load().filter(function (item) { return !sent[item.client_id]; }));
      say(queue.length + " réponse(s) donnée(s) hors ligne enregistrée(s) et corrigée(s).");
    }).catch(function () { /* still offline: kept for next time */ });
  }

  if (form) {
    form.addEventListener("submit", function (e) {
      if (navigator.onLine) { return; }
      e.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken") { fields.push([name, String(value)]); }
      });
      var queue = load();
      queue.push({
        card: parseInt(form.elements.card.value, 10), client_id: form.elements.client_id.value,
        answered_at: new Date().toISOString(), fields: fields
      });
      save(queue);
      form.querySelector("button[type=submit]").disabled = true;
      say("Vous êtes hors ligne : réponse enregistrée sur cet appareil. Elle sera corrigée au retour du réseau.");
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
