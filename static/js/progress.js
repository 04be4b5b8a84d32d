// The progress of background work (an import being checked or written, a cycle being
// computed): polls the status URL in data-progress once a second and reloads the page when
// the status says the work is no longer running.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-percent]");
  var url = box.getAttribute("data-progress");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 3000);
        if (!data.running) {
          window.location.reload();
          return;
        }
        bar.value = data.percent || 0;
        label.textContent = (data.percent || 0) + "%";
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
