// The learner player: video (HLS / MP4), steps as chapters, captions, transcript, key points,
// interactions graded on the server, progress saved and resumed, offline download.
import { renderForm } from "./interactions.js";
import { enqueue, flush, getJSON, HttpError, postJSON, readQueue, uuid } from "./net.js";
import { fmt, h, icon } from "./dom.js";
import { attachSource, slowConnection } from "./source.js";
import { Transcript } from "./transcript.js";

const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];
const FRAME = 1 / 25;
const SAVE_EVERY_MS = 10000;

export class Player {
  constructor(root) {
    this.root = root;
    this.video = root.querySelector("video");
    this.live = document.getElementById("gp-live");
    this.m = null;
    this.done = new Set(); // interactions answered (or dismissed) that must not pop up again
    this.answered = new Set(); // interactions with an attempt (server or queued)
    this.ranges = []; // watched ranges not yet sent
    this.segStart = null;
    this.lastT = 0;
    this.events = [];
    this.active = null; // the interaction on screen
    this.loopStep = null;
  }

  announce(text) {
    if (!this.live) return;
    this.live.textContent = "";
    setTimeout(() => { this.live.textContent = text; }, 30);
  }

  // --- start ---------------------------------------------------------------------------
  async start() {
    const url = this.root.dataset.manifest;
    try {
      this.m = await getJSON(url);
    } catch (e) {
      this.root.append(h("p", { class: "gp-error", role: "alert" }, navigator.onLine
        ? "Le lecteur n'a pas pu charger cette capsule. Réessayez plus tard."
        : "Vous êtes hors ligne et cette capsule n'a pas été téléchargée."));
      return;
    }
    const m = this.m;
    this.offlineKey = `geste:offline:${m.id}`;
    this.posKey = `geste:pos:${m.id}`;
    for (const [id, a] of Object.entries(m.attempts || {})) { this.answered.add(+id); if (a.correct !== false) this.done.add(+id); }
    for (const q of readQueue()) if (q.kind === "answer" && q.capsule === m.id) { this.answered.add(q.interaction); this.done.add(q.interaction); }
    this.buildUI();
    this.bindVideo();
    await this.attach();
    this.event("initialized", { offline: !navigator.onLine, source: this.source.kind });
    window.addEventListener("online", () => this.sync());
    window.addEventListener("hashchange", () => { if (this.video.readyState >= 1) this.openAtLinkedTime(); });
    document.addEventListener("visibilitychange", () => { if (document.hidden) this.save(true); });
    window.addEventListener("pagehide", () => this.save(true));
    setInterval(() => { if (!this.video.paused) this.save(); }, SAVE_EVERY_MS);
    if (navigator.onLine && readQueue().length) this.sync();
    this.root.dataset.ready = "1";
  }

  async attach() {
    const offline = !navigator.onLine && !!localStorage.getItem(this.offlineKey);
    this.slow = slowConnection();
    this.source = await attachSource(this.video, this.m.sources, {
      offline, slow: this.slow,
      onFatal: () => { this.video.src = this.m.sources.mp4; this.source = { kind: "mp4", level: "bas" }; this.showSource(); },
    });
    this.showSource();
    this.addTracks();
    this.video.preload = this.slow ? "metadata" : "auto"; // weak connection: no bytes before "play"
    this.video.load && this.source.kind !== "hls.js" && this.video.load();
  }

  showSource() {
    this.root.dataset.source = this.source.kind;
    this.root.dataset.level = String(this.source.level);
  }

  addTracks() {
    const v = this.video;
    v.querySelectorAll("track").forEach((t) => t.remove());
    const pref = localStorage.getItem("geste:captions") ?? "fr";
    for (const c of this.m.captions) v.append(h("track", { kind: "captions", src: c.src, srclang: c.lang, label: c.label }));
    v.append(h("track", { kind: "chapters", src: this.m.chapters, srclang: "fr", label: "Étapes", default: true }));
    const apply = () => {
      for (const t of v.textTracks) {
        if (t.kind === "chapters") t.mode = "hidden"; // cues loaded (steps), nothing drawn
        else if (t.kind === "captions" || t.kind === "subtitles") t.mode = t.language === this.capsSel.value ? "showing" : "disabled";
      }
    };
    this.capsSel.value = this.m.captions.some((c) => c.lang === pref) ? pref : "off";
    this.capsSel.onchange = () => { localStorage.setItem("geste:captions", this.capsSel.value); apply(); this.announce(this.capsSel.selectedOptions[0].text); };
    apply();
    v.textTracks.addEventListener && v.textTracks.addEventListener("addtrack", apply);
  }

  // --- UI --------------------------------------------------------------------------------
  buildUI() {
    const m = this.m, v = this.video;
    const dur = m.end - m.start;
    this.playBtn = h("button", { type: "button", class: "gp-play", "aria-label": "Lecture", onclick: () => this.toggle() }, icon("play"));
    this.seekBar = h("input", { type: "range", class: "gp-seek", min: m.start, max: m.end, step: "0.1", value: m.start,
      "aria-label": "Position dans la vidéo", "aria-valuetext": "0:00" });
    this.seekBar.addEventListener("input", () => this.seek(parseFloat(this.seekBar.value)));
    const marks = h("div", { class: "gp-marks", "aria-hidden": "true" });
    const pct = (t) => `${((t - m.start) / dur) * 100}%`;
    for (const s of m.steps) marks.append(h("span", { class: "gp-mark-step", style: `left:${pct(s.start)}`, title: s.title }));
    for (const k of m.key_points) marks.append(h("span", { class: `gp-mark-kp gp-kp-${k.kind}`, style: `left:${pct(k.time)}`, title: k.text }));
    for (const i of m.interactions) marks.append(h("span", { class: "gp-mark-q", style: `left:${pct(i.time)}`, title: "Question" }));
    this.timeEl = h("span", { class: "gp-time", "aria-hidden": "true" }, `0:00 / ${fmt(dur)}`);
    this.loopBtn = h("button", { type: "button", class: "gp-loop", "aria-pressed": "false", onclick: () => this.toggleLoop() }, "Boucler l'étape");
    this.speedSel = h("select", { class: "gp-speed", "aria-label": "Vitesse de lecture" },
      SPEEDS.map((s) => h("option", { value: s, selected: s === 1 }, `${String(s).replace(".", ",")}×`)));
    this.speedSel.addEventListener("change", () => { v.playbackRate = parseFloat(this.speedSel.value); this.announce(`Vitesse ${this.speedSel.selectedOptions[0].text}`); });
    this.capsSel = h("select", { class: "gp-captions", "aria-label": "Sous-titres" }, h("option", { value: "off" }, "Sans sous-titres"),
      m.captions.map((c) => h("option", { value: c.lang }, `Sous-titres ${c.label}`)));
    const prevF = h("button", { type: "button", class: "gp-frame-back", "aria-label": "Image précédente", onclick: () => this.frame(-1) }, icon("prev"));
    const nextF = h("button", { type: "button", class: "gp-frame-fwd", "aria-label": "Image suivante", onclick: () => this.frame(1) }, icon("next"));
    const fs = h("button", { type: "button", class: "gp-fs", "aria-label": "Plein écran", onclick: () => this.fullscreen() }, icon("full"));
    this.offBtn = h("button", { type: "button", class: "gp-offline", onclick: () => this.download() },
      localStorage.getItem(this.offlineKey) ? "Disponible hors ligne ✓" : "Télécharger pour hors ligne");
    this.rmBtn = h("button", { type: "button", class: "gp-offline-remove", hidden: !localStorage.getItem(this.offlineKey),
      onclick: () => this.removeDownload() }, "Supprimer la copie hors ligne");
    this.stepLabel = h("p", { class: "gp-step-now", "aria-live": "off" });
    this.status = h("p", { class: "gp-status" });
    this.syncStatus = h("p", { class: "gp-status gp-sync" });
    const bar = h("div", { class: "gp-bar" }, h("div", { class: "gp-seekwrap" }, marks, this.seekBar));
    const controls = h("div", { class: "gp-controls", role: "group", "aria-label": "Commandes du lecteur" },
      this.playBtn, prevF, nextF, this.timeEl, this.loopBtn, this.speedSel, this.capsSel, fs);
    this.qBox = h("section", { class: "gp-question", hidden: true, "aria-labelledby": `gq-title-${m.id}` });
    this.root.append(bar, controls, this.stepLabel, this.qBox, h("div", { class: "gp-extra" }, this.offBtn, " ", this.rmBtn), this.status,
      this.syncStatus);
    v.addEventListener("click", () => this.toggle());
    this.root.addEventListener("keydown", (e) => this.keys(e));
    // Steps list (server-rendered): click = seek.
    document.querySelectorAll(".gp-steps [data-seek]").forEach((b) => b.addEventListener("click", () => {
      if (this.active) this.closeQuestion(); // a mandatory one comes back: seek() stops at it
      this.seek(parseFloat(b.dataset.seek));
      this.video.play().catch(() => {});
    }));
    this.stepItems = [...document.querySelectorAll(".gp-steps li[data-start]")];
    this.transcript = new Transcript(document.querySelector("[data-geste-transcript]"), m.transcript || [],
      (t) => this.seek(t), (s) => this.announce(s));
    if (m.progress && m.progress.completed) this.root.dataset.completed = "1";
  }

  keys(e) {
    if (e.target.closest("input,select,textarea,.gp-question")) return;
    const v = this.video;
    if (e.key === " " || e.key === "k") { e.preventDefault(); this.toggle(); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); this.seek(v.currentTime - 5); }
    else if (e.key === "ArrowRight") { e.preventDefault(); this.seek(v.currentTime + 5); }
    else if (e.key === ",") this.frame(-1);
    else if (e.key === ".") this.frame(1);
  }

  toggle() {
    if (this.active) { this.focusAnswer(); return; }
    if (this.video.paused) this.video.play().catch(() => {}); else this.video.pause();
  }

  fullscreen() {
    const el = this.root;
    if (document.fullscreenElement) document.exitFullscreen(); else (el.requestFullscreen || this.video.webkitEnterFullscreen)?.call(el.requestFullscreen ? el : this.video);
  }

  frame(dir) {
    this.video.pause();
    this.seek(this.video.currentTime + dir * FRAME);
  }

  currentStep(t = this.video.currentTime) {
    return this.m.steps.find((s) => t >= s.start - 0.01 && t < s.end) || null;
  }

  toggleLoop() {
    if (this.loopStep) { this.loopStep = null; }
    else { this.loopStep = this.currentStep() || null; if (!this.loopStep) { this.announce("Aucune étape à cet instant."); return; } }
    this.loopBtn.setAttribute("aria-pressed", String(!!this.loopStep));
    this.root.dataset.loop = this.loopStep ? String(this.loopStep.id) : "";
    this.announce(this.loopStep ? `Boucle sur l'étape « ${this.loopStep.title} »` : "Boucle désactivée");
  }

  // --- time, guards, interactions --------------------------------------------------------
  /** The latest time the learner may reach: just before the first unanswered mandatory question. */
  guard() {
    if (!this.m.user.authenticated) return Infinity;
    const q = this.m.interactions.find((i) => i.mandatory && !this.answered.has(i.id));
    return q ? q.time : Infinity;
  }

  seek(t) {
    const m = this.m;
    t = Math.max(m.start, Math.min(t, m.end - 0.05));
    const g = this.guard();
    if (t > g + 0.05) {
      t = g;
      this.announce("Répondez d'abord à la question obligatoire de cette étape.");
    }
    this.closeRange();
    this.video.currentTime = t;
    this.lastT = t - 0.01;
  }

  bindVideo() {
    const v = this.video, m = this.m;
    v.addEventListener("loadedmetadata", () => this.resume(), { once: true });
    v.addEventListener("play", () => { this.playBtn.replaceChildren(icon("pause")); this.playBtn.setAttribute("aria-label", "Pause"); this.segStart = v.currentTime; this.event("played", { time: v.currentTime }); });
    v.addEventListener("pause", () => { this.playBtn.replaceChildren(icon("play")); this.playBtn.setAttribute("aria-label", "Lecture"); this.closeRange(); this.event("paused", { time: v.currentTime }); this.save(); });
    v.addEventListener("seeking", () => {
      const g = this.guard();
      if (v.currentTime > g + 0.3) { v.currentTime = g; this.announce("Répondez d'abord à la question obligatoire de cette étape."); }
    });
    v.addEventListener("seeked", () => { this.event("seeked", { from: this.lastT, to: v.currentTime }); this.lastT = v.currentTime - 0.01; if (!v.paused) this.segStart = v.currentTime; });
    v.addEventListener("timeupdate", () => this.tick());
    v.addEventListener("ended", () => { this.closeRange(); this.save(); if (!this.active) this.atEnd(); });
    v.addEventListener("error", () => {
      if (this.source?.kind === "mp4" || !m.sources.mp4) return;
      this.source.destroy?.();
      v.src = m.sources.mp4;
      this.source = { kind: "mp4", level: "bas" };
      this.showSource();
    });
    v.addEventListener("geste-level", () => this.showSource());
  }

  /** Seconds from the capsule's start asked by the page URL (#t=42.5, as the catalogue search links), or null. */
  linkedTime() {
    const match = /(?:^#|&)t=(?:npt:)?(\d+(?:\.\d+)?)/.exec(window.location.hash);
    return match ? parseFloat(match[1]) : null;
  }

  /** Go to a time given by the URL: an explicit link wins over the saved position. */
  openAtLinkedTime() {
    const rel = this.linkedTime();
    if (rel == null) return false;
    const m = this.m;
    this.seek(m.start + rel); // clamped to the capsule and stopped at an unanswered mandatory question
    const at = this.video.currentTime;
    this.root.dataset.linked = String(at);
    this.announce(`Lecture à partir de ${fmt(at - m.start)}`);
    return true;
  }

  resume() {
    if (this.openAtLinkedTime()) return;
    const m = this.m, server = m.progress;
    const local = JSON.parse(localStorage.getItem(this.posKey) || "null");
    let pos = server ? server.position : null;
    if (local && (!server || local.at > Date.parse(server.updated_at || 0))) pos = local.position;
    if (pos != null && pos > m.start + 1 && pos < m.end - 1) {
      pos = Math.min(pos, this.guard());
      this.video.currentTime = pos;
      this.lastT = pos - 0.01;
      this.announce(`Reprise à ${fmt(pos - m.start)}`);
      this.root.dataset.resumed = String(pos);
    } else if (m.start > 0) {
      this.video.currentTime = m.start;
    }
  }

  tick() {
    const v = this.video, m = this.m, t = v.currentTime;
    // The capsule's range of the footage.
    if (t >= m.end - 0.02 && !v.paused) { v.pause(); this.closeRange(); this.atEnd(); return; }
    // Loop the current step.
    if (this.loopStep && (t >= this.loopStep.end - 0.05 || t < this.loopStep.start - 0.5) && !this.active) {
      this.closeRange();
      v.currentTime = this.loopStep.start;
      this.lastT = this.loopStep.start - 0.01;
      this.root.dataset.loops = String((+this.root.dataset.loops || 0) + 1);
      return;
    }
    // Interactions crossed during normal playback.
    if (!v.seeking && !this.active) {
      const q = m.interactions.find((i) => !this.done.has(i.id) && i.time > this.lastT && i.time <= t + 0.05 && t - i.time < 1.5);
      if (q) { this.ask(q); }
      else {
        // Past an unanswered mandatory question (fast playback overshoot): go back to it.
        const g = this.guard();
        if (t > g + 0.6) { v.currentTime = g; }
      }
    }
    if (!v.seeking) this.lastT = t;
    // UI.
    if (document.activeElement !== this.seekBar) this.seekBar.value = t;
    this.seekBar.setAttribute("aria-valuetext", fmt(t - m.start));
    this.timeEl.textContent = `${fmt(t - m.start)} / ${fmt(m.end - m.start)}`;
    const step = this.currentStep(t);
    if (step !== this.step) {
      this.step = step;
      this.stepLabel.textContent = step ? `Étape : ${step.title}` : "";
      this.stepItems.forEach((li) => li.classList.toggle("current", !!step && Math.abs(parseFloat(li.dataset.start) - step.start) < 0.01));
    }
    this.transcript.update(t);
    if (!v.paused && this.segStart != null && t - this.segStart > 5) { this.closeRange(); this.segStart = t; }
  }

  // The end of the capsule: a question placed in its last moments (between the last timeupdate
  // and the end) is asked first; the end screen comes once nothing is left to answer.
  atEnd() {
    const q = this.m.interactions.find((i) => !this.done.has(i.id) && i.time > this.lastT && i.time <= this.m.end + 0.05);
    if (q) { this.ask(q); return; }
    this.ended();
  }

  ended() {
    const next = this.m.next;
    this.status.replaceChildren("Fin de la capsule.", next ? " " : "",
      next ? h("a", { href: next.url }, `Capsule suivante : ${next.title}`) : "");
    this.announce(next ? `Fin de la capsule. Capsule suivante : ${next.title}` : "Fin de la capsule.");
  }

  ask(inter) {
    const v = this.video;
    v.pause();
    this.active = inter;
    const title = h("h2", { id: `gq-title-${this.m.id}`, tabindex: "-1" }, inter.kind === "observe" ? "Observez" : "Question");
    const box = this.qBox;
    box.replaceChildren(title, h("p", { class: "gq-prompt" }, inter.kind === "cloze" ? "Complétez :" : inter.prompt));
    box.dataset.interaction = inter.id;
    if (!this.m.user.authenticated && inter.kind !== "observe") {
      box.append(h("p", {}, h("a", { href: this.m.user.login_url }, "Connectez-vous pour répondre"), " et enregistrer votre progression."),
        h("button", { type: "button", class: "gq-continue", onclick: () => this.resumeAfter(inter) }, "Continuer"));
    } else {
      box.append(renderForm(inter, v, (resp) => this.submit(inter, resp)));
      if (!inter.mandatory) {
        box.append(h("button", { type: "button", class: "gq-skip", onclick: () => { this.done.add(inter.id); this.resumeAfter(inter); } },
          "Passer cette question"));
      }
    }
    box.hidden = false;
    this.root.dataset.asking = String(inter.id);
    title.focus();
    this.announce(`Question : ${inter.prompt.replace(/_{3,}/g, "…")}`);
  }

  async submit(inter, response) {
    const body = { response, client_id: uuid(), answered_at: new Date().toISOString() };
    const btn = this.qBox.querySelector(".gq-submit");
    if (btn) btn.disabled = true;
    let res;
    try {
      res = await postJSON(inter.answer_url, body);
    } catch (e) {
      if (e instanceof HttpError && e.status < 500 && e.status !== 403) {
        if (btn) btn.disabled = false;
        this.feedback(inter, { error: e.message });
        return;
      }
      enqueue({ kind: "answer", capsule: this.m.id, interaction: inter.id, url: inter.answer_url, body });
      this.answered.add(inter.id);
      this.done.add(inter.id);
      this.feedback(inter, { queued: true });
      return;
    }
    this.answered.add(inter.id);
    if (res.correct !== false) this.done.add(inter.id);
    this.onCompleted(res.completed);
    this.feedback(inter, res);
  }

  feedback(inter, res) {
    const box = this.qBox;
    box.querySelector(".gq-feedback")?.remove();
    const fb = h("div", { class: "gq-feedback", tabindex: "-1" });
    let say;
    if (res.error) {
      fb.append(h("p", { class: "gq-wrong" }, res.error));
      say = res.error;
    } else if (res.queued) {
      say = "Réponse enregistrée hors ligne : elle sera envoyée et corrigée au retour de la connexion.";
      fb.append(h("p", { class: "gq-queued" }, say));
      box.querySelector("form")?.remove();
      fb.append(h("button", { type: "button", class: "gq-continue", onclick: () => this.resumeAfter(inter) }, "Continuer"));
    } else {
      const ok = res.correct !== false;
      const head = inter.kind === "observe" || inter.kind === "free_recall" ? "Merci." : ok ? "Bonne réponse !" : "Ce n'est pas la bonne réponse.";
      fb.classList.add(ok ? "ok" : "ko");
      fb.append(h("p", { class: ok ? "gq-right" : "gq-wrong" }, head));
      if (res.feedback) fb.append(h("p", {}, res.feedback));
      for (const text of Object.values(res.choice_feedback || {})) fb.append(h("p", { class: "gq-choice-fb" }, text));
      say = `${head} ${res.feedback || ""}`;
      if (ok) {
        box.querySelector("form")?.remove();
        fb.append(h("button", { type: "button", class: "gq-continue", onclick: () => this.resumeAfter(inter) }, "Continuer"));
      } else {
        box.querySelector(".gq-submit").disabled = false;
        const actions = h("div", { class: "gq-actions" },
          h("button", { type: "button", class: "gq-retry", onclick: () => { fb.remove(); this.focusAnswer(); } }, "Réessayer"));
        if (inter.step) actions.append(h("button", { type: "button", class: "gq-replay", onclick: () => this.replayStep(inter) }, "Revoir l'étape"));
        actions.append(h("button", { type: "button", class: "gq-continue", onclick: () => { this.done.add(inter.id); this.resumeAfter(inter); } }, "Continuer"));
        fb.append(actions);
        if (inter.replay_step_on_wrong && inter.step) say += " Revoyez l'étape avant de répondre à nouveau.";
      }
    }
    box.append(fb);
    fb.focus();
    // The designer asked for the step to be replayed after a wrong answer: offer it first.
    if (res.correct === false && inter.replay_step_on_wrong) box.querySelector(".gq-replay")?.focus();
    this.announce(say);
  }

  /** Focus the first control of the answer form (the hotspot picture is one), else the first button. */
  focusAnswer() {
    const box = this.qBox;
    (box.querySelector(".gq-form :is(input, textarea, select, [tabindex='0'], button)") || box.querySelector("button"))?.focus();
  }

  closeQuestion() {
    this.qBox.hidden = true;
    this.qBox.replaceChildren();
    this.active = null;
    delete this.root.dataset.asking;
  }

  resumeAfter(inter) {
    this.closeQuestion();
    this.lastT = Math.max(this.lastT, inter.time + 0.01);
    this.playBtn.focus();
    // At the very end, playing again would restart the video from zero: show the end instead.
    if (this.video.ended || this.video.currentTime >= this.m.end - 0.05) { this.atEnd(); return; }
    this.video.play().catch(() => {});
  }

  replayStep(inter) {
    this.closeQuestion();
    this.done.delete(inter.id);
    this.seek(inter.step.start);
    this.lastT = inter.step.start - 0.01;
    this.announce("Revoyez l'étape : la question reviendra à la fin.");
    this.playBtn.focus();
    this.video.play().catch(() => {});
  }

  onCompleted(done) {
    if (done && this.root.dataset.completed !== "1") {
      this.root.dataset.completed = "1";
      this.status.textContent = "Capsule terminée. Bravo !";
      this.announce("Capsule terminée. Bravo !");
    }
  }

  // --- progress, events, sync ----------------------------------------------------------
  closeRange() {
    const t = this.video.currentTime;
    if (this.segStart != null && t > this.segStart + 0.05) this.ranges.push([+this.segStart.toFixed(2), +t.toFixed(2)]);
    this.segStart = this.video.paused ? null : t;
  }

  event(verb, data) {
    this.events.push({ verb, client_id: uuid(), timestamp: new Date().toISOString(), data: { ...data, capsule: this.m.id } });
  }

  async save(leaving = false) {
    if (!this.m) return;
    if (!this.video.paused) this.closeRange();
    const position = this.video.currentTime;
    localStorage.setItem(this.posKey, JSON.stringify({ position, at: Date.now() }));
    if (!this.m.user.authenticated) { this.ranges = []; this.events = []; return; }
    const ranges = this.ranges.splice(0), events = this.events.splice(0);
    const progress = { position, watched: ranges };
    if (events.length) this.send(this.m.api.events, { events }, leaving, null);
    const res = await this.send(this.m.api.progress, progress, leaving, `progress:${this.m.id}`, ranges);
    if (res) this.onCompleted(res.completed);
  }

  async send(url, body, keepalive, replace, ranges) {
    try {
      return await postJSON(url, body, { keepalive });
    } catch (e) {
      if (e instanceof HttpError && e.status < 500 && e.status !== 403) return null;
      if (replace) {
        // Keep one queued progress per capsule, with every range still unsent.
        const prev = readQueue().find((q) => q.replace === replace);
        const watched = [...(prev ? prev.body.watched : []), ...(ranges || [])];
        enqueue({ kind: "progress", replace, url, body: { ...body, watched, client_time: new Date().toISOString() } });
      } else {
        enqueue({ kind: "events", url, body });
      }
      return null;
    }
  }

  async sync() {
    const sent = await flush();
    const answers = sent.filter((s) => s.item.kind === "answer" && s.res);
    for (const { res } of sent) if (res && "completed" in res) this.onCompleted(res.completed);
    if (answers.length) {
      const ok = answers.filter((a) => a.res.correct !== false).length;
      const msg = `${answers.length} réponse${answers.length > 1 ? "s" : ""} hors ligne envoyée${answers.length > 1 ? "s" : ""} : ${ok} juste${ok > 1 ? "s" : ""}.`;
      this.syncStatus.textContent = msg;
      this.announce(msg);
    }
    this.root.dataset.synced = String((+this.root.dataset.synced || 0) + sent.length);
  }

  // --- offline ---------------------------------------------------------------------------
  async download() {
    if (!("serviceWorker" in navigator) || !("caches" in window)) {
      this.status.textContent = "Ce navigateur ne permet pas le téléchargement hors ligne.";
      return;
    }
    this.offBtn.disabled = true;
    this.status.textContent = "Téléchargement en cours…";
    try {
      await navigator.serviceWorker.register(this.root.dataset.sw, { scope: "/" });
      await navigator.serviceWorker.ready;
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
      const bundle = await getJSON(this.m.api.offline);
      const cache = await caches.open(bundle.cache);
      let n = 0;
      for (const url of bundle.urls) {
        const r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (!r.ok) throw new Error(`${url}: ${r.status}`);
        await cache.put(url, r);
        this.status.textContent = `Téléchargement en cours… ${Math.round((++n / bundle.urls.length) * 100)} %`;
      }
      localStorage.setItem(this.offlineKey, JSON.stringify({ at: Date.now(), urls: bundle.urls }));
      this.offBtn.textContent = "Disponible hors ligne ✓";
      this.rmBtn.hidden = false;
      this.status.textContent = "Capsule disponible hors ligne.";
      this.announce("Capsule disponible hors ligne.");
      this.event("downloaded", { bytes: bundle.bytes });
    } catch (e) {
      this.status.textContent = "Le téléchargement a échoué. Réessayez avec une meilleure connexion.";
    } finally {
      this.offBtn.disabled = false;
    }
  }

  async removeDownload() {
    if ("caches" in window) await caches.delete(`geste-capsule-${this.m.id}`);
    localStorage.removeItem(this.offlineKey);
    this.rmBtn.hidden = true;
    this.offBtn.textContent = "Télécharger pour hors ligne";
    this.status.textContent = "Copie hors ligne supprimée.";
    this.announce("Copie hors ligne supprimée.");
  }
}
