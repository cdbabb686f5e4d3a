// The recompute button of the schedule board: ask for a recompute, follow the run every second, then reload.
(function () {
  "use strict";
  var box = document.getElementById("recompute");
  if (!box) return;
  var button = document.getElementById("recompute-button");
  var label = document.getElementById("recompute-progress");
  var bar = document.getElementById("recompute-bar");
  var token = box.querySelector("input[name=csrfmiddlewaretoken]").value;

  function show(run) {
    var text = label.dataset[run.status] || run.status;
    label.textContent = run.status === "running" ? text + " (" + run.progress + " %)" : text;
    bar.hidden = false;
    bar.value = run.progress;
    if (run.error) label.textContent += ": " + run.error;
  }

  function fail() {
    label.textContent = label.dataset.error;
    button.disabled = false;
  }

  function follow(id) {
    fetch(box.dataset.runUrl + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (run) {
        show(run);
        if (run.status === "succeeded" || run.status === "failed" || run.status === "superseded") {
          window.setTimeout(function () { window.location.reload(); }, 800);
        } else {
          window.setTimeout(function () { follow(id); }, 1000);
        }
      })
      .catch(fail);
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    fetch(box.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (run) { show(run); follow(run.id); })
      .catch(fail);
  });
})();
