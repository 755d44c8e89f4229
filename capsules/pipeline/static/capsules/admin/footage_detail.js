// Live progress on the footage page: poll the status JSON while a run is going.
// When the run ends (or the steps become ready in the middle of it) the page is redrawn in place from the
// server's own rendering of it, never reloaded: a reload showed a white page for a moment as the run
// finished and sent a keyboard user's focus back to the top (walk 39). The run's end is then said in the
// live region at the top (« Traitement terminé », « Le traitement a échoué », « Traitement annulé »), which
// takes the focus, with the next action moved into it (the review's link, or « Relancer le traitement »).
(() => {
  const root = document.querySelector(".geste-footage[data-status-url]");
  if (!root) return;
  const url = root.dataset.statusUrl;
  // The admin's language (capsules/static/capsules/i18n.js): its strings and number style (1,5 s / 1.5 s).
  const { gettext, lang } = globalThis.gesteI18n;
  const fr1 = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // The run's state as the page was drawn: a run that ends before the first poll still redraws the page
  // (a walk: the run ended between drawing and polling, and the red cancel button stayed for good).
  let lastStatus = root.dataset.runState || null;

  // A block of the page as the server wrote it, less its form tokens (Django masks each one afresh).
  const written = (el) => el.outerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "");

  // Put the server's new rendering of the page in place, block by block: a block that did not change is
  // left where it is (the video playing, a field being filled, the focus), the others are replaced.
  async function redraw() {
    const res = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } });
    if (!res.ok) throw new Error(`footage page: ${res.status}`);
    const fresh = new DOMParser().parseFromString(await res.text(), "text/html").querySelector(".geste-footage[data-status-url]");
    if (!fresh) throw new Error("footage page: no footage");
    const olds = [...root.children];
    let i = 0;
    for (const block of [...fresh.children]) {
      const html = written(block);
      const k = olds.findIndex((old, at) => at >= i && written(old) === html);
      if (k >= 0) {
        for (; i < k; i++) olds[i].remove();
        i = k + 1;
      } else {
        root.insertBefore(document.importNode(block, true), olds[i] || null);
      }
    }
    for (; i < olds.length; i++) olds[i].remove();
    root.dataset.footageState = fresh.dataset.footageState;
    root.dataset.runState = fresh.dataset.runState;
  }

  // Say how the run ended, at the top, and offer what comes next (moved there, so that it is not twice on the page).
  function announce(run) {
    const outcome = root.querySelector('[data-role="run-outcome"]');
    if (!outcome) return;
    const focusWasHere = !document.activeElement || document.activeElement === document.body || root.contains(document.activeElement)
      || !document.activeElement.isConnected;
    const title = document.createElement("h2");
    title.className = "geste-run-outcome__title";
    title.tabIndex = -1;
    title.textContent = run.status === "succeeded" ? gettext("Traitement terminé")
      : run.status === "failed" ? gettext("Le traitement a échoué") : gettext("Traitement annulé");
    const parts = [title];
    if (run.status === "failed") {
      const error = root.querySelector("[data-run-error]");
      if (error && error.textContent.trim()) { error.hidden = false; error.removeAttribute("role"); parts.push(error); }
    }
    // Next: the review once the steps are ready; after a failure or a cancel, a new run.
    // Walk 47: the review moved there read as the designer's next thing while the expert had it (« rien d'autre à
    // faire » under it): only the review that is this person's to do (the page's main button) is moved; otherwise
    // the line saying who has it is repeated.
    const review = root.querySelector(".geste-review-link a[href]:not(.button-secondary)");
    const assigned = root.querySelector('[data-role="review-assigned"]');
    let next = run.status === "succeeded" ? review
      : root.querySelector('.geste-actions form[data-role="restart-run"]');
    if (run.status === "succeeded" && !review && assigned) {
      next = document.createElement("span");
      next.textContent = assigned.textContent;
    }
    if (next) {
      const p = document.createElement("p");
      p.className = "geste-run-outcome__next";
      p.append(next);
      parts.push(p);
    }
    outcome.className = `geste-run-outcome geste-run-outcome--${run.status}`;
    outcome.replaceChildren(...parts);
    // The focus goes to the news unless it is somewhere else than this page's content (the menu, the search).
    if (focusWasHere) title.focus();
  }

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
        // As the page's template writes it (the percent filter): « 42 % » in French, never cut before « % ».
        tr.querySelector('[data-field="progress"]').textContent = skipped ? row.status_label : gettext("%(percent)s\u00a0%", { percent: Math.round(row.progress) });
        tr.querySelector('[data-field="status"]').textContent = row.status_label;
        tr.querySelector('[data-field="error"]').textContent = row.error || "";
        const note = tr.querySelector('[data-field="note"]');
        if (note) note.textContent = row.note || "";
        tr.querySelector('[data-field="duration"]').textContent = row.duration ? `${fr1.format(row.duration)} s` : "";
      }
      const running = data.run && data.run.status === "running";
      // The stage at work, said at the top beside the status (walk 48: it was only in the table far below).
      const atWork = running ? data.stages.find((row) => row.status === "running") : null;
      const top = root.querySelector('[data-role="running-stage"]');
      if (top) {
        top.hidden = !atWork;
        if (atWork) top.querySelector('[data-field="running"]').textContent = `${atWork.label} (${gettext("%(percent)s\u00a0%", { percent: Math.round(atWork.progress) })})`;
      }
      // Nothing left to cancel once every stage is over, or the run succeeded, failed or was cancelled.
      const cancelForm = root.querySelector('[data-role="cancel-run"]');
      if (cancelForm) cancelForm.hidden = !(data.run && data.run.cancellable);
      const shownState = root.dataset.footageState;
      // Redraw when the run ends, or when the steps are ready (the review link appears).
      const ended = lastStatus === "running" && !running;
      if (ended || (shownState && data.status !== shownState && data.status === "in_review")) {
        await redraw();
        if (ended && data.run && ["succeeded", "failed", "cancelled"].includes(data.run.status)) announce(data.run);
      }
      lastStatus = data.run ? data.run.status : null;
      if (running) setTimeout(tick, 1500);
    } catch (e) {
      setTimeout(tick, 5000);
    }
  }
  tick();
})();
