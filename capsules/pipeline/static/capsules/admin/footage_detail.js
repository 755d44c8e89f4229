// Live progress on the footage page: poll the status JSON while a run is going.
(() => {
  const root = document.querySelector(".geste-footage[data-status-url]");
  if (!root) return;
  const url = root.dataset.statusUrl;
  const shownState = root.dataset.footageState;
  // The admin's language (capsules/static/capsules/i18n.js): its strings and number style (1,5 s / 1.5 s).
  const { gettext, lang } = globalThis.gesteI18n;
  const fr1 = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // The run's state as the page was drawn: a run that ends before the first poll still reloads the page
  // (a walk: the run ended between drawing and polling, and the red cancel button stayed for good).
  let lastStatus = root.dataset.runState || null;
  const cancelForm = root.querySelector('[data-role="cancel-run"]');
  async function tick() {
    try {
      const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!res.ok) return;
      const data = await res.json();
      root.querySelector("[data-footage-status]").textContent = data.status_label;
      for (const row of data.stages) {
        const tr = root.querySelector(`tr[data-stage="${row.name}"]`);
        if (!tr) continue;
        // A stage with nothing to do ("Sans objet") is not shown done: no bar, its status in grey.
        const skipped = row.status === "skipped";
        const bar = tr.querySelector("progress");
        bar.value = row.progress;
        bar.hidden = skipped;
        bar.parentElement.classList.toggle("geste-stages__na", skipped);
        // As the page's template writes it (the percent filter): « 42 % » in French, never cut before « % ».
        tr.querySelector('[data-field="progress"]').textContent = skipped ? row.status_label : gettext("%(percent)s\u00a0%", { percent: Math.round(row.progress) });
        tr.querySelector('[data-field="status"]').textContent = row.status_label;
        tr.querySelector('[data-field="error"]').textContent = row.error || "";
        const note = tr.querySelector('[data-field="note"]');
        if (note) note.textContent = row.note || "";
        tr.querySelector('[data-field="duration"]').textContent = row.duration ? `${fr1.format(row.duration)} s` : "";
      }
      const running = data.run && data.run.status === "running";
      // Nothing left to cancel once every stage is over, or the run succeeded, failed or was cancelled.
      if (cancelForm) cancelForm.hidden = !(data.run && data.run.cancellable);
      // Reload when the run ends, or when the steps are ready (the review link appears).
      if ((lastStatus === "running" && !running) || (shownState && data.status !== shownState && data.status === "in_review")) {
        window.location.reload();
        return;
      }
      lastStatus = data.run ? data.run.status : null;
      if (running) setTimeout(tick, 1500);
    } catch (e) {
      setTimeout(tick, 5000);
    }
  }
  tick();
})();
