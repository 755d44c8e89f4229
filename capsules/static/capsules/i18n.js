/* Geste — the browser's translations: French msgids (the project's first language), the page's
 * language catalogue embedded by the server (`{% geste_js_catalog %}`: JSON in the data-catalog attribute
 * of #geste-i18n, from locale/<lang>/LC_MESSAGES/djangojs.po), French when a string has no translation.
 * Why embedded and not fetched: the player works offline and from the page cache; the page carries the
 * strings of its own language, so a cached or downloaded page is never half translated.
 * Placeholders are named (`%(title)s`): English and French word order differ.
 * Plain script, no build step (the admin screens load it before their own); the player's bundle imports it. */
(() => {
  "use strict";
  const block = typeof document !== "undefined" ? document.getElementById("geste-i18n") : null;
  let catalog = {};
  try { catalog = block ? JSON.parse(block.dataset.catalog || "{}") || {} : {}; } catch { catalog = {}; }
  const lang = ((typeof document !== "undefined" && document.documentElement.lang) || "fr").slice(0, 2).toLowerCase();
  // French counts 0 and 1 as singular, English only 1.
  const plural = (n) => (lang === "fr" ? Math.abs(n) > 1 : Math.abs(n) !== 1);
  const fill = (s, p) => (p ? s.replace(/%\((\w+)\)s/g, (all, k) => (k in p ? String(p[k]) : all)) : s);
  function gettext(msgid, params) {
    const v = catalog[msgid];
    return fill(typeof v === "string" && v ? v : Array.isArray(v) && v[0] ? v[0] : msgid, params);
  }
  /** `n` is also given to the string as %(n)s. */
  function ngettext(one, many, n, params) {
    const i = plural(n) ? 1 : 0;
    const v = catalog[one];
    const s = Array.isArray(v) && v[i] ? v[i] : i ? many : one;
    return fill(s, { n: number(n), ...params });
  }
  /** A number in the page's style (0,7 in French, 0.7 in English); `digits`: exactly that many decimals. */
  function number(x, digits) {
    const opts = digits == null ? { maximumFractionDigits: 3 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    try { return new Intl.NumberFormat(lang, opts).format(x); } catch { return String(x); }
  }
  /** A translated sentence with elements inside (links, buttons), `text` = gettext("… %(link)s …"), split at
   * each %(name)s, replaced by params[name] (a DOM node or a string): for `el.append(...parts(...))`. */
  function parts(text, params) {
    const out = [];
    text.split(/(%\(\w+\)s)/).forEach((bit, i) => {
      if (i % 2) { const k = bit.slice(2, -2); out.push(k in params ? params[k] : bit); } else if (bit) out.push(bit);
    });
    return out;
  }
  globalThis.gesteI18n = Object.freeze({ lang, gettext, ngettext, number, parts });
})();
