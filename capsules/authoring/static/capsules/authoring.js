/* Geste — capsule authoring: show the fields of the chosen interaction kind, place the time from the
 * playhead, draw the hotspot zone on the step's keyframe (pointer events: mouse, pen, touch).
 * Works without this script too: every field is then visible and typed by hand. */
(() => {
  "use strict";

  const root = document.getElementById("geste-author");
  if (!root) return;
  const $ = (sel, scope = root) => scope.querySelector(`[data-role="${sel}"]`);
  const video = $("video");
  const timeline = $("timeline");
  const start = parseFloat(root.dataset.start || "0");
  const end = parseFloat(root.dataset.end || "0");
  const span = Math.max(0.001, end - start);
  const sec = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const fmt = (s) => `${sec.format(s)} s`;
  let playhead = root.dataset.time ? parseFloat(root.dataset.time) : start;

  /* ---- timeline ---- */
  if (timeline) {
    const pct = (t) => `${(100 * (t - start)) / span}%`;
    timeline.querySelectorAll(".geste-timeline__step").forEach((b) => {
      const a = parseFloat(b.dataset.start);
      const z = parseFloat(b.dataset.end);
      b.style.left = pct(a);
      b.style.width = `${(100 * (z - a)) / span}%`;
      b.addEventListener("click", () => seek(a));
    });
    timeline.querySelectorAll(".geste-timeline__mark").forEach((m) => { m.style.left = pct(parseFloat(m.dataset.time)); });
    timeline.addEventListener("pointerdown", (ev) => {
      if (ev.target.closest(".geste-timeline__step")) return;
      const rect = timeline.getBoundingClientRect();
      seek(start + ((ev.clientX - rect.left) / rect.width) * span);
    });
  }

  function placePlayhead() {
    const line = $("playhead-line");
    if (line) line.style.left = `${(100 * (playhead - start)) / span}%`;
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
    video.addEventListener("loadedmetadata", () => { if (Math.abs(video.currentTime - playhead) > 0.05) video.currentTime = playhead; });
    video.addEventListener("timeupdate", () => { playhead = video.currentTime; placePlayhead(); });
    video.addEventListener("seeked", () => { playhead = video.currentTime; placePlayhead(); });
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
    usePlayhead.addEventListener("click", () => { timeInput.value = playhead.toFixed(1); syncStep(); });
  }
  timeInput.addEventListener("change", syncStep);

  function stepForTime(t) {
    return [...stepSelect.options].find((o) => o.value && parseFloat(o.dataset.start) <= t && t <= parseFloat(o.dataset.end));
  }

  function syncStep() {
    if (stepSelect.value) return;
    showKeyframe();
  }
  stepSelect.addEventListener("change", showKeyframe);

  /* ---- hotspot ---- */
  const img = $("hotspot-image", form);
  const rectBox = $("hotspot-rect", form);
  const field = (n) => form.querySelector(`input[name="hotspot_${n}"]`);

  function showKeyframe() {
    if (!img) return;
    const option = stepSelect.value ? stepSelect.selectedOptions[0] : stepForTime(parseFloat(timeInput.value));
    const url = option && option.dataset.keyframe;
    if (url) { img.src = url; img.hidden = false; }
    drawRect();
  }

  function drawRect() {
    const [x, y, w, h] = ["x", "y", "w", "h"].map((n) => parseFloat(field(n).value));
    if ([x, y, w, h].some((v) => Number.isNaN(v)) || img.hidden) { rectBox.hidden = true; return; }
    rectBox.hidden = false;
    Object.assign(rectBox.style, { left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` });
  }
  ["x", "y", "w", "h"].forEach((n) => field(n).addEventListener("input", drawRect));

  if (img) {
    let origin = null;
    const at = (ev) => {
      const r = img.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (ev.clientY - r.top) / r.height))];
    };
    const set = (a, b) => {
      const vals = { x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]), w: Math.abs(a[0] - b[0]), h: Math.abs(a[1] - b[1]) };
      for (const [n, v] of Object.entries(vals)) field(n).value = v.toFixed(2);  // the form's precision
      drawRect();
    };
    img.style.touchAction = "none";
    img.draggable = false;
    img.addEventListener("pointerdown", (ev) => { ev.preventDefault(); origin = at(ev); img.setPointerCapture(ev.pointerId); });
    img.addEventListener("pointermove", (ev) => { if (origin) set(origin, at(ev)); });
    const done = (ev) => { if (origin) { set(origin, at(ev)); origin = null; } };
    img.addEventListener("pointerup", done);
    img.addEventListener("pointercancel", () => { origin = null; });
    img.addEventListener("load", drawRect);
  }

  showKind();
})();
