// The signed-in learner's block page shows their progress; two ways it showed the progress of before the
// capsule just played (walk 24c: « pas encore commencée » after Back from a capsule watched a few seconds):
// - brought back by Back from the browser's back/forward cache: load it again;
// - loaded while the player's last save was still on its way (the page is requested before the capsule's
//   page goes away and sends it): the save is still queued on this device (localStorage, this account's
//   queue; the player removes it once acknowledged), so send it here and load the page again. The server
//   merges a save sent twice.
(() => {
  window.addEventListener("pageshow", (e) => { if (e.persisted) window.location.reload(); });
  const scope = document.currentScript && document.currentScript.dataset.scope;
  if (!scope) return;
  const key = `geste:queue:${scope}`;
  const read = () => { try { const q = JSON.parse(localStorage.getItem(key) || "[]"); return Array.isArray(q) ? q : []; } catch { return []; } };
  const progress = read().filter((q) => q && q.kind === "progress" && typeof q.url === "string" && q.url.startsWith("/api/"));
  if (!progress.length || !navigator.onLine) return;
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  const csrf = m ? decodeURIComponent(m[1]) : "";
  const send = (item) => fetch(item.url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(item.body),
  }).then((r) => {
    if (!r.ok) return false;
    localStorage.setItem(key, JSON.stringify(read().filter((x) => x.qid !== item.qid)));
    return true;
  }).catch(() => false);
  Promise.all(progress.map(send)).then((sent) => { if (sent.some(Boolean)) window.location.reload(); });
})();
