// Interactive transcript: the current word is highlighted, a click (or a segment's time
// button) seeks, a search box marks matches and jumps between them.
import { fmt, h } from "./dom.js";

export class Transcript {
  constructor(root, segments, seek, announce) {
    this.words = [];
    this.current = null;
    if (!root || !segments.length) return;
    const search = h("input", { type: "search", class: "gt-search", placeholder: "Rechercher dans la transcription",
      "aria-label": "Rechercher dans la transcription" });
    const count = h("span", { class: "gt-count", "aria-live": "polite" });
    const body = h("div", { class: "gt-body" });
    for (const seg of segments) {
      const p = h("p", {}, h("button", { type: "button", class: "gt-time", "data-seek": seg.start,
        "aria-label": `Aller à ${fmt(seg.start)}` }, fmt(seg.start)), " ");
      const words = seg.words.length ? seg.words : [{ start: seg.start, end: seg.end, text: seg.text }];
      for (const w of words) {
        const span = h("span", { class: "gt-w", "data-t": w.start }, w.text.trim());
        this.words.push({ start: w.start, end: w.end, el: span });
        p.append(span, " ");
      }
      body.append(p);
    }
    body.addEventListener("click", (e) => {
      const t = e.target.closest("[data-t],[data-seek]");
      if (t) seek(parseFloat(t.dataset.t ?? t.dataset.seek));
    });
    let matches = [], idx = -1;
    search.addEventListener("input", () => {
      const q = search.value.trim().toLocaleLowerCase("fr");
      matches = [];
      for (const w of this.words) {
        const hit = q.length > 1 && w.el.textContent.toLocaleLowerCase("fr").includes(q);
        w.el.classList.toggle("gt-match", hit);
        if (hit) matches.push(w);
      }
      idx = -1;
      count.textContent = q.length > 1 ? `${matches.length} résultat${matches.length > 1 ? "s" : ""}` : "";
    });
    search.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" || !matches.length) return;
      e.preventDefault();
      idx = (idx + 1) % matches.length;
      seek(matches[idx].start);
      announce(`Résultat ${idx + 1} sur ${matches.length}, à ${fmt(matches[idx].start)}`);
    });
    root.replaceChildren(h("div", { class: "gt-tools" }, search, count), body);
    this.body = body;
  }

  update(t) {
    if (!this.words.length) return;
    let lo = 0, hi = this.words.length - 1, found = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (this.words[mid].start <= t) { found = mid; lo = mid + 1; } else hi = mid - 1; }
    const w = found >= 0 && t <= this.words[found].end + 0.6 ? this.words[found] : null;
    if (w === this.current) return;
    if (this.current) { this.current.el.classList.remove("gt-now"); this.current.el.removeAttribute("aria-current"); }
    this.current = w;
    if (w) {
      w.el.classList.add("gt-now"); w.el.setAttribute("aria-current", "true");
      const b = this.body, top = w.el.offsetTop - b.offsetTop;
      if (top < b.scrollTop || top > b.scrollTop + b.clientHeight - 24) b.scrollTop = Math.max(0, top - b.clientHeight / 3);
    }
  }
}
