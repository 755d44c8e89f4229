/* Geste SCORM 1.2 launcher: runs in the LMS, inside the package.
 * Finds the SCORM 1.2 API (window.API in a parent frame or the opener), embeds Geste's relay page
 * for the capsule, and turns the progress the relay posts into cmi.core.lesson_status and
 * cmi.core.score.raw. Messages are accepted only from the relay's origin. */
(function () {
  "use strict";
  var frame = document.getElementById("geste-frame");
  var statusLine = document.getElementById("geste-status");
  var relayUrl = new URL(frame.getAttribute("data-relay-url"));
  var api = null, finished = false, lastStatus = "", lastScore = null, prefix = "";

  function say(text) { statusLine.textContent = prefix + text; }

  function findAPI(win) {
    for (var depth = 0; win && depth < 10; depth++) {
      try { if (win.API) { return win.API; } } catch (e) { /* cross-origin frame: keep climbing */ }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function locate() {
    var found = findAPI(window);
    if (!found && window.opener) { found = findAPI(window.opener); }
    return found;
  }

  function set(name, value) { return api.LMSSetValue(name, String(value)) === "true"; }

  function report(data) {
    if (!api || finished) { return; }
    var changed = false;
    if (typeof data.score === "number" && isFinite(data.score) && data.score !== lastScore) {
      var raw = Math.max(0, Math.min(100, Math.round(data.score)));
      set("cmi.core.score.min", 0); set("cmi.core.score.max", 100); set("cmi.core.score.raw", raw);
      lastScore = data.score; changed = true;
    }
    var status = data.completed ? "completed" : "incomplete";
    if (status !== lastStatus) { set("cmi.core.lesson_status", status); lastStatus = status; changed = true; }
    if (changed) { api.LMSCommit(""); }
    say(data.completed ? "Capsule terminée\u00a0: résultat transmis à la plateforme." :
      "Progression\u00a0: " + Math.round((data.watched_fraction || 0) * 100) + "\u00a0% regardé.");
  }

  function finish() {
    if (api && !finished) { finished = true; api.LMSCommit(""); api.LMSFinish(""); }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== relayUrl.origin || event.source !== frame.contentWindow) { return; }
    var data = event.data;
    if (data && data.type === "geste-progress") { report(data); }
    if (data && data.type === "geste-login") { say("Connectez-vous à Geste dans le cadre ci-dessous pour enregistrer votre progression."); }
  });
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  api = locate();
  if (api && api.LMSInitialize("") === "true") {
    var current = api.LMSGetValue("cmi.core.lesson_status");
    if (!current || current === "not attempted") { set("cmi.core.lesson_status", "incomplete"); api.LMSCommit(""); }
    lastStatus = current === "completed" ? "completed" : "incomplete";
    say("Capsule ouverte depuis votre plateforme de formation.");
  } else {
    api = null;
    prefix = "Plateforme SCORM introuvable\u00a0: pas de retour de résultat. ";
    say("La capsule s'ouvre quand même.");
  }
  relayUrl.searchParams.set("origin", window.location.origin);
  frame.src = relayUrl.toString();
}());
