// Talking to the server: JSON with the CSRF token, and a queue (localStorage) for whatever
// could not be sent (offline): answers, progress, events. The queue is flushed when the
// connection returns; answers carry a client_id so a replay is never counted twice.

// The queue belongs to one account on this device (several people may share a phone): its key
// carries the account's scope (an opaque name sent in the manifest, "invite" before signing in).
// When the account changes, what another account left queued (answers, resume points, dismissed
// questions) is dropped, never sent as someone else. A visitor who signs in is the exception: as
// the server merges their session into the account, their device data joins the account too.
const QPREFIX = "geste:queue";
const SCOPE_KEY = "geste:scope";
let QKEY = `${QPREFIX}:invite`;
const parseList = (text) => { try { const v = JSON.parse(text || "[]"); return Array.isArray(v) ? v : []; } catch { return []; } };
const scoped = (k) => k === QPREFIX || k.startsWith(`${QPREFIX}:`) || /^geste:(pos|seen):/.test(k);

/** Use the queue of `scope`; adopt a visitor's data on sign-in; drop other accounts' data. Returns keys dropped. */
export function setScope(scope) {
  QKEY = `${QPREFIX}:${scope}`;
  const last = localStorage.getItem(SCOPE_KEY);
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
  if (last === "invite" && scope !== "invite") {
    const guestQueue = parseList(localStorage.getItem(`${QPREFIX}:invite`));
    if (guestQueue.length) {
      const mine = parseList(localStorage.getItem(QKEY));
      localStorage.setItem(QKEY, JSON.stringify([...mine, ...guestQueue]));
    }
    for (const k of keys) {
      const m = /^geste:(pos|seen):invite:(.+)$/.exec(k || "");
      if (m && localStorage.getItem(`geste:${m[1]}:${scope}:${m[2]}`) == null) localStorage.setItem(`geste:${m[1]}:${scope}:${m[2]}`, localStorage.getItem(k));
    }
  }
  localStorage.setItem(SCOPE_KEY, scope);
  const mineKey = (k) => k === QKEY || k.startsWith(`geste:pos:${scope}:`) || k.startsWith(`geste:seen:${scope}:`);
  const stale = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && scoped(k) && !mineKey(k)) stale.push(k);
  }
  stale.forEach((k) => localStorage.removeItem(k));
  return stale.length;
}

export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (m) return decodeURIComponent(m[1]);
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export function uuid() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class HttpError extends Error {
  constructor(status, body) { super(body && body.error ? body.error : `HTTP ${status}`); this.status = status; this.body = body; }
}

export async function getJSON(url) {
  const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!r.ok) throw new HttpError(r.status, await r.json().catch(() => null));
  return r.json();
}

export async function postJSON(url, body, opts = {}) {
  const r = await fetch(url, {
    method: "POST", credentials: "same-origin", keepalive: !!opts.keepalive,
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new HttpError(r.status, data);
  return data;
}

export function readQueue() {
  try { return parseList(localStorage.getItem(QKEY)); } catch { return []; }
}

function writeQueue(q) { localStorage.setItem(QKEY, JSON.stringify(q)); }

/** Queue a POST; items with the same `replace` key replace each other (latest progress wins).
 * Returns the queued item (its `qid` takes it out again: `dequeue`). */
export function enqueue(item) {
  const q = readQueue().filter((x) => !(item.replace && x.replace === item.replace));
  const queued = { ...item, qid: uuid(), queued_at: new Date().toISOString() };
  q.push(queued);
  writeQueue(q);
  return queued;
}

/** The server acknowledged (or refused for good) the queued item `qid`: it leaves the queue. An item
 * replaced since (a later progress, with these ranges and more) stays: it is sent next. */
export function dequeue(qid) {
  const q = readQueue();
  const rest = q.filter((x) => x.qid !== qid);
  if (rest.length !== q.length) writeQueue(rest);
}

const isNetworkError = (e) => !(e instanceof HttpError) || e.status >= 500 || e.status === 429 || e.status === 403;

let flushing = null;
/** Send every queued POST in order; returns the server answers of the items sent. */
export function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    const sent = [];
    for (const item of readQueue()) {
      try {
        const res = await postJSON(item.url, item.body);
        sent.push({ item, res });
      } catch (e) {
        if (isNetworkError(e)) break; // still offline (or session gone): keep it for later
        sent.push({ item, res: null, error: e }); // a 4xx will fail again: drop it
      }
      writeQueue(readQueue().filter((x) => x.qid !== item.qid));
    }
    return sent;
  })().finally(() => { flushing = null; });
  return flushing;
}
