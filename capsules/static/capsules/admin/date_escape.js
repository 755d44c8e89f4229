/* Geste — Escape closes Wagtail's date calendar (jQuery datetimepicker) while the focus is in its field:
 * left open it covered the fields below (walk 29b, « Début » / « Fin » of a session). The focus stays. */
(() => {
  "use strict";
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape" || !(ev.target instanceof HTMLInputElement)) return;
    const $ = globalThis.jQuery;
    if (!$ || !$(ev.target).data("xdsoft_datetimepicker")) return;
    $(ev.target).datetimepicker("hide");
  });
})();
