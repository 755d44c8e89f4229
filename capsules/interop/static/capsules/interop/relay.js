/* Geste relay, framed by the SCORM launcher: polls the learner's progress on Geste (same origin,
 * the learner's session) and posts it to the launcher's origin only. */
(function () {
  "use strict";
  var root = document.getElementById("geste-relay");
  var origin = root.getAttribute("data-origin");
  var every = parseInt(root.getAttribute("data-poll-ms"), 10) || 3000;
  var state = document.getElementById("geste-relay-state");
  var login = document.getElementById("geste-relay-login");
  var done = false;

  function post(message) {
    if (origin && window.parent !== window) { window.parent.postMessage(message, origin); }
  }

  function poll() {
    fetch(root.getAttribute("data-status-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) {
          login.hidden = false; state.textContent = "Connexion à Geste nécessaire.";
          post({ type: "geste-login" });
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) { return; }
        login.hidden = true;
        post({ type: "geste-progress", capsule: root.getAttribute("data-capsule"), completed: !!data.completed,
               watched_fraction: data.watched_fraction, score: data.score });
        done = !!data.completed;
        state.textContent = done ? "Capsule terminée." :
          "Regardé\u00a0: " + Math.round((data.watched_fraction || 0) * 100) + "\u00a0%.";
      })
      .catch(function () { state.textContent = "Geste injoignable, nouvel essai dans un instant."; })
      .then(function () { if (!done) { window.setTimeout(poll, every); } });
  }
  poll();
}());
