// Footage listing: refresh the "Traitement" cells of running footage every few seconds.
(() => {
  const cells = () => Array.from(document.querySelectorAll(".geste-run[data-status-url]"));
  if (!cells().length) return;
  // A percentage in the admin's language (Wagtail's pages carry no catalogue of ours): 12 % / 12%.
  const percent = (n) => ((document.documentElement.lang || "fr").startsWith("fr") ? `${n}\u00a0%` : `${n}%`);
  async function refresh() {
    let active = false;
    for (const cell of cells()) {
      try {
        const res = await fetch(cell.dataset.statusUrl, { credentials: "same-origin" });
        if (!res.ok) continue;
        const data = await res.json();
        const running = (data.stages || []).find((s) => s.status === "running");
        cell.textContent = running ? `${running.label} ${percent(Math.round(running.progress))}` : (data.run ? data.run.status_label : "—");
        if (data.run && data.run.status === "running") active = true;
      } catch (e) { active = true; }
    }
    if (active) setTimeout(refresh, 3000);
  }
  setTimeout(refresh, 1000);
})();
