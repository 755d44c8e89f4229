// Live progress on the footage page: poll the status JSON while a run is going.
(() => {
  const root = document.querySelector(".geste-footage[data-status-url]");
  if (!root) return;
  const url = root.dataset.statusUrl;
  let lastStatus = null;
  async function tick() {
    try {
      const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!res.ok) return;
      const data = await res.json();
      root.querySelector("[data-footage-status]").textContent = data.status_label;
      for (const row of data.stages) {
        const tr = root.querySelector(`tr[data-stage="${row.name}"]`);
        if (!tr) continue;
        tr.querySelector("progress").value = row.progress;
        tr.querySelector('[data-field="progress"]').textContent = `${Math.round(row.progress)} %`;
        tr.querySelector('[data-field="status"]').textContent = row.status_label;
        tr.querySelector('[data-field="error"]').textContent = row.error || "";
        tr.querySelector('[data-field="duration"]').textContent = row.duration ? `${row.duration.toFixed(1)} s` : "";
      }
      const running = data.run && data.run.status === "running";
      if (lastStatus === "running" && !running) window.location.reload();
      lastStatus = data.run ? data.run.status : null;
      if (running) setTimeout(tick, 1500);
    } catch (e) {
      setTimeout(tick, 5000);
    }
  }
  tick();
})();
