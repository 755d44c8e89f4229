// Renders one interaction as an accessible form and returns the learner's response.
// The page never knows the right answer: the form sends the response, the server grades it.
import { gettext, h } from "./dom.js";

let seq = 0;

function choiceList(inter, type, legend = gettext("Réponses"), shown = false) {
  const name = `gq-${inter.id}-${++seq}`;
  return h("fieldset", { class: "gq-choices" }, h("legend", { class: shown ? "gq-legend" : "sr-only", text: legend }),
    inter.choices.map((c) => h("label", { class: "gq-choice" },
      h("input", { type, name, value: c.id }), c.image ? h("img", { src: c.image, alt: "" }) : null, h("span", { text: c.text }))));
}

// Reordering without a mouse: each item has "move up" / "move down" buttons; focus follows the
// moved item (so Enter/Space can be pressed again) and its new place is announced.
function orderingList(inter) {
  const ol = h("ol", { class: "gq-order", "aria-describedby": `gq-order-help-${inter.id}` });
  const live = h("p", { class: "gq-order-live sr-only", "aria-live": "polite", "aria-atomic": "true" });
  const help = h("p", { class: "gq-help", id: `gq-order-help-${inter.id}` },
    gettext("Remettez les éléments dans l'ordre avec les boutons ↑ et ↓ (ou Tab puis Entrée)."));
  const say = (text) => { live.textContent = ""; setTimeout(() => { live.textContent = text; }, 30); };
  const move = (li, dir) => {
    const sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
    const text = li.dataset.text;
    if (!sib) { say(dir < 0 ? gettext("«\u00a0%(item)s\u00a0» est déjà en première position.", { item: text }) : gettext("«\u00a0%(item)s\u00a0» est déjà en dernière position.", { item: text })); return; }
    if (dir < 0) ol.insertBefore(li, sib); else ol.insertBefore(sib, li);
    li.querySelector(dir < 0 ? ".up" : ".down").focus();
    say(gettext("«\u00a0%(item)s\u00a0»\u00a0: position %(n)s sur %(total)s.", { item: text, n: [...ol.children].indexOf(li) + 1, total: ol.children.length }));
  };
  for (const c of inter.choices) {
    // The step's keyframe beside its label: a learner recognises a gesture more easily than its title.
    const li = h("li", { "data-id": c.id, "data-text": c.text },
      c.image ? h("img", { src: c.image, alt: "", class: "gq-order-image" }) : null, h("span", { text: c.text }));
    li.append(h("button", { type: "button", class: "up", "aria-label": gettext("Monter «\u00a0%(item)s\u00a0»", { item: c.text }), onclick: () => move(li, -1) }, "↑"),
      h("button", { type: "button", class: "down", "aria-label": gettext("Descendre «\u00a0%(item)s\u00a0»", { item: c.text }), onclick: () => move(li, 1) }, "↓"));
    ol.append(li);
  }
  return { els: [help, ol, live], read: () => ({ order: [...ol.children].map((li) => li.dataset.id) }) };
}

// Pointing at a picture, by touch, mouse or keyboard: the picture is focusable, the arrow keys
// move a visible marker (Shift: finer steps), Enter or Space answers. The marker shows only once the
// learner has placed a point (a touch, a click, or a first key on the picture, which puts it in the
// middle): until then nothing on the picture suggests an answer the player would refuse.
// The words fit the pointer in hand: "Touchez" on a touch screen, "Cliquez" with a mouse; the keyboard
// help (arrows, Enter) is written out only where a keyboard is likely (a fine pointer: a computer).
function pointerWords() {
  const mq = (q) => typeof matchMedia === "function" && matchMedia(q).matches;
  const touch = mq("(pointer: coarse)"), keyboard = !touch || mq("(any-pointer: fine)");
  return {
    keyboard,
    verb: touch ? gettext("Touchez") : gettext("Cliquez sur"),
    label: touch ? gettext("Touchez l'endroit choisi sur l'image") : gettext("Cliquez sur l'endroit choisi, ou placez un repère avec les flèches et validez avec Entrée"),
    help: touch ? gettext("Touchez l'image à l'endroit choisi, puis validez.")
      : gettext("Cliquez sur l'image à l'endroit choisi. Au clavier\u00a0: une flèche place un repère au centre, les suivantes le déplacent (Maj\u00a0: plus finement), Entrée pour valider."),
    missing: touch ? gettext("Touchez l'image à l'endroit choisi avant de valider.")
      : gettext("Cliquez sur l'image, ou placez le repère avec les flèches, avant de valider."),
  };
}

function hotspot(inter, video) {
  const words = pointerWords();
  const point = { x: 0.5, y: 0.5, set: false };
  const marker = h("span", { class: "gq-marker", hidden: true, "aria-hidden": "true" });
  const where = h("span", { class: "sr-only", "aria-live": "polite" });
  let surface;
  if (inter.image) {
    surface = h("img", { src: inter.image, alt: gettext("Image de la question") });
  } else {
    surface = h("canvas", { role: "img", "aria-label": gettext("Image de la vidéo à cet instant") });
    surface.width = video.videoWidth || 640; surface.height = video.videoHeight || 360;
    try { surface.getContext("2d").drawImage(video, 0, 0, surface.width, surface.height); } catch { /* tainted */ }
  }
  const box = h("div", { class: "gq-hotspot", tabindex: "0", role: "application", "aria-roledescription": gettext("zone à pointer"),
    "aria-label": words.label,
    "aria-describedby": `gq-hotspot-help-${inter.id}` }, surface, marker);
  // The picture's shape, so that a phone held sideways narrows the box until the picture fits its height (CSS).
  const shape = (w, hgt) => { if (w > 0 && hgt > 0) box.style.setProperty("--gq-ratio", String(w / hgt)); };
  if (surface.tagName === "IMG") {
    surface.addEventListener("load", () => shape(surface.naturalWidth, surface.naturalHeight));
    if (surface.complete) shape(surface.naturalWidth, surface.naturalHeight);
  } else {
    shape(surface.width, surface.height);
  }
  const help = h("p", { class: "gq-help", id: `gq-hotspot-help-${inter.id}` }, words.help);
  const place = (said) => {
    point.set = true;
    marker.hidden = false;
    marker.style.left = `${point.x * 100}%`; marker.style.top = `${point.y * 100}%`;
    box.dataset.placed = "1";
    where.textContent = said || gettext("Repère à %(x)s\u00a0% de la largeur, %(y)s\u00a0% de la hauteur.", { x: Math.round(point.x * 100), y: Math.round(point.y * 100) });
  };
  const centre = () => place(gettext("Repère placé au centre de l'image\u00a0: déplacez-le avec les flèches, puis Entrée pour valider."));
  box.addEventListener("click", (e) => {
    const r = surface.getBoundingClientRect();
    point.x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    point.y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    place();
  });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (!point.set) { centre(); return; } // nothing chosen yet: show where the point starts, answer nothing
      box.closest("form")?.requestSubmit();
      return;
    }
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    if (!point.set) { centre(); return; } // the first key shows the marker where it starts
    const step = e.shiftKey ? 0.01 : 0.05;
    point.x = Math.min(1, Math.max(0, point.x + d[0] * step)); point.y = Math.min(1, Math.max(0, point.y + d[1] * step));
    place();
  });
  return { els: [help, box, where], missing: words.missing,
    read: () => (point.set ? { x: +point.x.toFixed(4), y: +point.y.toFixed(4) } : null) };
}

/** Build the form for `inter`; calls onSubmit(response) with the response object. */
export function renderForm(inter, video, onSubmit, onReveal = null) {
  const form = h("form", { class: "gq-form", novalidate: true });
  const err = h("p", { class: "gq-error", role: "alert" });
  let read, gated = false, missing = gettext("Choisissez ou saisissez une réponse avant de valider.");
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
      form.append(choiceList({ ...inter, choices: [{ id: "true", text: gettext("Vrai") }, { id: "false", text: gettext("Faux") }] }, "radio"));
      read = () => { const c = form.querySelector("input:checked"); return c ? { value: c.value === "true" } : null; };
      break;
    }
    case "ordering": {
      const ord = orderingList(inter);
      form.append(...ord.els);
      read = ord.read;
      break;
    }
    case "hotspot": {
      const hs = hotspot(inter, video);
      form.append(...hs.els);
      read = hs.read;
      missing = hs.missing;
      break;
    }
    case "cloze": {
      // Blanks are written ___ in the prompt; the prompt itself becomes the form.
      const parts = inter.prompt.split(/_{3,}/);
      const p = h("p", { class: "gq-cloze" });
      parts.forEach((part, i) => {
        p.append(part);
        if (i < parts.length - 1) p.append(h("input", { type: "text", "aria-label": gettext("Trou %(n)s", { n: i + 1 }), autocomplete: "off", size: 12 }));
      });
      for (let i = parts.length - 1; i < (inter.blanks || 0); i++) p.append(" ", h("input", { type: "text", "aria-label": gettext("Trou %(n)s", { n: i + 1 }), autocomplete: "off", size: 12 }));
      form.append(p);
      read = () => { const v = [...p.querySelectorAll("input")].map((i) => i.value.trim()); return v.every(Boolean) ? { blanks: v } : null; };
      missing = gettext("Complétez chaque trou avant de valider.");
      break;
    }
    case "free_recall": {
      // In the natural order: the learner writes (or thinks) their answer, asks for the expected one,
      // then rates themself against it. The rating and « Valider » appear with the expected answer.
      const taId = `gq-recall-${inter.id}-${++seq}`;
      const ta = h("textarea", { rows: 3, id: taId, "aria-describedby": `${taId}-help` });
      const rating = choiceList({ ...inter, choices: [{ id: "knew", text: gettext("Je savais") }, { id: "partly", text: gettext("En partie") },
        { id: "didnt", text: gettext("Je ne savais pas") }] }, "radio", gettext("Évaluez-vous\u00a0: saviez-vous la réponse\u00a0?"), true);
      // The expected answer is not in the manifest: the server sends it when asked (and records it).
      // Offline it cannot: the request is queued like an answer (the player's offline queue), the learner
      // is told, rates themself all the same and goes on; once the queue is sent the answer shows here if
      // the question is still open (the player's « geste:revealed » event), else under the video.
      const model = h("p", { class: "gq-model-text", role: "status" });
      const shown = h("div", { class: "gq-model", tabindex: "-1", hidden: true }, model, rating);
      const fill = (res) => {
        if (res && typeof res.model_answer === "string") {
          model.replaceChildren(...(res.model_answer
            ? [h("strong", {}, `${gettext("Réponse attendue\u00a0:")} `), h("span", { text: res.model_answer })]
            : [gettext("Comparez avec ce que montre la vidéo.")]));
          model.classList.remove("gq-model-offline");
          return true;
        }
        model.classList.add("gq-model-offline");
        model.replaceChildren(res && res.error ? res.error
          : gettext("Hors ligne. Votre demande est gardée\u00a0: la réponse attendue s'affichera dès le retour en ligne. Vous pouvez aussi vous évaluer sans elle et continuer."));
        return false;
      };
      const ask = () => Promise.resolve(onReveal ? onReveal(ta.value) : null).catch(() => null);
      const show = h("button", { type: "button", class: "gq-reveal", onclick: async () => {
        show.disabled = true;
        const ok = fill(await ask());
        shown.hidden = false;
        show.remove();
        const submit = form.querySelector(".gq-submit");
        submit.hidden = false;
        // The focus on the expected answer, read out first (walk 15); on screen, the answer, the rating and
        // « Valider » together (ux33: on a 360x740 phone, and a 1366x900 screen, « Valider » was left below
        // what the learner saw, and with a long answer the rating too).
        shown.focus({ preventScroll: true });
        intoView(model, submit);
        if (!ok) {
          const revealed = (e) => {
            if (!form.isConnected) return document.removeEventListener("geste:revealed", revealed);
            if (e.detail.interaction !== inter.id || !fill(e.detail.res)) return;
            e.detail.shown = true;
            document.removeEventListener("geste:revealed", revealed);
          };
          document.addEventListener("geste:revealed", revealed);
        }
      } }, gettext("Voir la réponse attendue"));
      // Walk 26, a 360x740 phone: once rated, « Valider » was below the visible part of the card (it scrolls
      // inside itself over the video). The choice brings it into view, scrolling no more than needed.
      rating.addEventListener("change", () => form.querySelector(".gq-submit")?.scrollIntoView({ block: "nearest" }));
      form.append(h("label", { class: "gq-label", for: taId }, gettext("Votre réponse")),
        h("p", { class: "gq-help", id: `${taId}-help` }, gettext("Écrivez-la, ou formulez-la dans votre tête, puis comparez avec la réponse attendue.")),
        ta, show, shown);
      gated = true;
      read = () => { const c = rating.querySelector("input:checked"); return c ? { text: ta.value, self_assessment: c.value } : null; };
      missing = gettext("Évaluez-vous (je savais, en partie, je ne savais pas) avant de valider.");
      break;
    }
    default: // observe
      read = () => ({});
  }
  form.append(err, h("button", { type: "submit", class: "gq-submit", hidden: gated }, inter.kind === "observe" ? gettext("J'ai observé") : gettext("Valider")));
  const clear = () => { err.textContent = ""; };
  form.addEventListener("change", clear);
  form.addEventListener("click", clear);
  form.addEventListener("keydown", clear);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const response = read();
    if (!response) { err.textContent = missing; return; }
    err.textContent = "";
    onSubmit(response);
  });
  return form;
}

/** Scroll so that `first` to `last` (one under the other) are on screen together, or, when they cannot be, from
 * `first` down as far as the screen goes: a smooth scroll, instant when the learner asked for reduced motion.
 * On a phone the question card scrolls inside itself under the video (player.css, --gp-qmax): the window first
 * brings the whole card on screen (as far as its top allows), then the card scrolls. Never `scrollIntoView`,
 * which also aligns the window on them and pushes the video off a phone's screen. */
export function intoView(first, last) {
  const still = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
  const behavior = still ? "instant" : "smooth";
  let box = first.parentElement;
  while (box && box !== document.body && !(/(auto|scroll)/.test(getComputedStyle(box).overflowY)
    && box.scrollHeight > box.clientHeight)) box = box.parentElement;
  if (box === document.body) box = null;
  const r = box?.getBoundingClientRect();
  // The window's share: the card's bottom up to the screen's, its top never above the screen's.
  const win = r && r.bottom > innerHeight ? Math.max(0, Math.min(r.bottom - innerHeight, r.top)) : 0;
  const room = 8; // px above the first, below the last
  const top = Math.max(0, r ? r.top - win : 0) + room;
  const bottom = Math.min(innerHeight, r ? r.bottom - win : innerHeight) - room;
  const a = first.getBoundingClientRect().top - win, b = last.getBoundingClientRect().bottom - win;
  const by = a < top || b - a > bottom - top ? a - top : Math.max(0, b - bottom);
  let rest = by;
  if (box && Math.abs(by) >= 1) {
    const can = by > 0 ? box.scrollHeight - box.clientHeight - box.scrollTop : -box.scrollTop;
    const mine = by > 0 ? Math.min(by, can) : Math.max(by, can);
    box.scrollBy({ top: mine, behavior });
    rest = by - mine;
  }
  if (Math.abs(win + rest) >= 1) window.scrollBy({ top: win + rest, behavior });
}

const SVG = "http://www.w3.org/2000/svg";

/** After a right hotspot answer: the picture again, the expected zone(s) outlined on it (the server's
 * `solution.regions`, fractions of the picture: {rect: [x, y, w, h]} or {polygon: [[x, y], ...]}) and
 * the learner's own point. The form (and its picture) is removed once answered; without this, a
 * learner, or the expert checking the capsule before publication, never saw which zone was expected.
 * Built with DOM and CSSOM calls only: the strict CSP (no style attribute) applies. Null when there is
 * nothing to draw. */
export function hotspotSolution(form, regions) {
  const picked = form?.querySelector(".gq-hotspot");
  const source = picked?.querySelector("img, canvas");
  if (!source || !Array.isArray(regions) || !regions.length) return null;
  let surface;
  if (source.tagName === "IMG") {
    surface = h("img", { src: source.currentSrc || source.src, alt: "" });
  } else {
    surface = h("canvas", { "aria-hidden": "true" });
    surface.width = source.width; surface.height = source.height;
    try { surface.getContext("2d").drawImage(source, 0, 0); } catch { /* tainted */ }
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 1 1");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "gq-zones");
  for (const region of regions) {
    let shape = null;
    if (Array.isArray(region?.rect) && region.rect.length === 4) {
      const [x, y, w, hh] = region.rect.map(Number);
      shape = document.createElementNS(SVG, "rect");
      for (const [k, v] of Object.entries({ x, y, width: w, height: hh })) shape.setAttribute(k, String(v));
    } else if (Array.isArray(region?.polygon) && region.polygon.length >= 3) {
      shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", region.polygon.map(([x, y]) => `${Number(x)},${Number(y)}`).join(" "));
    }
    if (!shape) continue;
    shape.setAttribute("class", "gq-zone");
    shape.setAttribute("vector-effect", "non-scaling-stroke");
    svg.append(shape);
  }
  if (!svg.childNodes.length) return null;
  const frame = h("div", { class: "gq-solution-frame" }, surface, svg);
  const mark = picked.querySelector(".gq-marker");
  if (mark && !mark.hidden) {
    const own = h("span", { class: "gq-marker", "aria-hidden": "true" });
    own.style.left = mark.style.left; own.style.top = mark.style.top;
    frame.append(own);
  }
  return h("figure", { class: "gq-solution" }, frame,
    h("figcaption", {}, mark && !mark.hidden ? gettext("Zone attendue encadrée\u00a0; le rond jaune est votre repère.") : gettext("Zone attendue encadrée.")));
}
