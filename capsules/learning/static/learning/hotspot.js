// Hotspot questions in placement and practice forms: a tap or the arrow keys place a marker, whose
// position (fractions of the picture) goes into the hidden x / y fields graded on the server.
(function () {
  "use strict";
  document.querySelectorAll("[data-hotspot-form] .path-hotspot").forEach(function (box) {
    var form = box.closest("form");
    var marker = box.querySelector(".path-marker");
    var fx = form.querySelector("input[name=x]");
    var fy = form.querySelector("input[name=y]");
    var pos = { x: 0.5, y: 0.5 };
    function place(x, y) {
      pos.x = Math.min(1, Math.max(0, x));
      pos.y = Math.min(1, Math.max(0, y));
      fx.value = pos.x.toFixed(4);
      fy.value = pos.y.toFixed(4);
      marker.hidden = false;
      marker.style.left = (pos.x * 100) + "%";
      marker.style.top = (pos.y * 100) + "%";
    }
    box.addEventListener("click", function (e) {
      var r = box.getBoundingClientRect();
      place((e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    });
    box.addEventListener("keydown", function (e) {
      var step = e.shiftKey ? 0.1 : 0.02;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (moves[e.key]) {
        e.preventDefault();
        place(pos.x + moves[e.key][0], pos.y + moves[e.key][1]);
      }
    });
  });
  var feedback = document.querySelector("[data-autofocus]");
  if (feedback) { feedback.focus(); }
})();
