// Fleet page: one submission per tap, and the phone's position sent with each status where the browser may share it.
// The page works without this file: it only disables a tapped form's buttons and fills the hidden
// latitude/longitude/accuracy inputs.
// The live refresh (live.js) replaces the page's content: the forms are found again after each.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-status-form]");
  if (!forms.length) return;
  var share = document.querySelector("[data-geo-share]");
  var hint = document.querySelector("[data-geo-hint]");
  var last = null;

  // A second tap while the next page loads would only repeat the same event id (applied once anyway).
  function bind() {
    forms = document.querySelectorAll("form[data-status-form]");
    share = document.querySelector("[data-geo-share]");
    hint = document.querySelector("[data-geo-hint]");
    forms.forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      });
    });
    if (share) share.addEventListener("click", watch);
    if (last) fill(last);
  }
  document.addEventListener("convoy:refreshed", bind);
  // A page restored from the back-forward cache holds used event ids and disabled buttons: fetch it anew.
  window.addEventListener("pageshow", function (event) { if (event.persisted) window.location.reload(); });

  function fill(position) {
    last = position;
    var c = position.coords;
    forms.forEach(function (form) {
      form.elements.latitude.value = c.latitude.toFixed(6);
      form.elements.longitude.value = c.longitude.toFixed(6);
      form.elements.accuracy.value = Math.min(c.accuracy, 9999999).toFixed(1);
    });
    if (share) share.hidden = true;
    if (hint) hint.hidden = false;
  }

  bind();
  if (!("geolocation" in navigator)) return;

  function watch() {
    if (!("geolocation" in navigator)) return;
    navigator.geolocation.watchPosition(fill, function () {}, { enableHighAccuracy: true, maximumAge: 30000 });
  }

  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({ name: "geolocation" }).then(function (state) {
      if (state.state === "granted") watch();
      else if (state.state === "prompt" && share) share.hidden = false;
    }, function () { if (share) share.hidden = false; });
  } else if (share) {
    share.hidden = false;
  }
})();
