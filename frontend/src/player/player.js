// The learner player: video (HLS / MP4), steps as chapters, captions, transcript, key points,
// interactions graded on the server, progress saved and resumed, offline download.
import { hotspotSolution, renderForm } from "./interactions.js";
import { dequeue, enqueue, flush, getJSON, HttpError, postJSON, readQueue, setScope, uuid } from "./net.js";
import { clock, elapsed, fmt, gettext, h, icon, ngettext, number, parts } from "./dom.js";
import { attachSource, dataSaverChoice, prefetchHls, setDataSaver, slowConnection } from "./source.js";
import { Transcript } from "./transcript.js";

const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];
const FRAME = 1 / 25;
const SEEK_KEY_S = 5; // ← → on the player and on its progress bar
// Playing without a frame for this long (walk 39: an endless spinner on a 400-ms link): say so, offer « Réessayer »
// and the offline copy. Loading goes on meanwhile; « Lecture » to a frame measured at 400-800 ms / 50 KiB/s: 13-14 s.
const STALLED_MS = 20000;
const BUFFERING_DELAY_MS = 400; // a short wait for data shows nothing (no flicker on each seek)
// The player's shortcut keys stay off focused controls (keys()): the ones that own every key, and the
// ones that Space and Enter press.
const OWN_KEYS = "input,select,textarea,[contenteditable]:not([contenteditable='false']),[role=slider],[role=checkbox],[role=radio],[role=menuitem],[role=menuitemcheckbox],[role=menuitemradio],[role=switch],[role=spinbutton],[role=option],[role=tab]";
const PRESSABLE = "button,a[href],summary,[role=button],[role=link]";
const SLIDER_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown", "Tab", " ", "Enter"]);
const TABBABLE = "button,a[href],input,select,textarea,summary,[tabindex]";
// Where K is a letter, not the player's play / pause (keys(), pageKeys()): a field where text is typed, a menu
// or list that a letter searches, and a question's answer (its choices, ordering list, picture to point at).
const K_OWN = "input:not([type=range],[type=button],[type=submit],[type=reset]),select,textarea,[contenteditable]:not([contenteditable='false']),"
  + "[role=option],[role=menuitem],[role=menuitemcheckbox],[role=menuitemradio],[role=combobox],[role=textbox],[role=searchbox],dialog,.gq-choices,.gq-order,.gq-hotspot";
const isK = (e) => e.key === "k" || e.key === "K";
// Where « ? » is typed, not the shortcuts' list (openKeys()).
const TEXT_FIELD = "input:not([type=range],[type=checkbox],[type=radio],[type=button],[type=submit],[type=reset]),select,textarea,"
  + "[contenteditable]:not([contenteditable='false']),[role=textbox],[role=searchbox],[role=combobox]";
// Where Space keeps its own meaning outside the player (a link, a button, a field, a widget, a focusable
// scrolling region). Elsewhere on the page (the body, or the main region a click beside the player focuses:
// it has tabindex="-1" for the skip link), Space plays or pauses instead of scrolling (walk 32).
const SPACE_OWN = "a[href],button,input,select,textarea,summary,label,audio,video,iframe,dialog,"
  + "[contenteditable]:not([contenteditable='false']),[tabindex]:not([tabindex^='-']),[role=button],[role=link],"
  + "[role=checkbox],[role=radio],[role=switch],[role=tab],[role=menuitem],[role=option],[role=slider],"
  + "[role=textbox],[role=combobox],[role=listbox],[role=application]";
/** The player's shortcut keys, one table: keys() acts on `keys` (e.key values) and the « Raccourcis clavier »
 * dialog (showKeys()) lists `label` and `does`, so the list cannot drift from what the keys do (walk 37: « ? »
 * did nothing and nothing listed them). `prevent`: the browser's own action is cancelled (no page scroll).
 * `only`: a row the list shows for this capsule only (M without a sound track). K is ▶ before every other
 * rule (keys(): isK); « ? » opens the list wherever the focus is but a text field (openKeys()); Shift + ← / →
 * is the seek bar's own (buildUI). */
const SHORTCUTS = [
  { keys: [" ", "k", "K"], label: [gettext("Espace"), "K"], does: gettext("Lecture / pause"), prevent: true, act: (p) => p.toggle() },
  { keys: ["ArrowLeft"], label: ["←"], does: gettext("Reculer de 5 secondes"), prevent: true, act: (p) => p.seek(p.video.currentTime - SEEK_KEY_S) },
  { keys: ["ArrowRight"], label: ["→"], does: gettext("Avancer de 5 secondes"), prevent: true, act: (p) => p.seek(p.video.currentTime + SEEK_KEY_S) },
  { keys: [], label: [gettext("Maj + ←"), gettext("Maj + →")], does: gettext("Sur la barre de progression\u00a0: 1 seconde en arrière ou en avant") },
  // Home / End: the capsule's start and end, as on the seek bar, with the focus anywhere in the player
  // (walk 36: on the seek bar only); a field, a menu or the page outside the player keeps its own.
  { keys: ["Home"], label: [gettext("Début")], does: gettext("Aller au début de la capsule"), prevent: true, act: (p) => p.seek(p.m.start) },
  // End shows the end screen too (walk 48: the video stood paused on its last picture, the score out of sight).
  { keys: ["End"], label: [gettext("Fin")], does: gettext("Aller à la fin de la capsule"), prevent: true, act: (p) => p.toEnd() },
  { keys: ["p", "P"], label: ["P"], does: gettext("Étape précédente (ou début de l'étape)"), act: (p) => p.stepJump(-1) },
  { keys: ["n", "N"], label: ["N"], does: gettext("Étape suivante"), act: (p) => p.stepJump(1) },
  { keys: [","], label: [","], does: gettext("Image précédente (la vidéo se met en pause)"), act: (p) => p.frame(-1) },
  { keys: ["."], label: ["."], does: gettext("Image suivante (la vidéo se met en pause)"), act: (p) => p.frame(1) },
  { keys: ["m", "M"], label: ["M"], does: gettext("Couper ou rétablir le son"), only: (p) => p.m.audio !== false,
    act: (p) => { p.video.muted = !p.video.muted; } },
  // Walk 45: no key for fullscreen (F in mainstream players).
  { keys: ["f", "F"], label: ["F"], does: gettext("Plein écran / quitter le plein écran"), act: (p) => p.fullscreen() },
  { keys: [], label: ["?"], does: gettext("Afficher cette liste") },
];
const SELF_GRADED = new Set(["observe", "free_recall"]); // no right or wrong: not in the score
const SAVE_EVERY_MS = 10000;
const RESUME_NOTE_MS = 4000; // the visible « Reprise à 0:08 » goes this long after the video starts playing
const GATE = gettext("Répondez d'abord à la question obligatoire.");
/** Where a step's loop turns back: the server's `loop_end` (just past a question in the gap after it). */
const loopEnd = (s) => Math.max(s.end, Number.isFinite(s.loop_end) ? s.loop_end : s.end);
// A phone held sideways in fullscreen (player.css, the same height): the controls lie over the picture and go
// after this long of play untouched.
const SHORT_SCREEN = window.matchMedia("(max-height: 32rem)");
// A phone held sideways (player.css): starting the video brings it whole on screen (walk 45).
const SIDEWAYS = window.matchMedia("(max-height: 32rem) and (orientation: landscape)");
const IDLE_MS = 3000;
const GATE_NOTE_MS = 3000; // a question opened this soon after a refused seek is the reason it stopped
const REPLAY_LEAD_S = 0.5; // a question this close after its step's start replays the step before it
const ASK_EARLY_S = 0.05; // a question is asked when the video comes this close to its time
const ASK_LATE_S = 1.5; // ... or, crossed between two timeupdates (~250 ms of video, more when faster), this far past it
// The server's completion rule (capsules/learning/progress.py): watched >= 90 % of the capsule (played
// ranges, merged when less than GAP_TOLERANCE apart) and every mandatory question answered.
const COMPLETION_FRACTION = 0.9;
const GAP_TOLERANCE = 0.5;

/** Sorted, non-overlapping [start, end] ranges clipped to [lo, hi]: progress.merge_ranges. */
export function mergeRanges(ranges, lo, hi) {
  const clean = [];
  for (const r of ranges || []) {
    let a = Number(r?.[0]), b = Number(r?.[1]);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    [a, b] = [Math.min(a, b), Math.max(a, b)];
    a = Math.min(Math.max(a, lo), hi); b = Math.min(Math.max(b, lo), hi);
    if (b > a) clean.push([a, b]);
  }
  clean.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged = [];
  for (const [a, b] of clean) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + GAP_TOLERANCE) last[1] = Math.max(last[1], b); else merged.push([a, b]);
  }
  return merged;
}

// A cloze's sentence is its form (inputs in the blanks): above it, only the instruction, unless the
// prompt already starts with one ("Complétez la phrase… : « … »", as drafted), which would say it twice.
const INSTRUCTION = /^\s*compl[eé]tez\b/i;
/** A caption track's language in the page's language: the manifest's label is French (its shared part is
 * cached for every learner, whatever their language), the page translates the languages it knows. A machine
 * translation of the audio says so (walk 30: « robinet » read "cabinet" under a plain « Anglais »). */
function languageName(c) {
  const name = { fr: gettext("Français"), en: gettext("Anglais") }[c.lang];
  if (!name) return c.label;
  return c.machine ? gettext("%(language)s (traduction automatique)", { language: name }) : name;
}

/** Whether a step's title says nothing but its number `n` (none, « Étape 3 », « Step 3 » in English): the
 * texts that name a step by its number then say it once (walk 28: « l'étape 2 « Étape 2 » »). Same rule as
 * capsules/learner_steps.py is_default_title. */
export function defaultStepTitle(title, n) {
  const t = (title || "").trim();
  const found = /^[ÉE]tape\s+(\d+)$/i.exec(t);
  return !t || (found !== null && Number(found[1]) === n) || t === gettext("Étape %(n)s", { n });
}

export function promptLine(inter) {
  if (inter.kind !== "cloze") return inter.prompt;
  return INSTRUCTION.test(inter.prompt) ? "" : gettext("Complétez\u00a0:");
}

/** Lower case, without accents, apostrophes and spaces made alike: "Dévisser l’écrou" ≈ "devisser l'ecrou". */
const plain = (text) => (text || "").normalize("NFD").replace(/\p{M}/gu, "").replace(/[’‘`]/g, "'")
  .replace(/\s+/g, " ").trim().toLowerCase();

/** Would the steps' names give this question's answer away? An ordering question (its answer is the order
 * of the gestures); an answer typed from memory (a sentence with blanks, a free recall: the names on the
 * page may fill it, as the transcript would); a choice that names a step (a drafted "what comes next?"
 * offers the steps); a true/false statement that names one (« Après « Préparer le siphon », on serre le
 * joint »). A choice question that only names its own gesture in its prompt (« Avant de dévisser
 * l'écrou, que faut-il faire ? ») leaves them shown. */
export function stepsGiveAway(inter, steps) {
  // A free recall of a point of vigilance (the server says so: its expected answer is the expert's key
  // point and names no step): the names give nothing away (walk 25b), only the key points are hidden.
  if (inter.kind === "free_recall" && inter.recalls_key_point) return false;
  if (["ordering", "cloze", "free_recall"].includes(inter.kind)) return true;
  const titles = (steps || []).map((s) => plain(s.title)).filter((t) => t.length > 2);
  const names = (text) => { const said = plain(text); return titles.some((t) => said.includes(t) || (said.length > 3 && t.includes(said))); };
  if (inter.kind === "true_false") return titles.some((t) => plain(inter.prompt).includes(t));
  return (inter.choices || []).some((c) => names(c.text));
}

export class Player {
  constructor(root) {
    this.root = root;
    this.video = root.querySelector("video");
    this.live = document.getElementById("gp-live");
    this.m = null;
    this.done = new Set(); // interactions answered (or dismissed) that must not pop up again
    this.answered = new Set(); // interactions with an attempt (server or queued)
    this.results = new Map(); // interaction id -> last graded result (true/false), for the end screen
    this.firstTry = new Map(); // interaction id -> result of its first answer, when given on this page
    this.run = 1; // the pass through the capsule (« Refaire la capsule » starts the next one: Attempt.run)
    this.runFirst = new Map(); // interaction id -> its first result in this pass
    this.shown = new Set(); // asked at least once (kept on this device: a reload asks them again)
    this.skipped = new Set(); // dismissed by the learner (kept on this device)
    // Mandatory questions answered wrong that the learner chose to leave for now ("Continuer"): on this
    // page, and after a reload when the learner had gone on past them (the server's position is beyond
    // the question). They are reminded under the player (« Question obligatoire à reprendre »), not forced.
    this.passed = new Set();
    // Mandatory questions answered wrong and left with « Continuer »: on this device, and as the server has it
    // (the manifest's attempts, `went_on`: « Continuer » is posted, so another device or a fresh browser knows).
    this.wentOn = new Set();
    this.answerIds = new Map(); // interaction id -> client_id of its latest answer on this page
    // Mandatory (graded) questions whose last answer in this pass, as the server has it (manifest attempts),
    // is wrong: « à reprendre » on every return, whatever the position saved and on any device (walk 31b:
    // the reminder listed only the questions before the last position, none after going back to 0:00).
    this.owed = new Set();
    this.ranges = []; // watched ranges not yet sent
    this.watched = []; // every range known watched: the server's (manifest, progress replies) and this page's
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
    prefetchHls(); // beside the manifest, not after it
    // The page's own « Chargement du lecteur… » (walk 37: on slow 3G the controls came ~10 s after the poster,
    // with nothing said meanwhile) goes once the controls are there, or an error says why not.
    const boot = this.root.querySelector('[data-role="boot"]');
    try {
      this.m = await getJSON(url);
    } catch (e) {
      boot?.remove();
      this.root.append(h("p", { class: "gp-error", role: "alert" }, navigator.onLine
        ? gettext("Le lecteur n'a pas pu charger cette capsule. Réessayez plus tard.")
        : gettext("Vous êtes hors ligne et cette capsule n'a pas été téléchargée.")));
      return;
    }
    const m = this.m;
    const scope = m.user.scope || "invite";
    setScope(scope);
    this.offlineKey = `geste:offline:${m.id}`;
    this.posKey = `geste:pos:${scope}:${m.id}`;
    this.seenKey = `geste:seen:${scope}:${m.id}`;
    // Kept on this device: the speed for every capsule (like the captions choice; the speed menu shows it).
    // The step loop is about one step of this visit: kept for a reload of this page only (this tab's
    // session), never for another capsule or a later visit (walk 28: a loop kept on the device came back
    // days later, with nothing on screen saying why the video went round).
    this.speedKey = "geste:speed";
    this.oldSpeedKey = `geste:speed:${m.id}`; // where a speed was kept per capsule before
    this.loopKey = `geste:loop:${m.id}`;
    try { localStorage.removeItem(this.loopKey); } catch { /* a loop kept on the device by an older player */ }
    // Any way in but a reload of this page starts without a loop. Decided here, as the player is made and
    // before any press: done in restoreLoop() (after the video's metadata, seconds later on a loaded phone),
    // it erased a loop the learner had just turned on, so a reload then lost it (CI, stop 33).
    try {
      if (performance.getEntriesByType?.("navigation")?.[0]?.type !== "reload") sessionStorage.removeItem(this.loopKey);
    } catch { /* storage refused */ }
    try {
      const seen = JSON.parse(localStorage.getItem(this.seenKey) || "{}");
      (seen.shown || []).forEach((id) => this.shown.add(id));
      (seen.skipped || []).forEach((id) => { this.skipped.add(id); this.done.add(id); });
      (seen.passed || []).forEach((id) => this.wentOn.add(id));
      // Answered on this device (a copy of the manifest kept offline does not know these attempts).
      this.kept = new Set((seen.answered || []).filter((id) => !(id in (m.attempts || {}))));
      // A new pass begun on this device and not answered in yet: the server does not know it.
      this.run = Math.max(m.run || 1, Number.isInteger(seen.run) ? seen.run : 1);
    } catch { this.kept = new Set(); /* unreadable: start afresh */ }
    for (const id of this.kept) { this.answered.add(id); this.done.add(id); }
    this.watched = mergeRanges(m.progress?.watched, m.start, m.end);
    const byId = new Map(m.interactions.map((i) => [i.id, i]));
    for (const [id, a] of Object.entries(m.attempts || {})) {
      if (a.first_correct != null) this.firstTry.set(+id, a.first_correct); // the server's first answer
      // Answered in an earlier pass only: asked again in this one.
      if ((a.run || 1) < this.run) continue;
      if (a.run_first_correct != null) this.runFirst.set(+id, a.run_first_correct);
      this.answered.add(+id);
      // Answered: not asked again on a reload (resumed on its time, it reopened each time), except a
      // mandatory one answered wrong, which holds the gate.
      // A self-assessed one (observe, free recall) has no wrong answer: answered is enough.
      const inter = byId.get(+id);
      if (a.correct !== false || !inter?.mandatory || SELF_GRADED.has(inter.kind)) this.done.add(+id);
      else {
        this.owed.add(+id);
        // « Continuer » after that wrong answer, on any device: not stopped at again, still « à reprendre ».
        if (a.went_on) this.wentOn.add(+id);
      }
      if (a.correct != null) this.results.set(+id, a.correct);
    }
    // An answer queued offline is the newest: it stands for the one the (downloaded) manifest knows, a wrong
    // one included, until the server grades it (walk 28: a mandatory question answered wrong online, then
    // again offline, still held the way, and the video bounced back to it for ever).
    for (const q of readQueue()) if (q.kind === "answer" && q.capsule === m.id) this.queuedAnswer(q.interaction);
    this.buildUI();
    boot?.remove();
    this.clampTitle();
    this.fitVideo();
    this.bindVideo();
    await this.attach();
    this.event("initialized", { offline: !navigator.onLine, source: this.source.kind });
    window.addEventListener("online", () => { this.showOnline(); this.sync(); });
    window.addEventListener("offline", () => this.showOnline());
    this.showOnline();
    window.addEventListener("hashchange", () => { if (this.video.readyState >= 1) this.openAtLinkedTime(); });
    document.addEventListener("visibilitychange", () => { if (document.hidden) this.save(true); });
    window.addEventListener("pagehide", () => this.leave());
    this.bindCmi5Exit();
    setInterval(() => { if (!this.video.paused) this.save(); }, SAVE_EVERY_MS);
    if (navigator.onLine && readQueue().length) this.sync();
    this.root.dataset.ready = "1";
    this.root.dataset.run = String(this.run);
    // « Refaire la capsule » on the block page: a new pass through a completed capsule.
    if (location.hash === "#nouvelle-tentative") {
      history.replaceState(null, "", location.pathname + location.search);
      if (m.user.authenticated && m.progress && m.progress.completed) this.newRun();
    }
  }

  /** A phone: the capsule's title is clamped to two lines (CSS); when it is cut, it becomes a button that
   * shows it whole (and back). Screen readers read it whole either way. */
  clampTitle() {
    const text = document.querySelector("h1.capsule-title > .gp-title-text");
    if (!text || text.scrollHeight <= text.clientHeight + 1) return;
    const h1 = text.parentElement;
    const btn = h("button", { type: "button", class: "gp-title-toggle", "aria-expanded": "false" });
    btn.addEventListener("click", () => btn.setAttribute("aria-expanded", String(btn.getAttribute("aria-expanded") !== "true")));
    h1.replaceChildren(btn);
    btn.append(text);
  }

  /** A small phone (walk 17): the page opens scrolled just enough for play / loop / speed to be on the
   * first screen, never past the capsule's title, and only while the learner has not scrolled. Under the
   * site's header, a two-line title and a reminder they were below the fold at 360x640. */
  controlsIntoView() {
    if (!window.matchMedia("(max-width: 39.99rem)").matches) return;
    if (window.scrollY > 1 && Math.abs(window.scrollY - (this.autoTop ?? -99)) > 1) return; // the learner scrolled
    if (location.hash && !/^#t=/.test(location.hash)) return; // the page was opened at an anchor
    const first = [this.playBtn, this.loopBtn, this.speedSel].filter(Boolean); // the first row, not the wrapped rest
    const title = document.querySelector("h1") || this.root;
    if (!first.length) return;
    const bottom = Math.max(...first.map((el) => el.getBoundingClientRect().bottom)) + window.scrollY + 4;
    const top = Math.max(0, Math.min(bottom - window.innerHeight, title.getBoundingClientRect().top + window.scrollY - 4));
    if (Math.abs(top - window.scrollY) < 1) return;
    window.scrollTo({ top, behavior: "instant" });
    this.autoTop = window.scrollY;
  }

  async attach() {
    // « Lecture » pressed before the source is attached (walk 39: the hls.js chunk came ~5 s after the controls
    // at 400 ms / 50 KiB/s): hls.js starts its loading then (source.js); an element that a load paused plays again.
    const wanted = !this.video.paused;
    const offline = !navigator.onLine && !!localStorage.getItem(this.offlineKey);
    this.slow = slowConnection();
    if (this.slow) this.previewResume();
    this.source = await attachSource(this.video, this.m.sources, {
      offline, slow: this.slow,
      // Where the first play loads from (a weak connection): the resume point or a time chosen before then.
      startAt: () => (this.video.readyState === 0 ? this.chosenBeforeLoad ?? this.resumeAt ?? -1 : -1),
      onFatal: () => { this.video.src = this.m.sources.mp4; this.source = { kind: "mp4", level: "bas" }; this.showSource(); },
    });
    this.showSource();
    this.capLevels();
    this.addTracks();
    this.video.preload = this.slow ? "metadata" : "auto"; // weak connection: no bytes before "play"
    this.video.load && this.source.kind !== "hls.js" && this.video.load();
    // hls.js on a weak connection loads nothing before « Lecture » (autoStartLoad off): no metadata before
    // the first play, so the resume point waited for it (walk 36: 0:00 on the clock and the bar, then a jump
    // to it once playing). It is placed now: the element keeps a time set before its metadata (its default
    // playback start position), the first play loads from there (source.js: startAt), no segment before.
    if (this.source.kind === "hls.js" && this.slow) this.resume();
    if (wanted && this.video.paused) this.video.play().catch(() => {});
  }

  /** « Économiser les données » turned on or off: kept on this device for the next capsules, and applied now to a
   * stream playing (hls.js: the lowest quality only, 12 s ahead at most; back to automatic quality, 30 s). */
  dataSaver(on) {
    setDataSaver(on);
    this.slow = on;
    this.capLevels();
    if (!this.video.currentSrc || this.video.readyState === 0) this.video.preload = on ? "metadata" : "auto";
    this.announce(on ? gettext("Économie de données activée : vidéo en basse qualité.") : gettext("Économie de données désactivée."));
  }

  /** The learner's own « Économiser les données » caps hls.js at its lowest quality (a slow connection guessed from
   * the browser only starts there). */
  capLevels() {
    const s = this.source;
    if (!s || s.kind !== "hls.js") return;
    const on = dataSaverChoice() === true;
    // Off: capped to the player's size again (source.js's setting); on: the lowest rung whatever the size.
    s.hls.capLevelToPlayerSize = !on;
    if (on) s.hls.autoLevelCapping = 0;
    s.hls.config.maxBufferLength = this.slow ? 12 : 30;
    s.hls.config.maxMaxBufferLength = this.slow ? 12 : 30;
  }

  showSource() {
    this.root.dataset.source = this.source.kind;
    this.root.dataset.level = String(this.source.level);
  }

  addTracks() {
    const v = this.video;
    v.querySelectorAll("track").forEach((t) => t.remove());
    // No choice kept on this device: the page's language when the capsule has that track (an English learner
    // gets the English captions), else French as before.
    const pageLang = (document.documentElement.lang || "fr").split("-")[0];
    const pref = localStorage.getItem("geste:captions") ?? (this.m.captions.some((c) => c.lang === pageLang) ? pageLang : "fr");
    for (const c of this.m.captions) v.append(h("track", { kind: "captions", src: c.src, srclang: c.lang, label: languageName(c) }));
    v.append(h("track", { kind: "chapters", src: this.m.chapters, srclang: "fr", label: gettext("Étapes"), default: true }));
    const apply = () => {
      for (const t of v.textTracks) {
        if (t.kind === "chapters") t.mode = "hidden"; // cues loaded (steps), nothing drawn
        else if (t.kind === "captions" || t.kind === "subtitles") {
          // "hidden": cues load and fire, the page draws them (this.caption) in a size a phone can read
          t.mode = t.language === this.capsSel.value ? "hidden" : "disabled";
          t.oncuechange = t.mode === "hidden" ? () => this.drawCaption(t) : null;
        }
      }
      const on = [...v.textTracks].find((t) => t.mode === "hidden" && t.kind !== "chapters");
      if (on) this.drawCaption(on); else { this.caption.hidden = true; this.caption.textContent = ""; }
      this.root.dataset.captions = on ? on.language : "off";
    };
    this.capsSel.value = this.m.captions.some((c) => c.lang === pref) ? pref : "off";
    const shown = () => { this.capsText.textContent = this.capsSel.selectedOptions[0]?.text || ""; };
    shown();
    this.capsSel.onchange = () => { localStorage.setItem("geste:captions", this.capsSel.value); apply(); shown(); this.announce(this.capsSel.selectedOptions[0].text); };
    apply();
    v.textTracks.addEventListener && v.textTracks.addEventListener("addtrack", apply);
  }

  drawCaption(track) {
    const cues = [...(track.activeCues || [])];
    const text = cues.map((c) => c.text.replace(/<[^>]+>/g, "")).join("\n");
    this.caption.textContent = text; // text, never HTML: a cue cannot inject markup
    this.caption.hidden = !text || !!this.concealed; // an open question: the caption may say its answer
  }

  // --- UI --------------------------------------------------------------------------------
  buildUI() {
    const m = this.m, v = this.video;
    const dur = m.end - m.start;
    this.playBtn = h("button", { type: "button", class: "gp-play", "aria-label": gettext("Lecture"), onclick: () => this.toggle() }, icon("play"));
    this.seekBar = h("input", { type: "range", class: "gp-seek", min: m.start, max: m.end, step: "0.1", value: m.start,
      "aria-label": gettext("Position dans la vidéo"), "aria-valuetext": "0:00" });
    this.seekBar.addEventListener("input", () => this.seek(parseFloat(this.seekBar.value)));
    // Arrow keys on the bar move 5 s, like the player's own ← → keys (the bar's 0.1-s step is for
    // dragging precision: ten presses for one second changed nothing a learner could see).
    this.seekBar.addEventListener("keydown", (e) => {
      const d = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[e.key];
      if (!d || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      this.seek(v.currentTime + d * (e.shiftKey ? 1 : SEEK_KEY_S));
      this.seekBar.value = v.currentTime;
    });
    const marks = this.marks = h("div", { class: "gp-marks", "aria-hidden": "true" });
    const pct = (t) => `${((t - m.start) / dur) * 100}%`;
    // The steps under the bar: one button a step, as wide as its share of the video but never narrower
    // than 24 px (WCAG 2.5.8 target size; the 3-px ticks were out of a finger's reach on a phone), which
    // goes to the step's start like the list below. Laid out in layoutSteps(), on each resize.
    this.stepBar = h("div", { class: "gp-stepbar", role: "group", "aria-label": gettext("Étapes de la vidéo") },
      m.steps.map((s, i) => h("button", { type: "button", class: "gp-mark-step", title: s.title, "data-seek": s.start,
        "aria-label": defaultStepTitle(s.title, i + 1)
          ? gettext("Étape %(n)s, %(time)s", { n: i + 1, time: fmt(elapsed(s.start, m.start, m.end)) })
          : gettext("Étape %(n)s\u00a0: %(title)s, %(time)s", { n: i + 1, title: s.title, time: fmt(elapsed(s.start, m.start, m.end)) }) }, String(i + 1))));
    // A point held back until its step's question is answered has no text here (no tooltip).
    for (const k of m.key_points) marks.append(h("span", { class: `gp-mark-kp gp-kp-${k.kind}`, style: `--at:${pct(k.time)}`, ...(k.text ? { title: k.text } : {}) }));
    for (const i of m.interactions) marks.append(h("span", { class: "gp-mark-q", style: `--at:${pct(i.time)}`, title: gettext("Question") }));
    // What the marks on the bar mean (only the kinds this capsule has).
    const legend = h("p", { class: "gp-legend" },
      m.interactions.length ? h("span", {}, h("i", { class: "gp-sw gp-sw-q", "aria-hidden": "true" }), gettext("question")) : null,
      m.key_points.some((k) => k.kind === "safety") ? h("span", {}, h("i", { class: "gp-sw gp-sw-safety", "aria-hidden": "true" }), gettext("point de sécurité")) : null,
      m.key_points.some((k) => k.kind !== "safety") ? h("span", {}, h("i", { class: "gp-sw gp-sw-kp", "aria-hidden": "true" }), gettext("point clé")) : null);
    this.timeEl = h("span", { class: "gp-time", "aria-hidden": "true" }, clock(m.start, m.start, m.end));
    this.loopBtn = h("button", { type: "button", class: "gp-loop", "aria-pressed": "false", onclick: () => this.toggleLoop() }, gettext("Boucler l'étape"));
    const kept = parseFloat(localStorage.getItem(this.speedKey) ?? localStorage.getItem(this.oldSpeedKey));
    const speed = SPEEDS.includes(kept) ? kept : 1;
    this.speedSel = h("select", { class: "gp-speed", "aria-label": gettext("Vitesse de lecture") },
      SPEEDS.map((s) => h("option", { value: s, selected: s === speed }, `${number(s)}×`)));
    this.applySpeed();
    this.speedSel.addEventListener("change", () => {
      this.applySpeed();
      this.keepSpeed();
      this.announce(gettext("Vitesse %(speed)s", { speed: this.speedSel.selectedOptions[0].text }));
    });
    // No caption track: no captions menu (it offered only « Sans sous-titres »).
    this.capsSel = h("select", { class: "gp-captions", "aria-label": gettext("Sous-titres"), hidden: !m.captions.length },
      h("option", { value: "off" }, gettext("Sans sous-titres")),
      m.captions.map((c) => h("option", { value: c.lang }, gettext("Sous-titres\u00a0: %(language)s", { language: languageName(c) }))));
    // A closed <select> shows its choice on one line, cut at its width (walk 31: « Sous-titres : Anglais
    // (traduction a » at 360 px): the menu lies transparent over a label that shows the choice whole, on two
    // lines where needed. The menu stays what is focused, tapped (the phone's own picker) and read.
    this.capsText = h("span", { class: "gp-captions-text", "aria-hidden": "true" });
    const capsBox = h("span", { class: "gp-captions-box", hidden: !m.captions.length }, this.capsText, this.capsSel);
    // One step and one frame are different moves: both offered, each with a visible label.
    const prevS = h("button", { type: "button", class: "gp-step-back", "aria-label": gettext("Étape précédente"), title: gettext("Étape précédente (touche P)"),
      onclick: () => this.stepJump(-1) }, icon("prev"), h("span", { class: "gp-btn-text", "aria-hidden": "true" }, gettext("Étape")));
    const nextS = h("button", { type: "button", class: "gp-step-fwd", "aria-label": gettext("Étape suivante"), title: gettext("Étape suivante (touche N)"),
      onclick: () => this.stepJump(1) }, h("span", { class: "gp-btn-text", "aria-hidden": "true" }, gettext("Étape")), icon("next"));
    const prevF = h("button", { type: "button", class: "gp-frame-back", "aria-label": gettext("−1 image (image précédente)"), title: gettext("Image précédente (touche ,)"),
      onclick: () => this.frame(-1) }, gettext("−1 image"));
    const nextF = h("button", { type: "button", class: "gp-frame-fwd", "aria-label": gettext("+1 image (image suivante)"), title: gettext("Image suivante (touche .)"),
      onclick: () => this.frame(1) }, gettext("+1 image"));
    // A media without a sound track (the manifest's `audio`, from the ingest's probe): no volume control.
    const silent = m.audio === false;
    this.muteBtn = h("button", { type: "button", class: "gp-mute", "aria-label": gettext("Couper le son"), "aria-pressed": "false", hidden: silent,
      onclick: () => { v.muted = !v.muted; } }, icon("vol"));
    this.volume = h("input", { type: "range", class: "gp-volume", min: "0", max: "1", step: "0.05", value: "1", "aria-label": gettext("Volume"), hidden: silent });
    if (silent) this.root.dataset.audio = "0";
    this.volume.addEventListener("input", () => { v.volume = parseFloat(this.volume.value); v.muted = v.volume === 0; });
    v.addEventListener("volumechange", () => this.showVolume());
    // Walk 37: the keys were only hinted in some tooltips; the list is one press away for a mouse or a finger too.
    this.keysBtn = h("button", { type: "button", class: "gp-keys-open", "aria-haspopup": "dialog", title: gettext("Raccourcis clavier (touche ?)"),
      onclick: () => this.showKeys() },
      h("kbd", { "aria-hidden": "true" }, "?"), h("span", { class: "gp-keys-open-text" }, gettext("Raccourcis clavier")));
    const fs = this.fsBtn = h("button", { type: "button", class: "gp-fs", "aria-label": gettext("Plein écran"), title: gettext("Plein écran"),
      onclick: () => this.fullscreen() }, icon("full"));
    document.addEventListener("fullscreenchange", () => this.onFullscreen());
    // Walk 44: on a short screen a question (or the end panel) hides the controls, « Quitter le plein écran »
    // with them; this one stays beside the card (player.css shows it only then).
    this.fsExit = h("button", { type: "button", class: "gp-fs-exit", "aria-label": gettext("Quitter le plein écran"),
      title: gettext("Quitter le plein écran"), onclick: () => this.fullscreen() }, icon("unfull"));
    this.offBtn = h("button", { type: "button", class: "gp-offline", onclick: () => this.download() },
      localStorage.getItem(this.offlineKey) ? gettext("Disponible hors ligne ✓") : gettext("Télécharger pour hors ligne"));
    this.rmBtn = h("button", { type: "button", class: "gp-offline-remove", hidden: !localStorage.getItem(this.offlineKey),
      onclick: () => this.removeDownload() }, gettext("Supprimer la copie hors ligne"));
    // Walk 36: data saving (no segment before « Lecture », the lowest quality) came only from the browser's hint;
    // a learner on a capped phone plan could not ask for it. A checkbox: its keys are its own.
    this.saverBox = h("input", { type: "checkbox", class: "gp-datasaver-box", onchange: () => this.dataSaver(this.saverBox.checked) });
    this.saverBox.checked = slowConnection();
    this.saver = h("label", { class: "gp-datasaver" }, this.saverBox, " ", gettext("Économiser les données (basse qualité, aucune vidéo chargée avant «\u00a0Lecture\u00a0»)"));
    this.stepLabel = h("p", { class: "gp-step-now", "aria-live": "off" });
    this.todoBox = h("div", { class: "gp-todo", hidden: true });
    this.status = h("p", { class: "gp-status" });
    this.syncStatus = h("p", { class: "gp-status gp-sync", role: "status" });
    this.banner = h("p", { class: "gp-offline-banner", role: "status", hidden: true });
    // Captions drawn by the page, not the browser: readable on a phone (the browser's scale with the video).
    this.caption = h("div", { class: "gp-caption", "aria-hidden": "true", hidden: true });
    this.root.querySelector(".gp-stage").append(this.caption);
    // Walk 46: on a phone held sideways the controls lie under the fold, and the picture alone said nothing of
    // how to start it. A play sign over it until the first play; a picture only (a tap on it reaches the video,
    // which plays; the keyboard has « Lecture »), never again after, when a pause is for looking at the hands.
    this.startSign = h("span", { class: "gp-start-sign", "aria-hidden": "true" }, icon("play"));
    this.root.querySelector(".gp-stage").append(this.startSign);
    // Playing but waiting for data (walk 36, slow 3G: after « Lecture » the picture stood at 0:00 for 6 s
    // with the pause icon, nothing said why, and a learner taps again): a spinner and a word over the video.
    this.buffering = h("div", { class: "gp-buffering", role: "status", hidden: true },
      h("span", { class: "gp-spinner", "aria-hidden": "true" }), h("span", { class: "gp-buffering-text" }, gettext("Chargement de la vidéo…")));
    this.root.querySelector(".gp-stage").append(this.buffering);
    // Still no picture long after « Lecture » (walk 39): why, « Réessayer », and the offline copy where offered.
    this.stalledOffline = h("button", { type: "button", class: "gp-stalled-offline", onclick: () => { this.hideStalled(); this.download(); } },
      gettext("Télécharger pour hors ligne"));
    this.stalled = h("div", { class: "gp-stalled", role: "alert", hidden: true },
      h("p", {}, gettext("La vidéo ne se charge pas : la connexion est trop lente ou coupée.")),
      h("p", { class: "gp-stalled-hint" }, gettext("Réessayez, ou téléchargez la capsule pour la regarder hors ligne quand la connexion sera meilleure.")),
      h("p", { class: "gp-stalled-actions" },
        h("button", { type: "button", class: "gp-stalled-retry", onclick: () => this.retryLoad() }, gettext("Réessayer")),
        this.stalledOffline));
    this.root.querySelector(".gp-stage").append(this.stalled);
    const bar = h("div", { class: "gp-bar" }, h("div", { class: "gp-seekwrap" }, marks, this.seekBar, this.stepBar), legend);
    // Play, loop and speed first: on a 360-px phone they are the first row, on the first screen under
    // the video (they were on the fourth row, below the fold); the rest follows in reading order.
    const controls = h("div", { class: "gp-controls", role: "group", "aria-label": gettext("Commandes du lecteur") },
      this.playBtn, this.loopBtn, this.speedSel, prevS, nextS, this.timeEl, this.muteBtn, this.volume,
      h("span", { class: "gp-break", "aria-hidden": "true" }),
      prevF, nextF, capsBox, fs, this.keysBtn);
    this.qBox = h("section", { class: "gp-question", hidden: true, "aria-labelledby": `gq-title-${m.id}` });
    this.endBox = h("section", { class: "gp-end", hidden: true, "aria-labelledby": `gp-end-title-${m.id}` });
    // The reminder of mandatory questions left wrong right under the video, before the seek bar and the
    // controls: on a phone it was ~1000 px down, below them all, off the first screen.
    this.root.querySelector(".gp-stage").after(this.todoBox);
    this.root.append(bar, controls, this.banner, this.stepLabel, this.qBox, this.endBox, h("div", { class: "gp-extra" }, this.saver, this.offBtn, " ", this.rmBtn), this.status,
      this.syncStatus);
    // Walk 43: a phone held sideways in fullscreen left the picture 144 px high under the controls, the caption
    // over most of it. There the controls lie over the picture (player.css) and go after IDLE_MS of play
    // untouched, as in mainstream players; a tap on the picture brings them back (it does not pause), as does
    // a key, a move of the mouse or the focus coming in; they stay while paused or keyboard-focused.
    this.root.addEventListener("pointerdown", (e) => {
      this.tapWoke = e.target === v && this.root.classList.contains("gp-idle");
      // Walk 45: a finger's click comes after the finger is lifted, hit where the band now shows: the seek bar
      // took it and the video jumped 8 s. The band takes no pointer until that click has gone to the picture.
      if (this.tapWoke) {
        this.root.classList.add("gp-waking");
        const done = () => { clearTimeout(late); window.removeEventListener("click", done, true); setTimeout(() => this.root.classList.remove("gp-waking"), 0); };
        const late = setTimeout(done, 700);
        window.addEventListener("click", done, true);
      }
      this.wake();
    }, true);
    for (const ev of ["pointermove", "keydown", "focusin"]) this.root.addEventListener(ev, () => this.wake(), true);
    for (const ev of ["play", "pause", "ended"]) v.addEventListener(ev, () => this.wake());
    SHORT_SCREEN.addEventListener("change", () => this.wake());
    v.addEventListener("click", () => {
      if (this.tapWoke) { this.tapWoke = false; return; }
      this.toggle();
    });
    // A click on the video (or elsewhere in the player but a control) puts the focus in the player, so that
    // its keys (Home / End, ← / →) act on it, as in mainstream players; not on the Tab path (walk 36).
    this.root.tabIndex = -1;
    this.root.addEventListener("keydown", (e) => this.keys(e));
    document.addEventListener("keydown", (e) => this.pageKeys(e));
    document.addEventListener("keydown", (e) => this.openKeys(e));
    // Steps list (server-rendered): click = seek.
    document.querySelectorAll(".gp-steps [data-seek], .gp-stepbar [data-seek]").forEach((b) => b.addEventListener("click", () => {
      const asking = !!this.active;
      if (asking) this.closeQuestion(); // a mandatory one comes back: seek() stops at it
      const reached = this.seek(parseFloat(b.dataset.seek));
      // The list is under the player (on a phone far below it): the video that starts is brought into
      // view (walk 20: it played off-screen). Stopped at a mandatory question, gateNote() does it.
      if (reached && b.closest(".gp-steps")) this.videoIntoView(true);
      // A step of the bar pressed under a question (scrolled down to read its feedback, walk 36): the
      // question closes and the video plays on, brought back whole as after « Continuer ».
      else if (reached && asking) this.resumeIntoView();
      this.video.play().catch(() => {});
    }));
    this.stepItems = [...document.querySelectorAll(".gp-steps li[data-start]")];
    // « À venir » on the next step while the video is between two steps (shown by the list's `upcoming`
    // class): in the button, so that a screen reader reads it with the step's name.
    for (const li of this.stepItems) li.querySelector(".gp-step-title")?.before(h("span", { class: "gp-step-next" }, gettext("À venir")));
    this.showKeyPoints();
    this.layoutSteps();
    window.addEventListener("resize", () => { this.layoutSteps(); if (this.overPicture()) this.wake(); });
    this.transcript = new Transcript(document.querySelector("[data-geste-transcript]"), m.transcript || [],
      (t) => this.seek(t), (s) => this.announce(s), m.start);
    if (m.progress && m.progress.completed) this.root.dataset.completed = "1";
    this.completedBefore = !!(m.progress && m.progress.completed);  // a badge is not news on a re-watch (checkBadge)
  }

  /** The points of vigilance of a step with a question are not in the page's HTML (they are often its
   * answer): the manifest sends them once this learner answered the step's questions, and they take the
   * place of « Les points de vigilance de cette étape s'affichent une fois que vous avez répondu à sa
   * question. » in the step list. */
  showKeyPoints() {
    const kinds = new Map((this.m.key_points || []).filter((k) => k.text).map((k) => [k.text, k.kind]));
    this.m.steps.forEach((s, i) => {
      const later = this.stepItems[i]?.querySelector(".gp-kp-later");
      if (!later || !(s.key_points || []).length) return;
      later.replaceWith(h("ul", { class: "key-points" },
        s.key_points.map((text) => h("li", { class: `kp-${kinds.get(text) || "quality"}` }, text))));
    });
  }

  /** After an answer: when the question's step still had its points of vigilance held back, the manifest
   * is asked again (it sends them once every question of the step is answered). */
  async revealKeyPoints(inter) {
    const step = this.m.steps.find((s) => s.id === inter.step_id);
    if (!step || !step.key_points_after_question) return;
    try {
      const fresh = await getJSON(this.root.dataset.manifest);
      for (const s of fresh.steps) {
        const mine = this.m.steps.find((t) => t.id === s.id);
        if (mine && s.key_points.length) { mine.key_points = s.key_points; delete mine.key_points_after_question; }
      }
      this.m.key_points = fresh.key_points;
      this.showKeyPoints();
    } catch (e) { /* offline: shown at the next visit */ }
  }

  /** Each step button spans its share of the bar, at least MIN px wide (24, 44 on a touch screen or a
   * phone): the narrow ones take MIN and the others share the rest in proportion (so a button starts near
   * its step's place on the bar). More steps than MIN-px buttons fit: each MIN px, the row scrolls sideways. */
  layoutSteps() {
    const m = this.m, buttons = [...this.stepBar.children];
    // 24 px (WCAG 2.5.8), 44 on a touch screen or a phone (player.css --gp-step-min).
    const MIN = parseFloat(getComputedStyle(this.stepBar).getPropertyValue("--gp-step-min")) || 24;
    const W = this.stepBar.clientWidth, GAP = 2;
    if (!buttons.length || !W) return;
    const share = m.steps.map((s, i) => Math.max(0, (m.steps[i + 1]?.start ?? m.end) - s.start));
    const widths = new Array(share.length).fill(0), fixed = new Set();
    const room = W - GAP * share.length;
    if (MIN * share.length > room) { widths.fill(MIN); fixed.add(-1); }
    else {
      for (let changed = true; changed;) {
        changed = false;
        const free = share.reduce((a, x, i) => (fixed.has(i) ? a : a + x), 0) || 1;
        const left = room - MIN * fixed.size;
        share.forEach((x, i) => {
          if (fixed.has(i)) { widths[i] = MIN; return; }
          widths[i] = (left * x) / free;
          if (widths[i] < MIN) { fixed.add(i); changed = true; }
        });
      }
    }
    let x = 0;
    buttons.forEach((b, i) => {
      b.style.left = `${x}px`;
      b.style.width = `${widths[i]}px`;
      x += widths[i] + GAP;
    });
    this.stepBar.classList.toggle("gp-stepbar-scroll", fixed.has(-1));
  }

  /** A desktop screen: the video's height leaves room for what is really above the player (header,
   * breadcrumb, a title on two lines, the capsule's summary) and for the seek bar and controls under
   * it, so that all of them fit without scrolling. The CSS reads --gp-chrome (phones ignore it). */
  fitVideo() {
    const bar = this.root.querySelector(".gp-bar"), controls = this.root.querySelector(".gp-controls");
    const fit = () => {
      const top = this.video.getBoundingClientRect().top + window.scrollY;
      const below = bar.offsetHeight + controls.offsetHeight + 8; // 8 px: a margin under the controls
      this.root.style.setProperty("--gp-chrome", `${Math.ceil(top + below)}px`);
    };
    fit();
    this.refit = fit;  // onFullscreen: measured again at once on leaving fullscreen, before anything is scrolled
    window.addEventListener("resize", fit);
    document.fonts?.ready.then(fit).catch(() => {});
    // The controls wrap differently, or a line above the player changed: measure again.
    if (window.ResizeObserver) {
      const ro = new ResizeObserver(() => fit());
      ro.observe(bar); ro.observe(controls);
      for (let el = this.root.previousElementSibling; el; el = el.previousElementSibling) ro.observe(el);
    }
  }

  /** The chosen speed, also as the default: loading a source (or a fallback MP4) resets the rate to it. */
  applySpeed() {
    const rate = parseFloat(this.speedSel.value) || 1;
    this.video.defaultPlaybackRate = rate;
    this.video.playbackRate = rate;
    // Another speed than 1× (kept from an earlier visit too) is lit on the menu, like a pressed button.
    this.speedSel.classList.toggle("gp-speed-on", rate !== 1);
  }

  /** Kept on this device for every capsule: a reload, or the next capsule, plays at the same speed. */
  keepSpeed() {
    try {
      localStorage.setItem(this.speedKey, this.speedSel.value);
      localStorage.removeItem(this.oldSpeedKey);
    } catch { /* storage refused: the speed holds for this page only */ }
  }

  /** A speed set outside the menu (the browser's own speed menu, a media key): the menu shows it and it
   * is kept like one chosen there. A load resets the rate to defaultPlaybackRate, the chosen one. */
  rateChanged() {
    const r = this.video.playbackRate;
    if (!SPEEDS.includes(r) || parseFloat(this.speedSel.value) === r) return;
    this.speedSel.value = String(r);
    this.applySpeed();
    this.keepSpeed();
  }

  showVolume() {
    const v = this.video, off = v.muted || v.volume === 0;
    this.muteBtn.replaceChildren(icon(off ? "mute" : "vol"));
    this.muteBtn.setAttribute("aria-pressed", String(off));
    this.muteBtn.setAttribute("aria-label", off ? gettext("Rétablir le son") : gettext("Couper le son"));
    if (document.activeElement !== this.volume) this.volume.value = String(v.muted ? 0 : v.volume);
    this.volume.setAttribute("aria-valuetext", off ? gettext("Son coupé") : gettext("%(percent)s\u00a0%", { percent: Math.round(v.volume * 100) }));
  }

  /** The online/offline banner: the learner knows why nothing is sent, and that nothing is lost. */
  showOnline() {
    if (!this.banner) return;
    const off = !navigator.onLine;
    this.banner.hidden = !off;
    this.banner.textContent = off ? gettext("Vous êtes hors ligne\u00a0: vos réponses restent sur cet appareil.") : "";
    this.root.dataset.online = off ? "0" : "1";
    document.documentElement.classList.toggle("gp-is-offline", off);
  }

  keys(e) {
    if (e.key === "Tab" && !(e.altKey || e.ctrlKey || e.metaKey) && document.fullscreenElement === this.root) {
      this.keepFocusInside(e);
      return;
    }
    // K is ▶ wherever the focus is in the player (walk 32: not on the seek bar), but where a letter is typed
    // or answers (K_OWN); Space only on the question card's own text, where the focus lands when it opens and
    // once answered (its title, its feedback), and on a slider (a range has no Space action). With a question
    // open, ▶ goes on or says why not (playAsked; walk 31); its other controls keep their keys.
    if (!(e.altKey || e.ctrlKey || e.metaKey || e.isComposing) && (isK(e) ? !e.target.closest(K_OWN)
      : e.key === " " && e.target.matches(".gp-question > h2, .gq-feedback, input[type=range]"))) { e.preventDefault(); this.toggle(); return; }
    // The seek bar keeps the keys a slider has (arrows, Home, End, Page Up / Down, Tab); the player's letters
    // act there as anywhere in the player (walk 48: N, P, M, « , » and « . » did nothing on the bar, the first
    // control Tab reaches).
    const onBar = e.target === this.seekBar;
    if (onBar ? SLIDER_KEYS.has(e.key) : e.target.closest("input,select,textarea,.gp-question")) return;
    // A focused control keeps its own keys (walk 27b: Space on « Boucler l'étape » played the video instead
    // of pressing the button): Space and Enter press a button, link or summary; a slider, radio, checkbox
    // or menu item (or an editable area) keeps every key, its arrows included.
    if (!onBar && e.target.closest(OWN_KEYS)) return;
    if ((e.key === " " || e.key === "Enter") && e.target.closest(PRESSABLE)) return;
    // Alt+← / Alt+→ are the browser's Back and Forward, Ctrl/Cmd combinations its own too (walk 24c: Alt+←
    // moved the video instead of leaving the page).
    if (e.altKey || e.ctrlKey || e.metaKey || isK(e)) return;
    const key = SHORTCUTS.find((s) => s.act && s.keys.includes(e.key));
    if (!key) return;
    if (key.prevent) e.preventDefault();
    key.act(this);
  }

  /** « ? » (Shift+/ on a QWERTY keyboard, whatever types it elsewhere: Chromium's e.key is "?") opens the list
   * of shortcuts with the focus anywhere in the player or on the page, but in a field where text is typed (its
   * own « ? ») or while a dialog is open. */
  openKeys(e) {
    if (e.key !== "?" || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.isComposing || e.repeat) return;
    const t = e.target instanceof Element ? e.target : null;
    if (t?.closest(TEXT_FIELD) || document.querySelector("dialog[open]")) return;
    e.preventDefault();
    this.showKeys();
  }

  /** The « Raccourcis clavier » dialog (modal: the page behind is inert), made from SHORTCUTS on first use. The
   * focus goes to its title, Escape or « Fermer » closes it, and the focus goes back where it was. */
  showKeys() {
    if (!this.keysDialog) {
      const id = `gp-keys-title-${this.m.id}`;
      const rows = SHORTCUTS.filter((s) => !s.only || s.only(this)).map((s) => h("div", { class: "gp-keys-row" },
        h("dt", {}, s.label.flatMap((k, i) => [i ? " / " : null, h("kbd", {}, k)])), h("dd", {}, s.does)));
      // « Fermer » gives the focus back at once: the dialog's "close" event comes a task later (Escape's way).
      const close = h("button", { type: "button", class: "gp-keys-close", onclick: () => { this.keysDialog.close(); this.keysBack(); } }, gettext("Fermer"));
      this.keysDialog = h("dialog", { class: "gp-keys", "aria-labelledby": id },
        h("h2", { id, tabindex: "-1" }, gettext("Raccourcis clavier")),
        h("p", { class: "gp-keys-where" }, gettext("Ces touches agissent quand le focus est dans le lecteur (un clic sur la vidéo l'y place), hors d'un champ de saisie.")),
        h("dl", {}, rows), close);
      // Outside the player: its keys (← →, N, Space…) do not act on the video behind the dialog.
      this.root.after(this.keysDialog);
      this.keysDialog.addEventListener("close", () => this.keysBack());
    }
    if (this.keysDialog.open) return;
    this.keysOpener = document.activeElement;
    this.keysOwed = true;
    this.keysDialog.showModal();
    this.keysDialog.querySelector("h2").focus({ preventScroll: true });
    this.keysDialog.scrollTop = 0;
  }

  /** The focus back where « ? » was pressed (in the player when that was the page's body), once per opening. */
  keysBack() {
    if (!this.keysOwed) return;
    this.keysOwed = false;
    const back = this.keysOpener;
    this.keysOpener = null;
    (back?.isConnected && back !== document.body ? back : this.root).focus({ preventScroll: true });
  }

  /** Keys outside the player (walk 32): K is ▶ anywhere on the page but where a letter is typed (K_OWN);
   * Space with the focus on the page's body only (a link, a button or a field elsewhere keeps its own), and
   * then the page does not scroll. */
  pageKeys(e) {
    const t = e.target;
    if (e.defaultPrevented || !(t instanceof Element) || this.root.contains(t) || e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    if (isK(e) ? t.closest(K_OWN) : !(e.key === " " && !t.closest(SPACE_OWN))) return;
    e.preventDefault();
    this.toggle();
  }

  toggle() {
    if (this.active) { this.playAsked(); return; }
    const v = this.video;
    if (!v.paused) { v.pause(); return; }
    // At the capsule's end (a capsule cut in longer footage, or its last frame): Play ran the video one
    // timeupdate (~0.27 s) on, where the end stopped it again (walk 25b: three presses to get through
    // the footage's last second after the last question). The end screen comes instead; once it is
    // shown, Play starts the capsule again, as « Revoir la capsule ».
    if (v.ended || v.currentTime >= this.m.end - 0.05) {
      if (this.root.dataset.ended === "1" && !this.endBox.hidden) this.watchAgain(); else this.atEnd();
      return;
    }
    v.play().catch(() => {});
  }

  /** ▶ (Space, K) while a question is on screen (walk 31: after « Merci. » the card stayed over the paused
   * video, and ▶, shown enabled under it, did nothing and said nothing; 60 taps). A settled question
   * (answered right, self-rated, sent offline, or an optional one answered wrong): as its « Continuer ».
   * Otherwise going on is the learner's choice, so the video waits, and the card says why, with the focus
   * where the learner acts: not answered yet (a mandatory question is never passed this way), the answer's
   * first control; a mandatory question answered wrong, its « Continuer » (which leaves the question « à
   * reprendre »), with « Réessayer » and « Revoir l'étape » beside it. */
  playAsked() {
    const inter = this.active, box = this.qBox, fb = box.querySelector(".gq-feedback");
    const go = fb?.querySelector(".gq-continue");
    if (go && !(inter.mandatory && go.closest(".gq-actions"))) { go.click(); return; }
    if (go) {
      const text = gettext("Choisissez «\u00a0Continuer\u00a0» pour relancer la vidéo\u00a0: la question obligatoire restera à reprendre.");
      box.querySelector(".gq-gate")?.remove();  // « Répondez d'abord… » said before the answer: this note now
      let note = fb.querySelector(".gq-play-note");
      if (!note) (go.closest(".gq-actions") || go).before(note = h("p", { class: "gq-play-note" }, text));
      go.focus({ preventScroll: true });
      this.revealFeedback(fb);
      this.announce(text);
      return;
    }
    // A self-rated question whose expected answer is shown (free recall, walk 32: ▶ said « Répondez d'abord »
    // to a learner who had): what is missing is the rating, then « Valider »; the focus goes there.
    const rating = box.querySelector(".gq-model:not([hidden]) .gq-choices");
    if (rating) {
      const rated = !!rating.querySelector("input:checked");
      const said = rated ? gettext("Validez d'abord votre évaluation («\u00a0Valider\u00a0»).")
        : gettext("Évaluez-vous d'abord\u00a0: «\u00a0Je savais\u00a0», «\u00a0En partie\u00a0» ou «\u00a0Je ne savais pas\u00a0».");
      const to = rated ? box.querySelector(".gq-submit") : rating.querySelector("input");
      to?.focus({ preventScroll: true });
      this.gateNote(box.querySelector("h2"), said);
      to?.scrollIntoView({ block: "nearest" });  // below the answer shown: the focus is seen where it is
      this.announce(said);
      return;
    }
    const text = inter.mandatory ? GATE : gettext("Répondez à la question, ou passez-la, pour relancer la vidéo.");
    this.focusAnswer();
    this.gateNote(box.querySelector("h2"), text);
    this.announce(text);
  }

  /** « Revoir la capsule »: from its start, playing. */
  watchAgain() {
    this.endBox.hidden = true;
    this.seek(this.m.start);
    this.backToPlayer();
    this.video.play().catch(() => {});
  }

  /** The controls back (and the caption above them), and gone again after IDLE_MS if still playing in a short
   * fullscreen: see the constructor. */
  wake() {
    this.root.classList.remove("gp-idle");
    clearTimeout(this.idleTimer);
    const over = this.overPicture();
    if (over) this.measureOver();
    if (over && !this.video.paused) this.idleTimer = setTimeout(() => this.rest(), IDLE_MS);
  }

  /** The band's height over the picture (--gp-over, for the caption above it), again whenever what is in it
   * changes size (the controls laid out, the step line's words): measured once, it was a row short. */
  measureOver() {
    const bar = this.root.querySelector(".gp-bar");
    if (!bar) return;
    const top = bar.getBoundingClientRect().top;
    this.root.style.setProperty("--gp-over", `${Math.max(0, this.root.getBoundingClientRect().bottom - top)}px`);
    if (!this.overObserver && window.ResizeObserver) {
      this.overObserver = new ResizeObserver(() => { if (this.overPicture()) this.measureOver(); });
      for (const el of [bar, this.root.querySelector(".gp-controls"), this.stepLabel]) if (el) this.overObserver.observe(el);
    }
  }

  rest() {
    if (this.video.paused || !this.overPicture() || this.active) return;
    // Even with a control under the keyboard's focus (walk 44: on a short desktop window the band never left a
    // keyboard user's picture); the next key brings it back, before it acts.
    this.root.classList.add("gp-idle");
  }

  overPicture() {
    return document.fullscreenElement === this.root && SHORT_SCREEN.matches;
  }

  fullscreen() {
    const el = this.root;
    if (!document.fullscreenElement) this.scrollBeforeFs = window.scrollY;  // given back on leaving (onFullscreen)
    if (document.fullscreenElement) document.exitFullscreen(); else (el.requestFullscreen || this.video.webkitEnterFullscreen)?.call(el.requestFullscreen ? el : this.video);
  }

  /** Walk 41: in fullscreen on a phone held sideways the controls were below the screen, out of reach, and a
   * question came up out of sight (on a desktop too, its focused heading under the bottom edge). In fullscreen
   * the question and the end panel come over the picture (moved into the stage; player.css lays them out), the
   * button says « Quitter le plein écran », the step bar is laid out for the new width; leaving it, they go back
   * under the controls and what the learner was on is brought into view. */
  onFullscreen() {
    const on = document.fullscreenElement === this.root;
    const label = on ? gettext("Quitter le plein écran") : gettext("Plein écran");
    this.fsBtn.setAttribute("aria-label", label);
    this.fsBtn.title = label;
    this.fsBtn.replaceChildren(icon(on ? "unfull" : "full"));
    const had = document.activeElement, stage = this.root.querySelector(".gp-stage");
    if (on && this.endBox.parentNode !== stage) stage.append(this.fsExit, this.qBox, this.endBox);
    else if (!on && this.endBox.parentNode === stage) { this.fsExit.remove(); this.stepLabel.after(this.qBox, this.endBox); this.placeQuestion(); }
    if (had && had !== document.activeElement && this.root.contains(had)) had.focus({ preventScroll: true });
    requestAnimationFrame(() => {
      this.layoutSteps();
      if (!on) this.refit?.();  // the video's height from the controls' sizes out of fullscreen (its observer is a frame late)
      this.wake();
      const open = [this.qBox, this.endBox].find((b) => !b.hidden);
      const focused = this.root.contains(document.activeElement) ? document.activeElement : null;
      if (on) { if (open && focused && open.contains(focused)) focused.scrollIntoView({ block: "nearest" }); return; }
      // The page where it was before fullscreen (walk 43: leaving it scrolled the capsule's title off the top),
      // then the least scroll that shows the open question or the focused control.
      if (this.scrollBeforeFs != null) window.scrollTo(0, this.scrollBeforeFs); else this.videoIntoView(false);
      this.scrollBeforeFs = null;
      (open || (focused !== this.root ? focused : null))?.scrollIntoView({ block: "nearest" });
    });
  }

  /** Walk 41: in fullscreen, Tab from the last control went to the page's body, behind the picture, where
   * nothing showed the focus; it goes round the player's own controls instead, as in a dialog. */
  keepFocusInside(e) {
    const all = [...this.root.querySelectorAll(TABBABLE)].filter((el) => !el.disabled && el.tabIndex >= 0
      && el.getClientRects().length && !el.closest("[hidden]"));
    if (!all.length) return;
    const first = all[0], last = all[all.length - 1], at = document.activeElement;
    const out = !this.root.contains(at) || at === this.root;
    if (e.shiftKey ? at === first || out : at === last || out) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  }

  frame(dir) {
    this.video.pause();
    this.seek(this.video.currentTime + dir * FRAME);
  }

  /** The previous step (or the start of this one, past its first seconds) / the next step. */
  stepJump(dir) {
    const t = this.video.currentTime, steps = this.m.steps;
    if (!steps.length) return;
    let target;
    if (dir < 0) {
      const cur = this.currentStep(t);
      const idx = cur ? steps.indexOf(cur) : steps.findIndex((s) => s.start > t) - 1;
      target = cur && t - cur.start > 1.5 ? cur : steps[Math.max(0, idx - 1)] || steps[0];
    } else {
      target = steps.find((s) => s.start > t + 0.05);
      if (!target) { this.announce(gettext("Dernière étape.")); return; }
    }
    if (this.active) this.closeQuestion();
    if (!this.seek(target.start)) return; // stopped at a mandatory question: seek() said so
    const said = { n: steps.indexOf(target) + 1, title: target.title, time: fmt(elapsed(this.video.currentTime, this.m.start, this.m.end)) };
    if (defaultStepTitle(target.title, said.n)) { // « Étape 3 », not « Étape : Étape 3 » (walk 28)
      this.announce(this.loopStep ? gettext("Étape %(n)s, %(time)s, en boucle", said) : gettext("Étape %(n)s, %(time)s", said));
      return;
    }
    this.announce((this.loopStep ? gettext("Étape\u00a0: %(title)s, %(time)s, en boucle", said) : gettext("Étape\u00a0: %(title)s, %(time)s", said)));
  }

  currentStep(t = this.video.currentTime) {
    return this.m.steps.find((s) => t >= s.start - 0.01 && t < s.end) || null;
  }

  /** At the end of the capsule, the step that ends it: the video stops on its last frame, at or a few
   * hundredths past the step's end (the renditions often last a frame longer than the footage), where no
   * step "holds" the time any more; the step bar, the list and the label went blank there (first users). */
  endingStep(t) {
    const last = this.m.steps[this.m.steps.length - 1];
    return last && t >= this.m.end - 0.1 && last.end >= this.m.end - 0.1 && t >= last.start ? last : null;
  }

  /** The step whose loop holds `t`: the step itself, and after it the gap up to just past a question
   * that belongs to it (the server's `loop_end`: a question in a gap goes with the step before it);
   * before the first step (a lead-in), the first step, as for questions (`owning_step`). */
  loopStepAt(t = this.video.currentTime) {
    const steps = this.m.steps;
    return this.currentStep(t) || steps.find((s) => t >= s.start - 0.01 && t < loopEnd(s))
      || (steps.length && t < steps[0].start ? steps[0] : null);
  }

  toggleLoop() {
    if (this.loopStep) { this.loopStep = null; }
    else { this.loopStep = this.loopStepAt(); if (!this.loopStep) { this.announce(gettext("Aucune étape à cet instant.")); return; } }
    this.keepLoop();
    this.announce(this.loopStep ? gettext("Boucle sur l'étape «\u00a0%(title)s\u00a0»", { title: this.loopStep.title }) : gettext("Boucle désactivée"));
  }

  keepLoop() {
    this.showLoop();
    try {
      if (this.loopStep) sessionStorage.setItem(this.loopKey, String(this.loopStep.id)); else sessionStorage.removeItem(this.loopKey);
    } catch { /* storage refused: the loop holds for this page only */ }
  }

  /** The loop is the current step's: a move to another step (step list, « Étape précédente / suivante »,
   * seek bar, transcript) takes the loop there instead of turning back to the looped step. A moment
   * that belongs to no step's loop (a gap without a question) ends it. */
  followLoop(t) {
    if (!this.loopStep) return;
    const step = this.loopStepAt(t);
    if (step === this.loopStep) return;
    this.loopStep = step;
    this.keepLoop();
    if (!step) this.announce(gettext("Boucle désactivée"));
  }

  /** Back to the looped step's start (at its loop end, or at the end of the capsule), playing on. */
  loopBack() {
    const v = this.video, ls = this.loopStep;
    this.closeRange();
    v.currentTime = ls.start;
    this.lastT = ls.start - 0.01;
    this.root.dataset.loops = String((+this.root.dataset.loops || 0) + 1);
    if (v.paused && !this.active) v.play().catch(() => {});
  }

  showLoop() {
    this.loopBtn.setAttribute("aria-pressed", String(!!this.loopStep));
    this.root.dataset.loop = this.loopStep ? String(this.loopStep.id) : "";
  }

  /** After a reload of this page: its step loop comes back when the player resumes in that step. Any
   * other way in (a link, the next capsule, back later) starts without a loop. */
  restoreLoop() {
    if (this.loopStep) return; // turned on already on this page
    let id = null;
    try { id = sessionStorage.getItem(this.loopKey); } catch { /* storage refused */ }
    if (!id) return;
    const step = this.m.steps.find((s) => String(s.id) === id);
    if (step && this.loopStepAt(this.video.currentTime) === step) { this.loopStep = step; this.showLoop(); }
    else sessionStorage.removeItem(this.loopKey);
  }

  // --- time, guards, interactions --------------------------------------------------------
  /** The latest time the learner may reach: just before the first unanswered mandatory question. */
  guard() {
    // A visitor (no account) is asked every question on the way but may browse freely (a search link
    // opens at its moment): the mandatory path is the account's, where completion is recorded.
    if (!this.m.user.authenticated) return Infinity;
    const q = this.m.interactions.find((i) => i.mandatory && !this.cleared(i.id));
    // « Revoir l'étape » plays the question's step to its end: the way is open that far (replayStep).
    if (q && this.replaying && q === this.replaying.inter) return this.replaying.end;
    return q ? q.time : Infinity;
  }

  /** The time of the next question playback would ask (Infinity when none is left ahead). */
  nextQuestionTime() {
    if (this.active) return Infinity;
    const q = this.m.interactions.find((i) => !this.done.has(i.id) && this.ahead(i));
    return q ? q.time : Infinity;
  }

  /** Playback has still to ask `inter`: it lies after the last time seen; one at the capsule's very start
   * is asked once the video plays (walk 22: a question at 0:00 was never asked, the paused video's first
   * timeupdate at the start had already passed it, yet it counted in the score; in a capsule cut later
   * in its footage, it opened as the page loaded, before Play). */
  ahead(inter) {
    if (inter.time <= this.m.start + 0.01) return !this.video.paused;
    return inter.time > this.lastT;
  }

  /** An answer kept on this device until the server grades it: answered for playback (it lets the
   * learner past a mandatory question, on to the next questions and the end), its last grade (a wrong
   * answer online before) set aside; the end panel counts it as waiting for correction (score()). */
  queuedAnswer(id) {
    this.answered.add(id);
    this.done.add(id);
    this.results.delete(id);
  }

  /** A mandatory question lets the learner past once answered right (or self-rated, or queued offline
   * and not graded yet), or answered wrong and left with "Continuer" on this page. The state is the
   * server's (manifest attempts, answer replies), so a reload cannot open the way. */
  cleared(id) {
    return this.answered.has(id) && (this.results.get(id) !== false || this.passed.has(id)
      || SELF_GRADED.has(this.m.interactions.find((i) => i.id === id)?.kind));
  }

  /** End: the capsule's end and its end screen (a question placed in its last moments first), unless a
   * mandatory question stopped the learner before it. */
  toEnd() {
    if (!this.seek(this.m.end)) return;
    if (!this.video.paused) this.video.pause();
    this.atEnd();
  }

  /** Go to `t` (clamped to the capsule); false when a mandatory question stopped the learner before it. */
  seek(t) {
    const m = this.m;
    t = Math.max(m.start, Math.min(t, m.end - 0.05));
    const g = this.guard();
    let reached = true;
    if (t > g + 0.05) {
      t = g;
      reached = false;
      this.refused();
    }
    this.closeRange();
    // Before the video's metadata (a step pressed as the page opens): kept, resume() goes there rather
    // than to the saved position or the capsule's start (it went back to 0:00).
    if (this.video.readyState === 0) this.chosenBeforeLoad = t;
    this.video.currentTime = t;
    this.lastT = t - 0.01;
    // Shown at once: no timeupdate before the metadata, nor before the seek's data has come (walk 36, slow 3G:
    // step 3 pressed on the bar, the video at its start seconds later, « 2 » lit and step 2 named meanwhile).
    this.showClock(t);
    this.showStep(t);
    this.followLoop(t);
    return reached;
  }

  /** A move past an unanswered mandatory question was refused: say so where the learner looks (the
   * question, opened again at once, or already open) and in the live region. */
  refused() {
    this.gateAt = Date.now();
    if (this.active && this.active.mandatory) this.gateNote(this.qBox.querySelector("h2"));
    this.announce(GATE);
  }

  /** The visible reason under the question's title, and the video and question kept in view (a step
   * clicked in the list below had scrolled the page down). */
  gateNote(title, text = GATE) {
    if (!title) return;
    const shown = this.qBox.querySelector(".gq-gate");
    if (shown) shown.textContent = text; else title.after(h("p", { class: "gq-gate" }, text));
    const vr = this.video.getBoundingClientRect();
    if (vr.top < 0 || vr.top > innerHeight - 80) this.root.scrollIntoView({ block: "start" });
    const note = this.qBox.querySelector(".gq-gate").getBoundingClientRect(), v2 = this.video.getBoundingClientRect();
    const need = note.bottom + 16 - innerHeight;
    if (need > 0) window.scrollBy(0, Math.min(need, Math.max(0, v2.top + v2.height / 2)));
  }

  /** On a phone the question opens right under the picture, above the seek bar and the controls (on
   * 360 px they take ~375 px, and a four-choice question's "Valider" fell below the fold): its choices
   * and its button fit the screen with the video's lower half. Wider screens keep it under the controls.
   * The box itself moves (not a CSS order): the reading and focus order follow what is seen. */
  placeQuestion() {
    const stage = this.video.closest(".gp-stage");
    if (document.fullscreenElement === this.root) {  // over the picture (walk 41, onFullscreen)
      if (this.qBox.parentNode !== stage) stage.append(this.qBox);
      return;
    }
    const phone = typeof matchMedia === "function" && matchMedia("(max-width: 47.99rem)").matches;
    const after = phone ? stage : this.stepLabel;
    if (after && this.qBox.previousElementSibling !== after) after.after(this.qBox);
  }

  /** Scroll the least that shows the question (its title and its "Valider" at least, all of it if it fits)
   * while the lower half of the video stays on screen; a question that shows its own picture of the
   * video (pointing at a spot) is shown whole first. */
  reveal(title, must) {
    const H = window.innerHeight, box = this.qBox.getBoundingClientRect(), vr = this.video.getBoundingClientRect();
    // What must be seen: the button that answers (a learner who does not see it does not know where to
    // go), else the prompt; never at the cost of the title.
    const prompt = (must || this.qBox.querySelector(".gq-submit") || this.qBox.querySelector(".gq-prompt") || title).getBoundingClientRect();
    const want = box.bottom + 8 - H; // > 0: the question ends below the screen
    // The most one can scroll down with the video's lower half seen.
    const keep = this.qBox.querySelector(".gq-hotspot") ? Infinity : vr.top + vr.height / 2;
    let s = 0;
    if (want > 0) s = Math.min(want, keep);
    else if (keep < 0) s = Math.max(want, keep); // the video is above the screen: back up, the question still whole
    s = Math.min(Math.max(s, prompt.bottom + 8 - H), title.getBoundingClientRect().top - 8);
    if (Math.abs(s) >= 1) window.scrollBy(0, s);
  }

  /** After "Valider": the feedback and its way on ("Continuer") are shown with the lower half of the
   * video at least where they fit; the page scrolls the least it must (the question has no scroll of its
   * own since walk 39; the panel's own scroll, kept for a card given a height, comes first). */
  revealFeedback(fb) {
    const box = this.qBox, br = box.getBoundingClientRect(), fr = fb.getBoundingClientRect();
    const shown = br.top + box.clientTop + box.clientHeight; // the panel's visible bottom edge
    const d = Math.min(fr.bottom + 8 - shown, fr.top - br.top - 8); // feedback's end, never past its start
    if (d > 0) box.scrollTop += d;
    const last = fb.querySelector(".gq-continue") || fb;
    this.reveal(fb, last);
  }

  /** The spinner over the video: shown after BUFFERING_DELAY_MS of playing without data (a `waiting`, or a
   * « Lecture » before any data), hidden as frames come, on pause, end or error. */
  bindBuffering() {
    const v = this.video;
    let timer = null;
    const hide = () => { clearTimeout(timer); timer = null; clearTimeout(this.stallTimer); this.stallTimer = null; this.buffering.hidden = true; this.hideStalled(); };
    const show = () => {
      if (this.stallTimer == null) this.stallTimer = setTimeout(() => { this.stallTimer = null; if (!v.paused && v.readyState < 3) this.showStalled(); }, STALLED_MS);
      if (timer != null || !this.buffering.hidden) return;
      timer = setTimeout(() => { timer = null; if (!v.paused && v.readyState < 3) this.buffering.hidden = false; }, BUFFERING_DELAY_MS);
    };
    this.waitAgain = show;
    v.addEventListener("waiting", show);
    v.addEventListener("play", () => { if (v.readyState < 3) show(); });
    for (const ev of ["playing", "pause", "ended", "error", "emptied"]) v.addEventListener(ev, hide);
    v.addEventListener("canplay", () => { if (v.paused) hide(); });
  }

  showStalled() {
    const offered = this.offBtn && !this.offBtn.hidden && !localStorage.getItem(this.offlineKey) && navigator.onLine;
    this.stalledOffline.hidden = !offered;
    this.stalled.querySelector(".gp-stalled-hint").textContent = offered
      ? gettext("Réessayez, ou téléchargez la capsule pour la regarder hors ligne quand la connexion sera meilleure.")
      : gettext("Réessayez quand la connexion sera meilleure.");
    this.buffering.hidden = true;
    // Walk 39b: on a phone « Reprise à 0:01 / Recommencer au début » was drawn over this message, unreadable.
    this.hideResumeNote();
    this.stalled.hidden = false;
  }

  hideStalled() { if (this.stalled) this.stalled.hidden = true; }

  /** « Réessayer »: loading again from where the video stands, the spinner back, the wait counted again. */
  retryLoad() {
    const v = this.video;
    this.hideStalled();
    if (this.source?.retry) this.source.retry();
    else if (this.source) { const t = v.currentTime; v.load(); if (t > 0) v.currentTime = t; }
    v.play().catch(() => {});
    this.buffering.hidden = false;
    this.waitAgain?.();
  }

  bindVideo() {
    const v = this.video, m = this.m;
    this.bindBuffering();
    v.addEventListener("loadedmetadata", () => (this.resumed ? this.metadataAfterResume() : this.resume()), { once: true });
    v.addEventListener("play", () => { this.startSign.remove(); this.playBtn.replaceChildren(icon("pause")); this.playBtn.setAttribute("aria-label", gettext("Pause")); this.segStart = v.currentTime; this.event("played", { time: v.currentTime }); this.sidewaysIntoView(); });
    // Turned sideways while it plays: the picture whole on screen, as the phone's own players do.
    SIDEWAYS.addEventListener("change", () => { if (!v.paused) this.sidewaysIntoView(); });
    v.addEventListener("pause", () => { this.playBtn.replaceChildren(icon("play")); this.playBtn.setAttribute("aria-label", gettext("Lecture")); this.closeRange(); this.event("paused", { time: v.currentTime }); this.save(); });
    v.addEventListener("seeking", () => {
      const g = this.guard();
      if (v.currentTime > g + 0.3) { v.currentTime = g; this.refused(); }
    });
    v.addEventListener("seeked", () => { this.event("seeked", { from: this.lastT, to: v.currentTime }); this.lastT = v.currentTime - 0.01; if (!v.paused) this.segStart = v.currentTime; this.followLoop(v.currentTime); });
    v.addEventListener("timeupdate", () => this.tick());
    // timeupdate comes every ~250 ms (0.125 s of video at 0,5×): a looped step's end and the next
    // question are checked at each frame shown too, so the loop turns back on its last frame and the
    // video pauses on the question's frame (it paused up to 0.25 s late: a question at 0:05,9 of the
    // capsule opened on 0:06).
    if (typeof v.requestVideoFrameCallback === "function") {
      const frame = (_now, meta) => {
        const ls = this.loopStep;
        const ahead = meta.mediaTime + 2 * FRAME * Math.max(1, v.playbackRate);
        // The capsule's end too: checked at timeupdate only, a capsule cut in longer footage played on up
        // to 0.25 s past it (frames that are not the capsule's).
        if (!v.paused && !v.seeking && ((ls && ahead >= Math.min(loopEnd(ls), m.end)) || ahead >= Math.min(m.end, this.nextQuestionTime()))) this.tick();
        v.requestVideoFrameCallback(frame);
      };
      v.requestVideoFrameCallback(frame);
    }
    v.addEventListener("ended", () => { this.closeRange(); this.save(); if (!this.active) this.atEnd(); });
    v.addEventListener("ratechange", () => this.rateChanged());
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
    this.announce(gettext("Lecture à partir de %(time)s", { time: fmt(elapsed(at, m.start, m.end)) }));
    return true;
  }

  resume() {
    this.resumed = true;
    this.applySpeed();
    const chosen = this.chosenBeforeLoad;
    this.chosenBeforeLoad = null;
    const saved = this.savedPosition();
    // Before a chosen or linked time too (walk 22: « Y aller » from the block page, #t=, opened at a
    // question answered wrong and left with « Continuer », « Répondez d'abord à la question obligatoire »).
    this.passedBefore(saved);
    if (chosen != null) { this.video.currentTime = chosen; this.lastT = chosen - 0.01; }
    else if (!this.openAtLinkedTime()) this.resumePosition(saved);
    this.restoreLoop();
    if (this.video.readyState === 0) {
      // Placed before the metadata (a weak connection): shown on the clock, the bar and the step label now.
      this.resumeAt = this.video.currentTime;
      this.showClock(this.resumeAt);
      this.showStep(this.resumeAt);
      this.posterAt(this.resumeAt);
    }
    // Once the video's size and the steps' row are known (before, the step buttons sat in the flow) and a
    // reminder may have appeared above the controls.
    requestAnimationFrame(() => this.controlsIntoView());
  }

  /** A weak connection: until the hls.js chunk has come (seconds on slow 3G) the video cannot be placed; the
   * clock, the seek bar and the step label show where it will resume meanwhile (walk 36: « 0:00 » for 4 s,
   * then « Reprise à 0:10 »). Shown only: resume() places the video and says it. */
  previewResume() {
    const m = this.m, rel = this.linkedTime(), saved = this.savedPosition();
    let at = rel != null ? m.start + rel : saved != null && saved > m.start + 1 && saved < m.end - 1 ? saved : null;
    if (at == null || this.video.readyState > 0) return;
    at = Math.max(m.start, Math.min(at, this.guard(), m.end - 0.05));
    this.showClock(at);
    this.showStep(at);
    this.posterAt(at);
  }

  /** Nothing loaded yet (data saving, a weak connection, preload none): the poster is the capsule's first
   * picture, and a learner resuming inside a later step saw it under « Reprise à 0:42 » (walk 36). That step's
   * own picture (its keyframe: one small JPEG, no video segment) stands in until « Lecture ». */
  posterAt(at) {
    const m = this.m;
    if (this.video.readyState > 0 || at <= m.start + 1) return;
    const step = m.steps.find((s) => at >= s.start && at < s.end);
    if (!step?.keyframe || step.start <= m.start) return;
    const src = new URL(step.keyframe, document.baseURI).href;
    if (this.video.poster !== src) this.video.poster = src;
  }

  /** The metadata after a resume placed before them (a weak connection): the speed again (a load resets the
   * rate), and the video where the learner last chose (a step pressed before « Lecture »), else where
   * resume() put it. The element seeks to a time set before its metadata by itself; set again if not. */
  metadataAfterResume() {
    this.applySpeed();
    const chosen = this.chosenBeforeLoad;
    this.chosenBeforeLoad = null;
    const at = chosen ?? this.resumeAt;
    this.resumeAt = null;
    if (at != null && at > 0 && Math.abs(this.video.currentTime - at) > 0.05) { this.video.currentTime = at; this.lastT = at - 0.01; }
    requestAnimationFrame(() => this.controlsIntoView());
  }

  /** The last position saved, on this device or the server, whichever is newer (null when none). */
  savedPosition() {
    const server = this.m.progress;
    let local = null;
    try { local = JSON.parse(localStorage.getItem(this.posKey) || "null"); } catch { /* unreadable */ }
    let pos = server ? server.position : null;
    if (local && (!server || local.at > Date.parse(server.updated_at || 0))) pos = local.position;
    return pos;
  }

  /** A mandatory question answered wrong that the learner had gone on past (« Continuer », then played
   * on, so the position saved lies after it, or « Continuer » on this device): it no longer stops a seek
   * or a link (an attempt lets the learner past, as playback did), and the reminder names it. Still asked
   * when playback crosses it (a link to its time, walk 21). Answered wrong and not gone past (the position
   * saved at it), it still holds the gate. */
  passedBefore(pos) {
    const m = this.m;
    for (const i of m.interactions) {
      if (!i.mandatory || SELF_GRADED.has(i.kind) || this.results.get(i.id) !== false) continue;
      if ((pos != null && pos > i.time + 0.25 && pos > m.start + 1) || this.wentOn.has(i.id)) this.passed.add(i.id);
    }
    this.showTodo();
  }

  resumePosition(pos) {
    const m = this.m;
    // Gone on past it: resume where the learner was, with the reminder, rather than back at it.
    for (const id of this.passed) this.done.add(id);
    // A question left open before the reload (shown, neither answered nor dismissed), or a mandatory
    // one answered wrong, is asked again: resume there rather than after it. At the very end too: the
    // capsule starts again from the beginning only when nothing is left to answer.
    const pending = pos != null && pos > m.start + 1 ? this.pendingBefore(Math.min(pos, this.guard())) : null;
    if (pos != null && pos > m.start + 1 && (pos < m.end - 1 || pending)) {
      pos = Math.min(pos, this.guard(), m.end - 0.05);
      if (pending) pos = Math.min(pending.time, m.end - 0.05);
      this.video.currentTime = pos;
      this.lastT = pos - 0.01;
      this.announce(gettext("Reprise à %(time)s", { time: fmt(elapsed(pos, m.start, m.end)) }));
      this.root.dataset.resumed = String(pos);
      this.showResumeNote(pos);
      if (pending) {
        // Asked once the video shows that moment; near the very end a stream may never finish that
        // seek (no media left to buffer): the question opens after a short wait all the same. Not after
        // « Recommencer au début » meanwhile (the video is no longer there).
        const open = () => {
          clearTimeout(late);
          if (!this.active && !this.done.has(pending.id) && Math.abs(this.video.currentTime - pos) < 1) this.ask(pending);
        };
        const late = setTimeout(() => { this.video.removeEventListener("seeked", open); open(); }, 1500);
        this.video.addEventListener("seeked", open, { once: true });
      }
    } else if (m.start > 0) {
      this.video.currentTime = m.start;
    }
  }

  /** Walk 37: the resume was said to screen readers only (« Reprise à 0:08 »); a learner saw the video start
   * mid-way with no word why. A short note over the video says it, with « Recommencer au début »; it goes
   * RESUME_NOTE_MS after the video starts playing, or with that button. Not for a #t= link or a start at 0. */
  showResumeNote(pos) {
    const m = this.m;
    this.resumeNote?.remove();
    const again = h("button", { type: "button", class: "gp-resume-restart", onclick: () => this.restartFromNote() }, gettext("Recommencer au début"));
    this.resumeNote = h("p", { class: "gp-resume-note" },
      h("span", {}, gettext("Reprise à %(time)s", { time: fmt(elapsed(pos, m.start, m.end)) })), again);
    // Over the video's top edge: seen on a phone's first screen (under the controls it was below it), and gone
    // without moving the controls under the learner's finger.
    this.root.querySelector(".gp-stage").append(this.resumeNote);
    this.video.addEventListener("playing", () => {
      clearTimeout(this.resumeNoteTimer);
      this.resumeNoteTimer = setTimeout(() => this.hideResumeNote(), RESUME_NOTE_MS);
    }, { once: true });
  }

  hideResumeNote() {
    clearTimeout(this.resumeNoteTimer);
    const note = this.resumeNote;
    this.resumeNote = null;
    if (!note) return;
    const had = note.contains(document.activeElement);
    note.remove();
    if (had) this.playBtn.focus({ preventScroll: true }); // the focus is not lost to the page's top
  }

  /** « Recommencer au début » under a resume: the capsule's start, the note gone, the focus on ▶. */
  restartFromNote() {
    if (this.active) this.closeQuestion();
    this.hideResumeNote();
    this.seek(this.m.start);
    this.playBtn.focus({ preventScroll: true });
    this.announce(gettext("Retour au début de la capsule"));
  }

  /** The mandatory questions left answered wrong (« Continuer » on this page, or a wrong last answer the
   * server holds from an earlier visit): a reminder under the player, each with a button that goes back
   * to it and asks it, and a note on its step in the step list. */
  showTodo() {
    // Graded mandatory questions only: a self-assessed one (observe, free recall) has no right answer,
    // so it is never « à reprendre » (the server's rule, grading.UNGRADED_KINDS).
    const todo = this.m.interactions.filter((i) => i.mandatory && !SELF_GRADED.has(i.kind)
      && (this.passed.has(i.id) || this.owed.has(i.id)) && this.results.get(i.id) === false);
    document.querySelectorAll(".gp-step-todo").forEach((el) => el.remove());
    this.todoBox.replaceChildren();
    this.todoBox.hidden = !todo.length;
    if (!todo.length) return;
    const m = this.m;
    // No word on completion here: the server completes a capsule once its mandatory questions are
    // answered, right or not (a learner who completed it may still see one, e.g. a question added since).
    this.todoBox.append(h("p", { class: "gp-todo-title" }, todo.length > 1
      ? gettext("%(n)s questions obligatoires à reprendre (pas encore de bonne réponse)\u00a0:", { n: todo.length })
      : gettext("Question obligatoire à reprendre (pas encore de bonne réponse)\u00a0:")));
    const ats = todo.map((i) => fmt(elapsed(i.time, m.start, m.end)));
    todo.forEach((i, n) => {
      const at = ats[n];
      // Two at the same moment: told apart by their prompt.
      const same = ats.filter((a) => a === at).length > 1;
      const text = (i.prompt || "").replace(/_{3,}/g, "…");
      const short = text.length > 40 ? `${text.slice(0, 39).trimEnd()}…` : text;
      this.todoBox.append(h("button", { type: "button", class: "gp-todo-go", "data-interaction": i.id,
        onclick: () => this.retake(i) }, same && short ? gettext("Reprendre la question de %(time)s\u00a0: «\u00a0%(prompt)s\u00a0»", { time: at, prompt: short }) : gettext("Reprendre la question de %(time)s", { time: at })));
      const step = m.steps.find((st) => st.id === i.step_id);
      const li = step && this.stepItems.find((el) => Math.abs(parseFloat(el.dataset.start) - step.start) < 0.01);
      li?.querySelector(".gp-step")?.append(h("span", { class: "gp-step-todo" }, gettext("question obligatoire à reprendre (%(time)s)", { time: at })));
    });
  }

  /** Back to a mandatory question left answered wrong: asked again at its time. */
  retake(inter) {
    if (this.active) this.closeQuestion();
    this.passed.delete(inter.id);
    this.wentOn.delete(inter.id);
    this.keepSeen();
    this.done.delete(inter.id);
    this.showTodo();
    this.seek(inter.time);
    this.ask(inter);
  }

  /** The first question before `pos` still waiting for the learner after a reload, or null. */
  pendingBefore(pos) {
    return this.m.interactions.find((i) => i.time < pos + 0.05 && !this.done.has(i.id)
      && (this.shown.has(i.id) || (i.mandatory && !SELF_GRADED.has(i.kind) && this.results.get(i.id) === false))) || null;
  }

  /** « Continuer » after a wrong answer to a mandatory question (or one graded wrong once back online): kept
   * on this device and told to the server, on that answer (`clientId`, else the latest one it holds), so
   * that another device or a fresh browser neither stops at the question again nor asks one at the
   * capsule's last second on each arrival (the manifest's `went_on`). Queued before it is posted, like a
   * save: offline, or if the page closes, it is sent with the rest of the queue. */
  goneOn(inter, clientId = this.answerIds.get(inter.id)) {
    this.wentOn.add(inter.id);
    this.keepSeen();
    if (!inter.went_on_url) return;
    this.send(enqueue({ kind: "went_on", capsule: this.m.id, interaction: inter.id, url: inter.went_on_url,
      body: clientId ? { client_id: clientId } : {}, replace: `went_on:${this.m.id}:${inter.id}` }), true);
  }

  /** Remember on this device which questions were shown and which the learner dismissed. */
  keepSeen() {
    try {
      localStorage.setItem(this.seenKey, JSON.stringify({ shown: [...this.shown], skipped: [...this.skipped], answered: [...this.kept], passed: [...this.wentOn], run: this.run }));
    } catch { /* storage full or refused: a reload will ask again */ }
  }

  /** An answer that is done with (right, self-rated, queued, or an optional one) is kept on this device:
   * a reload, offline too, resumes past it instead of asking it again. */
  keepAnswered(inter, correct) {
    if (correct === false && inter.mandatory) this.kept.delete(inter.id);
    else { this.done.add(inter.id); this.kept.add(inter.id); }
    this.keepSeen();
  }

  skip(inter) {
    this.skipped.add(inter.id);
    this.done.add(inter.id);
    this.keepSeen();
    this.resumeAfter(inter);
  }

  tick() {
    const v = this.video, m = this.m, t = v.currentTime, ls = this.loopStep;
    // Interactions crossed during normal playback (asked before a loop turns back past them); while a
    // step loops, only its own: one past its loop end (the next step's) is not reached.
    const q = !v.seeking && !this.active
      ? m.interactions.find((i) => !this.done.has(i.id) && this.ahead(i) && i.time <= t + ASK_EARLY_S && t - i.time < ASK_LATE_S
        && (!ls || i.time < loopEnd(ls) - 0.005))
      : null;
    // Loop the current step, up to just past the last question that belongs to it (the end of the
    // capsule for the last step); also while an optional question stays open and the video plays on
    // (only a question that paused it holds it). Checked before the end of the capsule: the last
    // step loops like the others. The margin grows with the speed (one frame's worth of video).
    const end = ls ? Math.min(loopEnd(ls), m.end) : Infinity;
    const lead = Math.max(0.05, 1.5 * FRAME * v.playbackRate);
    if (ls && !q && !v.seeking && (t >= end - lead || t < ls.start - 0.5) && (!this.active || !v.paused)) {
      // A question of the step still ahead in the last moments before the turn (the margin, larger at
      // 2×, fell past it: a question at the step's end was never asked while looping, walk 19): asked
      // here, the loop turns back once it is answered (« Continuer » plays on to the step's end).
      const last = t >= end - lead && !this.active
        ? m.interactions.find((i) => !this.done.has(i.id) && i.time > this.lastT && i.time >= ls.start - 0.01 && i.time < end + 0.005)
        : null;
      if (last) { this.ask(last); return; }
      this.loopBack();
      return;
    }
    // The capsule's range of the footage.
    if (t >= m.end - 0.02 && !v.paused) { v.pause(); this.closeRange(); this.atEnd(); return; }
    if (!v.seeking && !this.active) {
      if (q) { this.ask(q); }
      else {
        // Past an unanswered mandatory question (fast playback overshoot): go back to it, and ask it
        // there, never a silent bounce (walk 28: back for ever to a question that would not be asked).
        const g = this.guard();
        if (t > g + 0.6) {
          const held = this.m.interactions.find((i) => i.mandatory && !this.cleared(i.id));
          if (held) this.done.delete(held.id);
          v.currentTime = g;
        }
      }
    }
    if (!v.seeking) this.lastT = t;
    // UI.
    this.showClock(t);
    this.showStep(t);
    this.transcript.update(t);
    if (!v.paused && this.segStart != null && t - this.segStart > 5) { this.closeRange(); this.segStart = t; }
  }

  /** The counter and the seek bar at footage time `t`. A question is asked as soon as the video comes
   * within ASK_EARLY_S of its time (timeupdate fires every ~250 ms), so the video may pause a few
   * hundredths before it, or, where no frame callback caught it, a timeupdate after it: while that
   * question holds the video paused, the counter reads the question's own time (a question at 0:04
   * read 0:03; one at 0:05,9 read 0:06), like the step list, the feedback and the expert's list. */
  showClock(t) {
    const m = this.m, q = this.active;
    const shown = q && (t < q.time ? q.time - t <= ASK_EARLY_S + 0.01 : this.video.paused && t - q.time < ASK_LATE_S)
      ? q.time : t;
    if (document.activeElement !== this.seekBar) this.seekBar.value = shown;
    this.seekBar.setAttribute("aria-valuetext", fmt(elapsed(shown, m.start, m.end)));
    this.timeEl.textContent = clock(shown, m.start, m.end);
  }

  /** The current step's name under the player and its place in the list (not while a question is open).
   * In a stretch that no step holds (the hands idle between two steps, a lead-in, a tail) the label says so
   * and the next step is marked « À venir » in the list and on the step bar (walk 31: nothing was lit, the
   * learner could not tell where they were); nothing is `aria-current` there. The label is the same non-live
   * paragraph: read where it stands, never announced at each timeupdate. */
  showStep(t) {
    const steps = this.m.steps;
    const step = this.currentStep(t) || this.endingStep(t);
    const next = step ? null : steps.find((s) => s.start > t) || null;
    const n = step ? steps.indexOf(step) + 1 : 0, k = next ? steps.indexOf(next) + 1 : 0;
    const where = step ? `step:${n}` : next ? `before:${k}` : steps.length ? "after" : "none";
    if (where === this.where || this.concealTitles) return;
    this.where = where;
    this.stepLabel.textContent = step ? (defaultStepTitle(step.title, n) ? gettext("Étape %(n)s", { n }) : gettext("Étape\u00a0: %(title)s", { title: step.title }))
      : k === 1 ? gettext("Avant la première étape")
        : next ? gettext("Entre deux étapes — suivante\u00a0: %(title)s", { title: defaultStepTitle(next.title, k) ? gettext("Étape %(n)s", { n: k }) : next.title })
          : steps.length ? gettext("Après la dernière étape") : "";
    const at = (x, s) => !!s && Math.abs(parseFloat(x) - s.start) < 0.01;
    const last = !step && !next && this.stepItems[this.stepItems.length - 1];
    this.stepItems.forEach((li) => {
      li.classList.toggle("current", at(li.dataset.start, step));
      li.classList.toggle("upcoming", at(li.dataset.start, next));
      li.classList.toggle("gp-after", li === last); // past the last step: the marker under it
    });
    for (const b of this.stepBar.children) {
      const on = at(b.dataset.seek, step);
      b.classList.toggle("current", on);
      b.classList.toggle("upcoming", at(b.dataset.seek, next));
      if (on) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
    }
  }

  // The end of the capsule: a question placed in its last moments (between the last timeupdate
  // and the end) is asked first; the end screen comes once nothing is left to answer.
  atEnd() {
    const q = this.m.interactions.find((i) => !this.done.has(i.id) && i.time > this.lastT && i.time <= this.m.end + 0.05);
    if (q) { this.ask(q); return; }
    if (this.loopStep) { this.loopBack(); return; } // the last step looped: the end turns back to its start
    this.ended();
  }

  /** What the learner scored: graded questions right (last answer) over graded questions. */
  score() {
    const graded = this.m.interactions.filter((i) => !SELF_GRADED.has(i.kind));
    const right = graded.filter((i) => this.results.get(i.id) === true).length;
    const waiting = graded.filter((i) => !this.results.has(i.id) && readQueue().some((q) => q.kind === "answer" && q.interaction === i.id)).length;
    return { total: graded.length, right, waiting, percent: graded.length ? Math.round((100 * right) / graded.length) : null };
  }

  /** « Refaire la capsule » (end screen, or the block page's link #nouvelle-tentative): a new complete pass,
   * every question asked again from the start; its answers carry `run` (the server's Attempt.run), and a
   * complete pass at the block's minimum makes the capsule « maîtrisée ». The first-try score is kept. */
  newRun() {
    this.run = Math.max(this.run, this.m.run || 1) + 1;
    for (const s of [this.done, this.answered, this.results, this.passed, this.shown, this.skipped, this.runFirst, this.kept, this.wentOn, this.owed]) s.clear();
    this.keepSeen();
    this.showTodo();
    if (this.active) this.closeQuestion();
    this.endBox.hidden = true;
    delete this.root.dataset.ended;
    this.root.dataset.run = String(this.run);
    this.seek(this.m.start);
    this.backToPlayer();
    this.announce(gettext("Nouvelle tentative (n° %(run)s)\u00a0: toutes les questions sont posées à nouveau.", { run: this.run }));
    this.video.play().catch(() => {});
  }

  /** « Refaire la capsule (nouvelle tentative) » in the end panel, once the server says the capsule is
   * completed: a new complete pass, every question asked again; its score can make the capsule
   * « maîtrisée » in the block (the best complete pass counts there; the first try stays the badge's).
   * The completion often comes after the end panel is drawn (the progress sent at the video's end):
   * `onCompleted()` adds it then (walk 19: a learner who had just completed it never saw it). */
  newRunButton(actions = this.endBox.querySelector(".gp-end-actions")) {
    const m = this.m;
    if (!actions || actions.querySelector(".gp-newrun") || !this.score().total || !m.user.authenticated || this.root.dataset.completed !== "1") return;
    const btn = h("button", { type: "button", class: "gp-newrun", onclick: () => this.newRun() }, gettext("Refaire la capsule (nouvelle tentative)"));
    const again = actions.querySelector(".gp-again");
    if (again) again.after(btn); else actions.append(btn);
  }

  /** Back to the player after the end panel closed (« Refaire / Revoir la capsule »): the focus on play
   * (it fell to <body> with the hidden panel) and the video in view (on a 360-px phone it was above). */
  backToPlayer() {
    this.playBtn.focus({ preventScroll: true });
    this.videoIntoView(false);
  }

  /** A phone held sideways, outside fullscreen (walk 45: the picture started 212 px down a 360-px screen): the
   * player to the top of the screen when the video is not whole on it. */
  sidewaysIntoView() {
    if (SIDEWAYS.matches && !document.fullscreenElement) this.videoIntoView(true);
  }

  /** Scroll the player to the top of the screen when the video is not wholly on screen; `smooth`: a
   * smooth scroll, unless the learner asked for reduced motion. */
  videoIntoView(smooth) {
    const top = this.root.getBoundingClientRect().top, vr = this.video.getBoundingClientRect();
    if (top >= -1 && vr.top >= -1 && vr.bottom <= window.innerHeight + 1) return; // a fraction of a pixel is in view
    const still = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.root.scrollIntoView({ block: "start", behavior: smooth && !still ? "smooth" : "instant" });
  }

  /** The end panel on screen: scrolled just enough to show it whole, never past its heading (walk 27b: on
   * a 360x740 phone a video played to its end left the panel below the screen, its heading on the bottom
   * edge, where focusing the heading scrolled nothing; after « Continuer » the focus had scrolled it up). */
  endIntoView() {
    const r = this.endBox.getBoundingClientRect(), margin = 8;
    if (r.top >= 0 && r.bottom <= window.innerHeight) return;
    const by = r.top < 0 ? r.top - margin : Math.min(r.top - margin, r.bottom - window.innerHeight + margin);
    const still = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollBy({ top: by, behavior: still ? "instant" : "smooth" });
  }

  ended() {
    const m = this.m, next = m.next, sc = this.score();
    // The end reads the whole duration (walk 21: « 0:07 / 0:08 » at the end of an 8-s video). The tick that
    // reaches the end stops without drawing the clock, and the video stops a hair before the end (the last
    // frame, or the capsule's end less 0.02 s), which the counter rounds down to the second before.
    this.showClock(m.end);
    const title = h("h2", { id: `gp-end-title-${m.id}`, tabindex: "-1" }, gettext("Fin de la capsule"));
    const lines = [title, h("div", { class: "gp-end-state" })];
    if (sc.total) {
      lines.push(this.scoreBox(sc));
      if (sc.waiting) lines.push(h("p", { class: "gp-score-wait" }, ngettext("%(n)s réponse hors ligne en attente de correction.", "%(n)s réponses hors ligne en attente de correction.", sc.waiting)));
    } else {
      lines.push(h("p", {}, gettext("Cette capsule n'a pas de question notée.")));
    }
    const actions = h("p", { class: "gp-end-actions" });
    // The server picks it per learner (walk 22): the next one not completed, else an earlier one not
    // completed; none when every other capsule is completed (« Retour au bloc » below). Named for what it
    // is (walk 27b: « Capsule pas encore terminée : <another one> » read as being about this capsule).
    // While this capsule is not complete, finishing it is the primary action (endState()), this link
    // an outlined one.
    const nextLabel = next && (next.status === "todo" ? gettext("Autre capsule à terminer\u00a0: %(title)s", { title: next.title })
      : gettext("Capsule suivante\u00a0: %(title)s", { title: next.title }));
    if (next) actions.append(h("a", { class: "gp-next", href: next.url, "data-status": next.status || "next" }, nextLabel));
    actions.append(h("button", { type: "button", class: "gp-again", onclick: () => this.watchAgain() }, gettext("Revoir la capsule")));
    this.newRunButton(actions);
    // The way back to the skills block the capsule belongs to (walk 19: the end offered no way back).
    const block = this.root.dataset.blockUrl;
    if (block) actions.append(h("a", { class: "gp-block-link", href: block }, gettext("Retour au bloc\u00a0: %(title)s", { title: this.root.dataset.blockTitle || "" })));
    if (this.badge) lines.push(this.badgeBox());
    lines.push(actions);
    if (!m.user.authenticated) {
      lines.push(h("p", { class: "gp-guest" }, ...parts(gettext("Vous n'êtes pas connecté\u00a0: %(signup)s ou %(login)s pour garder ce résultat."), {
        signup: h("a", { href: m.user.signup_url }, gettext("créez un compte")), login: h("a", { href: m.user.login_url }, gettext("connectez-vous")) })));
    }
    this.endBox.replaceChildren(...lines);
    this.endBox.hidden = false;
    this.root.dataset.ended = "1";
    const state = this.endState();
    title.focus({ preventScroll: true });
    this.endIntoView();
    const badge = this.badge ? ` ${this.badge.title} ${this.badge.text}` : "";
    const first = sc.total ? this.firstScore(sc) : null;
    this.announce(`${state}${first ? ` ${gettext("Score au premier essai\u00a0: %(right)s sur %(total)s.", { right: first.right, total: sc.total })}` : ""}${badge}${next ? ` ${nextLabel}` : ""}`);
    if (this.root.dataset.completed === "1") this.checkBadge();
  }

  /** What completing the capsule still needs, by the server's rule (progress.py), from what is known
   * here: the ranges watched (the server's and this page's) and the answers. `parts`: the steps (or
   * stretches outside any step) to watch, earliest first, until 90 % would be watched; `questions`:
   * the mandatory questions not answered. Null when nothing is missing. */
  missing() {
    const m = this.m, dur = m.end - m.start;
    if (dur <= 0) return null;
    const seen = mergeRanges(this.watched, m.start, m.end);
    let need = COMPLETION_FRACTION * dur - seen.reduce((a, [x, y]) => a + (y - x), 0) - 1e-9 * dur;
    const parts = [], gaps = [];
    let at = m.start;
    for (const [a, b] of [...seen, [m.end, m.end]]) {
      if (a - at > 0.01) gaps.push([at, a]);
      at = Math.max(at, b);
    }
    // A moment shorter than the server's gap tolerance (the instant before a question at the capsule's
    // start paused the video) is no part to watch: listed first, it named step 1 as left to watch once
    // a link (#t=) had skipped part of a later step (link walk 23). Listed only when nothing else is left.
    const real = gaps.filter(([a, b]) => b - a > GAP_TOLERANCE);
    for (const gap of real.length ? real : gaps) {
      if (need <= 0) break;
      const steps = m.steps.filter((s) => Math.min(s.end, gap[1]) - Math.max(s.start, gap[0]) > 0.05);
      if (steps.length) for (const s of steps) { if (!parts.some((p) => p.step === s)) parts.push({ step: s, from: Math.max(s.start, gap[0]) }); }
      else parts.push({ step: null, from: gap[0], to: gap[1] });
      need -= gap[1] - gap[0];
    }
    const questions = m.interactions.filter((i) => i.mandatory && !this.answered.has(i.id));
    return parts.length || questions.length ? { parts, questions } : null;
  }

  /** The end panel's title and what is left: « Capsule terminée » once the server says so, « Capsule pas
   * encore terminée » with each missing part and a button to it (walk 20: « Fin de la capsule » with a
   * score while the server did not count the capsule complete); « Fin de la capsule » while the server's
   * word is awaited. Returns the sentence to announce. */
  endState() {
    const box = this.endBox.querySelector(".gp-end-state"), title = this.endBox.querySelector("h2");
    if (!box || !title) return "";
    const m = this.m, at = (t) => fmt(elapsed(t, m.start, m.end));
    const done = this.root.dataset.completed === "1";
    const left = done ? null : this.missing();
    box.replaceChildren();
    title.textContent = done ? gettext("Capsule terminée") : left ? gettext("Capsule pas encore terminée") : gettext("Fin de la capsule");
    // The title says it: the status line under the panel said « Capsule terminée. » a second time (words 28).
    if (done && this.status.textContent === gettext("Capsule terminée.")) this.status.textContent = "";
    this.endBox.dataset.state = done ? "complete" : left ? "incomplete" : "waiting";
    const go = (fn) => () => { this.endBox.hidden = true; this.backToPlayer(); fn(); };
    if (!left) return done ? `${title.textContent}.${this.badgeRetakes(box, go)}` : `${title.textContent}.`;
    const said = [];
    for (const p of left.parts) {
      const n = p.step ? m.steps.indexOf(p.step) + 1 : 0;
      const text = p.step && defaultStepTitle(p.step.title, n) ? gettext("Il reste à regarder l'étape %(n)s.", { n })
        : p.step ? gettext("Il reste à regarder l'étape %(n)s «\u00a0%(title)s\u00a0».", { n, title: p.step.title }) : gettext("Il reste à regarder le passage de %(from)s à %(to)s.", { from: at(p.from), to: at(p.to) });
      said.push(text);
      box.append(h("p", { class: "gp-end-left" }, text, " ",
        h("button", { type: "button", class: "gp-end-go", "data-seek": p.from, onclick: go(() => {
          this.seek(p.from); this.video.play().catch(() => {});
        }) }, p.step ? gettext("Regarder l'étape %(n)s", { n }) : gettext("Regarder à partir de %(time)s", { time: at(p.from) }))));
    }
    for (const q of left.questions) {
      const text = gettext("Il reste à répondre à la question obligatoire de %(time)s.", { time: at(q.time) });
      said.push(text);
      box.append(h("p", { class: "gp-end-left" }, text, " ",
        h("button", { type: "button", class: "gp-end-go", "data-interaction": q.id, onclick: go(() => this.retake(q)) },
          gettext("Répondre à la question de %(time)s", { time: at(q.time) }))));
    }
    // Finishing this capsule comes first: its first way on is the filled button, the other capsule's
    // link (.gp-next) an outlined one (player.css, [data-state='incomplete']).
    box.querySelector(".gp-end-go")?.classList.add("gp-end-primary");
    return `${gettext("Capsule pas encore terminée.")} ${said.join(" ")}`;
  }

  /** Complete, yet a mandatory question of this capsule has no right answer and the block's badge needs one
   * (walk 21: answered wrong, « Continuer », then « Capsule terminée » with nothing to say the badge still
   * waits for it): the server names them (badge.json `to_get_right`), each with a button that asks it
   * again here. Returns what to announce after the title. */
  badgeRetakes(box, go) {
    const m = this.m;
    let said = "";
    for (const q of this.badge?.to_get_right || []) {
      const inter = m.interactions.find((i) => i.id === q.id);
      if (!inter) continue;
      const prompt = (q.prompt || "").replace(/_{3,}/g, "…");
      // The badge can no longer be earned by answering (a first-try minimum out of reach: the badge box says
      // the trainer may award it): the retake is offered for the capsule, not as the way to the badge
      // (end panel 28: « Ce minimum ne peut plus être atteint » above « Pour le badge du bloc … doit être réussie »).
      const text = this.badge.final
        ? gettext("Pour maîtriser la capsule, vous pouvez reprendre la question obligatoire «\u00a0%(prompt)s\u00a0».", { prompt })
        : gettext("Pour le badge du bloc, la question obligatoire «\u00a0%(prompt)s\u00a0» doit être réussie.", { prompt });
      said += ` ${text}`;
      box.append(h("p", { class: "gp-end-badge-retake" }, text, " ",
        h("button", { type: "button", class: "gp-end-go", "data-interaction": inter.id, onclick: go(() => this.retake(inter)) },
          gettext("Reprendre la question de %(time)s", { time: fmt(elapsed(inter.time, m.start, m.end)) }))));
    }
    return said;
  }

  /** THE score, as the portfolio and the badge rule count it: graded questions right at the first try
   * (the server's, from badge.json, else the first answers the manifest and this page know) over the
   * graded questions; `sc` (the last answers) is given as well. */
  firstScore(sc) {
    const graded = this.m.interactions.filter((i) => !SELF_GRADED.has(i.kind));
    const server = this.badge && this.badge.scores;
    if (server && server.graded === sc.total) return { right: server.first_try_right, percent: server.first_try_percent };
    const right = graded.filter((i) => this.firstTry.get(i.id) === true).length;
    return { right, percent: graded.length ? Math.round((100 * right) / graded.length) : null };
  }

  /** The first-try score (same words as the portfolio), and the result after retries when it differs. */
  scoreBox(sc) {
    const first = this.firstScore(sc);
    const box = h("div", { class: "gp-scores" },
      h("p", { class: "gp-score" }, h("strong", {}, gettext("Score au premier essai\u00a0: %(percent)s\u00a0%", { percent: first.percent }))),
      h("p", { class: "gp-score-detail" }, ngettext("%(n)s question juste sur %(total)s", "%(n)s questions justes sur %(total)s", first.right, { total: sc.total })));
    if (this.run > 1) {
      const right = this.m.interactions.filter((i) => !SELF_GRADED.has(i.kind) && this.runFirst.get(i.id) === true).length;
      box.append(h("p", { class: "gp-run-score" }, ngettext("Cette tentative (n° %(run)s)\u00a0: %(n)s juste sur %(total)s à la première réponse.", "Cette tentative (n° %(run)s)\u00a0: %(n)s justes sur %(total)s à la première réponse.", right, { run: this.run, total: sc.total })));
    }
    if (first.right !== sc.right) {
      box.append(h("p", { class: "gp-retried" }, `${ngettext("Après nouvelles tentatives\u00a0: %(n)s juste sur %(total)s.", "Après nouvelles tentatives\u00a0: %(n)s justes sur %(total)s.", sc.right, { total: sc.total })} `
        + gettext("Pour le badge du bloc, seule la première réponse compte.")));
      box.dataset.retried = "1";
    }
    return box;
  }

  ask(inter) {
    const v = this.video;
    v.pause();
    this.active = inter;
    // Walk 49, 360x740: « Reprise à 0:04 · Recommencer au début » stayed over the picture the question asks about.
    this.hideResumeNote();
    this.showClock(v.currentTime);
    const title = h("h2", { id: `gq-title-${this.m.id}`, tabindex: "-1" }, inter.kind === "observe" ? gettext("Observez") : gettext("Question"));
    // Walk 32: a learner learned that a question was mandatory only from the reminder after a wrong answer.
    if (inter.mandatory) title.append(" ", h("span", { class: "gq-required" }, gettext("obligatoire")));
    const box = this.qBox;
    const line = promptLine(inter);
    box.replaceChildren(title, ...(line ? [h("p", { class: "gq-prompt" }, line)] : []));
    box.dataset.interaction = inter.id;
    this.placeQuestion();
    box.append(renderForm(inter, v, (resp) => this.submit(inter, resp), (text) => this.revealAnswer(inter, text)));
    if (!inter.mandatory) {
      box.append(h("button", { type: "button", class: "gq-skip", onclick: () => this.skip(inter) }, gettext("Passer cette question")));
    }
    if (!this.m.user.authenticated && inter.kind !== "observe") {
      box.append(h("p", { class: "gq-guest" }, ...parts(gettext("Sans compte, vos réponses sont gardées sur cet appareil. %(signup)s pour les retrouver partout."), {
        signup: h("a", { href: this.m.user.signup_url }, gettext("Créer un compte")) })));
    }
    this.shown.add(inter.id);
    this.keepSeen();
    this.endBox.hidden = true;
    box.hidden = false;
    this.root.dataset.asking = String(inter.id);
    this.conceal(true);
    // Opened because a seek or a step was refused: say why, and keep the video in view.
    const gated = inter.mandatory && this.gateAt && Date.now() - this.gateAt < GATE_NOTE_MS;
    this.gateAt = 0;
    if (gated) this.gateNote(title);
    // Focus on the question (keyboard, screen reader) without the browser's own scroll, which centred
    // the title and pushed the video off a phone's screen: the picture the question asks about stays.
    title.focus({ preventScroll: true });
    if (!gated) this.reveal(title);
    this.announce(`${gated ? `${GATE} ` : ""}${gettext("Question\u00a0: %(prompt)s", { prompt: inter.prompt.replace(/_{3,}/g, "…") })}`);
  }

  /** « Voir la réponse attendue » (free recall): asked of the server, which records it; { error } when it
   * refuses; null when it cannot be reached (offline): then the request is queued like the other offline
   * actions and sent when the connection returns (`sync()` shows the answer). Only the request is kept on
   * the device, never the expected answer. */
  async revealAnswer(inter, text) {
    if (!inter.reveal_url) return null;
    const body = { text, client_id: uuid() };
    try {
      return await postJSON(inter.reveal_url, body);
    } catch (e) {
      if (e instanceof HttpError && e.status < 500 && e.status !== 403 && e.status !== 429) return { error: e.message };
      enqueue({ kind: "reveal", url: inter.reveal_url, body, interaction: inter.id, capsule: this.m.id,
        prompt: inter.prompt, replace: `reveal:${inter.id}` });
      return null;
    }
  }

  /** A queued reveal answered once back online: in its question if still open, else under the video. */
  showRevealed(item, res) {
    const ev = new CustomEvent("geste:revealed", { detail: { interaction: item.interaction, res, shown: false } });
    document.dispatchEvent(ev);
    if (ev.detail.shown) { this.announce(gettext("Réponse attendue affichée.")); return; }
    const prompt = (item.prompt || "").replace(/_{3,}/g, "…");
    const box = h("div", { class: "gp-revealed", role: "status", tabindex: "-1", "data-interaction": item.interaction },
      h("p", {}, h("strong", {}, `${gettext("De retour en ligne\u00a0: réponse attendue à la question «\u00a0%(prompt)s\u00a0»\u00a0:", { prompt })} `),
        h("span", { class: "gp-revealed-text", text: res.model_answer || gettext("comparez avec ce que montre la vidéo.") })),
      h("button", { type: "button", class: "gp-revealed-close", onclick: () => box.remove() }, gettext("Fermer")));
    this.root.querySelector(`.gp-revealed[data-interaction="${item.interaction}"]`)?.remove();
    this.todoBox.after(box);
    this.announce(gettext("Réponse attendue à la question «\u00a0%(prompt)s\u00a0»\u00a0: %(answer)s", { prompt, answer: res.model_answer }));
  }

  async submit(inter, response) {
    const body = { response, client_id: uuid(), answered_at: new Date().toISOString(), run: this.run };
    this.answerIds.set(inter.id, body.client_id);
    // A new answer starts afresh (the server's too: a new attempt is not gone on); « Continuer » says it again.
    if (this.wentOn.delete(inter.id)) this.keepSeen();
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
      this.queuedAnswer(inter.id);
      this.keepAnswered(inter, null);
      if (this.owed.has(inter.id)) this.showTodo(); // waiting for its grade: not « à reprendre » meanwhile
      this.feedback(inter, { queued: true });
      return;
    }
    if (!this.answered.has(inter.id) && !this.firstTry.has(inter.id) && res.correct != null) this.firstTry.set(inter.id, res.correct);
    if (!this.runFirst.has(inter.id) && res.correct != null) this.runFirst.set(inter.id, res.correct);
    this.answered.add(inter.id);
    this.revealKeyPoints(inter);
    if (res.correct !== false || SELF_GRADED.has(inter.kind)) this.done.add(inter.id);
    if (res.correct != null) this.results.set(inter.id, res.correct);
    // A new answer (a right retry) can change what the server says about the badge: the one fetched
    // before is stale (it named the question « répondue, mais jamais juste »), asked again when needed.
    this.badgeGen = (this.badgeGen || 0) + 1;
    if (this.badge) { this.badge = null; delete this.root.dataset.badgeEarned; }
    this.keepAnswered(inter, res.correct);
    // Answered right: no longer « à reprendre » (the reminder and its step marks go at once).
    if (res.correct === true) this.owed.delete(inter.id);
    if (this.passed.has(inter.id) || res.correct === true) this.showTodo();
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
      say = gettext("Réponse enregistrée hors ligne\u00a0: elle sera envoyée et corrigée au retour de la connexion.");
      fb.append(h("p", { class: "gq-queued" }, say));
      box.querySelector("form")?.remove();
      fb.append(h("button", { type: "button", class: "gq-continue", onclick: () => this.resumeAfter(inter) }, gettext("Continuer")));
    } else {
      // Self-assessed kinds: the learner rated themselves, so no right/wrong colour on their "Merci.",
      // and no « Réessayer » nor reminder (« je ne savais pas » is an answer, not a wrong one).
      const selfRated = SELF_GRADED.has(inter.kind);
      const ok = res.correct !== false || selfRated;
      const head = selfRated ? gettext("Merci.") : ok ? gettext("Bonne réponse\u00a0!") : gettext("Ce n'est pas la bonne réponse.");
      fb.classList.add(selfRated ? "self" : ok ? "ok" : "ko");
      fb.append(h("p", { class: selfRated ? "gq-self" : ok ? "gq-right" : "gq-wrong" }, head));
      if (res.feedback) fb.append(h("p", {}, res.feedback));
      for (const text of Object.values(res.choice_feedback || {})) fb.append(h("p", { class: "gq-choice-fb" }, text));
      say = `${head} ${res.feedback || ""}`;
      if (ok) {
        const form = box.querySelector("form");
        // A right hotspot answer: the picture stays, with the expected zone drawn on it.
        const zone = inter.kind === "hotspot" ? hotspotSolution(form, res.solution?.regions) : null;
        if (zone) fb.append(zone);
        form?.remove();
        fb.append(h("button", { type: "button", class: "gq-continue", onclick: () => this.resumeAfter(inter) }, gettext("Continuer")));
      } else {
        // The choices are locked under the feedback (a walk changed its answer there, under « Ce n'est pas
        // la bonne réponse », with nothing to say it was not sent): « Réessayer » opens them again.
        const form = box.querySelector("form");
        if (form) { form.inert = true; form.classList.add("gq-locked"); }
        const retry = () => {
          fb.remove();
          if (form) {
            form.inert = false; form.classList.remove("gq-locked");
            // A fresh try starts from no choice (a walk found the wrong one still ticked).
            form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((i) => { i.checked = false; });
          }
          const submit = box.querySelector(".gq-submit");
          if (submit) submit.disabled = false;
          this.focusAnswer();
          this.announce(gettext("Nouvel essai\u00a0: choisissez votre réponse."));
        };
        // Words 28: « Revoyez l'étape avant de répondre à nouveau » beside a « Réessayer » available at once.
        // The text says what the buttons do. The designer's « faire revoir l'étape » option makes the replay
        // the way to try again (no « Réessayer »): the step plays, then the question is asked again.
        const mustReplay = !!(inter.replay_step_on_wrong && inter.step);
        const actions = h("div", { class: "gq-actions" });
        if (!mustReplay) actions.append(h("button", { type: "button", class: "gq-retry", onclick: retry }, gettext("Réessayer")));
        if (inter.step) actions.append(h("button", { type: "button", class: "gq-replay", onclick: () => this.replayStep(inter) }, gettext("Revoir l'étape")));
        // End panel 28: « Revoyez l'étape (bouton ci-dessous) ou réessayez. » under the designer's « Non. Revoyez
        // l'étape … »: the buttons say it. A line only where it adds something: with the replay option, that
        // the question comes back after the step (there is no « Réessayer »).
        if (mustReplay) {
          // Walk 32: « … reposée après l'étape » read as a promise whatever the button; after « Continuer »
          // the question stays « à reprendre » and is not asked again by itself.
          const next = gettext("Avec «\u00a0Revoir l'étape\u00a0», la question vous sera reposée à la fin de l'étape.");
          fb.append(h("p", { class: "gq-next" }, next));
          say += ` ${next}`;
        }
        // Going on after a wrong answer: an optional question is done with; a mandatory one stays as a reminder
        // (« Question obligatoire à reprendre », under the player and on its step), after a reload too.
        actions.append(h("button", { type: "button", class: "gq-continue", onclick: () => (inter.mandatory
          ? (this.done.add(inter.id), this.passed.add(inter.id), this.goneOn(inter), this.showTodo(), this.resumeAfter(inter)) : this.skip(inter)) }, gettext("Continuer")));
        fb.append(actions);
      }
    }
    // Answered (even wrongly): "skip" no longer means anything; "Continuer" is the way on. Answered right (or
    // self-rated), the learner may look at the steps, captions and transcript again; answered wrong, they stay
    // hidden while the question is open (walk 49: the caption over the card, then the transcript, gave the
    // blank's word to copy before « Réessayer »): « Revoir l'étape » and « Continuer » close it and bring them back.
    if (!res.error) {
      box.querySelector(".gq-skip")?.remove();
      box.querySelector(".gq-gate")?.remove();
      if (res.queued || res.correct !== false || SELF_GRADED.has(inter.kind)) this.conceal(false);
    }
    box.append(fb);
    // Focus without the browser's own scroll, which brought the feedback to the screen's middle and
    // pushed the video off a phone's screen: the feedback is shown under the picture instead.
    // The focus goes to the feedback itself, right or wrong, and Tab then reaches its buttons in their order
    // (walk 25: when the designer asked for the step to be replayed, it went to « Revoir l'étape », the
    // middle button, and a screen reader said the button before « Ce n'est pas la bonne réponse »; the
    // feedback says what its buttons do).
    fb.focus({ preventScroll: true });
    this.revealFeedback(fb);
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
    this.conceal(false);
    if (this.completedUnsaid) {
      this.completedUnsaid = false;
      // At the end, ended() says it again right after, with the score (its announcement wins).
      this.announce(gettext("Capsule terminée\u00a0: vidéo vue et questions obligatoires répondues."));
    }
  }

  /** While a question is open, what on the page may give its answer away is hidden: the captions and the
   * transcript (a sentence with a blank), the step list's key points (a point of vigilance is often the
   * answer), and, when the question names a step or asks their order (an ordering question, a drafted
   * "what comes next?"), the steps' names: in the list (each card then reads « Étape 2 » with its time),
   * under the player and on the step bar. Otherwise the step cards keep their names, pictures and times
   * (first users saw empty boxes while any question was open). Back once answered. */
  conceal(on, inter = this.active) {
    const titles = on && !!inter && stepsGiveAway(inter, this.m.steps);
    if (!!this.concealed === on && !!this.concealTitles === titles) return;
    this.concealed = on;
    this.concealTitles = titles;
    for (const sec of document.querySelectorAll(".gp-steps, .gp-transcript-section")) {
      let note = sec.querySelector(":scope > .gp-concealed-note");
      if (!note) {
        note = h("p", { class: "gp-concealed-note", hidden: true }, "");
        sec.querySelector("h2")?.after(note);
      }
      const steps = sec.classList.contains("gp-steps");
      note.textContent = steps && !titles ? gettext("Points de vigilance masqués pendant la question\u00a0: répondez d'abord.")
        : gettext("Masqué pendant la question\u00a0: répondez d'abord.");
      // Nothing hidden in a list without key points when the names stay: no note.
      note.hidden = !on || (steps && !titles && !sec.querySelector(".key-points"));
      if (on) sec.dataset.concealed = steps && titles ? "titles" : "1"; else delete sec.dataset.concealed;
      // What is hidden is out of reach too: the step list's buttons (their titles hidden, they were empty
      // buttons on the Tab path, and clickable), the transcript's search and times (walk 19).
      for (const el of sec.querySelectorAll(":scope > ol, :scope > .gp-transcript")) el.inert = on;
    }
    // A card whose name is hidden says which step it is: « Étape 2 », not an empty box.
    this.stepItems.forEach((li, i) => {
      const btn = li.querySelector(".gp-step");
      if (!btn) return;
      let masked = btn.querySelector(".gp-step-masked");
      if (!masked && titles) {
        masked = h("span", { class: "gp-step-masked" }, gettext("Étape %(n)s", { n: i + 1 }));
        btn.querySelector(".gp-step-title")?.after(masked);
      }
      if (masked) masked.hidden = !titles;
    });
    this.stepLabel.hidden = titles;
    // The steps' names on the step buttons under the seek bar (shown on hover) too.
    for (const mark of this.stepBar.querySelectorAll(".gp-mark-step")) {
      if (titles) {
        if (mark.hasAttribute("title")) { mark.dataset.title = mark.title; mark.removeAttribute("title"); }
        // Their spoken names too: "Étape 2" only while the question is open.
        if (!mark.dataset.label) { mark.dataset.label = mark.getAttribute("aria-label"); mark.setAttribute("aria-label", gettext("Étape %(n)s", { n: mark.textContent })); }
      } else {
        if (mark.dataset.title) { mark.title = mark.dataset.title; delete mark.dataset.title; }
        if (mark.dataset.label) { mark.setAttribute("aria-label", mark.dataset.label); delete mark.dataset.label; }
      }
    }
    if (on) this.caption.hidden = true;
    if (titles) {
      this.stepItems.forEach((li) => li.classList.remove("current", "upcoming", "gp-after"));
      for (const b of this.stepBar.children) { b.classList.remove("current", "upcoming"); b.removeAttribute("aria-current"); }
      this.where = undefined; // drawn again (label, list) once shown
    } else {
      this.showStep(this.video.currentTime);
      const track = on ? null : [...this.video.textTracks].find((t) => t.mode === "hidden" && t.kind !== "chapters");
      if (track) this.drawCaption(track);
    }
  }

  resumeAfter(inter) {
    this.closeQuestion();
    // Another question placed at the same moment (a designer may put two there) is asked next: playback,
    // which asks only what lies ahead of the last time it saw, would pass over it.
    const same = this.m.interactions.find((i) => i.id !== inter.id && !this.done.has(i.id) && Math.abs(i.time - inter.time) <= 0.01);
    if (same) { this.ask(same); return; }
    this.lastT = Math.max(this.lastT, inter.time + 0.01);
    this.playBtn.focus();
    // At the very end, playing again would restart the video from zero: show the end instead. So too in
    // the last second when the video cannot play on (a resumed seek there that a stream never finished).
    const v = this.video, left = this.m.end - v.currentTime;
    if (v.ended || left <= 0.05 || (left < 1 && v.readyState < 3)) { this.atEnd(); return; }
    this.resumeIntoView();
    this.video.play().catch(() => {});
  }

  /** A question closed and the video plays on (« Continuer », « Revoir l'étape », a step of the step bar): a
   * video not wholly on screen is brought back into view (walk 33, 360x740: after the expected answer, the
   * rating and « Valider » were scrolled into view, the video played on with 100 px of it seen; walk 36: a
   * step pressed on the bar under the feedback). The least scroll that shows it whole (`nearest`), smooth,
   * instant under reduced motion; nothing when it is already whole. */
  resumeIntoView() {
    const r = this.video.getBoundingClientRect();
    if (r.top >= -1 && r.bottom <= window.innerHeight + 1) return; // a fraction of a pixel is in view
    const still = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.video.scrollIntoView({ block: "nearest", behavior: still ? "instant" : "smooth" });
  }

  /** The step a wrong answer sends the learner back to: the question's step, unless the question comes
   * at (or just after) its start (a "what comes next?" at a boundary): then the one watched before it,
   * which ends at the question. Replayed from its start, the question is asked again at its time. */
  replayFrom(inter) {
    const s = inter.step;
    if (inter.time >= s.start + REPLAY_LEAD_S) return s.start;
    const before = this.m.steps.filter((x) => x.start < inter.time - REPLAY_LEAD_S && x.start < s.start - 0.01);
    return before.length ? before[before.length - 1].start : Math.min(s.start, inter.time);
  }

  /** « Revoir l'étape »: the step replayed whole, from its start to its end (words 28: from the start to a
   * question 1 s in, it played 1 s), then back to the question, asked again at its time. A question at its
   * step's end (or after it) is simply reached again. */
  replayStep(inter) {
    this.closeQuestion();
    const m = this.m, from = this.replayFrom(inter), at = (t) => fmt(elapsed(t, m.start, m.end));
    const step = m.steps.find((x) => Math.abs(x.start - from) < 0.01) || inter.step;
    const end = Math.min(Math.max(step.end, inter.time), m.end - 0.1);
    this.replaying = null;
    if (end - inter.time < 0.3) {
      this.done.delete(inter.id);
      this.seek(from);
      this.lastT = from - 0.01;
      this.announce(gettext("Revoyez l'étape\u00a0: la question reviendra à %(time)s.", { time: at(inter.time) }));
    } else {
      // Not asked on the way (it stays "done" until the step's end; the guard lets the video past it).
      const replay = this.replaying = { inter, from, end };
      this.done.add(inter.id);
      this.seek(from);
      this.lastT = from - 0.01;
      const v = this.video;
      const next = () => (v.requestVideoFrameCallback ? v.requestVideoFrameCallback(watch) : setTimeout(watch, 100));
      const watch = () => {
        if (this.replaying !== replay) return;
        const t = v.currentTime;
        if (v.seeking) { next(); return; }
        if (t < from - 0.5 || t > end + 1) { this.replaying = null; this.done.delete(inter.id); return; } // moved elsewhere
        if (this.active || (t < end - 0.05 && !v.ended)) { next(); return; }
        this.replaying = null;
        v.pause();
        this.done.delete(inter.id);
        this.seek(inter.time);
        this.ask(inter);
      };
      next();  // one chain of frame callbacks (none while paused: it goes on when the video plays)
      this.announce(gettext("Revoyez l'étape (jusqu'à %(end)s)\u00a0: la question de %(time)s vous sera reposée ensuite.", { end: at(end), time: at(inter.time) }));
    }
    this.playBtn.focus();
    this.resumeIntoView();
    this.video.play().catch(() => {});
  }

  onCompleted(done) {
    if (done && this.root.dataset.completed !== "1") {
      this.root.dataset.completed = "1";
      this.status.textContent = gettext("Capsule terminée.");
      // A question still on screen (an optional one at the very end: the progress sent as the video
      // stopped completes the capsule): said once it is dismissed, the end panel's own words at the end.
      if (this.active) this.completedUnsaid = true;
      else this.announce(gettext("Capsule terminée\u00a0: vidéo vue et questions obligatoires répondues."));
      if (this.root.dataset.ended === "1" && !this.endBox.hidden) { this.newRunButton(); this.endState(); }
      this.checkBadge();
    }
  }

  /** Ask the server whether completing this capsule earned the skills block's badge (the server
   * decides, from the credential it issued); when it did, the end screen says so with its links. */
  checkBadge() {
    const url = this.root.dataset.badge;
    if (!url || !this.m.user.authenticated || this.badge || this.badgeAsking) return;
    const gen = this.badgeGen || 0;
    // Walk 45: watched again, the end card said « Badge obtenu ! » as if new: the server words a badge held
    // from before as such (`revu`: the capsule was complete when the page opened).
    const asking = getJSON(this.completedBefore ? `${url}${url.includes("?") ? "&" : "?"}revu=1` : url).then((b) => {
      if (gen !== (this.badgeGen || 0)) { this.badgeAsking = null; this.checkBadge(); return; } // answered since: ask again
      if (!b || (!b.earned && !b.text)) return;  // not earned: said only when the server tells why
      this.badge = b;
      if (b.earned) this.root.dataset.badgeEarned = "1";
      if (this.root.dataset.ended === "1" && !this.endBox.hidden) {
        const scores = this.endBox.querySelector(".gp-scores");
        if (scores) scores.replaceWith(this.scoreBox(this.score()));
        this.endBox.querySelector(".gp-end-actions")?.before(this.badgeBox());
        // A question of this capsule the badge still needs right: said under « Capsule terminée » first.
        const state = b.to_get_right?.length ? `${this.endState()} ` : "";
        this.announce(`${state}${b.title} ${b.text}`);
      }
    }).catch(() => {}).finally(() => { if (this.badgeAsking === asking) this.badgeAsking = null; });
    this.badgeAsking = asking;
  }

  badgeBox() {
    const b = this.badge;
    const links = h("p", { class: "gp-badge-links" });
    // The block page is already linked below (« Retour au bloc : … », the end panel's actions): its
    // « Page du bloc de compétences » here made two links to the same page (walk 26).
    const block = this.root.dataset.blockUrl, here = (url) => new URL(url, location.href).href;
    const own = (b.links || []).filter((l) => !block || here(l.url) !== here(block));
    own.forEach((l, i) => links.append(...(i ? [" · "] : []), h("a", { href: l.url }, l.label)));
    if (b.earned || !b.reasons) {
      return h("div", { class: b.earned ? "gp-badge" : "gp-badge gp-badge--pending" }, h("p", {}, h("strong", {}, b.title), " ", b.text), ...(own.length ? [links] : []));
    }
    // Not yet: the unmet conditions in a few words (words 28: the nested list filled a phone's screen), then
    // behind « Voir le détail » each in full, the missing mandatory questions named with a link to their
    // moment (the link names its question by an excerpt: two at the same time had the same text).
    // A condition no answer can meet any more (end panel 28): the short line says it, and that the trainer may
    // award the badge, alone; the other conditions no longer lead to the badge (they stay in the detail).
    const lead = b.final && b.reasons.some((r) => r.final) ? b.reasons.filter((r) => r.final) : b.reasons;
    const short = h("p", { class: "gp-badge-short" }, lead.map((r) => r.short || r.summary || r.text).join(" · "));
    const list = h("ul", { class: "gp-badge-reasons" });
    for (const r of b.reasons) {
      const item = h("li", { class: r.final ? "gp-badge-final" : null }, r.text);
      if (r.questions && r.questions.length) {
        item.append(h("ul", {}, r.questions.map((q) => h("li", { class: "gp-badge-question", "data-answered": q.answered ? "1" : "0" },
          gettext("«\u00a0%(prompt)s\u00a0» — %(capsule)s, à %(time)s\u00a0: %(status)s", { prompt: q.prompt, capsule: q.capsule, time: q.time, status: q.status }),
          ...(q.url ? [" · ", h("a", { href: q.url }, gettext("Aller à la question «\u00a0%(prompt)s\u00a0» (%(time)s)", { prompt: q.excerpt || q.prompt, time: q.time }))] : [])))));
      }
      list.append(item);
    }
    const detail = h("details", { class: "gp-badge-detail" }, h("summary", {}, gettext("Voir le détail")), list);
    return h("div", { class: "gp-badge gp-badge--pending", "data-final": b.final ? "1" : null }, h("p", {}, h("strong", {}, b.title)), short, detail, ...(own.length ? [links] : []));
  }

  // --- progress, events, sync ----------------------------------------------------------
  closeRange() {
    const t = this.video.currentTime;
    if (this.segStart != null && t > this.segStart + 0.05) {
      const r = [+this.segStart.toFixed(2), +t.toFixed(2)];
      this.ranges.push(r);
      this.watched = mergeRanges([...this.watched, r], this.m.start, this.m.end);
    }
    this.segStart = this.video.paused ? null : t;
  }

  event(verb, data) {
    this.events.push({ verb, client_id: uuid(), timestamp: new Date().toISOString(), data: { ...data, capsule: this.m.id } });
  }

  /** The page goes away (window closed, another page, reload): send what is left, and when an LMS
   * launched this capsule through cmi5, tell the server the session ends (it records the progress
   * brought along, then ``terminated`` once: a click on "Terminer" before changes nothing). */
  leave() {
    if (!this.m) return;
    const form = document.querySelector("form.cmi5-exit[data-close]");
    if (form) {
      if (!this.video.paused) this.closeRange();
      const fd = new FormData(form); // carries the CSRF token: a beacon sends no custom header
      fd.append("position", String(this.video.currentTime));
      fd.append("watched", JSON.stringify(this.ranges));
      const sent = navigator.sendBeacon && navigator.sendBeacon(form.dataset.close, fd);
      if (!sent) fetch(form.dataset.close, { method: "POST", body: fd, credentials: "same-origin", keepalive: true }).catch(() => {});
    }
    this.save(true);
  }

  /** "Terminer et revenir à la formation": the last progress is stored (its completion reported to the
   * LMS) before the form ends the cmi5 session. */
  bindCmi5Exit() {
    const form = document.querySelector("form.cmi5-exit");
    if (!form) return;
    form.addEventListener("submit", (e) => {
      if (form.dataset.saved === "1") return;
      e.preventDefault();
      form.querySelector("button[type=submit]")?.setAttribute("disabled", "");
      const go = () => { form.dataset.saved = "1"; form.submit(); };
      this.save().then(go, go);
    });
  }

  /** Send the progress (and the events) watched since the last save. What is sent is first kept on
   * this device (the queue, in localStorage, per account and capsule) and leaves it only when the
   * server acknowledges it: a request the browser drops as the page goes away, or that the network
   * loses, is sent again by the next save, sync or load. The server merges ranges (and dedupes events
   * on their client_id): what is sent twice counts once. */
  async save(leaving = false) {
    if (!this.m) return;
    if (!this.video.paused) this.closeRange();
    const position = this.video.currentTime;
    localStorage.setItem(this.posKey, JSON.stringify({ position, at: Date.now() }));
    const ranges = this.ranges.splice(0), events = this.events.splice(0);
    // A visitor's progress is kept in their session (and joins their account on sign-in); events need an account.
    if (events.length && this.m.user.authenticated) this.send(enqueue({ kind: "events", url: this.m.api.events, body: { events } }), leaving);
    // One queued progress per capsule, with every range not yet acknowledged.
    const replace = `progress:${this.m.id}`;
    const prev = readQueue().find((q) => q.replace === replace);
    const watched = mergeRanges([...(prev?.body?.watched || []), ...ranges], this.m.start, this.m.end);
    const item = enqueue({ kind: "progress", replace, url: this.m.api.progress,
      body: { position, watched, client_time: new Date().toISOString() } });
    const res = await this.send(item, leaving, true);
    if (res) this.progressReply(res);
  }

  /** The server's progress: its watched ranges join those known here, its completion is shown, and
   * an end panel on screen says again what is left. */
  progressReply(res) {
    if (Array.isArray(res.watched)) this.watched = mergeRanges([...this.watched, ...res.watched], this.m.start, this.m.end);
    this.onCompleted(res.completed);
    this.endState();
  }

  /** Post a queued item; acknowledged, it leaves the queue. Offline, or a server error: it stays.
   * `live`: sent as it is made, the update carries no client_time (the server's clock orders it; a
   * phone's clock behind the server's made every save after the first "older" and the resume point
   * stopped moving, walk 24b); the queued copy keeps it for a replay after newer updates elsewhere. */
  async send(item, keepalive, live = false) {
    try {
      const body = live ? { ...item.body, client_time: undefined } : item.body;
      const res = await postJSON(item.url, body, { keepalive });
      dequeue(item.qid);
      return res;
    } catch (e) {
      // Refused for good (a 4xx other than a lost session or a rate limit): it would fail again.
      if (e instanceof HttpError && e.status < 500 && e.status !== 403 && e.status !== 429) dequeue(item.qid);
      return null;
    }
  }

  /** An answer queued offline, graded back online while its question is still open: the card said « elle sera
   * envoyée et corrigée au retour de la connexion » under the banner that counted it graded (walk 39); it now
   * says the result and the feedback, « Continuer » staying where it was. */
  gradedBack(item, res) {
    const box = this.qBox;
    const queued = box.querySelector(".gq-queued");
    if (box.hidden || !queued || String(box.dataset.interaction) !== String(item.interaction)) return;
    const inter = this.m.interactions.find((i) => i.id === item.interaction);
    const selfRated = !inter || SELF_GRADED.has(inter.kind) || res.correct == null;
    const head = selfRated ? gettext("Réponse envoyée.")
      : res.correct ? gettext("Réponse envoyée et corrigée : bonne réponse !")
        : gettext("Réponse envoyée et corrigée : ce n'est pas la bonne réponse.");
    const lines = [h("p", { class: selfRated ? "gq-self" : res.correct ? "gq-right" : "gq-wrong" }, head)];
    if (res.feedback) lines.push(h("p", {}, res.feedback));
    queued.replaceWith(...lines);
    const fb = box.querySelector(".gq-feedback");
    if (fb && !selfRated) fb.classList.add(res.correct ? "ok" : "ko");
  }

  async sync() {
    const sent = await flush();
    for (const { item, res } of sent) if (item.kind === "reveal" && res && typeof res.model_answer === "string") this.showRevealed(item, res);
    const answers = sent.filter((s) => s.item.kind === "answer" && s.res);
    for (const { res } of sent) if (res && "completed" in res) this.progressReply(res);
    let left = false;
    for (const { item, res } of sent) {
      if (item.kind !== "answer" || !res || res.correct == null) continue;
      this.results.set(item.interaction, res.correct);
      if (!this.firstTry.has(item.interaction)) this.firstTry.set(item.interaction, res.correct);
      if ((item.body.run || 1) === this.run && !this.runFirst.has(item.interaction)) this.runFirst.set(item.interaction, res.correct);
      // A mandatory answer graded wrong once back online: the learner went on past it offline, as with
      // « Continuer » after a wrong answer; it is « à reprendre » (the reminder), the video not sent back.
      const inter = this.m.interactions.find((i) => i.id === item.interaction);
      if (res.correct === false && inter?.mandatory && !SELF_GRADED.has(inter.kind) && (item.body.run || 1) === this.run) {
        this.passed.add(inter.id); this.goneOn(inter, item.body.client_id); left = true;
      }
    }
    if (left) { this.keepSeen(); this.showTodo(); }
    for (const { item, res } of answers) this.gradedBack(item, res);
    if (sent.some((x) => x.item.kind === "answer") && this.root.dataset.ended === "1" && !this.endBox.hidden) this.ended();
    if (answers.length) {
      const ok = answers.filter((a) => a.res.correct !== false).length;
      const msg = gettext("%(sent)s\u00a0: %(right)s.", {
        sent: ngettext("%(n)s réponse hors ligne envoyée", "%(n)s réponses hors ligne envoyées", answers.length),
        right: ngettext("%(n)s juste", "%(n)s justes", ok) });
      this.syncStatus.textContent = msg;
      this.announce(msg);
    }
    this.root.dataset.synced = String((+this.root.dataset.synced || 0) + sent.length);
  }

  // --- offline ---------------------------------------------------------------------------
  async download() {
    if (!("serviceWorker" in navigator) || !("caches" in window)) {
      this.status.textContent = gettext("Ce navigateur ne permet pas le téléchargement hors ligne.");
      return;
    }
    this.offBtn.disabled = true;
    this.status.textContent = gettext("Téléchargement en cours…");
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
        this.status.textContent = gettext("Téléchargement en cours… %(percent)s\u00a0%", { percent: Math.round((++n / bundle.urls.length) * 100) });
      }
      localStorage.setItem(this.offlineKey, JSON.stringify({ at: Date.now(), urls: bundle.urls }));
      this.offBtn.textContent = gettext("Disponible hors ligne ✓");
      this.rmBtn.hidden = false;
      this.status.textContent = gettext("Capsule disponible hors ligne.");
      this.announce(gettext("Capsule disponible hors ligne."));
      this.event("downloaded", { bytes: bundle.bytes });
    } catch (e) {
      this.status.textContent = gettext("Le téléchargement a échoué. Réessayez avec une meilleure connexion.");
    } finally {
      this.offBtn.disabled = false;
    }
  }

  async removeDownload() {
    if ("caches" in window) await caches.delete(`geste-capsule-${this.m.id}`);
    localStorage.removeItem(this.offlineKey);
    this.rmBtn.hidden = true;
    this.offBtn.textContent = gettext("Télécharger pour hors ligne");
    this.status.textContent = gettext("Copie hors ligne supprimée.");
    this.announce(gettext("Copie hors ligne supprimée."));
  }
}
