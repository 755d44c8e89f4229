// After the expert's « Approuver » / « Demander des modifications » the dashboard's confirmation
// (a message tagged "geste-focus" by cms/expert_check.py) takes the keyboard focus, so that screen
// readers read it instead of starting again from the page body.
(function () {
  "use strict";
  function focusMessage() {
    var message = document.querySelector(".messages li.geste-focus");
    if (!message) return;
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusMessage);
  } else {
    focusMessage();
  }
})();
