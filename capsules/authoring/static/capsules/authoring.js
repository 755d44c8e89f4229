/* Geste — capsule authoring: show the fields of the chosen interaction kind, place the time from the
 * playhead, draw the hotspot zone on the step's keyframe (pointer events: mouse, pen, touch).
 * Works without this script too: every field is then visible and typed by hand. */
(() => {
  "use strict";

  const root = document.getElementById("geste-author");
  if (!root) return;
  // The admin user's language (capsules/static/capsules/i18n.js; French when the page carries no catalogue).
  const { gettext } = globalThis.gesteI18n || { gettext: (s, p) => (p ? s.replace(/%\((\w+)\)s/g, (a, k) => (k in p ? String(p[k]) : a)) : s) };
  const $ = (sel, scope = root) => scope.querySelector(`[data-role="${sel}"]`);
  const video = $("video");
  const timeline = $("timeline");
  const start = parseFloat(root.dataset.start || "0");
  const end = parseFloat(root.dataset.end || "0");
  const span = Math.max(0.001, end - start);
  // The site's one clock (capsules/clock.js), with the tenth, counted from the capsule's start like the
  // learner's player: the page's data (steps, marks, the video's currentTime) stay on the footage's clock.
  const fmt = (s) => globalThis.gesteClock.fmtTenths(s - start);
  let playhead = root.dataset.time ? parseFloat(root.dataset.time) : start;

  /* ---- arriving on #publication (the dashboard's « Publier »): the section is shown and focused, so the
   * keyboard and screen readers start there, beside « Valider et publier la capsule ». */
  function showPublication() {
    const section = document.getElementById("publication");
    if (!section || location.hash !== "#publication") return;
    section.scrollIntoView({ block: "start" });
    section.focus({ preventScroll: true });
  }
  showPublication();
  window.addEventListener("hashchange", showPublication);

  /* ---- back on #interactions or #drafts after a save: Wagtail says « Interaction enregistrée » (and the
   * revalidation notice) at the top of the page, scrolled out of sight above the section (walk 29b). The
   * messages region moves under the section's heading, where the page lands. */
  function messagesWhereWeLand() {
    const heading = location.hash && /^#(interactions|drafts)$/.test(location.hash) && document.getElementById(location.hash.slice(1));
    const box = document.querySelector(".messages");
    if (!heading || !box || !box.querySelector("li")) return;
    heading.insertAdjacentElement("afterend", box);
    box.classList.add("geste-author__messages");
    heading.scrollIntoView({ block: "start" });
  }
  messagesWhereWeLand();

  /* ---- timeline ----
   * Walk 38: at 360 px a 3-s last step was drawn 13 px wide, too small to see or tap. Every step block is at
   * least 24 px wide (timeline_map.js; WCAG 2.2 target size) while the whole still fits the track: the longer steps
   * (and the time between steps) give the room back in proportion. The time → position map is then linear
   * piece by piece (within each step, each gap), so the playhead, the question marks and a tap stay on the
   * steps' own times. A step's name is its accessible name and tooltip; a narrow block shows its number. */
  const map = globalThis.gesteTimelineMap;  // timeline_map.js
  let pieces = [{ t0: start, t1: start + span, x0: 0, w: 1 }];  // fractions of the track
  function layoutPieces(blocks, trackPx) {
    const steps = blocks.map((b) => ({ b, step: true, t0: Math.max(start, parseFloat(b.dataset.start)), t1: Math.min(start + span, parseFloat(b.dataset.end)) }))
      .filter((p) => p.t1 > p.t0).sort((a, z) => a.t0 - z.t0);
    const out = [];
    let t = start;
    for (const p of steps) {
      if (p.t0 > t) out.push({ t0: t, t1: p.t0 });
      if (p.t0 >= t) { out.push(p); t = p.t1; }
    }
    if (t < start + span) out.push({ t0: t, t1: start + span });
    return map.fit(out, Math.max(1, trackPx));
  }
  const xOf = (t) => map.xOf(pieces, t);
  const timeOf = (x) => map.timeOf(pieces, x);
  const pct = (t) => `${100 * xOf(t)}%`;
  if (timeline) {
    const track = timeline.querySelector(".geste-timeline__track") || timeline;
    const blocks = [...timeline.querySelectorAll(".geste-timeline__step")];
    const layout = () => {
      pieces = layoutPieces(blocks, track.getBoundingClientRect().width);
      for (const p of pieces) {
        if (!p.b) continue;
        p.b.style.left = `${100 * p.x0}%`;
        p.b.style.width = `${100 * p.w}%`;
      }
      timeline.querySelectorAll(".geste-timeline__mark").forEach((m) => { m.style.left = pct(parseFloat(m.dataset.time)); });
      placePlayhead();
    };
    blocks.forEach((b) => b.addEventListener("click", () => seek(parseFloat(b.dataset.start))));
    timeline.addEventListener("pointerdown", (ev) => {
      if (ev.target.closest(".geste-timeline__step")) return;
      const rect = timeline.getBoundingClientRect();
      seek(timeOf((ev.clientX - rect.left) / rect.width));
    });
    layout();
    if (typeof ResizeObserver === "function") new ResizeObserver(layout).observe(track);
  }

  function placePlayhead() {
    const line = $("playhead-line");
    if (line) line.style.left = pct(playhead);
    const out = $("playhead");
    if (out) out.textContent = fmt(playhead);
  }

  function seek(t) {
    playhead = Math.min(end, Math.max(start, t));
    if (video && video.readyState > 0) video.currentTime = playhead;
    placePlayhead();
  }

  if (video) {
    // The playhead is the video's position once it can play (it starts where the question is).
    // The video opens at 0:00 of the capsule (the excerpt's start), not of the footage, even when its
    // metadata loaded before this deferred script ran.
    const openAtPlayhead = () => { if (Math.abs(video.currentTime - playhead) > 0.05) video.currentTime = playhead; };
    video.addEventListener("loadedmetadata", openAtPlayhead);
    if (video.readyState > 0) openAtPlayhead();
    // The video stays inside the capsule (an excerpt of its footage): moved before the start it comes
    // back to the start, played or moved past the end it stops at the end; played again from the end,
    // it starts over. The playhead then never reads a moment outside the capsule.
    const SLACK = 0.05;
    const keepInside = () => {
      const t = video.currentTime;
      if (t < start - SLACK) video.currentTime = start;
      else if (end > start && t > end - SLACK / 2 && !video.paused) { video.pause(); video.currentTime = end; }
      else if (end > start && t > end + SLACK) video.currentTime = end;
      playhead = Math.min(end > start ? end : Infinity, Math.max(start, video.currentTime));
      placePlayhead();
    };
    video.addEventListener("timeupdate", keepInside);
    video.addEventListener("seeking", keepInside);
    video.addEventListener("seeked", keepInside);
    video.addEventListener("play", () => { if (end > start && video.currentTime >= end - SLACK) video.currentTime = start; });
  }
  placePlayhead();

  /* ---- interaction form ---- */
  const form = $("interaction-form");
  if (!form) return;
  const kind = $("kind", form);
  const stepSelect = $("step", form);
  const timeInput = form.querySelector('input[name="time"]');

  function showKind() {
    const k = kind.value;
    form.querySelectorAll("[data-kinds]").forEach((node) => {
      const on = node.dataset.kinds.split(" ").includes(k);
      node.hidden = !on;
      node.querySelectorAll("input, textarea, select").forEach((input) => { input.disabled = !on; });
    });
    if (k === "hotspot") showKeyframe();
  }
  kind.addEventListener("change", showKind);

  const usePlayhead = $("use-playhead", form);
  if (usePlayhead) {
    if (!video) usePlayhead.hidden = true;  // no video on the page: nothing to read the time from
    // The form's time counts from the capsule's start (the server stores it on the footage's clock).
    usePlayhead.addEventListener("click", () => {
      timeInput.value = globalThis.gesteClock.decimal(Math.min(end - start, Math.max(0, playhead - start)).toFixed(1));
      checkTime(false);
      showTimeClock();
      syncStep();
      showPlacement();
    });
  }
  const timeClock = $("time-clock", form);
  const timeError = $("time-error", form);
  // A number written "4,5" (as every screen shows them) or "4.5"; NaN when it is not such a number.
  const readDecimal = (input) => {
    const raw = String(input.value).trim();
    return /^-?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/.test(raw) ? parseFloat(raw.replace(",", ".")) : NaN;
  };
  // Seconds ("65,5") or the clock this page writes ("1:05,5", copied from the step list), from the capsule's start.
  const readTime = () => globalThis.gesteClock.parse(timeInput.value);
  function showTimeClock() {
    const t = readTime();
    if (timeClock) timeClock.textContent = Number.isNaN(t) ? "" : fmt(start + t);
    // No clock to show: the sentence without its « : » (walk 41: « … de 0 à 40,0 s : . »).
    const said = $("time-said", form), unsaid = $("time-unsaid", form);
    if (said && unsaid) { said.hidden = Number.isNaN(t); unsaid.hidden = !Number.isNaN(t); }
  }
  /* The field's French message (the browser's own came in the browser's language): kept as its validity
   * (setCustomValidity) and shown under it once the field is left. The form is still sent (novalidate):
   * the server converts the time, checks it again and says every other mistake with it. */
  function checkTime(shown) {
    const t = readTime(), max = parseFloat(timeInput.dataset.max);
    let msg = "";
    if (!String(timeInput.value).trim()) msg = gettext("Indiquez l'instant en secondes, par exemple 4,5.");
    else if (Number.isNaN(t)) msg = gettext("L'instant s'écrit en secondes (65,5) ou en minutes:secondes (1:05,5), les secondes de 00 à 59.");
    else if (t < 0 || t > max + 0.001) msg = timeInput.dataset.rangeMessage || gettext("L'instant doit être entre 0 et %(max)s secondes.", { max: globalThis.gesteClock.decimal(max) });
    timeInput.setCustomValidity(msg);
    if (!msg) timeInput.removeAttribute("aria-invalid");
    if (timeError && (shown || !msg)) {
      // announced when typed; the server's message at load is announced once, by the summary above the form
      timeError.setAttribute("role", "alert");
      timeError.textContent = msg;
      timeError.hidden = !msg;
      if (msg) timeInput.setAttribute("aria-invalid", "true");
    }
    return !msg;
  }
  timeInput.addEventListener("change", () => { checkTime(true); syncStep(); showPlacement(); });
  timeInput.addEventListener("input", () => { checkTime(false); showTimeClock(); showPlacement(); });
  checkTime(false);
  // A time sent back with another field's error, as typed ("1:05,5"): the server's filter reads numbers only.
  if (String(timeInput.value).trim()) showTimeClock();

  /* Not an error, a warning (saved all the same): a question at 0:00 of a capsule with steps is asked
   * before anything was watched; one outside every step has no step to replay or loop. */
  const placement = $("placement-warning", form);
  function showPlacement() {
    if (!placement) return;
    const t = readTime();
    const steps = [...stepSelect.options].filter((o) => o.value);
    let msg = "";
    if (steps.length && !Number.isNaN(t) && String(timeInput.value).trim()) {
      const at = start + t;
      const chosen = stepSelect.value ? stepSelect.selectedOptions[0] : null;
      if (t <= 0.05) msg = placement.dataset.atStart;
      // A time typed before the step was chosen is kept (never replaced): say it lies outside that step.
      else if (chosen && !(parseFloat(chosen.dataset.start) - 0.01 <= at && at <= parseFloat(chosen.dataset.end) + 0.01)) msg = placement.dataset.outsideChosen;
      else if (!steps.some((o) => parseFloat(o.dataset.start) - 0.01 <= at && at <= parseFloat(o.dataset.end) + 0.01)) msg = placement.dataset.outside;
    }
    placement.textContent = msg;
    placement.hidden = !msg;
  }

  /* « (celle qui contient l'instant) »: the server's rule (capsules.learner_steps.step_at). Steps are [start, end):
   * a step's start is its own, not the end of the step before it (walk 38: « Ouvrir le hublot » tapped, its start
   * taken from the playhead, and the question went to the step ending there); only a step's end with no step
   * starting there takes the moment. Half a tenth of slack: the field holds the playhead to the tenth. */
  function stepForTime(t) {
    const SLACK = 0.05;
    const steps = [...stepSelect.options].filter((o) => o.value)
      .map((o) => ({ o, s: parseFloat(o.dataset.start), e: parseFloat(o.dataset.end) })).sort((a, z) => a.s - z.s);
    const hit = steps.find((x) => x.s - SLACK <= t && t < x.e - SLACK) || steps.find((x) => x.s - SLACK <= t && t <= x.e + SLACK);
    return hit ? hit.o : undefined;
  }

  function syncStep() {
    if (stepSelect.value) return;
    showKeyframe();
  }
  /* A step chosen while the time is empty (a new question), or still the one this script wrote for the
   * step chosen before: the time becomes the step's end, visible and editable (the learner has just seen
   * the gesture; the 0:00 the form used to start with asked the question before anything was watched).
   * A time the designer typed is never replaced. The server does the same when the field comes empty. */
  let autoTime = null;
  const secondsText = (s) => globalThis.gesteClock.decimal(s.toFixed(3).replace(/\.?0+$/, ""));
  function timeFromStep() {
    const option = stepSelect.value ? stepSelect.selectedOptions[0] : null;
    const typed = String(timeInput.value).trim();
    if (!option || (typed && typed !== autoTime)) return;
    const at = Math.min(end - start, Math.max(0, parseFloat(option.dataset.end) - start));
    if (Number.isNaN(at)) return;
    timeInput.value = autoTime = secondsText(at);
    checkTime(false);
    showTimeClock();
    showPlacement();
  }
  stepSelect.addEventListener("change", () => { timeFromStep(); showKeyframe(); showPlacement(); });

  /* ---- hotspot ---- */
  const img = $("hotspot-image", form);
  const rectBox = $("hotspot-rect", form);
  const field = (n) => form.querySelector(`input[name="hotspot_${n}"]`);

  function showKeyframe() {
    if (!img) return;
    const option = stepSelect.value ? stepSelect.selectedOptions[0] : stepForTime(start + readTime());
    const url = option && option.dataset.keyframe;
    if (url) { img.src = url; img.hidden = false; }
    drawRect();
  }

  // The zone as the fields say it, written "0,25" or "0.25"; null while one of them is not a number.
  const readRect = () => {
    const v = ["x", "y", "w", "h"].map((n) => readDecimal(field(n)));
    return v.some((n) => Number.isNaN(n)) ? null : v;
  };
  function drawRect() {
    const rect = readRect();
    if (!rect || img.hidden) { rectBox.hidden = true; return; }
    const [x, y, w, h] = rect;
    rectBox.hidden = false;
    Object.assign(rectBox.style, { left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` });
  }

  /* The zone's French messages (the browser's own came in its language, and its number field showed
   * "0.55"): kept as the wrong field's validity, shown under the fields once one is left. The form is
   * still sent (novalidate): the server checks the zone again. */
  const NAMES = { x: gettext("x (bord gauche)"), y: gettext("y (bord haut)"), w: gettext("largeur"), h: gettext("hauteur") };
  const zoneError = $("hotspot-error", form);
  function zoneProblem() {
    const raw = ["x", "y", "w", "h"].map((n) => String(field(n).value).trim());
    if (!raw.some(Boolean)) return null;  // not drawn yet: said by the server if sent so
    const bad = ["x", "y", "w", "h"].find((n) => Number.isNaN(readDecimal(field(n))));
    if (bad) return [bad, gettext("Zone, %(label)s\u00a0: un nombre entre 0 et 1 est attendu, par exemple 0,25 (virgule ou point).", { label: NAMES[bad] })];
    const [x, y, w, h] = readRect();
    if (!(x >= 0 && x <= 1)) return ["x", gettext("Zone\u00a0: x et y sont des fractions de l'image, entre 0 et 1 (par exemple 0,25).")];
    if (!(y >= 0 && y <= 1)) return ["y", gettext("Zone\u00a0: x et y sont des fractions de l'image, entre 0 et 1 (par exemple 0,25).")];
    if (!(w > 0)) return ["w", gettext("Zone\u00a0: la largeur et la hauteur doivent être plus grandes que 0.")];
    if (!(h > 0)) return ["h", gettext("Zone\u00a0: la largeur et la hauteur doivent être plus grandes que 0.")];
    const over = gettext("Zone\u00a0: elle dépasse de l'image (x + largeur et y + hauteur ne peuvent pas dépasser 1).");
    if (x + w > 1 + 1e-9) return ["w", over];
    if (y + h > 1 + 1e-9) return ["h", over];
    return null;
  }
  function checkZone(shown) {
    const [bad, msg] = zoneProblem() || [null, ""];
    ["x", "y", "w", "h"].forEach((n) => {
      field(n).setCustomValidity(n === bad ? msg : "");
      if (n === bad && shown) field(n).setAttribute("aria-invalid", "true");
      else if (n !== bad) field(n).removeAttribute("aria-invalid");
    });
    if (zoneError && (shown || !msg)) {
      // announced when typed; the server's message at load is announced once, by the summary above the form
      zoneError.setAttribute("role", "alert");
      zoneError.textContent = msg;
      zoneError.hidden = !msg;
    }
    return !msg;
  }
  ["x", "y", "w", "h"].forEach((n) => {
    field(n).addEventListener("input", () => { drawRect(); checkZone(false); });
    field(n).addEventListener("change", () => {
      // "0.3" or "0,3" typed is taken, and written back the way the page writes it ("0,3" in French)
      if (!Number.isNaN(readDecimal(field(n)))) field(n).value = globalThis.gesteClock.decimal(field(n).value.trim());
      checkZone(true);
    });
  });

  if (img) {
    let origin = null;
    const at = (ev) => {
      const r = img.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (ev.clientY - r.top) / r.height))];
    };
    const set = (a, b) => {
      const vals = { x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]), w: Math.abs(a[0] - b[0]), h: Math.abs(a[1] - b[1]) };
      // the form's precision, written the page's way ("0,55" in French), as the server sends it back
      for (const [n, v] of Object.entries(vals)) field(n).value = globalThis.gesteClock.decimal(v.toFixed(2));
      drawRect();
      checkZone(false);  // said once the drawing ends (a zone just started is 0 wide)
    };
    img.style.touchAction = "none";
    img.draggable = false;
    img.addEventListener("pointerdown", (ev) => { ev.preventDefault(); origin = at(ev); img.setPointerCapture(ev.pointerId); });
    img.addEventListener("pointermove", (ev) => { if (origin) set(origin, at(ev)); });
    const done = (ev) => { if (origin) { set(origin, at(ev)); origin = null; checkZone(true); } };
    img.addEventListener("pointerup", done);
    img.addEventListener("pointercancel", () => { origin = null; });
    img.addEventListener("load", drawRect);
  }

  showKind();
  showPlacement();
})();
