// The "Copy" button beside a secret shown once (templates/api/app_secret.html): copies the field named by
// data-copy and says in the status line beside it whether that worked.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      var status = document.getElementById(button.id + "-status");
      var say = function (text) { if (status) { status.textContent = text; } };
      button.addEventListener("click", function () {
        var done = function () { say(button.dataset.copied); };
        var fail = function () { field.select(); say(button.dataset.failed); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, fail);
        } else {
          field.select();
          try { if (document.execCommand("copy")) { done(); } else { fail(); } } catch (e) { fail(); }
        }
      });
    });
  });
})();
