/* Geste — expert review screen: timeline of steps over the motion curve, drag/split/merge/rename,
 * key points, comments, approve / send back. Plain JS, no build step. Every change is saved at once
 * through the review API with the version read; a 409 shows the other reviewer's state. The screen's
 * own writes go one at a time: a change made while one is in flight waits for it and is sent with the
 * version it returned (two quick renames on a slow connection read as a conflict with oneself). */
(() => {
  "use strict";

  const root = document.getElementById("geste-review");
  if (!root) return;
  const $ = (sel) => root.querySelector(`[data-role="${sel}"]`);
  // Browsers without CSS field-sizing (the box sizes itself there) get the height from the text.
  const SIZES_ITSELF = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");
  const ds = root.dataset;
  const video = $("video");
  const track = $("track");
  const marks = $("marks");
  const curve = $("curve");
  const playheadLine = $("playhead-line");
  const timeline = $("timeline");

  let state = null;        // the last state the server sent
  let steps = [];          // local copy being edited: {id, start, end, title, keyframe_url}
  let selected = 0;        // index of the selected step
  let playhead = 0;        // seconds
  let saving = false;       // a write is in flight
  let queue = [];           // writes waiting for it, sent in order: {build, okText, stepsWrite, versioned, resolve}
  let editSeq = 0;          // local step edits made (limits, split, merge, titles...)
  let sentSeq = 0;          // ... of which the server has been sent (or given back) all up to this one
  let dragActive = false;   // a limit is being dragged: the timeline is not drawn again under the pointer
  let undoMerge = null;    // {at, version}: the last merge, undone until the next change (kept by the server)
  let videoReady = false;
  let ownSeekAt = -Infinity; // when the timeline last moved the video (its seeks are not the video's own controls')
  const OWN_SEEK_MS = 1500;   // "seeked" events this soon after are ours, however many (keys pressed in a row)
  // The footage's stored duration can be past the rendition's own end (walk 34: 68,002 s for a video of
  // 67,9 s): a seek there left Chromium's video in error, stuck « seeking », until a reload. Every seek
  // stops a frame before the video's own end, once the video knows it.
  const END_MARGIN = 0.04;
  let source = "";           // the video's address, loaded again after a media error
  let recoveries = 0;        // media errors recovered from in a row
  let recoveredAt = -Infinity;

  // The page's strings and number style (French msgids; the admin's language): capsules/static/capsules/i18n.js.
  const { gettext, ngettext, lang, parts } = globalThis.gesteI18n;
  const sec = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // A time of the video: the site's one clock (capsules/clock.js), with the tenth the editor moves by
  // (0:12,3 reads 0:12 in the player). A length stays in seconds (1,5 s).
  const fmt = (s) => globalThis.gesteClock.fmtTenths(s);
  const secs = (s) => `${sec.format(s)} s`;
  const round3 = (s) => Math.round(s * 1000) / 1000;
  // A title the pipeline gave ("Étape 3", "Étape 3 (suite)"): the server renumbers it, a merge drops it.
  const DEFAULT_TITLE = /^\s*(?:Étape|Etape)\s+\d+(?:\s*\(suite\))*\s*$/i;
  // The title someone typed; "" for none or the pipeline's default, which the screen says as the step's
  // name in the admin's language (« Étape 2 », « Step 2 »): a placeholder, never the title field's text
  // (walk 31: Tab put the caret after « Étape 1 » and the name typed was saved « Étape 1Saisir le seau »).
  const typedTitle = (s) => (DEFAULT_TITLE.test(s.title || "") ? "" : s.title || "");
  const stepName = (s, i) => typedTitle(s) || gettext("Étape %(n)s", { n: i + 1 });
  // A step's time button as a screen reader says it: « 0:02,0 – 0:05,0 : étape 1 « Titre » ».
  const stepTimeLabel = (s, i) => (typedTitle(s)
    ? gettext("%(from)s – %(to)s\u00a0: étape %(n)s «\u00a0%(title)s\u00a0»", { from: fmt(s.start), to: fmt(s.end), n: i + 1, title: typedTitle(s) })
    : gettext("%(from)s – %(to)s\u00a0: étape %(n)s", { from: fmt(s.start), to: fmt(s.end), n: i + 1 }));
  const duration = () => (state ? state.footage.duration : 0) || 1;
  /* Walk 38b: at 360 px a 2-s last step of an 80-s take was drawn 7 px wide (its number clipped, its handles on
   * each other, the playhead over it). As on the designer's timeline (authoring.js), every step block is at least
   * 24 px wide (timeline_map.js; WCAG 2.2 target size) while all fit the track, the longer steps and the time between steps
   * shrinking in proportion: time -> position is linear piece by piece (each step, each gap), and the playhead,
   * the limits, the marks, the curve, taps and drags all go through it (xOf / timeOf). The map is kept as it is
   * while a limit is dragged (the limit stays under the finger), and drawn again once it is dropped. */
  const map = globalThis.gesteTimelineMap;  // timeline_map.js
  let pieces = null;  // [{t0, t1, x0, w, step}] in fractions of the track; null: linear
  function layoutPieces() {
    const span = duration();
    const out = [];
    let t = 0;
    for (const s of [...steps].sort((a, z) => a.start - z.start)) {
      const t0 = Math.max(t, Math.max(0, s.start));
      const t1 = Math.min(span, s.end);
      if (t1 <= t0) continue;
      if (t0 > t) out.push({ t0: t, t1: t0 });
      out.push({ t0, t1, step: true });
      t = t1;
    }
    if (t < span) out.push({ t0: t, t1: span });
    pieces = out.length ? map.fit(out, track.clientWidth) : null;
  }
  const xOf = (t) => (pieces ? map.xOf(pieces, t) : t / duration());
  const timeOf = (x) => (pieces ? map.timeOf(pieces, x) : x * duration());
  const pct = (t) => `${100 * xOf(t)}%`;
  const widthPct = (a, z) => `${100 * (xOf(z) - xOf(a))}%`;
  const allowed = () => Boolean(state && state.permissions.can_edit);  // what the page shows as editable
  // Whether an edit may start now: also while a write is in flight (the edit is sent after it).
  const canEdit = () => allowed();
  const edited = () => { editSeq += 1; };

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  function message(text, kind = "error") {
    const box = $("message");
    box.textContent = text;
    box.dataset.kind = kind;
    box.hidden = !text;
    // Walk 32: at 360 px a refused title was announced but shown at the top of the page, out of sight, while
    // the field below went back to « Étape 3 »: an error or a conflict is brought into view.
    if (text && kind !== "info") {
      const r = box.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) box.scrollIntoView({ block: "nearest" });
    }
  }

  /* Whether the keyboard focus is nowhere a keyboard user can go on from (the page's body, or an
   * element a redraw removed or hid): then an action puts it somewhere that makes sense. */
  function focusLost() {
    const a = document.activeElement;
    // A button disabled under the focus (« Renvoyer » once sent back) keeps it, where no key acts.
    return !a || a === document.body || !a.isConnected || !a.getClientRects().length || Boolean(a.disabled);
  }
  const focusable = (e) => Boolean(e && e !== document.body && e.isConnected && !e.disabled && !e.closest("[hidden]")
    && e.getClientRects().length);
  /* Focus the first of the candidates that can take it; a title field gets its caret at the end. */
  function focusFirst(...candidates) {
    const target = candidates.find(focusable);
    if (!target) return false;
    target.focus();
    if (target.tagName === "TEXTAREA") target.setSelectionRange(target.value.length, target.value.length);
    return true;
  }
  const titleField = (i) => $("steps").querySelector(`[data-step-title="${i}"]`);
  /* The title field of step i while the expert types in it (a redraw of the timeline keeps what is typed). */
  const typing = (i) => (document.activeElement === titleField(i) ? titleField(i) : null);
  /* The step the keyboard is on: its time, title or « Annuler la fusion » in the list, or its block on
   * the timeline; -1 elsewhere. M, C, N and P act from it (walk 19: they acted on the step selected
   * earlier, another one than the step the focus was on). */
  function focusedStep(node = document.activeElement) {
    if (!node || !node.closest) return -1;
    const block = node.closest(".geste-timeline__step");
    if (block && track.contains(block)) return +block.dataset.stepIndex;
    const item = node.closest(".geste-steps > li");
    return item && $("steps").contains(item) ? [...$("steps").children].indexOf(item) : -1;
  }

  async function api(url, method, body) {
    const res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": ds.csrf, "X-Requested-With": "fetch" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await res.json(); } catch (e) { data = { detail: gettext("Réponse illisible du serveur.") }; }
    return { status: res.status, data };
  }

  function accept(newState) {
    state = newState;
    steps = state.steps.map((s) => ({ ...s }));
    // The server keeps the steps from before the last merge until another change is saved: the undo
    // is offered after a reload too.
    undoMerge = state.undo_merge ? { at: state.undo_merge.at, version: state.version } : null;
    selected = Math.min(selected, Math.max(0, steps.length - 1));
    render();
  }

  async function load() {
    const { status, data } = await api(ds.stateUrl, "GET");
    if (status !== 200) { message(data.detail || gettext("Chargement impossible.")); return; }
    const first = state === null;
    accept(data);
    if (first) setupVideo();
  }

  /* A write, queued behind the one in flight: its body is built when it is sent, from the latest
   * state (the version the previous write returned, all the local step changes). Resolves to whether
   * it was saved. A steps write already waiting takes the new change with it (one write for both). */
  function send(url, method, body, okText, { stepsWrite = false } = {}) {
    const build = typeof body === "function" ? body : () => body;
    const versioned = stepsWrite || (body && typeof body === "object" && "version" in body) || typeof body === "function";
    if (stepsWrite) {
      const waiting = queue.find((w) => w.stepsWrite);
      if (waiting) {
        const before = waiting.build;  // its extras (a merge to keep undoable), then the latest steps and version
        waiting.build = () => ({ ...before(), ...build() });
        waiting.okText = okText || waiting.okText;
        return waiting.done;
      }
    }
    const write = { url, method, build, okText, stepsWrite, versioned };
    write.done = new Promise((resolve) => { write.resolve = resolve; });
    queue.push(write);
    $("saved").textContent = gettext("Enregistrement…");
    if (!saving) drain();
    return write.done;
  }

  async function drain() {
    saving = true;
    root.classList.add("is-saving");
    while (queue.length) {
      const write = queue.shift();
      let sentRefs = null;
      if (write.stepsWrite) { sentRefs = steps.slice(); sentSeq = editSeq; }
      write.resolve(await transmit(write, sentRefs));
    }
    saving = false;
    root.classList.remove("is-saving");
  }

  /* The writes that depend on the steps read (a version) go no further once one failed: they were
   * built on what the server refused. Key points and comments, which carry no version, still go. */
  function dropVersioned() {
    queue = queue.filter((w) => { if (w.versioned) { w.resolve(false); return false; } return true; });
  }

  /* One write; on 409 show the other reviewer's state, on 400 the errors, then resync. */
  async function transmit(write, sentRefs) {
    $("saved").textContent = gettext("Enregistrement…");
    try {
      const { status, data } = await api(write.url, write.method, write.build());
      if (status === 200 || status === 201) {
        message("");
        received(data, sentRefs);
        // An okText of "" says nothing: the status itself says what changed (sent back, walk 28b).
        $("saved").textContent = queue.length ? gettext("Enregistrement…") : (write.okText ?? gettext("Modifications enregistrées."));
        return true;
      }
      dropVersioned();
      if (write.stepsWrite || status === 409) dropUndo();  // the steps the undo history stood on are gone
      sentSeq = editSeq;  // the local changes are given up for the server's (or the last saved) steps
      if (status === 409) {
        if (data.state) accept(data.state);
        conflict(data.detail);
      } else if (status === 400) {
        message([data.detail, ...(data.errors || []).map((e) => e.message)].join(" "));
        accept(state);  // drop the invalid local change
      } else {
        message(data.detail || gettext("Erreur %(status)s.", { status }));
        accept(state);  // not saved: the screen shows the saved steps again, not the refused change
      }
      $("saved").textContent = "";
      return false;
    } catch (e) {
      dropVersioned();
      if (write.stepsWrite) dropUndo();
      sentSeq = editSeq;
      message(gettext("Connexion perdue\u00a0: la modification n'est pas enregistrée. Réessayez."));
      accept(state);
      $("saved").textContent = "";
      return false;
    }
  }

  /* A write's answer. The steps it created get their ids (the local copy keeps them: the next write
   * names them, it does not create them again). Local step changes made since it was sent are kept
   * and go with the next write; without any, the server's steps are taken as they are. */
  function received(data, sentRefs) {
    if (sentRefs && sentRefs.length === data.steps.length) {
      sentRefs.forEach((s, j) => {
        if (s.id == null) s.id = data.steps[j].id;
        if (s.standIn && s.id != null) standIns.set(s.id, s.standIn);
      });
    }
    if (editSeq === sentSeq && !dragActive) { accept(data); return; }
    state = data;
    const fresh = new Map(data.steps.map((s) => [s.id, s]));
    for (const s of steps) {
      const f = s.id != null && fresh.get(s.id);
      if (f) { s.keyframe_url = f.keyframe_url; s.keyframe_pending = f.keyframe_pending; s.confidence = f.confidence; }
    }
    undoMerge = null;  // another change follows: the merge can no longer be undone
    if (!dragActive) render();
  }

  /* Another reviewer (another tab) saved first: the screen shows their steps. Said where the expert
   * is working: the message (an alert) is scrolled into view and takes the focus, which the redrawn
   * field would otherwise have dropped onto the page's body. */
  function conflict(text) {
    message(text, "conflict");
    const box = $("message");
    box.scrollIntoView({ block: "nearest", behavior: "instant" });
    if (!root.querySelector("dialog[open]")) box.focus({ preventScroll: true });
  }

  function saveSteps(okText, extra = {}) {
    edited();
    return send(ds.stepsUrl, "PUT", () => ({
      ...extra,
      version: state.version,
      steps: steps.map((s) => ({ id: s.id ?? null, start: round3(s.start), end: round3(s.end), title: s.title || "" })),
    }), okText, { stepsWrite: true });
  }

  /* ---- timeline ---------------------------------------------------------------------------- */

  function boundaries() {
    // A handle moves the end of `prev` and/or the start of `next`; touching steps share one handle.
    const out = [];
    steps.forEach((s, i) => {
      const prev = steps[i - 1];
      if (prev && Math.abs(prev.end - s.start) < 0.0015) out.push({ prev: i - 1, next: i, time: s.start });
      else {
        if (prev) out.push({ prev: i - 1, next: null, time: prev.end });
        out.push({ prev: null, next: i, time: s.start });
      }
    });
    if (steps.length) out.push({ prev: steps.length - 1, next: null, time: steps[steps.length - 1].end });
    return out;
  }

  function bounds(b) {
    const min = state.min_step;
    let lo = 0;
    let hi = duration();
    if (b.prev !== null) lo = Math.max(lo, steps[b.prev].start + min);
    else if (b.next > 0) lo = Math.max(lo, steps[b.next - 1].end);
    if (b.next !== null) hi = Math.min(hi, steps[b.next].end - min);
    else if (b.prev < steps.length - 1) hi = Math.min(hi, steps[b.prev + 1].start);
    return [lo, hi];
  }

  function moveBoundary(b, t) {
    const [lo, hi] = bounds(b);
    const clamped = round3(Math.min(hi, Math.max(lo, t)));
    if (clamped === b.time) return clamped;  // stopped by a neighbour: no change
    edited();  // kept if a write's answer comes before this change is saved
    if (b.prev !== null) steps[b.prev].end = clamped;
    if (b.next !== null) steps[b.next].start = clamped;
    b.time = clamped;
    return clamped;
  }

  function timeAt(clientX) {
    const rect = track.getBoundingClientRect();
    return Math.min(duration(), Math.max(0, timeOf(Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)))));
  }

  function drawCurve() {
    const mc = state.motion_curve || {};
    const values = mc.values || [];
    const w = (curve.width = Math.max(300, Math.round(timeline.clientWidth)));
    const h = curve.height;
    const ctx = curve.getContext("2d");
    ctx.clearRect(0, 0, w, h);
    if (!values.length || !mc.fps) return;
    ctx.beginPath();
    ctx.moveTo(0, h);
    values.forEach((v, i) => ctx.lineTo(w * xOf(i / mc.fps), h - Math.max(0, Math.min(1, v)) * (h - 4)));
    ctx.lineTo(w * xOf(values.length / mc.fps), h);
    ctx.closePath();
    ctx.fillStyle = "rgba(0, 118, 112, 0.25)";
    ctx.strokeStyle = "rgb(0, 118, 112)";
    ctx.fill();
    ctx.stroke();
  }

  function renderTimeline() {
    // A keyboard user on a step's block (Enter, then M or S) stays on the timeline after the change.
    const onBlock = Boolean(document.activeElement && document.activeElement.closest && track.contains(document.activeElement)
      && document.activeElement.classList.contains("geste-timeline__step"));
    // A limit moved with the keys while an earlier change was being saved: its answer draws the
    // timeline again, the focus stays on the same limit (the next arrow key moves it on).
    const onHandle = track.contains(document.activeElement) && document.activeElement.classList.contains("geste-timeline__handle")
      ? [document.activeElement.dataset.prev, document.activeElement.dataset.next] : null;
    track.replaceChildren();
    if (!dragActive) layoutPieces();
    steps.forEach((s, i) => {
      const block = el("button", {
        type: "button", class: `geste-timeline__step${i === selected ? " is-selected" : ""}`,
        "data-step-index": i, "aria-pressed": i === selected ? "true" : "false",
        title: `${stepName(s, i)} (${fmt(s.start)} – ${fmt(s.end)})`,
      }, el("span", { "data-n": i + 1, text: typing(i) ? stepName({ title: typing(i).value.replace(/\s+/g, " ").trim() }, i) : stepName(s, i) }));
      // Walk 43: nothing on the timeline said which step had a comment (only the lists under it did): a
      // bubble with their number in the block's corner, read with its name (« …, 2 commentaires »).
      const said = s.id == null ? 0 : state.comments.filter((c) => c.step === s.id).length;
      if (said) {
        const words = ngettext("%(n)s commentaire", "%(n)s commentaires", said);
        block.append(el("small", { class: "geste-timeline__comments", "aria-hidden": "true", text: String(said) }),
          el("small", { class: "geste-sr-only", text: `, ${words}` }));
        block.dataset.comments = words;  // showKeyframe() puts it in the tooltip
      }
      block.style.left = pct(s.start);
      block.style.width = widthPct(s.start, s.end);
      showKeyframe(block, s);
      // A touch or click puts the playhead where it lands; Enter or Space (no pointer: detail 0) at the
      // step's start, as its time in the list does (it went to 0 s).
      block.addEventListener("click", (ev) => { seek(ev.detail === 0 ? steps[i].start : timeAt(ev.clientX)); select(i); });
      block.addEventListener("focus", () => select(i));  // the step the keyboard is on is the one M and C act on
      track.append(block);
    });
    boundaries().forEach((b) => {
      const label = limitLabel(b);
      const [lo, hi] = bounds(b);
      const handle = el("div", {
        class: "geste-timeline__handle", role: "slider", tabindex: allowed() ? 0 : -1, "aria-label": label,
        "aria-valuemin": lo.toFixed(1), "aria-valuemax": hi.toFixed(1), "aria-valuenow": b.time.toFixed(3),
        "aria-valuetext": fmt(b.time), "aria-disabled": allowed() ? "false" : "true",
        "data-prev": b.prev ?? "", "data-next": b.next ?? "",
      });
      handle.style.left = pct(b.time);
      handleLimit.set(handle, b);
      attachKeys(handle, b);
      track.append(handle);
    });
    layoutHandles();
    if (onBlock) track.querySelector(`.geste-timeline__step[data-step-index="${selected}"]`)?.focus();
    if (onHandle) track.querySelector(`.geste-timeline__handle[data-prev="${onHandle[0]}"][data-next="${onHandle[1]}"]`)?.focus();
    marks.replaceChildren(...state.key_points.map((k) => {
      const m = el("span", { class: `geste-timeline__mark is-${k.kind}`, "data-time": k.time, title: gettext("%(kind)s\u00a0: %(text)s", { kind: k.kind_label, text: k.text }) });
      m.style.left = pct(k.time);
      return m;
    }));
    drawCurve();
    placePlayhead();
  }

  /* A step's picture on its block; a step the review just made (split, moved away from its picture)
   * shows a placeholder until the server has extracted one (asked again every few seconds). */
  function showKeyframe(block, s) {
    if (s.keyframe_url && s.id != null) lastPictures.set(s.id, s.keyframe_url);
    // A step whose limits moved (a split's first half, a limit's neighbours) waits for a new picture too: its
    // last one stands in meanwhile (walk 36: striped for up to 2 s).
    const stand = s.keyframe_url ? null : s.standIn || (s.id != null && (standIns.get(s.id) || lastPictures.get(s.id))) || null;
    const picture = s.keyframe_url || stand;
    block.style.backgroundImage = picture ? `url("${picture}")` : "";
    if (stand) block.dataset.standIn = "";
    else delete block.dataset.standIn;
    const pending = !s.keyframe_url && (Boolean(s.keyframe_pending) || Boolean(stand));
    block.classList.toggle("is-keyframe-pending", pending);
    if (pending) block.dataset.keyframe = "pending";
    else delete block.dataset.keyframe;
    const label = `${stepName(s, +block.dataset.stepIndex)} (${fmt(s.start)} – ${fmt(s.end)})`;
    const said = pending ? gettext("%(step)s · image en préparation", { step: label }) : label;
    block.title = block.dataset.comments ? `${said}, ${block.dataset.comments}` : said;
  }

  /* Walk 36: a split's new half showed a striped block for seconds, until the server had made its picture.
   * Meanwhile it shows a stand-in: the video's frame at the split (drawn from the video, same origin), else the
   * parent step's picture. Kept by step id once the save gave one (the state the server sends has no stand-in). */
  const standIns = new Map();  // step id -> stand-in picture (a data: URL, or the parent's picture's address)
  const lastPictures = new Map();  // step id -> the last picture the server gave it
  function videoFrame(t) {
    if (!video || video.readyState < 2 || video.seeking || Math.abs(video.currentTime - t) > 0.25 || !video.videoWidth) return null;
    try {
      const canvas = document.createElement("canvas");
      canvas.width = 240;
      canvas.height = Math.max(1, Math.round((240 * video.videoHeight) / video.videoWidth));
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", 0.7);
    } catch (e) { return null; }  // a video of another origin taints the canvas: the parent's picture then
  }
  function standInFor(step, parent, t) {
    step.standIn = videoFrame(t) || parent.keyframe_url || parent.standIn || (parent.id != null && standIns.get(parent.id)) || null;
    if (step.standIn && step.standIn.startsWith("data:")) return;
    // The video still on its way to the split: its frame once it is there.
    const later = () => {
      const frame = videoFrame(t);
      if (!frame) return;
      step.standIn = frame;
      if (step.id != null) standIns.set(step.id, frame);
      track.querySelectorAll(".geste-timeline__step").forEach((block) => {
        const s = steps[+block.dataset.stepIndex];
        if (s && (s === step || (step.id != null && s.id === step.id))) showKeyframe(block, s);
      });
    };
    video.addEventListener("seeked", later, { once: true });
  }

  let keyframeTimer = null;
  let keyframeDelay = 2000;
  function watchKeyframes() {
    const waiting = steps.some((s) => !s.keyframe_url && s.keyframe_pending);
    if (!waiting) { clearTimeout(keyframeTimer); keyframeTimer = null; keyframeDelay = 2000; return; }
    if (keyframeTimer) return;
    keyframeTimer = setTimeout(async () => {
      keyframeTimer = null;
      keyframeDelay = Math.min(15000, keyframeDelay * 1.5);
      try {
        const { status, data } = await api(ds.stateUrl, "GET");
        if (status === 200) {
          // Only the pictures: the steps being edited here are left as they are.
          const fresh = new Map(data.steps.map((s) => [s.id, s]));
          for (const list of [steps, state.steps]) {
            for (const s of list) {
              const f = fresh.get(s.id);
              if (f && s.id != null) { s.keyframe_url = f.keyframe_url; s.keyframe_pending = f.keyframe_pending; }
            }
          }
          track.querySelectorAll(".geste-timeline__step").forEach((block) => {
            const s = steps[+block.dataset.stepIndex];
            if (s) showKeyframe(block, s);
          });
        }
      } catch (e) { /* offline for a moment: the next look tries again */ }
      watchKeyframes();
    }, keyframeDelay);
  }

  /* ---- limits under a pointer (walk 35) ------------------------------------------------------
   * On a 360-px phone the 28-px handles of a 68-s take with 12 steps covered 302 of 320 px: a 1,5-s step
   * could not be tapped, a tap on a handle did nothing, a drag on overlapping handles took the far limit
   * (stopped at once by the minimum step) and still said « Limite déplacée ». Now a handle is a thin bar
   * whose hit area reaches into each step by a share of its width only (a third for the selected step's
   * own limits, drawn large; a sixth for the others; nothing into a narrow step, which gets a wider tap
   * area instead); a drag, from a handle or (a finger) from a step near a limit, moves the limit nearest
   * to where it started; a tap on a handle selects that limit and shows its picture; a drag that ends
   * where it began saves and says nothing. */
  const handleLimit = new WeakMap();   // handle element -> its limit {prev, next, time}
  const COARSE = window.matchMedia ? window.matchMedia("(pointer: coarse)") : { matches: false };
  const NARROW_PX = 24;                // a step narrower than this keeps all its width (and gets a tap area)
  const LIMIT_TAP_PX = 4;              // a tap this close to a limit takes the limit, further: the time tapped
  const FINGER_PX = 24;                // a finger's drag from a step moves a limit this close to where it landed
  let selectedLimit = null;            // "prev,next" of the limit tapped or focused, drawn large
  const limitKey = (b) => `${b.prev ?? ""},${b.next ?? ""}`;

  /* Each handle's hit area (--hit-l / --hit-r, in px, either side of its limit), which limits are drawn
   * large, and the tap areas of the narrow steps. */
  function layoutHandles() {
    const width = track.clientWidth;
    if (!width || !state) return;
    const px = (a, z) => (xOf(z) - xOf(a)) * width;
    const reach = COARSE.matches ? 20 : 14;
    const into = (i) => {
      const w = px(steps[i].start, steps[i].end);
      if (i === selected) return Math.min(reach, w / 3);
      return w < NARROW_PX - 0.5 ? 0 : Math.min(reach, w / 6);  // a 24-px block (walk 38b) is not narrow
    };
    track.querySelectorAll(".geste-timeline__handle").forEach((h) => {
      const b = handleLimit.get(h);
      if (!b || (b.prev !== null && !steps[b.prev]) || (b.next !== null && !steps[b.next])) return;
      const gapFrom = b.next !== null && b.next > 0 ? steps[b.next - 1].end : 0;
      const gapTo = b.prev !== null && b.prev < steps.length - 1 ? steps[b.prev + 1].start : duration();
      const left = b.prev !== null ? into(b.prev) : Math.min(reach, px(gapFrom, b.time) / 2);
      const right = b.next !== null ? into(b.next) : Math.min(reach, px(b.time, gapTo) / 2);
      h.style.setProperty("--hit-l", `${left.toFixed(1)}px`);
      h.style.setProperty("--hit-r", `${right.toFixed(1)}px`);
      const key = limitKey(b);
      h.classList.toggle("is-selected", key === selectedLimit);
      h.classList.toggle("is-grip", key === selectedLimit || b.prev === selected || b.next === selected);
    });
    showNudge();
    if (dragActive) return;  // the finger's own tap area stays until it is lifted
    track.querySelectorAll(".geste-timeline__tap").forEach((t) => t.remove());
    steps.forEach((s, i) => {
      if (i === selected || px(s.start, s.end) >= NARROW_PX - 0.5) return;
      const tap = el("div", { class: "geste-timeline__tap", "aria-hidden": "true", "data-step-index": i });
      tap.style.left = `calc(${pct((s.start + s.end) / 2)} - ${NARROW_PX / 2}px)`;
      tap.style.width = `${NARROW_PX}px`;
      tap.addEventListener("click", (ev) => {
        const t = timeAt(ev.clientX);
        seek(t >= steps[i].start && t < steps[i].end ? t : steps[i].start);
        select(i);
      });
      track.append(tap);
    });
  }

  /* The limit tapped (or reached with Tab) is drawn selected; a tap also shows its picture. */
  function selectLimit(handle, show) {
    const b = handleLimit.get(handle);
    if (!b) return;
    selectedLimit = limitKey(b);
    layoutHandles();
    if (show) {
      if (!video.paused) video.pause();
      seek(b.time);
      if (document.activeElement !== handle) handle.focus({ preventScroll: true });
    }
  }

  /* The handle of the limit nearest to x (px), within `radius`; a tie goes to the one the drag heads for. */
  function nearestHandle(x, dx, radius) {
    const rect = track.getBoundingClientRect();
    let best = null;
    let bestD = Infinity;
    for (const h of track.querySelectorAll(".geste-timeline__handle")) {
      const b = handleLimit.get(h);
      if (!b) continue;
      const at = rect.left + rect.width * xOf(b.time);
      const d = Math.abs(x - at);
      const tie = Math.abs(d - bestD) < 1 && best && Math.sign(at - best.at) === Math.sign(dx);
      if (d < bestD - 1 || tie) { best = { h, at }; bestD = Math.min(d, bestD); }
    }
    return best && bestD <= radius ? best.h : null;
  }

  /* A limit brought back where it was by the hand that moved it: nothing to save, unless the timeline
   * had other changes on their way meanwhile (they go, silently). */
  function unmoved(seq0, synced) {
    if (synced && sentSeq === seq0 && !saving && !queue.length) sentSeq = editSeq;
    else if (editSeq !== sentSeq) saveSteps("");
  }

  let press = null;  // a pointer down on the timeline: {id, x0, handle, touch, drag}
  let noClickUntil = 0;
  track.addEventListener("pointerdown", (ev) => {
    if (!state || (ev.pointerType === "mouse" && ev.button !== 0)) return;
    const handle = ev.target.closest(".geste-timeline__handle");
    const touch = ev.pointerType !== "mouse";
    if (!handle && !touch) return;  // a mouse on a step: its click
    if (handle) ev.preventDefault();
    noClickUntil = 0;
    press = { id: ev.pointerId, x0: ev.clientX, y0: ev.clientY, handle, touch, drag: null };
  });
  track.addEventListener("pointermove", (ev) => {
    if (!press || ev.pointerId !== press.id) return;
    if (!press.drag) {
      const dx = ev.clientX - press.x0;
      if (Math.abs(dx) < (press.touch ? 8 : 3)) return;
      const h = canEdit() ? nearestHandle(press.x0, dx, press.handle ? Infinity : FINGER_PX) : null;
      if (!h) { press = null; return; }
      const b = handleLimit.get(h);
      press.drag = { h, b, from: b.time, seq0: editSeq, synced: editSeq === sentSeq && !saving && !queue.length,
        prev: b.prev !== null ? steps[b.prev] : null, next: b.next !== null ? steps[b.next] : null };
      dragActive = true;
      try { track.setPointerCapture(ev.pointerId); } catch (e) { /* a pointer already gone */ }
      h.classList.add("is-dragging");
      // The expert watches where the limit lands (walk 34: the picture stayed where it was).
      if (!video.paused) video.pause();
    }
    const { h, b } = press.drag;
    const t = moveBoundary(b, timeAt(ev.clientX));
    h.style.left = pct(t);
    h.setAttribute("aria-valuenow", t.toFixed(3));
    h.setAttribute("aria-valuetext", fmt(t));
    layoutBlocks();
    follow(t);
  });
  const release = (ev, cancelled) => {
    if (!press || ev.pointerId !== press.id) return;
    const { drag, handle, touch, x0, y0 } = press;
    press = null;
    if (!drag) {
      if (cancelled) return;
      if (touch) {
        tapAt(x0, y0);
        noClickUntil = performance.now() + 500;  // the click that follows, retargeted by the browser: not again
      } else if (handle) tapAt(x0, y0);  // a click on a limit: that limit, its picture (beside it: that time)
      return;
    }
    // A finger that dragged from a step: that step is not clicked too when it is lifted.
    if (touch && !handle) noClickUntil = performance.now() + 300;
    dragActive = false;
    drag.h.classList.remove("is-dragging");
    clearTimeout(followTimer);
    followTimer = null;
    const { b, from } = drag;
    if (Math.abs(b.time - from) < 0.05) {
      // Back where it started (or stopped by its neighbours): put back exactly, nothing saved or said.
      const back = b.time;
      b.time = from;
      if (b.prev !== null) steps[b.prev].end = from;
      if (b.next !== null) steps[b.next].start = from;
      if (back !== from) edited();
      drag.h.style.left = pct(from);
      layoutBlocks();
      seek(from);
      unmoved(drag.seq0, drag.synced);
      return;
    }
    pushUndo({ kind: "limit", prev: drag.prev, next: drag.next, from, to: b.time });
    relayout();  // the map of the new lengths (walk 38b: every block at least 24 px)
    seek(b.time);  // the playhead stays on the dropped limit, the picture with it
    saveSteps(gettext("Limite déplacée et enregistrée."));
  };
  track.addEventListener("pointerup", (ev) => release(ev, false));
  track.addEventListener("pointercancel", (ev) => release(ev, true));
  track.addEventListener("click", (ev) => {
    if (performance.now() < noClickUntil) { ev.stopPropagation(); ev.preventDefault(); }
  }, true);

  /* A finger's tap, taken where it landed: Chromium moves a tap's target to a nearby "tappable" element
   * (a limit, focusable, 5 px away won over the step under the finger), not its coordinates. What lies
   * there in this screen's own layout is what the tap is for: a limit (that limit, its picture), the tap
   * area of a narrow step or a step (that step, the video at the tapped time within it). */
  function tapAt(x, y) {
    const hit = document.elementsFromPoint(x, y).find((e) => track.contains(e) && e !== track);
    const handle = hit && hit.closest(".geste-timeline__handle");
    // Walk 38b: a tap at 19,6 s of a 20-s clip, in the end limit's hit area, sent the playhead to 0:20,0. Only
    // a tap on the limit's own bar (LIMIT_TAP_PX either side) takes the limit; beside it, the time tapped (a
    // drag from there still moves the limit).
    if (handle) {
      const b = handleLimit.get(handle);
      const rect = track.getBoundingClientRect();
      if (!b || Math.abs(x - (rect.left + rect.width * xOf(b.time))) <= LIMIT_TAP_PX) { selectLimit(handle, true); return; }
    }
    const block = hit && hit.closest(".geste-timeline__step, .geste-timeline__tap");
    const t = timeAt(x);
    const i = block ? +block.dataset.stepIndex : stepAt(t);
    if (i < 0 || !steps[i]) { seek(t); return; }
    seek(t >= steps[i].start && t < steps[i].end ? t : steps[i].start);
    select(i);
  }

  let pendingNudge = null;  // the arrow keys' last moves, saved once they stop: run at once by an undo
  const handleNudge = new WeakMap();  // handle element -> its move by delta seconds (arrow keys, nudge buttons)
  function attachKeys(handle, b) {
    handle.addEventListener("focus", () => selectLimit(handle, false));
    let nudgeTimer = null;
    let burst = null;  // the arrows pressed in a row: one undo, one save
    handle.addEventListener("keydown", (ev) => {
      // Arrows 0.1 s (Shift: 1 s), Page Up / Page Down 5 s, as on the playhead (↑ / ↓ too: walk 35 found them
      // acting on the playhead and not on a limit); clamped between the neighbours.
      const moves = { ArrowLeft: -0.1, ArrowDown: -0.1, ArrowRight: 0.1, ArrowUp: 0.1, PageDown: -5, PageUp: 5 };
      // Home / End: as far as the neighbours allow, as a slider's Home / End (walk 42: Home did nothing).
      const ends = { Home: 0, End: 1 };
      if (!canEdit() || !(ev.key in moves || ev.key in ends)) return;
      ev.preventDefault();
      ev.stopPropagation();
      if (ev.key in ends) nudge(bounds(b)[ends[ev.key]] - b.time);
      else nudge(moves[ev.key] * (ev.shiftKey && ev.key.startsWith("Arrow") ? 10 : 1));
    });
    const nudge = (delta) => {
      if (!burst) {
        burst = { from: b.time, seq0: editSeq, synced: editSeq === sentSeq && !saving && !queue.length,
          entry: { kind: "limit", prev: b.prev !== null ? steps[b.prev] : null, next: b.next !== null ? steps[b.next] : null,
            from: b.time, to: b.time } };
        pushUndo(burst.entry);
      }
      const t = moveBoundary(b, b.time + delta);
      burst.entry.to = t;
      handle.style.left = pct(t);
      handle.setAttribute("aria-valuenow", t.toFixed(3));
      handle.setAttribute("aria-valuetext", fmt(t));
      layoutBlocks();
      seek(t);  // the picture at the limit, as while dragging it
      clearTimeout(nudgeTimer);
      const focusKey = [b.prev, b.next].join(",");
      const flush = async () => {
        clearTimeout(nudgeTimer);
        pendingNudge = null;
        const done = burst;
        burst = null;
        if (!done) return;
        if (Math.abs(b.time - done.from) < 0.0005) {  // stopped by its neighbours: nothing moved, nothing said
          const k = undoStack.indexOf(done.entry);
          if (k >= 0) { undoStack.splice(k, 1); showUndo(); }
          unmoved(done.seq0, done.synced);
          return;
        }
        await saveSteps(gettext("Limite déplacée et enregistrée."));
        const again = [...track.querySelectorAll(".geste-timeline__handle")]
          .find((h) => [h.dataset.prev === "" ? null : +h.dataset.prev, h.dataset.next === "" ? null : +h.dataset.next]
            .join(",") === focusKey);
        // Back on the limit only if the save's redraw took the focus away (it was on the limit, now
        // gone): never from where the expert went meanwhile (a first walk: tabbed into a title, the
        // rest of the name typed there fired M, A, E once this took the focus back to the limit).
        if (again && focusLost()) again.focus();
      };
      pendingNudge = flush;
      nudgeTimer = setTimeout(flush, 600);
    };
    handleNudge.set(handle, nudge);
  }

  /* Walk 42: the buttons under the timeline move the selected limit as its arrow keys do (one undo and one save
   * for taps in a row); the row names the limit and its time. */
  const nudgeRow = root.querySelector('[data-role="nudge"]');
  const limitLabel = (b) => (b.prev !== null && b.next !== null
    ? gettext("Limite entre les étapes %(a)s et %(b)s", { a: b.prev + 1, b: b.next + 1 })
    : b.next !== null ? gettext("Début de l'étape %(n)s", { n: b.next + 1 }) : gettext("Fin de l'étape %(n)s", { n: b.prev + 1 }));
  const selectedHandle = () => [...track.querySelectorAll(".geste-timeline__handle")]
    .find((h) => handleLimit.get(h) && limitKey(handleLimit.get(h)) === selectedLimit) || null;
  function showNudge() {
    if (!nudgeRow) return;
    const h = selectedLimit !== null && canEdit() ? selectedHandle() : null;
    const b = h && handleLimit.get(h);
    nudgeRow.hidden = !b;
    if (!b) return;
    nudgeRow.querySelector('[data-role="nudge-label"]').textContent =
      gettext("%(limit)s\u00a0: %(time)s", { limit: limitLabel(b), time: fmt(b.time) });
    // Walk 42b: « +1 s » moved a limit 0,9 s (the next step keeps its minimum length), and kept doing nothing,
    // active, without a word: a button that cannot move the limit is disabled, and a shortened move is said.
    const [lo, hi] = bounds(b);
    nudgeRow.querySelectorAll("[data-nudge]").forEach((button) => {
      const up = Number(button.dataset.nudge) > 0;
      button.disabled = up ? hi - b.time < 0.05 : b.time - lo < 0.05;
    });
    if (nudgeNote.limit !== limitKey(b)) nudgeNote.textContent = "";
  }
  const nudgeNote = nudgeRow ? nudgeRow.querySelector('[data-role="nudge-note"]') : null;
  nudgeRow?.addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-nudge]");
    const h = button && selectedHandle();
    if (!h || !canEdit()) return;
    if (!video.paused) video.pause();
    const b = handleLimit.get(h);
    const asked = Number(button.dataset.nudge);
    const from = b.time;
    handleNudge.get(h)?.(asked);
    const moved = b.time - from;
    nudgeNote.limit = limitKey(b);
    nudgeNote.textContent = Math.abs(moved - asked) > 0.05
      ? gettext("Limite arrêtée à %(time)s\u00a0: chaque étape dure au moins %(min)s.",
        { time: fmt(b.time), min: gettext("%(s)s s", { s: new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(state.min_step) }) })
      : "";
    showNudge();
  });

  function placeBlocks() {
    if (!dragActive) layoutPieces();  // a drag keeps the map it started with (the limit under the finger)
    track.querySelectorAll(".geste-timeline__step").forEach((block) => {
      const s = steps[+block.dataset.stepIndex];
      if (!s) return;
      block.style.left = pct(s.start);
      block.style.width = widthPct(s.start, s.end);
    });
    layoutHandles();
  }
  function layoutBlocks() {
    placeBlocks();
    renderStepList();
  }

  /* The map drawn again (a dropped limit, a resize): every block, limit, mark, the curve and the playhead. */
  function relayout() {
    if (!state) return;
    placeBlocks();
    track.querySelectorAll(".geste-timeline__handle").forEach((h) => {
      const b = handleLimit.get(h);
      if (b) h.style.left = pct(b.time);
    });
    marks.querySelectorAll(".geste-timeline__mark").forEach((m) => { m.style.left = pct(+m.dataset.time); });
    drawCurve();
    placePlayhead();
  }

  function placePlayhead() {
    playheadLine.style.left = pct(playhead);
    $("playhead").textContent = fmt(playhead);
    playheadLine.setAttribute("aria-valuemax", duration().toFixed(1));
    playheadLine.setAttribute("aria-valuenow", playhead.toFixed(3));
    playheadLine.setAttribute("aria-valuetext", fmt(playhead));
    describeTools();  // « Scinder » says where it would cut
  }

  /* The playhead is a slider too: a keyboard alone places it (to split, to pin a key point) without
   * playing the video: arrows 0.1 s (Shift: 1 s), Page Up / Page Down 5 s, Home / End. */
  playheadLine.addEventListener("keydown", (ev) => {
    const moves = { ArrowLeft: -0.1, ArrowDown: -0.1, ArrowRight: 0.1, ArrowUp: 0.1, PageDown: -5, PageUp: 5 };
    let t = null;
    if (ev.key in moves) t = playhead + moves[ev.key] * (ev.shiftKey && ev.key.startsWith("Arrow") ? 10 : 1);
    else if (ev.key === "Home") t = 0;
    else if (ev.key === "End") t = duration();
    if (t === null) return;
    ev.preventDefault();
    ev.stopPropagation();
    seek(round3(t));
    const i = stepAt(playhead);
    if (i >= 0 && i !== selected) select(i);
  });

  /* The step a moment belongs to, as the server files key points: steps are half-open, a moment on
   * the limit between two steps is the next one's start; only the last step's end is its own. */
  function stepAt(t) {
    const i = steps.findIndex((s) => s.start <= t && t < s.end);
    return i >= 0 ? i : steps.findIndex((s) => s.start <= t && t <= s.end);
  }

  /* The last moment the video itself can show: its own duration less a frame; null until it is known. */
  function mediaEnd() {
    const d = video.duration;
    return Number.isFinite(d) && d > 0 ? Math.max(0, d - END_MARGIN) : null;
  }
  /* A time of the timeline as one the video can be sought to. */
  function playable(t) {
    const end = mediaEnd();
    const at = Math.min(duration(), Math.max(0, t));
    return end === null ? at : Math.min(at, end);
  }
  /* The video to the playhead (never past its own end). */
  function videoToPlayhead() {
    if (!videoReady || video.error) return;
    const at = playable(playhead);
    if (Math.abs(video.currentTime - at) > 0.05) { ownSeekAt = performance.now(); video.currentTime = at; }
  }

  function seek(t) {
    playhead = playable(t);
    videoToPlayhead();
    placePlayhead();
  }

  /* The picture follows a limit being dragged: the playhead at once, the video at most every 100 ms
   * (each seek decodes a frame; one per pointer move fell behind), the last position always sought. */
  let followTimer = null;
  let followAt = -Infinity;
  function follow(t) {
    playhead = playable(t);
    placePlayhead();
    if (followTimer) return;
    followTimer = setTimeout(() => {
      followTimer = null;
      followAt = performance.now();
      videoToPlayhead();
    }, Math.max(0, 100 - (performance.now() - followAt)));
  }

  function select(i) {
    if (!steps.length) return;
    selected = Math.max(0, Math.min(steps.length - 1, i));
    track.querySelectorAll(".geste-timeline__step").forEach((b) => {
      const on = +b.dataset.stepIndex === selected;
      b.classList.toggle("is-selected", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    root.querySelectorAll(".geste-steps > li").forEach((li, j) => li.classList.toggle("is-selected", j === selected));
    selectedLimit = null;
    layoutHandles();
    describeTools();
  }

  timeline.addEventListener("pointerdown", (ev) => {
    if (ev.target.closest(".geste-timeline__handle, .geste-timeline__step, .geste-timeline__tap")) return;
    seek(timeAt(ev.clientX));
    const i = stepAt(playhead);
    if (i >= 0) select(i);
  });

  /* ---- lists --------------------------------------------------------------------------------- */

  /* The step each title field was drawn for (a save's answer may have replaced the steps since). */
  const fieldStep = new WeakMap();
  const stepOfField = (field) => {
    const s = fieldStep.get(field);
    if (!s) return null;
    return steps.includes(s) ? s : steps.find((x) => s.id != null && x.id === s.id) || null;
  };
  /* A title typed but not saved yet (a title saves when its field is left: change, blur, Enter): a
   * reload or leaving the page loses it (a first walk). */
  function unsavedTitle() {
    if (!state || !allowed()) return false;
    return [...$("steps").querySelectorAll("textarea[data-step-title]")].some((field) => {
      const s = stepOfField(field);
      if (!s) return false;
      const typed = field.value.replace(/\s+/g, " ").trim();
      return typed !== typedTitle(s).replace(/\s+/g, " ").trim() && !(typed === "" && DEFAULT_TITLE.test(s.title || ""));
    });
  }
  window.addEventListener("beforeunload", (ev) => {
    if (!unsavedTitle()) return;
    ev.preventDefault();
    ev.returnValue = "";  // older browsers ask only when it is set
  });

  function renderStepList() {
    const list = $("steps");
    const active = document.activeElement;
    if (active && list.contains(active) && active.tagName === "TEXTAREA") return;  // do not disturb typing
    // The list is drawn anew: the focus on one of its buttons (a title left with Tab lands on the next
    // step's time, then the save redraws it) goes to the same button of the same step, not to the body.
    let keep = null;
    if (!keep && active && list.contains(active)) {
      const li = active.closest(".geste-steps > li");
      keep = { i: [...list.children].indexOf(li), role: active.classList.contains("geste-steps__undo") ? "undo" : "time" };
    }
    const boxes = [];
    list.replaceChildren(...steps.map((s, i) => {
      // A textarea that grows with the title, so a long title is read whole (an input cut it).
      const input = el("textarea", {
        class: "geste-steps__title", rows: 1, maxlength: 255, "aria-label": gettext("Titre de l'étape %(n)s", { n: i + 1 }),
        "data-step-title": i, disabled: !allowed(),
      });
      input.value = typedTitle(s);
      fieldStep.set(input, s);
      // An untitled step, or one with the pipeline's default title: the name the timeline gives it, as a
      // placeholder (not a saved title), so the expert reads « Étape 2 » in both places (walk 20: the list
      // showed an empty field), a screen reader says it, and what is typed, after a Tab or a click, is the
      // whole title (walk 31).
      input.placeholder = gettext("Étape %(n)s", { n: i + 1 });
      boxes.push(input);
      // The step named is shown (walk 34: titles were written without the picture): the video goes to its
      // start, unless the playhead is already inside it.
      input.addEventListener("focus", () => {
        const at = steps.indexOf(s) >= 0 ? steps.indexOf(s) : steps.findIndex((x) => s.id != null && x.id === s.id);
        select(at >= 0 ? at : i);
        const step = steps[at];
        if (step && !(playhead >= step.start && (playhead < step.end || (at === steps.length - 1 && playhead <= step.end)))) {
          seek(step.start);
        }
      });
      // The step's block on the timeline follows each key (walk 32: it kept « Étape 1 » until the field was
      // left), as text; the step's own title changes on "change", when it is saved.
      input.addEventListener("input", () => {
        grow(input);
        const at = steps.indexOf(s) >= 0 ? steps.indexOf(s) : steps.findIndex((x) => s.id != null && x.id === s.id);
        const name = track.querySelector(`.geste-timeline__step[data-step-index="${at}"] span`);
        if (name) name.textContent = stepName({ title: input.value.replace(/\s+/g, " ").trim() }, at);
      });
      input.addEventListener("change", () => {
        // The step this field was drawn for, wherever it is now: a save's answer may have replaced the
        // steps while it was typed in (a new step gets its id then); gone (a new step the server refused):
        // nothing to rename.
        let at = steps.indexOf(s);
        if (at < 0 && s.id != null) at = steps.findIndex((x) => x.id === s.id);
        if (at < 0) return;
        const step = steps[at];
        const before = step.title || "";
        const typed = input.value.replace(/\s+/g, " ").trim();
        // Typed, then wiped out: a default title stays (its field showed it as the placeholder).
        if (!typed && DEFAULT_TITLE.test(before)) { input.value = ""; return; }
        step.title = typed;
        // At once (walk 17): on a slow connection the step's block and its time kept the old title
        // until the save's answer. A save that fails gives the step its saved title back, and says so.
        showTitle(at);
        saveSteps(gettext("Titre enregistré.")).then((ok) => { if (!ok) titleNotSaved(step, before); });
      });
      // One line of text: Enter saves (as it did in the input), it adds no line break, and ends the
      // editing: the focus goes to this step's time, just before the title (it fell to the page's body),
      // so the one-letter shortcuts (A, E, K...) act again instead of being typed into the title.
      input.addEventListener("keydown", (ev) => {
        if (ev.key !== "Enter") return;
        ev.preventDefault();
        const time = input.closest("li").querySelector(".geste-steps__time");
        input.blur();  // "change": the title is saved, if it changed (after any save on its way)
        // At once, not when the save's answer draws the list again (on a slow connection the focus
        // waited on the page's body meanwhile); the redraw keeps it on this step's time.
        focusFirst(time);
      });
      const comments = state.comments.filter((c) => c.step === s.id);
      return el("li", { class: i === selected ? "is-selected" : "" },
        el("button", { type: "button", class: "geste-steps__time", text: `${fmt(s.start)} – ${fmt(s.end)}`,
          "aria-label": stepTimeLabel(s, i),
          onclick: () => { seek(s.start); select(i); }, onfocus: () => select(i) }),
        input,
        doubtful(s) ? el("span", { class: "geste-steps__doubt", text: gettext("À vérifier") }) : null,
        // Under the merged step, where the expert looks: undo it, until another change is saved.
        undoMerge && undoMerge.at === i && undoMerge.version === state.version && allowed()
          ? el("button", { type: "button", class: "button button-small button-secondary geste-steps__undo",
            text: gettext("Annuler la fusion"), onclick: undoLastMerge }) : null,
        comments.length ? el("ul", { class: "geste-steps__comments" },
          ...comments.map((c) => el("li", { text: gettext("%(author)s\u00a0: %(text)s", { author: c.author, text: c.text }) }))) : null);
    }));
    boxes.forEach(grow);
    if (keep && keep.i >= 0 && list.children.length) {
      const item = list.children[Math.min(keep.i, list.children.length - 1)];
      focusFirst(keep.role === "title" ? item.querySelector("textarea") : null,
        keep.role === "undo" ? item.querySelector(".geste-steps__undo") : null, item.querySelector(".geste-steps__time"));
    }
  }

  /* The title just typed, on the step's block in the timeline and in its time's name in the list. */
  function showTitle(i) {
    const s = steps[i];
    const block = track.querySelector(`.geste-timeline__step[data-step-index="${i}"]`);
    if (block) {
      block.querySelector("span").textContent = stepName(s, i);
      showKeyframe(block, s);  // its tooltip: title, times
    }
    const time = $("steps").children[i]?.querySelector(".geste-steps__time");
    if (time) time.setAttribute("aria-label", stepTimeLabel(s, i));
  }

  /* A rename the server did not save: the step shows its saved title again (the answer's redraw left the
   * list alone while another title was being typed), and the message says which title was lost and why.
   * A conflict with another reviewer already shows their steps and says so. */
  function titleNotSaved(step, before) {
    const box = $("message");
    if (box.dataset.kind === "conflict") return;
    const j = step.id != null ? steps.findIndex((s) => s.id === step.id) : -1;
    const now = j >= 0 ? steps[j].title || "" : before;
    if (j >= 0) {
      const field = titleField(j);
      if (field && field !== document.activeElement) { field.value = typedTitle(steps[j]); grow(field); }
      showTitle(j);
    }
    const params = { title: step.title, n: j + 1, now };
    const said = step.title
      ? (j < 0 ? gettext("Le titre «\u00a0%(title)s\u00a0» n'est pas enregistré.", params) : now
        ? gettext("Le titre «\u00a0%(title)s\u00a0» n'est pas enregistré\u00a0: l'étape %(n)s reprend son titre «\u00a0%(now)s\u00a0».", params)
        : gettext("Le titre «\u00a0%(title)s\u00a0» n'est pas enregistré\u00a0: l'étape %(n)s reste sans titre.", params))
      : (j < 0 ? gettext("Le titre effacé n'est pas enregistré.") : now
        ? gettext("Le titre effacé n'est pas enregistré\u00a0: l'étape %(n)s reprend son titre «\u00a0%(now)s\u00a0».", params)
        : gettext("Le titre effacé n'est pas enregistré\u00a0: l'étape %(n)s reste sans titre.", params));
    message(`${said} ${box.hidden ? gettext("Réessayez.") : box.textContent}`);
  }

  window.addEventListener("resize", () => $("steps").querySelectorAll("textarea").forEach(grow));
  function grow(box) {
    if (SIZES_ITSELF) return;
    box.style.height = "auto";
    box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
  }

  function renderLists() {
    renderStepList();
    const kps = $("key-points");
    // Drawn anew (a save's answer): the focus on one of its buttons stays on the same button of the same
    // key point, else on the line that took its place; it fell to the page's body.
    const active = document.activeElement;
    const kept = active && kps.contains(active) && active.closest("li[data-key-point]");
    const keep = kept ? { id: kept.dataset.keyPoint, at: [...kps.children].indexOf(kept),
      role: active.classList.contains("geste-steps__time") ? "time" : "delete" } : null;
    kps.replaceChildren(...(state.key_points.length ? state.key_points.map((k) => el("li", { class: `is-${k.kind}`, "data-key-point": k.id },
      el("button", { type: "button", class: "geste-steps__time", text: fmt(k.time), onclick: () => seek(k.time) }),
      document.createTextNode(" "),  // "0:06,0 Qualité", not "0:06,0Qualité"
      el("strong", { text: `${gettext("%(kind)s\u00a0:", { kind: k.kind_label })} ` }), document.createTextNode(`${k.text} `),
      // Only where it can be used: approved (or read-only) key points show no « Supprimer ».
      allowed() ? el("button", { type: "button", class: "button button-small button-secondary geste-kp-delete", text: gettext("Supprimer"),
        "aria-label": gettext("Supprimer le point de vigilance «\u00a0%(text)s\u00a0»", { text: k.text }),
        onclick: () => canEdit() && deleteKeyPoint(k) }) : null))
      : [el("li", { text: gettext("Aucun.") })]));
    if (keep) {
      const line = kps.querySelector(`li[data-key-point="${keep.id}"]`) || kps.children[Math.min(keep.at, kps.children.length - 1)];
      const time = line && line.querySelector(".geste-steps__time");
      const del = line && line.querySelector("button.geste-kp-delete");
      focusFirst(keep.role === "time" ? time : del, time, root.querySelector('[data-action="key-point"]'));
    }
    const comments = $("comments");
    comments.replaceChildren(...(state.comments.length ? state.comments.map((c) => {
      const step = steps.find((s) => s.id === c.step);
      return el("li", { "data-comment": c.id }, el("strong", { text: `${step ? gettext("%(author)s (%(step)s)\u00a0:", { author: c.author, step: step.title || gettext("étape") }) : gettext("%(author)s\u00a0:", { author: c.author })} ` }),
        document.createTextNode(c.text));
    }) : [el("li", { text: gettext("Aucun.") })]));
  }

  // The list is redrawn without the deleted line: focus goes to the line that took its place (or the
  // one before), else to the toolbar's « Point de vigilance », never to the page body.
  async function deleteKeyPoint(k) {
    const at = state.key_points.findIndex((x) => x.id === k.id);
    await send(`${ds.keyPointsUrl}${k.id}/`, "DELETE", undefined, gettext("Point de vigilance supprimé."));
    const buttons = $("key-points").querySelectorAll("button.geste-kp-delete");
    focusFirst(buttons[Math.min(at, buttons.length - 1)], root.querySelector('[data-action="key-point"]'), $("saved"));
  }

  function render() {
    $("status").textContent = state.footage.status_label;
    const perms = state.permissions;
    const returned = $("returned");
    returned.hidden = !(state.footage.status === "changes_requested" && state.footage.review_comment);
    // Walk 42b: the comment ran into the next sentence, its line breaks lost: set apart, its lines kept.
    const [said, after] = gettext("Renvoyée avec le commentaire\u00a0: %(comment)s", { comment: "\u0000" }).split("\u0000");
    returned.replaceChildren(said, el("span", { class: "geste-review__comment-text", text: state.footage.review_comment || "" }),
      after || "", ...(perms.can_resubmit
        ? [el("span", { class: "geste-review__next-step", text: gettext("Reprenez les étapes, puis «\u00a0Renvoyer à l'expert\u00a0».") })]
        : []));
    // Sent back to the expert by a designer (walk 28b): when, and the designer's note.
    const back = state.footage.resubmitted;
    const banner = $("resubmitted");
    banner.hidden = !back;
    banner.replaceChildren();
    if (back) {
      const at = new Date(back.at);
      const when = el("time", { datetime: back.at, text: at.toLocaleString(lang,
        { dateStyle: "long", timeStyle: "short" }) });
      banner.append(...parts(perms.can_approve ? gettext("Le concepteur vous a renvoyé les étapes le %(when)s.")
        : gettext("Renvoyées à l'expert le %(when)s."), { when }));
      if (back.note) banner.append("\n", gettext("Sa note\u00a0: %(note)s", { note: back.note }));
    }
    // Sent back (walk 28): the designer's turn. The expert's decision and editing buttons stay in view,
    // disabled, described by the note that says who acts now and what comes next.
    const withDesigner = Boolean(perms.with_designer);
    const waitNote = $("with-designer");
    waitNote.hidden = !withDesigner;
    // Approved steps are what learners see: key points and comments wait for the review to be reopened.
    const approved = state.footage.status === "approved";
    // With no step yet (footage where no hands work), only "Nouvelle étape" has something to act on.
    const stepBound = ["split", "merge", "remove", "key-point", "comment"];
    // Locked (approved, or read-only): the editing tools are hidden, not greyed with their shortcut
    // hints (a walk found them still shown, and focusable, beside approved steps). With no step yet they
    // are only disabled: « Nouvelle étape » is the way to the others. Sent back, they are disabled.
    const locked = approved || (!perms.can_edit && !withDesigner);
    for (const action of ["split", "merge", "remove", "add-step", "key-point", "comment"]) {
      const button = root.querySelector(`[data-action="${action}"]`);
      button.hidden = locked;
      button.disabled = locked || !perms.can_edit || (!steps.length && stepBound.includes(action));
      if (withDesigner) button.setAttribute("aria-describedby", waitNote.id);
      else button.removeAttribute("aria-describedby");
    }
    root.querySelector(".geste-review__toolbar").hidden = locked;
    describeTools();
    // Two of each (the toolbar's, the row under the timeline on a narrow screen: review.css shows one).
    root.querySelectorAll('[data-action="undo"], [data-action="redo"], [data-role="undo-row"]').forEach((b) => { b.hidden = locked; });
    if (!allowed()) { undoStack.length = 0; redoStack.length = 0; }  // approved, sent back, read-only: nothing to take back
    showUndo();
    showNudge();
    root.querySelector('[data-action="approve"]').disabled = !perms.can_approve || !steps.length;  // nothing to certify
    root.querySelector('[data-action="send-back"]').disabled = !perms.can_approve;
    root.querySelector('[data-action="approve"]').hidden = approved;
    root.querySelector('[data-action="send-back"]').hidden = approved;
    root.querySelector('[data-action="reopen"]').hidden = !perms.can_reopen;
    root.querySelector('[data-action="resubmit"]').hidden = !perms.can_resubmit;
    // Why the decision buttons are greyed, said where they are (walk 27: a designer saw them greyed, no word
    // why), and only that reason: who may decide for someone who may not, the missing steps for the one who
    // may (walk 29: the designated expert heard « Seul l'expert désigné, … » of himself). A button that is
    // not greyed is described by nothing; sent back, both by the note that says whose turn it is.
    const approveNote = $("approve-note");
    const decidable = ["in_review", "changes_requested"].includes(state.footage.status);
    let reason = "";
    let greyed = [];
    if (!approved && !withDesigner && decidable && !perms.can_approve) {
      reason = state.footage.expert
        ? gettext("Seul l'expert désigné, %(name)s, peut valider les étapes ou les renvoyer.", { name: state.footage.expert })
        : gettext("Seul un concepteur peut valider ces étapes ou les renvoyer.");
      greyed = ["approve", "send-back"];
    } else if (!approved && !withDesigner && perms.can_approve && !steps.length) {
      reason = gettext("Aucune étape à valider\u00a0: ajoutez-en une avec «\u00a0Nouvelle étape\u00a0».");
      greyed = ["approve"];
    }
    approveNote.hidden = !reason;
    approveNote.textContent = reason;
    for (const action of ["approve", "send-back"]) {
      const button = root.querySelector(`[data-action="${action}"]`);
      if (withDesigner) button.setAttribute("aria-describedby", waitNote.id);
      else if (greyed.includes(action)) button.setAttribute("aria-describedby", approveNote.id);
      else button.removeAttribute("aria-describedby");
    }
    // Approved steps are the truth the benchmark reads: exported once approved, never as a draft.
    $("export-truth").hidden = !approved;
    // ... and lead on to a capsule (only in the page for those who may create one).
    const next = $("capsules-next");
    if (next) next.hidden = !approved;
    const lockedNote = $("locked");
    lockedNote.hidden = !approved;
    lockedNote.textContent = perms.can_reopen
      ? gettext("Les étapes ne sont plus modifiables. «\u00a0Rouvrir la relecture\u00a0» permet de les reprendre.")
      : gettext("Les étapes ne sont plus modifiables. Pour les reprendre, demandez à un concepteur de rouvrir la relecture.");
    afterApproval(approved);
    // Dragging limits and arrow keys do nothing on approved (or read-only) steps: no help for them.
    $("edit-help").hidden = $("touch-help").hidden = $("split-help").hidden = approved || !perms.can_edit;
    root.classList.toggle("is-readonly", !perms.can_edit);
    renderTimeline();
    renderLists();
    watchKeyframes();
  }

  /* Walk 38b: « Fusionner avec la suivante » stayed enabled on the last step (a tap gave an error), and the
   * split, merge and delete buttons did not say which step they act on. Each is described (tooltip and
   * aria-describedby) by what it would do now, named by the steps' numbers and titles; « Fusionner » is
   * disabled on the last step, its tooltip saying why. Drawn again on each selection and playhead move. */
  const stepRef = (i) => (typedTitle(steps[i])
    ? gettext("l'étape %(n)s «\u00a0%(title)s\u00a0»", { n: i + 1, title: typedTitle(steps[i]) })
    : gettext("l'étape %(n)s", { n: i + 1 }));
  const capital = (text) => text.charAt(0).toLocaleUpperCase(lang) + text.slice(1);
  function describeTools() {
    if (!state) return;
    const perms = state.permissions;
    const withDesigner = Boolean(perms.with_designer);
    const approved = state.footage.status === "approved";
    const locked = approved || (!perms.can_edit && !withDesigner);
    const off = locked || !perms.can_edit || !steps.length;
    const i = Math.max(0, Math.min(selected, steps.length - 1));
    const min = state.min_step;
    const at = steps.findIndex((s) => s.start + min <= playhead && playhead <= s.end - min);
    const last = steps.length > 0 && i >= steps.length - 1;
    const says = {
      split: !steps.length ? "" : at >= 0
        ? gettext("Scinder %(step)s à %(time)s", { step: stepRef(at), time: fmt(playhead) })
        : gettext("Placez la tête de lecture dans une étape, à %(length)s au moins de ses limites.", { length: secs(min) }),
      merge: !steps.length ? "" : last
        ? gettext("%(step)s est la dernière étape\u00a0: elle n'a pas de suivante à fusionner.", { step: capital(stepRef(i)) })
        : gettext("Fusionner %(step)s avec %(next)s", { step: stepRef(i), next: stepRef(i + 1) }),
      remove: !steps.length ? "" : gettext("Supprimer %(step)s", { step: stepRef(i) }),
    };
    for (const action of ["split", "merge", "remove"]) {
      const button = root.querySelector(`.geste-review__toolbar [data-action="${action}"]`);
      const note = $(`${action}-says`);
      if (!button || !note) continue;
      if (note.textContent !== says[action]) note.textContent = says[action];
      if (button.title !== says[action]) button.title = says[action];
      const ids = [withDesigner ? "with-designer-note" : null, says[action] ? note.id : null].filter(Boolean).join(" ");
      if ((button.getAttribute("aria-describedby") || "") !== ids) {
        if (ids) button.setAttribute("aria-describedby", ids);
        else button.removeAttribute("aria-describedby");
      }
      if (action === "merge") {
        const disabled = off || last;
        if (disabled && document.activeElement === button && !off) {
          track.querySelector(`.geste-timeline__step[data-step-index="${i}"]`)?.focus({ preventScroll: true });
        }
        button.disabled = disabled;
        button.setAttribute("aria-disabled", disabled ? "true" : "false");
      }
    }
  }

  /* Approved: the way on (walk 35: nothing after the approval). The next footage awaiting this reviewer's
   * decision, as the review list orders them (the server's next_review), and the list itself. */
  function afterApproval(approved) {
    const nav = $("after-approval");
    if (!nav) return;
    nav.hidden = !approved;
    const next = approved ? state.next_review : null;
    const link = $("next-review");
    link.hidden = !next;
    if (next) {
      link.href = next.url;
      link.textContent = gettext("Relire la vidéo suivante\u00a0: «\u00a0%(title)s\u00a0»", { title: next.title });
    } else link.removeAttribute("href");
    $("next-review-note").textContent = !approved ? ""
      : !next ? gettext("Aucune autre vidéo n'attend votre relecture.")
        : next.waiting > 1 ? ngettext("%(n)s vidéo attend votre relecture.", "%(n)s vidéos attendent votre relecture.", next.waiting)
          : "";
  }

  /* ---- actions ------------------------------------------------------------------------------- */

  // The second half's title: « Rincer (suite) », « Rincer (cont.) » in English, never doubled (walk 34:
  // « Rincer (suite) (suite) »). Split again, the gesture's next piece gets the first number its steps do not
  // use, « Rincer (suite 2) », « (suite 3) » (walk 35: three steps « Rincer (suite) » could not be told apart).
  // A default title keeps the mark the server renumbers.
  const CONTINUED = /\s*\((?:suite|cont\.)(?:\s+(\d+))?\)\s*$/i;
  const gestureOf = (title) => (title || "").replace(CONTINUED, "").trim();
  function continued(title) {
    if (!title || DEFAULT_TITLE.test(title)) return !title || CONTINUED.test(title) ? title || "" : `${title} (suite)`;
    const base = gestureOf(title);
    if (!base) return title;
    // The numbers the gesture's steps use: 0 for the title alone, 1 for « (suite) », n for « (suite n) ».
    const used = new Set(steps.filter((s) => gestureOf(s.title) === base).map((s) => {
      const m = CONTINUED.exec(s.title || "");
      return m ? +(m[1] || 1) : 0;
    }));
    let n = 1;
    while (used.has(n)) n += 1;
    return n === 1 ? gettext("%(title)s (suite)", { title: base }) : gettext("%(title)s (suite %(n)s)", { title: base, n });
  }
  /* The gesture's continued pieces numbered in their order on the timeline (walk 35: splitting the first piece
   * again put « (suite 2) » before « (suite) »): « X », « X (suite) », « X (suite 2) »… left to right. */
  function renumberPieces(base) {
    if (!base) return;
    let n = 0;
    steps.forEach((s) => {
      if (gestureOf(s.title) !== base || !CONTINUED.test(s.title || "") || DEFAULT_TITLE.test(s.title || "")) return;
      n += 1;
      s.title = n === 1 ? gettext("%(title)s (suite)", { title: base }) : gettext("%(title)s (suite %(n)s)", { title: base, n });
    });
  }

  function split() {
    if (!canEdit()) return;
    const min = state.min_step;
    const i = steps.findIndex((s) => s.start + min <= playhead && playhead <= s.end - min);
    if (i < 0) { message(gettext("Placez la tête de lecture dans une étape, à %(length)s au moins de ses limites.", { length: secs(min) })); return; }
    const s = steps[i];
    const t = round3(playhead);
    const second = { id: null, start: t, end: s.end, title: continued(s.title) };
    s.end = t;
    steps.splice(i + 1, 0, second);
    standInFor(second, s, t);  // its picture meanwhile (walk 36)
    renumberPieces(gestureOf(second.title));
    pushUndo({ kind: "split", first: s, second });
    // The selection stays on the first half, whose end is the new cut (walk 38: it went to the second half, and
    // « Fusionner avec la suivante » then merged that half with the next step, where the expert expected the
    // split undone). M right after S rejoins the two halves; the status says where the cut is.
    selected = i;
    saveSteps(gettext("Étape scindée à %(time)s et enregistrée.", { time: fmt(t) }));
  }

  /* « Supprimer l'étape » (Suppr on the timeline or the list): a step proposed where no gesture is (the hands
   * idle, a look around) goes, and its time becomes a rest; a merge would have stretched a neighbour over it
   * (walk 34: merging was the only way). « Annuler » brings it back whole (the server keeps a removed step). */
  function removeStep() {
    if (!canEdit() || !steps.length) return;
    if (steps.length === 1) {
      message(gettext("C'est la seule étape\u00a0: ajustez ses limites ou scindez-la plutôt que de la supprimer."));
      return;
    }
    const i = Math.max(0, Math.min(selected, steps.length - 1));
    const gone = steps[i];
    steps.splice(i, 1);
    pushUndo({ kind: "remove", step: gone });
    selected = Math.min(i, steps.length - 1);
    renderTimeline();
    renderStepList();
    saveSteps(gettext("Étape supprimée et enregistrée\u00a0: son temps est maintenant sans étape."));
  }

  /* A step drawn by hand where none was proposed (footage where no hands were seen: no step at all):
     from the playhead, five seconds or up to the next step. */
  function addStep() {
    if (!canEdit()) return;
    const min = state.min_step;
    if (steps.some((s) => s.start <= playhead && playhead < s.end)) {
      message(gettext("La tête de lecture est dans une étape\u00a0: placez-la hors des étapes (ou scindez l'étape avec S)."));
      return;
    }
    const next = steps.findIndex((s) => s.start > playhead);
    const end = Math.min(next >= 0 ? steps[next].start : duration(), playhead + Math.max(5, min));
    if (end - playhead < min) { message(gettext("Il faut au moins %(length)s sans étape après la tête de lecture.", { length: secs(min) })); return; }
    const i = next >= 0 ? next : steps.length;
    // A default title (the server renumbers it with the others): an empty one was refused only at the
    // approval, after the confirmation; this one is named in the confirmation's default-title warning.
    const added = { id: null, start: round3(playhead), end: round3(end), title: `Étape ${i + 1}` };
    steps.splice(i, 0, added);
    pushUndo({ kind: "add", step: added });
    selected = i;
    // The new step's title is 15 Tabs away from the playhead: the focus goes there, to name it at once,
    // now, not when the save's answer comes: the letters typed meanwhile (« Mastic neuf ») went to the
    // shortcuts (M merged, C opened a comment...; walk 19). Its default title is the field's placeholder:
    // typing names the step.
    renderTimeline();
    renderStepList();
    const field = titleField(i);
    focusFirst(field);
    saveSteps(gettext("Étape ajoutée et enregistrée.")).then((ok) => {
      if (ok || !field.isConnected) return;
      // Refused (the server's steps are back): the field of a step that is not there goes, and with it
      // what was typed in it (its change renames nothing: its step is gone); the list is drawn again.
      // The message says the typed title is not kept; the letters still coming (the rest of the name)
      // fire no shortcut (walk 20: « Mastic neuf » went on as N, E — a new step drawn again —, U, F
      // once the focus had left the field).
      const typing = document.activeElement === field || document.activeElement === $("message");
      const typed = field.value.trim();
      field.blur();
      renderStepList();
      if (typing) quietLetters();
      const box = $("message");
      if (typed && typed !== `Étape ${i + 1}` && !box.hidden) {
        message(`${box.textContent} ${gettext("L'étape n'est pas ajoutée\u00a0: le titre tapé («\u00a0%(typed)s\u00a0») n'est pas gardé.", { typed })}`,
          box.dataset.kind);
      }
      if (typing || focusLost()) focusFirst(box.dataset.kind === "conflict" ? box : null,
        root.querySelector('[data-action="add-step"]'), playheadLine);
    });
  }

  /* After a refusal that took the focus out of the title being typed: the letters (and spaces) still
   * coming are the rest of that title, not shortcuts. They are dropped while they come less than a
   * second apart; after a pause, or any other key, the shortcuts act again. */
  let quietUntil = 0;
  const QUIET_MS = 1000;
  function quietLetters() { quietUntil = performance.now() + QUIET_MS; }
  let lastLetter = { key: null, at: 0 };
  const BURST_MS = 350;
  // Any other key, wherever it is pressed (Escape in a dialog, Enter in a title), ends a burst of letters;
  // so do a letter typed in a text field (it is that field's) and a click.
  document.addEventListener("keydown", (ev) => {
    const inField = ev.target && ev.target.closest && ev.target.closest("input, textarea, select, dialog, [contenteditable]");
    if (ev.key.length !== 1 || inField) lastLetter = { key: null, at: 0 };
  }, true);
  document.addEventListener("pointerdown", () => { lastLetter = { key: null, at: 0 }; }, true);  // a click between: not typing
  /* Letters dropped as typing: a short note says so, and where a step is renamed (role=status). */
  let hintTimer = null;
  function typingHint() {
    const hint = $("typing-hint");
    if (!hint) return;
    hint.textContent = gettext("Raccourci ignoré\u00a0: vous sembliez taper du texte. Cliquez dans le titre d'une étape pour le renommer.");
    clearTimeout(hintTimer);
    hintTimer = setTimeout(() => { hint.textContent = ""; }, 8000);
  }

  // A step the segmentation was unsure of: marked « À vérifier » in the list, named before approving.
  // Once approved, the expert has looked: the mark goes (back while a reopened review is open).
  const doubtful = (s) => state.footage.status !== "approved" && Boolean(s.confidence && s.confidence < 0.5);
  // Step numbers as a sentence says them: "2", "2 et 3", "2, 3 et 5".
  const numbers = (ns) => new Intl.ListFormat(lang, { type: "conjunction" }).format(ns.map(String));


  function mergedTitle(first, second) {
    const a = (first || "").trim();
    const b = (second || "").trim();
    // The same gesture's pieces (« Rincer », « Rincer (suite 2) »): the first one's title.
    if (!b || DEFAULT_TITLE.test(b) || b === a || gestureOf(b) === gestureOf(a)) return a || b;
    if (!a || DEFAULT_TITLE.test(a)) return b;
    return `${a} ; ${b}`.slice(0, 255);  // both titles kept: the expert shortens them
  }

  function merge() {
    if (!canEdit()) return;
    if (selected >= steps.length - 1) { message(gettext("La dernière étape n'a pas de suivante à fusionner.")); return; }
    const a = steps[selected];
    const b = steps[selected + 1];
    pushUndo({ kind: "merge", first: a, second: b, firstEnd: a.end, firstTitle: a.title,
      secondStart: b.start, secondEnd: b.end, secondTitle: b.title });
    a.end = b.end;
    a.title = mergedTitle(a.title, b.title);
    steps.splice(selected + 1, 1);
    // The server keeps the steps as they were, to undo the merge (« Annuler la fusion », after a reload too).
    saveSteps(gettext("Étapes fusionnées et enregistrées."), { action: "merge" });
  }

  /* Undo the last merge: the two steps come back as they were, from what the server kept: the second
   * one whole, under its old id (picture, key terms, comments, questions, key points). The server
   * refuses (409, in French) if another change was saved since. */
  function undoLastMerge() {
    // Only on the steps the merge left: not while a change is on its way (it will have replaced them).
    if (!canEdit() || saving || editSeq !== sentSeq || !undoMerge || undoMerge.version !== state.version) return;
    const { at } = undoMerge;
    undoMerge = null;
    selected = at;
    // The button pressed is gone with the merge: focus goes to the step that came back (its time in
    // the list, named after it), not to the screen's container; the message is read by the live region.
    send(ds.stepsUrl, "PUT", { version: state.version, undo: "merge" }, gettext("Fusion annulée\u00a0: les deux étapes sont revenues.")).then((ok) => {
      if (ok && undoStack.length && undoStack[undoStack.length - 1].kind === "merge") { undoStack.pop(); showUndo(); }
      select(ok ? at + 1 : at);  // the step focused is the one selected (the first one stayed selected)
      if (!ok && !focusLost()) return;  // refused (a change saved elsewhere since): the message has the focus
      const item = $("steps").children[ok ? at + 1 : at];
      const target = item && item.querySelector(".geste-steps__time");
      if (!target) return;
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "nearest" });
    });
  }

  /* ---- undo (walk 35) -------------------------------------------------------------------------
   * « Annuler » (Ctrl+Z, Cmd+Z) takes back the last split, merge, new step or moved limit, then the one
   * before: the inverse change, made on the steps as they are and saved like any other (a merged step
   * comes back under its old id, whole: the server keeps what a save removed). The history lives in the
   * page only. An entry that no longer fits the steps (changed meanwhile), or an undo the server refuses
   * (another tab saved, the steps were approved), is said, and the history is dropped: an undo never
   * builds on steps it did not see. */
  const undoStack = [];
  const UNDO_LABELS = {
    split: () => gettext("Annuler la scission"), merge: () => gettext("Annuler la fusion"),
    limit: () => gettext("Annuler le déplacement de la limite"), add: () => gettext("Annuler l'ajout de l'étape"),
    remove: () => gettext("Annuler la suppression de l'étape"),
  };
  /* Walk 36: « Rétablir » (Ctrl+Shift+Z, Cmd+Shift+Z, Ctrl+Y) does again what « Annuler » took back in this
   * page, the same change made again on the steps as they are (a step an undo removed comes back whole under
   * its old id, as an undone merge's does: action "undo"); a redo is undone like any change. Any other change
   * ends what can be redone. */
  const redoStack = [];
  const REDO_LABELS = {
    split: () => gettext("Rétablir la scission"), merge: () => gettext("Rétablir la fusion"),
    limit: () => gettext("Rétablir le déplacement de la limite"), add: () => gettext("Rétablir l'ajout de l'étape"),
    remove: () => gettext("Rétablir la suppression de l'étape"),
  };
  if (/Mac|iPhone|iPad/.test(navigator.platform || "")) {
    root.querySelectorAll('[data-role="undo-key"]').forEach((k) => { k.textContent = "⌘Z"; });
    root.querySelectorAll('[data-role="redo-key"]').forEach((r) => { r.textContent = "⇧⌘Z"; });
  }
  function pushUndo(entry, redoing = false) {
    undoStack.push(entry);
    if (undoStack.length > 100) undoStack.shift();
    if (!redoing) redoStack.length = 0;  // a new change: what was undone stays undone
    showUndo();
  }
  function dropUndo() {
    undoStack.length = 0;
    redoStack.length = 0;
    showUndo();
  }
  // Each « Annuler » and « Rétablir » (the toolbar's, the row under the timeline: one of each shown). Walk 38:
  // « Annuler » is the dialogs' « cancel » too: named « Annuler la dernière modification » (the template's
  // aria-label), the tooltip's first line says so, its second line which change it takes back.
  function showUndo() {
    const top = undoStack[undoStack.length - 1];
    for (const button of root.querySelectorAll('[data-action="undo"]')) {
      button.setAttribute("aria-disabled", top && allowed() ? "false" : "true");
      button.title = `${gettext("Annuler la dernière modification")}\n${top ? UNDO_LABELS[top.kind]() : gettext("Rien à annuler.")}`;
    }
    const next = redoStack[redoStack.length - 1];
    for (const again of root.querySelectorAll('[data-action="redo"]')) {
      again.setAttribute("aria-disabled", next && allowed() ? "false" : "true");
      again.title = `${gettext("Rétablir la modification annulée")}\n${next ? REDO_LABELS[next.kind]() : gettext("Rien à rétablir.")}`;
    }
  }
  // Said again at each press (a live region is silent when its text does not change).
  function sayAgain(text) {
    const saved = $("saved");
    if (saved.textContent === text) { saved.textContent = ""; setTimeout(() => { saved.textContent = text; }, 100); }
    else saved.textContent = text;
  }
  // A step of an entry, where it is now (the same object, or the one the server's answer put in its place).
  const entryAt = (ref) => {
    if (!ref) return -1;
    const i = steps.indexOf(ref);
    return i >= 0 || ref.id == null ? i : steps.findIndex((x) => x.id === ref.id);
  };
  const copyStep = (g, over = {}) => ({ id: g.id ?? null, start: g.start, end: g.end, title: g.title,
    keyframe_url: g.keyframe_url, keyframe_pending: g.keyframe_pending, confidence: g.confidence, ...over });

  function undo() {
    if (!state || !allowed() || dragActive) return;
    if (pendingNudge) pendingNudge();  // arrows just pressed on a limit: their move is the last change
    const entry = undoStack.pop();
    showUndo();
    if (!entry) { sayAgain(gettext("Rien à annuler.")); return; }
    const at = entryAt;
    let redo = null;  // what « Rétablir » does again
    const near = (a, b) => Math.abs(a - b) < 0.002;
    const min = state.min_step - 0.0005;
    let said = null;
    let focusAt = null;
    if (entry.kind === "limit") {
      const p = entry.prev ? at(entry.prev) : null;
      const n = entry.next ? at(entry.next) : null;
      const b = { prev: p, next: n, time: entry.to };
      let fits = (p === null || (p >= 0 && near(steps[p].end, entry.to)))
        && (n === null || (n >= 0 && near(steps[n].start, entry.to))) && (p === null || n === null || n === p + 1)
        && (p !== null || n !== null);
      if (fits) {
        const [lo, hi] = bounds(b);
        fits = entry.from >= lo - 0.0005 && entry.from <= hi + 0.0005;
      }
      if (fits) {
        moveBoundary(b, entry.from);
        said = gettext("Déplacement de la limite annulé.");
        focusAt = entry.from;
        redo = entry;
      }
    } else if (entry.kind === "split") {
      const i = at(entry.first);
      const j = at(entry.second);
      if (i >= 0 && j === i + 1 && near(steps[i].end, steps[j].start)) {
        steps[i].end = steps[j].end;
        const [gone] = steps.splice(j, 1);
        renumberPieces(gestureOf(gone.title));
        selected = i;
        said = gettext("Scission annulée.");
        redo = { kind: "split", first: steps[i], second: gone };
      }
    } else if (entry.kind === "merge") {
      const i = at(entry.first);
      const a = steps[i];
      if (i >= 0 && near(a.end, entry.secondEnd) && (i === steps.length - 1 || steps[i + 1].start >= entry.secondEnd - 0.002)
        && entry.firstEnd - a.start >= min && entry.secondStart >= entry.firstEnd - 0.002) {
        a.end = entry.firstEnd;
        a.title = entry.firstTitle;
        const back = copyStep(entry.second, { start: entry.secondStart, end: entry.secondEnd, title: entry.secondTitle });
        steps.splice(i + 1, 0, back);
        selected = i;
        said = gettext("Fusion annulée\u00a0: les deux étapes sont revenues.");
        redo = { kind: "merge", first: a, second: back };
      }
    } else if (entry.kind === "remove") {
      // Back where it was, if its time is still free of steps.
      const g = entry.step;
      const i = steps.findIndex((x) => x.start >= g.end - 0.002);
      const at2 = i >= 0 ? i : steps.length;
      const free = (at2 === 0 || steps[at2 - 1].end <= g.start + 0.002) && (at2 === steps.length || steps[at2].start >= g.end - 0.002);
      if (free) {
        const back = copyStep(g);
        steps.splice(at2, 0, back);
        selected = at2;
        said = gettext("Suppression annulée\u00a0: l'étape est revenue.");
        redo = { kind: "remove", step: back };
      }
    } else if (entry.kind === "add") {
      const i = at(entry.step);
      if (i >= 0) {
        const [gone] = steps.splice(i, 1);
        selected = Math.max(0, Math.min(i, steps.length - 1));
        said = gettext("Ajout de l'étape annulé.");
        redo = { kind: "add", step: gone };
      }
    }
    if (said === null) {
      dropUndo();
      message(gettext("Annulation impossible\u00a0: les étapes ont changé depuis. Les modifications précédentes ne peuvent plus être annulées."));
      return;
    }
    if (redo) { redoStack.push(redo); showUndo(); }
    edited();
    undoMerge = null;  // the server's own « Annuler la fusion » is for the merge saved last: not any more
    renderTimeline();
    renderStepList();
    if (focusAt !== null) seek(focusAt);  // the picture at the limit put back
    saveSteps(said, { action: "undo" }).then((ok) => {
      if (ok) return;
      // Refused: the screen shows the server's steps and its reason; the history is gone with them.
      dropUndo();
      const box = $("message");
      const why = box.hidden ? "" : `${box.textContent} `;
      message(`${why}${gettext("Annulation impossible\u00a0: rien n'a été annulé, et les modifications précédentes ne peuvent plus l'être.")}`,
        box.dataset.kind === "conflict" ? "conflict" : "error");
    });
  }

  /* « Rétablir »: the change « Annuler » took back, made again where it still fits the steps (else said, and the
   * history dropped, as for an undo). */
  function redo() {
    if (!state || !allowed() || dragActive) return;
    if (pendingNudge) pendingNudge();  // arrows just pressed: a new change, nothing left to redo
    const entry = redoStack.pop();
    showUndo();
    if (!entry) { sayAgain(gettext("Rien à rétablir.")); return; }
    const near = (a, b) => Math.abs(a - b) < 0.002;
    const min = state.min_step - 0.0005;
    let said = null;
    let focusAt = null;
    let undoEntry = null;
    let action = "undo";  // a step the undo removed comes back whole (server: a recently removed id)
    if (entry.kind === "limit") {
      const p = entry.prev ? entryAt(entry.prev) : null;
      const n = entry.next ? entryAt(entry.next) : null;
      const b = { prev: p, next: n, time: entry.from };
      let fits = (p === null || (p >= 0 && near(steps[p].end, entry.from)))
        && (n === null || (n >= 0 && near(steps[n].start, entry.from))) && (p === null || n === null || n === p + 1)
        && (p !== null || n !== null);
      if (fits) {
        const [lo, hi] = bounds(b);
        fits = entry.to >= lo - 0.0005 && entry.to <= hi + 0.0005;
      }
      if (fits) {
        moveBoundary(b, entry.to);
        said = gettext("Déplacement de la limite rétabli.");
        focusAt = entry.to;
        undoEntry = entry;
      }
    } else if (entry.kind === "split") {
      const i = entryAt(entry.first);
      const g = entry.second;
      if (i >= 0 && steps[i].start + min <= g.start && g.start <= steps[i].end - min) {
        const second = copyStep(g, { end: steps[i].end });
        steps[i].end = g.start;
        steps.splice(i + 1, 0, second);
        renumberPieces(gestureOf(second.title));
        selected = i;  // as after the split itself: on the first half
        said = gettext("Scission rétablie.");
        undoEntry = { kind: "split", first: steps[i], second };
        focusAt = g.start;
      }
    } else if (entry.kind === "merge") {
      const i = entryAt(entry.first);
      const j = entryAt(entry.second);
      if (i >= 0 && j === i + 1) {
        const a = steps[i];
        const b = steps[j];
        undoEntry = { kind: "merge", first: a, second: b, firstEnd: a.end, firstTitle: a.title,
          secondStart: b.start, secondEnd: b.end, secondTitle: b.title };
        a.end = b.end;
        a.title = mergedTitle(a.title, b.title);
        steps.splice(j, 1);
        selected = i;
        said = gettext("Fusion rétablie.");
        action = "merge";
      }
    } else if (entry.kind === "remove") {
      const i = entryAt(entry.step);
      if (i >= 0 && steps.length > 1) {
        const [gone] = steps.splice(i, 1);
        selected = Math.min(i, steps.length - 1);
        said = gettext("Suppression de l'étape rétablie.");
        undoEntry = { kind: "remove", step: gone };
      }
    } else if (entry.kind === "add") {
      const g = entry.step;
      const k = steps.findIndex((x) => x.start >= g.end - 0.002);
      const i = k >= 0 ? k : steps.length;
      if ((i === 0 || steps[i - 1].end <= g.start + 0.002) && (i === steps.length || steps[i].start >= g.end - 0.002)) {
        const back = copyStep(g);
        steps.splice(i, 0, back);
        selected = i;
        said = gettext("Ajout de l'étape rétabli.");
        undoEntry = { kind: "add", step: back };
      }
    }
    if (said === null) {
      dropUndo();
      message(gettext("Impossible de rétablir\u00a0: les étapes ont changé depuis."));
      return;
    }
    pushUndo(undoEntry, true);
    edited();
    undoMerge = null;
    renderTimeline();
    renderStepList();
    if (focusAt !== null) seek(focusAt);
    saveSteps(said, { action }).then((ok) => {
      if (ok) return;
      dropUndo();
      const box = $("message");
      const why = box.hidden ? "" : `${box.textContent} `;
      message(`${why}${gettext("Impossible de rétablir\u00a0: rien n'a été rétabli.")}`,
        box.dataset.kind === "conflict" ? "conflict" : "error");
    });
  }

  /* The dialogs are modal (showModal): the page behind is inert and dimmed (review.css). Chromium's Tab
   * still leaves the last button for the browser's own bar, the focus on the page's body (walk 28): Tab
   * and Shift+Tab cycle inside the dialog. Escape cancels (the dialog's own cancel, returnValue ""). */
  function dialogStops(dialog) {
    return [...dialog.querySelectorAll("button, textarea, input, select, a[href]")].filter((e) => focusable(e)
      && !(e.type === "radio" && !e.checked && dialog.querySelector(`input[type=radio][name="${e.name}"]:checked`)));
  }
  root.querySelectorAll("dialog").forEach((dialog) => dialog.addEventListener("keydown", (ev) => {
    if (ev.key !== "Tab" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const stops = dialogStops(dialog);
    if (!stops.length) return;
    const first = stops[0], last = stops[stops.length - 1];
    const at = document.activeElement;
    if (ev.shiftKey && (at === first || !dialog.contains(at))) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && (at === last || !dialog.contains(at))) { ev.preventDefault(); first.focus(); }
  }));

  /* Walk 42: editing in the step list with the keyboard (Enter on a step's time, E, a title), the video was scrolled
   * out of view on a desk while it moved to the step. While the player is scrolled past, the video floats in a
   * corner of the screen (the bottom right, the top right when the focused control lies under it); back in view,
   * it goes back. Not on a phone, where it would cover half of what is shown. */
  const player = root.querySelector(".geste-review__player");
  const DESK = window.matchMedia ? window.matchMedia("(min-width: 800px)") : { matches: true };
  const dodgeFocus = () => {
    const at = document.activeElement;
    if (!player.classList.contains("is-floating") || !at || at === video || at === document.body) {
      player.classList.remove("is-floating-top");
      return;
    }
    const a = at.getBoundingClientRect();
    const v = video.getBoundingClientRect();
    const under = a.right > v.left && a.left < v.right && a.bottom > v.top && a.top < v.bottom;
    if (under) player.classList.toggle("is-floating-top");
  };
  if (player && typeof IntersectionObserver === "function") {
    new IntersectionObserver(([entry]) => {
      const float = DESK.matches && entry.intersectionRatio < 0.35 && entry.boundingClientRect.top < 0;
      if (float === player.classList.contains("is-floating")) return;
      if (float) player.style.minHeight = `${player.offsetHeight}px`;
      else player.style.minHeight = "";
      player.classList.toggle("is-floating", float);
      dodgeFocus();
    }, { threshold: [0, 0.35, 0.7, 1] }).observe(player);
    root.addEventListener("focusin", dodgeFocus);
  }

  /* Walk 42: a comment (or a send-back) of spaces only passed the field's « required », closed the dialog, and the
   * server's refusal showed at the top of the page, 590 px above the expert: it is refused in the dialog, which
   * stays open, the field saying why. */
  root.querySelectorAll("dialog form").forEach((form) => {
    const fields = [...form.querySelectorAll("textarea[required]")];
    // Walk 42b: the browser's bubble went after a few seconds, over the buttons: the reason also stays under the field.
    const error = el("p", { class: "geste-dialog__error", id: `${form.closest("dialog").dataset.dialog}-error`, hidden: true });
    fields.forEach((t) => t.addEventListener("input", () => {
      t.setCustomValidity("");
      error.hidden = true;
      t.removeAttribute("aria-invalid");
    }));
    form.addEventListener("reset", () => { error.hidden = true; fields.forEach((t) => { t.setCustomValidity(""); t.removeAttribute("aria-invalid"); }); });
    form.addEventListener("submit", (ev) => {
      if (ev.submitter && ev.submitter.value === "cancel") return;
      const blank = fields.find((t) => !t.value.trim());
      if (!blank) return;
      ev.preventDefault();
      const why = gettext("Ce texte ne contient que des espaces\u00a0: écrivez au moins un mot.");
      blank.setCustomValidity(why);
      error.textContent = why;
      error.hidden = false;
      if (error.previousElementSibling !== blank) blank.after(error);
      blank.setAttribute("aria-invalid", "true");
      blank.setAttribute("aria-describedby", error.id);
      blank.reportValidity();
      blank.focus();
    });
  });

  /* A dialog gives the focus back, once closed and its change saved, to what had it (if still on
   * screen), else to `after`'s pick, else to the button of its action (the one its key stands for):
   * opened by a key with nothing focused, or from a button the save drew again, it fell to the body. */
  function openDialog(name, onOk, prepare, after) {
    const dialog = root.querySelector(`[data-dialog="${name}"]`);
    const form = dialog.querySelector("form");
    const opener = document.activeElement;
    form.reset();
    if (prepare) prepare(dialog);
    dialog.onclose = async () => {
      const ok = dialog.returnValue === "ok";
      const saved = ok ? await onOk(new FormData(form)) : false;
      if (!focusLost()) return;
      focusFirst(after ? after(saved) : null, opener, root.querySelector(`[data-action="${name}"]`));
    };
    dialog.returnValue = "";
    // Walk 45: in a text box Enter makes a new line, and nothing sent the dialog but Tab, Tab, Enter on its button;
    // Ctrl+Enter (⌘+Enter) sends it, through its button (the same checks: « required », spaces only).
    dialog.onkeydown = (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.matches("textarea")) {
        e.preventDefault();
        dialog.querySelector("button[value=ok]")?.click();
      }
    };
    dialog.showModal();
    // A dialog that warns (approving steps with default titles) starts on « Annuler »: Enter pressed at
    // once does not confirm what was not read. So does the approval, which locks the steps and is one
    // letter away: a title's Enter hands the keys back to the shortcuts, and typing on (« la ») opened it
    // with A and confirmed it with the next Space (walk 16). Otherwise its text field, else its confirming button.
    const warned = name === "approve" || name === "reopen"
      || [...dialog.querySelectorAll(".geste-dialog__warning")].some((w) => !w.hidden && w.textContent.trim());
    const first = warned ? dialog.querySelector("button[value=cancel]")
      : dialog.querySelector("textarea") || dialog.querySelector("button[value=ok]");
    if (first) first.focus();
  }

  function addKeyPoint() {
    if (!canEdit()) return;
    const t = round3(playhead);
    // Opened from the key-points list (K on one of its lines): once saved, the focus goes to the new
    // key point there, not out of the list (walk 19).
    const fromList = $("key-points").contains(document.activeElement);
    const before = new Set(state.key_points.map((k) => k.id));
    openDialog("key-point", async (data) => {
      const ok = await send(ds.keyPointsUrl, "POST",
        { time: t, kind: data.get("kind"), text: data.get("text") }, gettext("Point de vigilance ajouté."));
      const added = $("key-points").querySelector(`li[data-key-point="${state.key_points.find((k) => !before.has(k.id))?.id}"]`);
      if (ok && fromList && added) focusFirst(added.querySelector(".geste-steps__time"));
      return ok;
    }, (d) => { d.querySelector('[data-role="kp-time"]').textContent = fmt(t); });
  }

  function comment() {
    if (!canEdit() || !steps.length) return;
    const s = steps[selected];
    const before = new Set(state.comments.map((c) => c.id));
    openDialog("comment", async (data) => {
      const ok = await send(ds.commentsUrl, "POST", { text: data.get("text"), step: s.id }, gettext("Commentaire publié."));
      // Walk 42b: « Commentaire publié. » was said while the comment landed off screen: where it is, and it is marked.
      const added = ok && state.comments.find((c) => !before.has(c.id));
      const line = added && $("comments").querySelector(`li[data-comment="${added.id}"]`);
      if (line) {
        line.classList.add("is-new");
        const r = line.getBoundingClientRect();
        if (r.top >= innerHeight || r.bottom <= 0) {
          $("saved").textContent = gettext("Commentaire publié, plus bas dans la liste « Commentaires ».");
        }
      }
      return ok;
    },
      (d) => { d.querySelector('[data-role="comment-step"]').textContent = stepName(s, selected); });
  }

  function approve() {
    if (!state || !state.permissions.can_approve) return;
    // Titles the pipeline gave ("Étape 2"): learners would read them as they are. Said before, not refused.
    // Named as the timeline names them, in the admin's language (walk 34: « Étape 3 » beside "Step 3").
    // So are a split's « X (suite) » titles (walk 35: they would have reached learners unremarked).
    const defaults = steps.map((s, i) => (DEFAULT_TITLE.test(s.title || "") || CONTINUED.test(s.title || "")
      ? gettext("«\u00a0%(title)s\u00a0»", { title: stepName(s, i) }) : null)).filter(Boolean);
    // A step without a title cannot be approved (learners read it in the chapters): named, the
    // confirmation disabled (walk 19: the server's refusal came only after confirming). Steps marked
    // « À vérifier » are named as a question, without blocking.
    const untitled = steps.flatMap((s, i) => ((s.title || "").trim() ? [] : [i + 1]));
    const doubts = steps.flatMap((s, i) => (doubtful(s) ? [i + 1] : []));
    const twins = sameTitles();
    openDialog("approve", () => send(ds.approveUrl, "POST", () => ({ version: state.version }), gettext("Décision enregistrée.")),
      (d) => {
        const blocking = d.querySelector('[data-role="approve-untitled"]');
        blocking.textContent = !untitled.length ? ""
          : untitled.length === 1 ? gettext("L'étape %(n)s n'a pas de titre\u00a0: donnez-lui un titre avant de valider.", { n: untitled[0] })
            : gettext("Les étapes %(list)s n'ont pas de titre\u00a0: donnez-leur un titre avant de valider.", { list: numbers(untitled) });
        blocking.hidden = !untitled.length;
        d.querySelector('[data-role="confirm-approve"]').disabled = untitled.length > 0;
        const unsure = d.querySelector('[data-role="approve-doubtful"]');
        unsure.textContent = !doubts.length ? ""
          : doubts.length === 1 ? gettext("L'étape %(n)s est marquée «\u00a0À vérifier\u00a0»\u00a0: l'avez-vous regardée\u00a0?", { n: doubts[0] })
            : gettext("Les étapes %(list)s sont marquées «\u00a0À vérifier\u00a0»\u00a0: les avez-vous regardées\u00a0?", { list: numbers(doubts) });
        unsure.hidden = !doubts.length;
        const same = d.querySelector('[data-role="approve-same"]');
        same.textContent = !twins.length ? "" : [...twins.map((g) => gettext("Les étapes %(list)s ont le même titre «\u00a0%(title)s\u00a0».",
          { list: numbers(g.at), title: g.title })), gettext("Les apprenants ne pourront pas les distinguer. Annulez pour les renommer, ou confirmez pour valider quand même.")].join(" ");
        same.hidden = !twins.length;
        const note = d.querySelector('[data-role="approve-defaults"]');
        const n = defaults.length;
        note.textContent = n ? ngettext("%(n)s étape garde un titre par défaut (%(titles)s)\u00a0: les apprenants le liront tel quel. Annulez pour le renommer, ou confirmez pour valider quand même.",
          "%(n)s étapes gardent un titre par défaut (%(titles)s)\u00a0: les apprenants les liront tels quels. Annulez pour les renommer, ou confirmez pour valider quand même.",
          n, { titles: defaults.join(", ") }) : "";
        note.hidden = !n;
        // Walk 46: a comment asking for a change, then « Valider »: approving sends nothing back to the designer.
        const said = d.querySelector('[data-role="approve-comments"]');
        const c = state.comments.length;
        said.textContent = c ? ngettext("%(n)s commentaire est laissé sur les étapes\u00a0: valider ne le renvoie pas au concepteur, qui le lira sur la page de la vidéo. Pour faire corriger avant de valider, annulez et choisissez «\u00a0Renvoyer avec un commentaire\u00a0».",
          "%(n)s commentaires sont laissés sur les étapes\u00a0: valider ne les renvoie pas au concepteur, qui les lira sur la page de la vidéo. Pour faire corriger avant de valider, annulez et choisissez «\u00a0Renvoyer avec un commentaire\u00a0».",
          c, { n: c }) : "";
        said.hidden = !c;
        // What the dialog is described by: the warnings it shows, first, then what approving certifies.
        d.setAttribute("aria-describedby", [...d.querySelectorAll(".geste-dialog__warning")]
          .filter((w) => w.textContent).map((w) => w.id).concat("approve-text").join(" "));
      },
      // The button pressed is hidden once approved: the focus goes to the note that says so.
      (ok) => (ok ? $("locked") : null));
  }

  /* Steps whose titles are the same (spaces and capitals aside): [{title, at: [step numbers]}]. Learners could
   * not tell them apart (walk 35: three « Rincer (suite) »): the approval names them, without refusing. Default
   * titles are left out: the server numbers them, and the approval names them already. */
  function sameTitles() {
    const groups = new Map();
    steps.forEach((s, i) => {
      const title = typedTitle(s).replace(/\s+/g, " ").trim();
      if (!title) return;
      const key = title.toLocaleLowerCase(lang);
      if (!groups.has(key)) groups.set(key, { title, at: [] });
      groups.get(key).at.push(i + 1);
    });
    return [...groups.values()].filter((g) => g.at.length > 1);
  }

  function sendBack() {
    if (!state || !state.permissions.can_approve) return;
    openDialog("send-back", (data) => send(ds.sendBackUrl, "POST",
      // The status says « Renvoyée avec commentaire », the comment is in the banner and the list (walk 28b).
      () => ({ version: state.version, comment: data.get("text") }), ""),
      // The buttons are disabled once sent back: the focus goes to the note that says whose turn it is.
      null, (ok) => (ok ? $("with-designer") : null));
  }

  // Steps the expert sent back, taken up by the designer: back to the expert, who gets an e-mail.
  // Asked first, with an optional note to the expert (walk 28b: it went at once, with no word for them).
  function resubmit() {
    if (!state || !state.permissions.can_resubmit) return;
    openDialog("resubmit", (data) => send(ds.resubmitUrl, "POST",
      () => ({ version: state.version, note: data.get("note") }), ""),
      // The button pressed is hidden: the focus goes to the banner that says the steps went back.
      null, (ok) => (ok ? $("resubmitted") : null));
  }

  function reopen() {
    if (!state || !state.permissions.can_reopen) return;
    const live = state.live_capsules || [];
    const go = () => send(ds.reopenUrl, "POST", () => ({ version: state.version, confirm_live: live.length > 0 }),
      gettext("Relecture rouverte."));
    // The button pressed is hidden once reopened: the focus goes to « Valider les étapes » in its place
    // (or, for a designer who may not approve, to the selected step's title, editable again).
    const focusAfter = () => [root.querySelector('[data-action="approve"]'), titleField(selected), playheadLine]
      .find(focusable);
    // Asked every time, as the other decisions are (walk 38: with no published capsule on these steps it acted
    // at once). Published capsules use these steps: the dialog says which (their learners keep the approved
    // version until the expert approves again), and starts on « Annuler ».
    openDialog("reopen", () => go(), (dialog) => {
      const names = live.map((t) => gettext("«\u00a0%(title)s\u00a0»", { title: t })).join(", ");
      const warning = dialog.querySelector('[data-role="reopen-live"]');
      warning.textContent = !live.length ? ""
        : live.length === 1 ? gettext("La capsule publiée %(names)s utilise ces étapes.", { names })
          : gettext("Les capsules publiées %(names)s utilisent ces étapes.", { names });
      warning.hidden = !live.length;
      dialog.querySelector('[data-role="reopen-learners"]').hidden = !live.length;
    }, (saved) => (saved ? focusAfter() : null));
  }

  const actions = {
    undo, redo, split, merge, "add-step": addStep, remove: removeStep, "key-point": addKeyPoint, comment, approve, "send-back": sendBack,
    reopen, resubmit,
  };
  root.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", () => actions[b.dataset.action]()));

  document.addEventListener("keydown", (ev) => {
    const key = (ev.key || "").toLowerCase();
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || !state) return;
    // Ctrl+Z undoes; Ctrl+Shift+Z (Cmd+Shift+Z) and Ctrl+Y redo (walk 36).
    const again = (key === "z" && ev.shiftKey) || (key === "y" && ev.ctrlKey && !ev.shiftKey);
    if (!again && (key !== "z" || ev.shiftKey)) return;
    const t = ev.target;
    if (ev.isComposing || (t && t.closest && t.closest("input, textarea, select, dialog, [contenteditable]"))
      || root.querySelector("dialog[open]")) return;
    ev.preventDefault();
    if (again) redo(); else undo();
  });

  document.addEventListener("keydown", (ev) => {
    if (!state || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    // Never while typing (a title, a dialog's text) or composing: the letters are the text's.
    const typing = (n) => Boolean(n && n.closest && n.closest("input, textarea, select, dialog, [contenteditable]"));
    if (ev.isComposing || typing(t) || typing(document.activeElement)) return;
    if (performance.now() < quietUntil) {
      if (ev.key.length === 1) { ev.preventDefault(); quietLetters(); return; }  // still the title's letters
      quietUntil = 0;  // another key (Tab, Escape, an arrow): the typing is over
    }
    // A burst of different letters is typing, not shortcuts (a first walk: « Mettre le linge » typed on a
    // step's time, taken for its title, merged steps with M, added one with E...): a letter (or a space)
    // less than BURST_MS after another one is dropped, and the rest of the burst with it (quietLetters);
    // the same key again (N, N, N through the steps; N then P, both moving through them) still acts, and any
    // other key between two letters (Escape closing a dialog, Tab, an arrow) ends the burst.
    if (ev.key.length === 1) {
      const now = performance.now();
      const kind = ["n", "p"].includes(ev.key.toLowerCase()) ? "n/p" : [",", "."].includes(ev.key) ? "frame" : ev.key.toLowerCase();
      const burst = lastLetter.key !== null && lastLetter.key !== kind && now - lastLetter.at < BURST_MS;
      lastLetter = { key: kind, at: now };
      if (burst) {
        ev.preventDefault();
        quietLetters();
        typingHint();
        return;
      }
    }
    const key = ev.key.toLowerCase();
    // M, C, N and P act on the step the focus is on (its time in the list, its block on the timeline).
    const onStep = focusedStep(t);
    if (onStep >= 0 && ["m", "c", "n", "p", "delete"].includes(key)) select(onStep);
    const map = { s: split, m: merge, e: addStep, k: addKeyPoint, c: comment, a: approve,
      n: () => goToStep(selected + 1, t), p: () => goToStep(selected - 1, t),
      ",": () => stepFrame(-1), ".": () => stepFrame(1), delete: removeStep };
    if (key === " " && t.tagName !== "BUTTON" && t.tagName !== "VIDEO") {
      ev.preventDefault();
      if (video.paused) video.play().catch(() => {}); else video.pause();
      return;
    }
    if (map[key]) { ev.preventDefault(); map[key](); }
  });

  /* « , » / « . »: one image back / on, the video paused (walk 34: no way to find the exact image where a
   * gesture starts but 0.1-s playhead steps); the footage's own rate, 25 images a second when unknown. */
  function stepFrame(direction) {
    const fps = state.footage.fps > 0 && state.footage.fps <= 240 ? state.footage.fps : 25;
    if (!video.paused) video.pause();
    const from = video.readyState > 0 ? video.currentTime : playhead;  // paused just now: where the image is
    seek(round3(from + direction / fps));
    const i = stepAt(playhead);
    if (i >= 0 && i !== selected) select(i);
  }

  /* N / P: the next (previous) step is selected, the playhead goes to its start and the focus with it:
   * from the timeline (a block, a limit, the playhead) to its block, else to its time in the list. */
  function goToStep(i, from) {
    if (!steps.length) return;  // no step yet (footage where no hands were seen): nothing to go to
    select(i);
    seek(steps[selected].start);
    const onTimeline = from && from.closest && timeline.contains(from);
    const target = onTimeline ? track.querySelector(`.geste-timeline__step[data-step-index="${selected}"]`)
      : $("steps").children[selected]?.querySelector(".geste-steps__time");
    if (!target) return;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  }

  /* ---- video --------------------------------------------------------------------------------- */

  function setupVideo() {
    const v = state.video;
    // The progressive MP4 first: an editor needs exact seeks (walk 34b: Chromium plays HLS itself, and End sat
    // « seeking » for good in the last HLS segment of a 68-s take; on the MP4 it shows the last frame at once).
    if (v.mp4) video.src = v.mp4;
    else if (v.hls && video.canPlayType("application/vnd.apple.mpegurl")) video.src = v.hls;
    source = video.getAttribute("src") || "";
    if (v.poster) video.poster = v.poster;
    if (v.renditions_ready === false) {
      message(gettext("Les rendus vidéo sont encore en préparation\u00a0: vous relisez sur la vidéo d'origine, les étapes sont prêtes."), "info");
    }
    for (const [lang, url] of Object.entries(v.captions || {})) {
      video.append(el("track", { kind: "captions", srclang: lang, src: url, label: { fr: gettext("Français"), en: gettext("Anglais") }[lang] || lang,
        default: lang === "fr" }));
    }
    // The playhead follows the video only while it plays or after a seek the video made itself;
    // a position chosen on the timeline before the video is ready is applied once it is.
    video.addEventListener("loadedmetadata", () => {
      videoReady = true;
      if (playhead > 0) { playhead = playable(playhead); videoToPlayhead(); placePlayhead(); }
    });
    // A media error (a seek the video could not make, a network cut) left it frozen until a reload: the
    // source is loaded again and sought to the wanted time (loadedmetadata); a second failure in a row
    // is said.
    video.addEventListener("error", () => {
      if (!source) return;
      if (performance.now() - recoveredAt > 10000) recoveries = 0;
      if (recoveries >= 2) {
        message(gettext("La vidéo ne peut plus être lue. Rechargez la page : vos modifications enregistrées sont conservées."));
        return;
      }
      recoveries += 1;
      recoveredAt = performance.now();
      videoReady = false;
      video.src = source;
      video.load();
    });
    video.addEventListener("timeupdate", () => {
      if (!video.paused && !video.seeking) { playhead = video.currentTime; placePlayhead(); }
    });
    video.addEventListener("seeked", () => {
      // Ours: the timeline keeps the chosen time even if the video could not seek there (a source
      // without range requests, a seek overtaken by the next key press).
      if (performance.now() - ownSeekAt < OWN_SEEK_MS) return;
      playhead = playable(video.currentTime);    // the reviewer used the video's own controls
      placePlayhead();
    });
  }

  /* ---- the review's own keyboard help, skip links (walk 35) ----------------------------------- */

  /* « ? » (Shift+/ on a QWERTY keyboard; whatever types it elsewhere) opened Wagtail's shortcuts dialog, which
   * knows nothing of the review's keys. Caught on the window, before Wagtail's listeners on the document, the
   * review's own list opens; typed in a text field, it is the text's. Escape closes it; the focus goes back. */
  const keysDialog = root.querySelector('[data-dialog="keys"]');
  function showKeys() {
    if (!keysDialog || keysDialog.open) return;
    const opener = document.activeElement;
    keysDialog.onclose = () => {
      if (focusLost()) focusFirst(opener, root.querySelector('[data-action="keys"]'), playheadLine);
    };
    keysDialog.returnValue = "";
    keysDialog.showModal();
    // Read from its title down (the close button, last, would scroll a phone's dialog to its end).
    keysDialog.querySelector("h2").focus({ preventScroll: true });
    keysDialog.scrollTop = 0;
  }
  actions.keys = showKeys;
  const textField = (n) => Boolean(n && n.closest && n.closest("input, textarea, select, [contenteditable]"));
  for (const type of ["keydown", "keypress", "keyup"]) {
    window.addEventListener(type, (ev) => {
      if (ev.key !== "?" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
      if (textField(ev.target) || textField(document.activeElement)) return;
      ev.stopImmediatePropagation();
      ev.preventDefault();
      if (type === "keydown" && !ev.repeat && !document.querySelector("dialog[open]")) showKeys();
    }, true);
  }

  /* Skip links (first in the tab order, review.html): the video, or the playhead on the timeline, focused and
   * brought into view (Wagtail's content scrolls by itself: a plain #anchor left the focus behind). */
  document.querySelectorAll(".geste-skip__link").forEach((a) => a.addEventListener("click", (ev) => {
    const target = a.dataset.skip === "video" ? video : playheadLine;
    if (!target) return;
    ev.preventDefault();
    if (target.tabIndex < 0) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }));

  /* Walk 36: « ? » did nothing after a click on the video's own controls (▶, the seek bar, the volume): the focus
   * was inside them, where Chromium keeps every key (none reached the page: not « ? », S or Space either), and
   * the page gets no pointer event from them. What they change does reach it: then the focus goes back to the
   * video element itself (a no-op when it is already there or elsewhere), as on leaving full screen. */
  const refocusNow = () => { if (document.activeElement === video) video.focus({ preventScroll: true }); };
  // Again a moment later: the controls may take the focus after their effect came (a seek on a loaded machine
  // fired « seeked » before the press on their seek bar ended; « ? » then failed 1 time in 3 in CI).
  const refocusVideo = () => { refocusNow(); setTimeout(refocusNow, 250); };
  for (const type of ["play", "pause", "seeked", "volumechange", "ratechange"]) video.addEventListener(type, refocusVideo);
  document.addEventListener("fullscreenchange", () => { if (!document.fullscreenElement) setTimeout(refocusVideo, 0); });

  window.addEventListener("resize", () => { if (state && !dragActive) relayout(); });
  // The track's own width changes too (a scroll bar, the column's layout settling): 24 px stay 24 px.
  let trackWidth = 0;
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => {
      if (!state || dragActive || track.clientWidth === trackWidth) return;
      trackWidth = track.clientWidth;
      relayout();
    }).observe(track);
  }

  /* Walk 38b: « Titre enregistré. », « Étape scindée à … » were said at the top of the page only, out of sight
   * while editing a title lower in the list or once the page had scrolled. The live region stays where it is
   * (it is what a screen reader hears); when it is out of view, its words are also shown in a line at the
   * bottom of the window (review.css: fixed, over nothing the page needs; hidden from screen readers, who
   * heard them once), for a few seconds. */
  const savedLine = $("saved");
  const savedEcho = $("saved-echo");
  let echoTimer = null;
  if (savedLine && savedEcho && typeof MutationObserver === "function") {
    new MutationObserver(() => {
      const text = savedLine.textContent.trim();
      clearTimeout(echoTimer);
      const r = savedLine.getBoundingClientRect();
      const inView = r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
      if (!text || inView) { savedEcho.hidden = true; savedEcho.textContent = ""; return; }
      savedEcho.textContent = text;
      savedEcho.hidden = false;
      // « Enregistrement… » stays until the answer; the answer's words for a few seconds.
      if (text !== gettext("Enregistrement…")) echoTimer = setTimeout(() => { savedEcho.hidden = true; }, 4000);
    }).observe(savedLine, { childList: true, characterData: true, subtree: true });
  }
  // timelineMap: the time -> position pieces (fractions of the track), for the browser tests' positions.
  root.gesteReview = { get state() { return state; }, get playhead() { return playhead; }, seek,
    get timelineMap() { return pieces ? pieces.map(({ t0, t1, x0, w }) => ({ t0, t1, x0, w })) : null; } };
  load();
})();
