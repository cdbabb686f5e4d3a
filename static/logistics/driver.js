// Driver page: one submission per tap. The page works without this file: it only disables a tapped form's button
// while the next page loads (a second tap would only repeat the same event id, applied once anyway).
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-driver-form]");
  forms.forEach(function (form) {
    form.addEventListener("submit", function () {
      // after the form's data is taken: a button disabled now would leave its own value out
      window.setTimeout(function () {
        form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      }, 0);
    });
  });
  // A page restored from the back-forward cache holds used event ids and disabled buttons: fetch it anew.
  window.addEventListener("pageshow", function (event) { if (event.persisted) window.location.reload(); });
})();
