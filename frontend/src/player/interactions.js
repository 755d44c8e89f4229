// Renders one interaction as an accessible form and returns the learner's response.
// The page never knows the right answer: the form sends the response, the server grades it.
import { h } from "./dom.js";

let seq = 0;

function choiceList(inter, type) {
  const name = `gq-${inter.id}-${++seq}`;
  return h("fieldset", { class: "gq-choices" }, h("legend", { class: "sr-only", text: "Réponses" }),
    inter.choices.map((c) => h("label", { class: "gq-choice" },
      h("input", { type, name, value: c.id }), c.image ? h("img", { src: c.image, alt: "" }) : null, h("span", { text: c.text }))));
}

function orderingList(inter) {
  const ol = h("ol", { class: "gq-order" });
  const move = (li, dir) => {
    const sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
    if (!sib) return;
    if (dir < 0) ol.insertBefore(li, sib); else ol.insertBefore(sib, li);
    li.querySelector(dir < 0 ? ".up" : ".down").focus();
  };
  for (const c of inter.choices) {
    const li = h("li", { "data-id": c.id }, h("span", { text: c.text }));
    li.append(h("button", { type: "button", class: "up", "aria-label": `Monter « ${c.text} »`, onclick: () => move(li, -1) }, "↑"),
      h("button", { type: "button", class: "down", "aria-label": `Descendre « ${c.text} »`, onclick: () => move(li, 1) }, "↓"));
    ol.append(li);
  }
  return ol;
}

function hotspot(inter, video) {
  const point = { x: 0.5, y: 0.5, set: false };
  const marker = h("span", { class: "gq-marker", hidden: true });
  let surface;
  if (inter.image) {
    surface = h("img", { src: inter.image, alt: "Image de la question : touchez la zone choisie" });
  } else {
    surface = h("canvas", { role: "img", "aria-label": "Image de la vidéo : touchez la zone choisie" });
    surface.width = video.videoWidth || 640; surface.height = video.videoHeight || 360;
    try { surface.getContext("2d").drawImage(video, 0, 0, surface.width, surface.height); } catch { /* tainted */ }
  }
  const box = h("div", { class: "gq-hotspot", tabindex: "0",
    "aria-label": "Zone de réponse : flèches pour déplacer le repère, Entrée pour valider" }, surface, marker);
  const place = () => { marker.hidden = false; marker.style.left = `${point.x * 100}%`; marker.style.top = `${point.y * 100}%`; };
  box.addEventListener("click", (e) => {
    const r = surface.getBoundingClientRect();
    point.x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    point.y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    point.set = true; place();
  });
  box.addEventListener("keydown", (e) => {
    const d = { ArrowLeft: [-0.05, 0], ArrowRight: [0.05, 0], ArrowUp: [0, -0.05], ArrowDown: [0, 0.05] }[e.key];
    if (!d) return;
    e.preventDefault();
    point.x = Math.min(1, Math.max(0, point.x + d[0])); point.y = Math.min(1, Math.max(0, point.y + d[1]));
    point.set = true; place();
  });
  return { el: box, read: () => (point.set ? { x: +point.x.toFixed(4), y: +point.y.toFixed(4) } : null) };
}

/** Build the form for `inter`; calls onSubmit(response) with the response object. */
export function renderForm(inter, video, onSubmit) {
  const form = h("form", { class: "gq-form", novalidate: true });
  const err = h("p", { class: "gq-error", role: "alert" });
  let read;
  switch (inter.kind) {
    case "single_choice": {
      form.append(choiceList(inter, "radio"));
      read = () => { const c = form.querySelector("input:checked"); return c ? { choice: c.value } : null; };
      break;
    }
    case "multiple_choice": {
      form.append(choiceList(inter, "checkbox"));
      read = () => { const c = [...form.querySelectorAll("input:checked")].map((i) => i.value); return c.length ? { choices: c } : null; };
      break;
    }
    case "true_false": {
      form.append(choiceList({ ...inter, choices: [{ id: "true", text: "Vrai" }, { id: "false", text: "Faux" }] }, "radio"));
      read = () => { const c = form.querySelector("input:checked"); return c ? { value: c.value === "true" } : null; };
      break;
    }
    case "ordering": {
      const ol = orderingList(inter);
      form.append(ol);
      read = () => ({ order: [...ol.children].map((li) => li.dataset.id) });
      break;
    }
    case "hotspot": {
      const hs = hotspot(inter, video);
      form.append(hs.el);
      read = hs.read;
      break;
    }
    case "cloze": {
      // Blanks are written ___ in the prompt; the prompt itself becomes the form.
      const parts = inter.prompt.split(/_{3,}/);
      const p = h("p", { class: "gq-cloze" });
      parts.forEach((part, i) => {
        p.append(part);
        if (i < parts.length - 1) p.append(h("input", { type: "text", "aria-label": `Trou ${i + 1}`, autocomplete: "off", size: 12 }));
      });
      for (let i = parts.length - 1; i < (inter.blanks || 0); i++) p.append(" ", h("input", { type: "text", "aria-label": `Trou ${i + 1}` }));
      form.append(p);
      read = () => { const v = [...p.querySelectorAll("input")].map((i) => i.value.trim()); return v.every(Boolean) ? { blanks: v } : null; };
      break;
    }
    case "free_recall": {
      const ta = h("textarea", { rows: 3, "aria-label": "Votre réponse" });
      const rating = choiceList({ ...inter, choices: [{ id: "knew", text: "Je savais" }, { id: "partly", text: "En partie" },
        { id: "didnt", text: "Je ne savais pas" }] }, "radio");
      form.append(ta, h("p", { text: "Comparez avec la vidéo, puis évaluez-vous :" }), rating);
      read = () => { const c = rating.querySelector("input:checked"); return c ? { text: ta.value, self_assessment: c.value } : null; };
      break;
    }
    default: // observe
      read = () => ({});
  }
  form.append(err, h("button", { type: "submit", class: "gq-submit" }, inter.kind === "observe" ? "J'ai observé" : "Valider"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const response = read();
    if (!response) { err.textContent = "Choisissez ou saisissez une réponse avant de valider."; return; }
    err.textContent = "";
    onSubmit(response);
  });
  return form;
}
