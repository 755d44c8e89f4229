// Interactive transcript: the current word is highlighted, a click (or a segment's time
// button) seeks, a search box marks matches and jumps between them.
import { fmt, gettext, h, ngettext } from "./dom.js";

const fold = (text) => text.toLocaleLowerCase("fr").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[’']/g, "'");

export class Transcript {
  /** `origin`: the capsule's start in the footage; times shown count from it, like the player's clock. */
  constructor(root, segments, seek, announce, origin = 0) {
    this.words = [];
    this.current = null;
    if (!root || !segments.length) return;
    const search = h("input", { type: "search", class: "gt-search", placeholder: gettext("Rechercher dans la transcription"),
      "aria-label": gettext("Rechercher dans la transcription") });
    const count = h("span", { class: "gt-count", role: "status" });
    const body = h("div", { class: "gt-body" });
    const paras = [];
    for (const seg of segments) {
      const shown = Math.max(0, seg.start - origin);
      const p = h("p", {}, h("button", { type: "button", class: "gt-time", "data-seek": Math.max(seg.start, origin),
        "aria-label": gettext("Aller à %(time)s", { time: fmt(shown) }) }, fmt(shown)), " ");
      const words = seg.words.length ? seg.words : [{ start: seg.start, end: seg.end, text: seg.text }];
      const spans = [];
      for (const w of words) {
        const span = h("span", { class: "gt-w", "data-t": w.start }, w.text.trim());
        const word = { start: w.start, end: w.end, el: span };
        this.words.push(word);
        spans.push(word);
        p.append(span, " ");
      }
      paras.push({ el: p, start: Math.max(seg.start, origin), text: fold(words.map((w) => w.text.trim()).join(" ")), words: spans });
      body.append(p);
    }
    body.addEventListener("click", (e) => {
      const t = e.target.closest("[data-t],[data-seek]");
      if (t) seek(parseFloat(t.dataset.t ?? t.dataset.seek));
    });
    // A search keeps only the passages that say it (accents and case ignored), marks the words, and
    // Enter goes from one passage to the next.
    let matches = [], idx = -1;
    search.addEventListener("input", () => {
      const q = fold(search.value.trim());
      const terms = q.split(/\s+/).filter((x) => x.length > 1);
      const active = q.length > 1;
      matches = [];
      for (const para of paras) {
        const hit = active && para.text.includes(q);
        para.el.hidden = active && !hit;
        for (const w of para.words) w.el.classList.toggle("gt-match", hit && terms.some((term) => fold(w.el.textContent).includes(term)));
        if (hit) matches.push(para);
      }
      idx = -1;
      body.classList.toggle("gt-filtered", active);
      count.textContent = !active ? "" : matches.length
        ? ngettext("%(n)s passage trouvé", "%(n)s passages trouvés", matches.length)
        : gettext("Aucun passage trouvé");
    });
    search.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" || !matches.length) return;
      e.preventDefault();
      idx = (idx + 1) % matches.length;
      const first = matches[idx].words.find((w) => w.el.classList.contains("gt-match")) || matches[idx];
      seek(first.start);
      announce(gettext("Passage %(n)s sur %(total)s, à %(time)s", { n: idx + 1, total: matches.length, time: fmt(first.start - origin) }));
    });
    root.replaceChildren(h("div", { class: "gt-tools" }, search, count), body);
    this.body = body;
  }

  update(t) {
    if (!this.words.length) return;
    // A seek to a word's start may land a hair before it (8.2 reads back as 8.199999): 10 ms of slack.
    let lo = 0, hi = this.words.length - 1, found = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (this.words[mid].start <= t + 0.01) { found = mid; lo = mid + 1; } else hi = mid - 1; }
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
