// The signed-in learner's skills block page shows their progress. Back from a capsule just played showed
// it as before (walk 24c: « pas encore commencée »): the page was requested, or restored from the
// back/forward cache, before the capsule page sent its last save (on pagehide, once the block page is
// already on its way). That save is still queued on this device (the player keeps it in localStorage
// until the server acknowledges it, and the capsule page is gone before it could hear back). Here:
// send the queued saves of this block's capsules, then fetch the page's progress again and update its
// parts marked `data-live` in place. Never a reload or any navigation (a reload aborted a navigation
// the learner had just begun), never while a pointer is down (the click it begins would be lost), and
// the focus stays on the same link.
import { postJSON, HttpError } from "../player/net.js";

const conf = document.querySelector("[data-block-live]");

// Walk 26: the placement's last answer brings the learner here (#parcours). The browser focuses the section
// (« Mon parcours »), or nothing; the placement's result, what the learner comes to read, takes the focus.
// After the load: the browser goes to the fragment (and may focus it) once the page is parsed, after this script.
function focusResult() {
  const result = document.querySelector("#parcours .path-placement-result");
  const at = document.activeElement;
  if (result && (!at || at === document.body || at.id === "parcours")) result.focus({ preventScroll: true });
}
if (location.hash === "#parcours") {
  if (document.readyState === "complete") setTimeout(focusResult, 0);
  else addEventListener("load", () => setTimeout(focusResult, 0), { once: true });
}

function queued(scope, ids) {
  let q = [];
  try { q = JSON.parse(localStorage.getItem(`geste:queue:${scope}`) || "[]"); } catch { q = []; }
  if (!Array.isArray(q)) return [];
  return q.filter((item) => {
    const m = item && item.kind === "progress" && typeof item.url === "string"
      && /^\/api\/learner\/capsules\/(\d+)\/progress$/.exec(item.url);
    return m && ids.has(m[1]);
  });
}

function forget(scope, qid) {
  const key = `geste:queue:${scope}`;
  try {
    const q = JSON.parse(localStorage.getItem(key) || "[]");
    if (Array.isArray(q)) localStorage.setItem(key, JSON.stringify(q.filter((x) => x.qid !== qid)));
  } catch { /* a queue not ours to fix */ }
}

/** Send one queued save as the player's flush does (its client_time kept: the server orders a replay by it). */
async function send(scope, item) {
  try {
    await postJSON(item.url, item.body);
    forget(scope, item.qid);
    return true;
  } catch (e) {
    if (e instanceof HttpError && e.status < 500 && e.status !== 403 && e.status !== 429) forget(scope, item.qid);
    return false;
  }
}

let pointerDown = false;
let leaving = false;
let pending = null;

const focusable = (el) => [...el.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")];

/** Replace the parts that changed; the focus, if in one of them, goes to the same link there. */
function apply(fresh) {
  if (leaving) return;
  if (pointerDown) { pending = fresh; return; }
  pending = null;
  for (const el of document.querySelectorAll("[data-live]")) {
    const now = fresh.querySelector(`[data-live="${el.dataset.live}"]`);
    if (!now || now.innerHTML === el.innerHTML) continue;
    const active = document.activeElement;
    const inside = active && active !== el && el.contains(active);
    const where = inside ? { href: active.getAttribute("href"), text: active.textContent, index: focusable(el).indexOf(active) } : null;
    // A list the learner opened stays open (CI, session 32: « 1 question obligatoire à réussir » opened by a
    // click closed again when the refresh held back by that click was applied on its pointerup).
    const opened = new Set([...el.querySelectorAll("details[open] > summary")].map((x) => x.textContent.trim()));
    el.innerHTML = now.innerHTML;
    for (const d of el.querySelectorAll("details")) {
      if (opened.has(d.querySelector(":scope > summary")?.textContent.trim())) d.open = true;
    }
    if (now.className !== el.className) el.className = now.className;
    if (where) {
      const list = focusable(el);
      const same = list.find((x) => where.href && x.getAttribute("href") === where.href && x.textContent === where.text)
        || list[Math.min(where.index, list.length - 1)];
      if (same) same.focus({ preventScroll: true });
    }
  }
  document.documentElement.dataset.blockRefreshed = String((+document.documentElement.dataset.blockRefreshed || 0) + 1);
}

async function refresh(always) {
  if (!conf || leaving || !navigator.onLine) return;
  const scope = conf.dataset.scope;
  const ids = new Set((conf.dataset.capsules || "").split(/\s+/).filter(Boolean));
  const items = scope ? queued(scope, ids) : [];
  const sent = await Promise.all(items.map((item) => send(scope, item)));
  if (!always && !sent.some(Boolean)) return;
  try {
    const r = await fetch(conf.dataset.url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } });
    if (!r.ok || leaving) return;
    apply(new DOMParser().parseFromString(await r.text(), "text/html"));
  } catch { /* offline, or the learner has gone on: the page stays as it is */ }
}

if (conf) {
  addEventListener("pointerdown", () => { pointerDown = true; }, true);
  const up = () => setTimeout(() => { pointerDown = false; if (pending) apply(pending); }, 0);
  addEventListener("pointerup", up, true);
  addEventListener("pointercancel", up, true);
  addEventListener("pagehide", () => { leaving = true; });
  // Brought back from the back/forward cache: the page as it was when the learner left it.
  addEventListener("pageshow", (e) => { if (e.persisted) { leaving = false; pointerDown = false; refresh(true); } });
  const nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  // Back or Forward may also show the page from the HTTP cache: fetch its progress again in any case.
  refresh(!!nav && nav.type === "back_forward");
}
