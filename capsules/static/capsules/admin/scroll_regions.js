// Wide tables in a .geste-report-scroll box: say above the table that it scrolls, only while it does
// not fit (the hint's French text comes from the box's data-scroll-hint, written by the template).
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".geste-report-scroll[data-scroll-hint]").forEach(function (box) {
      var over = box.scrollWidth > box.clientWidth + 1;
      box.toggleAttribute("data-overflowing", over);
      var hint = box.previousElementSibling;
      if (!hint || !hint.classList.contains("geste-scroll-hint")) {
        hint = document.createElement("p");
        hint.className = "geste-scroll-hint";
        hint.setAttribute("aria-hidden", "true"); // the region's aria-label already says it
        hint.textContent = box.getAttribute("data-scroll-hint");
        box.parentNode.insertBefore(hint, box);
      }
      hint.hidden = !over;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
