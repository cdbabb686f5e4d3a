// Live pages (dashboard, board, fleet): poll the conference's pulse and, when it changes (a new version, a run's
// progress, a vehicle's report, an alert), bring the page's content up to date without the user reloading.
// The page works without this file. It never replaces the content while the user types in a field of it.
(function () {
  "use strict";
  var main = document.querySelector("main[data-live-url]");
  if (!main) return;
  var url = main.dataset.liveUrl;
  var every = Number(main.dataset.liveSeconds || 10) * 1000;
  var wholePage = main.hasAttribute("data-live-reload");
  var etag = null;
  var state = main.dataset.liveState || null;  // what the page was rendered from: a change before the first poll counts

  function typing() {
    var active = document.activeElement;
    return active && main.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
  }

  function told() {
    var note = document.getElementById("live-note");
    if (!note) return;
    note.textContent = note.dataset.updated + " " + new Date().toLocaleTimeString();
  }

  function refresh() {
    if (wholePage) {
      sessionStorage.setItem("convoy-live-scroll", String(window.scrollY));
      window.location.reload();
      return Promise.resolve();
    }
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        if (!fresh || typing()) return;
        var y = window.scrollY;
        main.innerHTML = fresh.innerHTML;
        window.scrollTo(0, y);
        told();
        document.dispatchEvent(new CustomEvent("convoy:refreshed"));
      });
  }

  function poll() {
    if (document.hidden) { window.setTimeout(poll, every); return; }
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { credentials: "same-origin", headers: headers })
      .then(function (response) {
        if (response.status !== 200) return null;
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (pulse) {
        if (!pulse) return null;
        var changed = state !== null && pulse.state !== state;
        if (changed && typing()) return null;  // try again at the next poll
        state = pulse.state;
        return changed ? refresh() : null;
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, every); });
  }

  var scroll = sessionStorage.getItem("convoy-live-scroll");
  if (scroll !== null) {
    sessionStorage.removeItem("convoy-live-scroll");
    window.scrollTo(0, Number(scroll));
    told();
  }
  poll();
})();
