// A step's name in a timeline block (the review screen, the capsule screen) wraps between words only: a word
// wider than its block (walk 36, 360-px phone: « Étap e 2 », « Frotter l'extérieu r ») makes the block show
// the step's number instead (its `data-n`), as a block too narrow for any word does (review.css). The name
// stays the block's tooltip and accessible name. Runs on every `.geste-timeline__track` of the page, again
// when the track is redrawn or resized.
(function () {
  "use strict";
  function fit(track) {
    track.querySelectorAll(".geste-timeline__step > span[data-n]").forEach((span) => {
      span.classList.remove("is-number");
      if (span.scrollWidth > span.clientWidth + 1) span.classList.add("is-number");
    });
  }
  function watch(track) {
    let queued = false;
    const later = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; fit(track); });
    };
    new MutationObserver(later).observe(track, { childList: true, subtree: true, characterData: true });
    if (window.ResizeObserver) new ResizeObserver(later).observe(track);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(later);
    later();
  }
  function start() { document.querySelectorAll(".geste-timeline__track").forEach(watch); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
