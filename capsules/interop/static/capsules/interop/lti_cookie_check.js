/* LTI login: can this frame keep a cookie? Yes: carry on with the login (lti1p3_new_window=1).
   No (third-party cookies blocked): offer to open Geste in a new tab, where they are first-party. */
(function () {
  "use strict";
  var main = document.getElementById("lti-cookie-check");
  if (!main) return;
  var next = main.getAttribute("data-continue-url");
  var secure = window.location.protocol === "https:";
  document.cookie = "lti1p3_test_cookie=1; path=/" + (secure ? "; SameSite=None; Secure" : "");
  if (document.cookie.indexOf("lti1p3_test_cookie") !== -1) {
    document.cookie = "lti1p3_test_cookie=1; path=/; expires=Thu, 01 Jan 1970 00:00:01 GMT" + (secure ? "; SameSite=None; Secure" : "");
    window.location.replace(next);
    return;
  }
  document.getElementById("lti-loading").hidden = true;
  document.getElementById("lti-blocked").hidden = false;
})();
