// Transcript correction beside the video: listen to a segment, re-time its limits at the playhead,
// split it in two there (the text is cut at the word nearest in proportion; fix it by hand).
(() => {
  const root = document.getElementById("geste-transcript-edit");
  if (!root) return;
  const video = root.querySelector('[data-role="video"]');
  const out = root.querySelector('[data-role="playhead"]');
  const list = root.querySelector('[data-role="segments"]');
  const fr = (s) => globalThis.gesteClock.fmtTenths(s);  // the site's one clock (capsules/clock.js), with the tenth
  const { gettext } = globalThis.gesteI18n;  // the admin's language (capsules/static/capsules/i18n.js)
  let next = list.querySelectorAll("[data-row]").length;
  let stopAt = null;
  const now = () => (video ? Math.round(video.currentTime * 1000) / 1000 : 0);

  if (video) {
    video.addEventListener("timeupdate", () => {
      if (out) out.textContent = fr(video.currentTime);
      if (stopAt !== null && video.currentTime >= stopAt) { video.pause(); stopAt = null; }
    });
  }
  const field = (row, name) => row.querySelector(`[data-field="${name}"]`);
  // The time fields hold seconds (« 7,5 ») or the page's clock (« 0:07,5 »): read as the server reads them.
  const time = (row, name) => globalThis.gesteClock.parse(field(row, name).value);
  const put = (input, t) => { input.value = globalThis.gesteClock.decimal(t); };
  const shown = (t) => (Number.isFinite(t) && t >= 0 ? fr(t) : "?");
  const label = (row) => {
    row.querySelector('[data-role="label"]').textContent = `${shown(time(row, "start"))} – ${shown(time(row, "end"))}`;
  };

  function split(row) {
    const a = time(row, "start"), b = time(row, "end"), t = now();
    if (!(t > a + 0.2 && t < b - 0.2)) {
      alert(gettext("Placez la tête de lecture dans le segment (entre %(from)s et %(to)s), puis «\u00a0Scinder ici\u00a0».", { from: fr(a), to: fr(b) }));
      return;
    }
    const words = field(row, "text").value.trim().split(/\s+/).filter(Boolean);
    const cut = Math.max(1, Math.min(words.length - 1, Math.round((words.length * (t - a)) / (b - a))));
    const copy = row.cloneNode(true);
    const n = next++;
    copy.querySelectorAll("[name]").forEach((el) => { el.name = el.name.replace(/-\d+$/, `-${n}`); });
    const area = field(copy, "text");
    area.id = `text-${n}`;
    copy.querySelector("label.w-sr-only").htmlFor = area.id;
    copy.querySelector('input[name^="source-"]').value = "";
    put(field(row, "end"), t);
    put(field(copy, "start"), t);
    field(row, "text").value = words.slice(0, cut).join(" ");
    area.value = words.slice(cut).join(" ");
    row.after(copy);
    label(row); label(copy);
    area.focus();
  }

  list.addEventListener("click", (ev) => {
    const btn = ev.target.closest("[data-act]");
    if (!btn) return;
    const row = btn.closest("[data-row]");
    const act = btn.dataset.act;
    if (act === "play" && video) {
      const a = time(row, "start"), b = time(row, "end");
      if (!Number.isFinite(a)) return;
      video.currentTime = a;
      stopAt = Number.isFinite(b) ? b : null;
      video.play().catch(() => {});
    } else if (act === "set-start" && video) { put(field(row, "start"), now()); label(row); }
    else if (act === "set-end" && video) { put(field(row, "end"), now()); label(row); }
    else if (act === "split" && video) split(row);
  });
  list.addEventListener("input", (ev) => { if (ev.target.dataset.field === "start" || ev.target.dataset.field === "end") label(ev.target.closest("[data-row]")); });
})();
