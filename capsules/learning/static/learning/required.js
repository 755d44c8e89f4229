// The learner's question forms (placement, practice) are novalidate: the browser's own bubble speaks its
// language (walk 39: « Please select an item in the list. » on a French page). Sent with a field left empty,
// the question says what is missing in the page (its fieldset's data-required-message, in the page's
// language), under its prompt, and the focus goes to the first field to fill. Registered on the document in
// the capture phase: it runs before any other submit handler (practice.js queues answers offline).
(function () {
  "use strict";
  function fieldsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset.path-question input, fieldset.path-question select, fieldset.path-question textarea"));
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form.path-form[novalidate]")) { return; }
    var fieldset = form.querySelector("fieldset.path-question[data-required-message]");
    if (!fieldset) { return; }
    var fields = fieldsOf(form);
    var invalid = fields.filter(function (f) { return f.willValidate && !f.checkValidity(); });
    fields.forEach(function (f) { f.removeAttribute("aria-invalid"); });
    var error = fieldset.querySelector("[data-required-error]");
    if (!invalid.length) { return; }
    e.preventDefault();
    e.stopPropagation();
    invalid.forEach(function (f) { f.setAttribute("aria-invalid", "true"); });
    if (error) {
      if (!error.id) { error.id = "required-error-" + Math.random().toString(36).slice(2); }
      error.textContent = fieldset.dataset.requiredMessage;
      error.hidden = false;
      invalid.forEach(function (f) { f.setAttribute("aria-describedby", error.id); });
    }
    invalid[0].focus();
  }, true);
  // A field filled after the message: it is no longer marked.
  document.addEventListener("change", function (e) {
    var f = e.target;
    if (f.closest && f.closest("fieldset.path-question") && f.checkValidity && f.checkValidity()) {
      var group = f.type === "radio" ? f.form.querySelectorAll('input[name="' + f.name + '"]') : [f];
      Array.prototype.forEach.call(group, function (g) { g.removeAttribute("aria-invalid"); });
    }
  });
}());
