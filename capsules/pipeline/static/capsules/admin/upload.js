// Chunked, resumable upload: PATCH chunks at the server's offset; on a network error wait and
// ask the server where it stands, then go on. The upload id is remembered per file so a reload
// followed by choosing the same file resumes instead of restarting.
(() => {
  const form = document.getElementById("geste-upload");
  // The page's strings and number style (French msgids; the admin's language): capsules/static/capsules/i18n.js.
  const { gettext, lang } = globalThis.gesteI18n;
  if (!form) return;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const bar = form.querySelector(".geste-upload-progress progress");
  const text = form.querySelector("[data-upload-text]");
  const message = form.querySelector("[data-upload-message]");
  const chunkSize = parseInt(form.dataset.chunkSize, 10);
  const maxBytes = parseInt(form.dataset.maxBytes, 10);
  const headers = { "X-CSRFToken": csrf };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const fileKey = (f) => `geste-upload:${f.name}:${f.size}:${f.lastModified}`;

  // A refusal is shown as an error (red, announced at once), not under a full progress bar.
  function say(textContent, failed = false) {
    message.textContent = textContent;
    message.classList.toggle("geste-upload-message--error", failed);
    message.setAttribute("role", failed ? "alert" : "status");
    if (failed) form.querySelector(".geste-upload-progress").hidden = true;
  }

  function show(offset, size) {
    form.querySelector(".geste-upload-progress").hidden = false;
    const pct = size ? (100 * offset) / size : 0;
    bar.value = pct;
    const f1 = (v) => v.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    text.textContent = gettext("%(percent)s\u00a0% (%(sent)s / %(total)s Mo)", { percent: f1(pct), sent: f1(offset / 1e6), total: f1(size / 1e6) });
  }

  async function json(res) { try { return await res.json(); } catch (e) { return {}; } }

  async function start(file) {
    const saved = localStorage.getItem(fileKey(file));
    if (saved) {
      const res = await fetch(saved, { headers, credentials: "same-origin" });
      if (res.ok) return { url: saved, offset: (await json(res)).offset };
    }
    const res = await fetch(form.dataset.createUrl, {
      method: "POST", credentials: "same-origin", headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ filename: file.name, size: file.size, title: form.title.value,
        skills_block: form.skills_block.value, language: form.language.value,
        expert: form.expert ? form.expert.value : "" }),
    });
    const data = await json(res);
    if (!res.ok) throw new Error(data.error || gettext("Erreur %(status)s", { status: res.status }));
    localStorage.setItem(fileKey(file), data.url);
    return { url: data.url, offset: 0 };
  }

  // SHA-256 of each chunk (tus checksum extension): the server refuses a chunk damaged on the way.
  // crypto.subtle only exists on https or localhost; elsewhere chunks go without it.
  async function checksum(blob) {
    if (!(window.crypto && crypto.subtle)) return {};
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
    return { "Upload-Checksum": `sha256 ${btoa(String.fromCharCode(...digest))}` };
  }

  async function send(file, url, offset) {
    let failures = 0;
    while (offset < file.size) {
      const chunk = file.slice(offset, Math.min(file.size, offset + chunkSize));
      try {
        const res = await fetch(url, { method: "PATCH", credentials: "same-origin",
          headers: { ...headers, ...(await checksum(chunk)), "Upload-Offset": String(offset),
            "Content-Type": "application/offset+octet-stream" },
          body: chunk });
        const data = await json(res);
        if (res.status === 409 && typeof data.offset === "number") { offset = data.offset; continue; }
        if (!res.ok) throw new Error(data.error || gettext("Erreur %(status)s", { status: res.status }));
        offset = data.offset; failures = 0; show(offset, file.size);
      } catch (err) {
        failures += 1;
        if (failures > 50) throw err;
        say(gettext("Connexion interrompue\u00a0: nouvelle tentative…"));
        await sleep(Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
        try { const r = await fetch(url, { headers, credentials: "same-origin" }); if (r.ok) offset = (await json(r)).offset; } catch (e) { /* still offline */ }
      }
    }
    return offset;
  }

  const fileName = form.querySelector("[data-file-name]");
  const input = form.querySelector("input[type=file]");
  // The browser's own "Choose File" / "No file chosen" follow its language: ours are French.
  // The title starts as the file's name, cleaned ("changement_joint-siphon.MP4" → "Changement joint-siphon"),
  // while the field is empty or still holds the title made from the previous file: a typed title is kept.
  const titleInput = form.querySelector("input[name=title]");
  let madeTitle = "";
  const titleFrom = (name) => {
    const words = name.replace(/\.[^.]*$/, "").replace(/_+/g, " ").replace(/\s+/g, " ").trim();
    return words.charAt(0).toLocaleUpperCase("fr-FR") + words.slice(1);
  };
  input.addEventListener("change", () => {
    if (fileName) fileName.textContent = input.files[0] ? input.files[0].name : gettext("Aucun fichier choisi");
    input.setCustomValidity("");
    if (titleInput && input.files[0] && (!titleInput.value.trim() || titleInput.value === madeTitle)) {
      madeTitle = titleFrom(input.files[0].name).slice(0, 255);
      titleInput.value = madeTitle;
    }
  });
  input.addEventListener("invalid", () => input.setCustomValidity(gettext("Choisissez une vidéo à téléverser.")));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = form.file.files[0];
    if (!file) return;
    if (file.size > maxBytes) { say(gettext("Fichier trop volumineux."), true); return; }
    form.querySelector("button[type=submit]").disabled = true;
    try {
      say(gettext("Téléversement en cours…"));
      const { url, offset } = await start(file);
      show(offset, file.size);
      await send(file, url, offset);
      say(gettext("Vérification de la vidéo…"));
      const res = await fetch(url + "complete/", { method: "POST", headers, credentials: "same-origin" });
      const data = await json(res);
      localStorage.removeItem(fileKey(file));
      if (!res.ok) throw new Error(data.error || gettext("Erreur %(status)s", { status: res.status }));
      say(gettext("Vidéo enregistrée\u00a0: traitement lancé."));
      window.location.href = data.url;
    } catch (err) {
      say(err.message, true);
      form.querySelector("button[type=submit]").disabled = false;
    }
  });
})();
