// The progress of an import being checked or written: polls its status once a second
// and reloads the page when the step is over.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-percent]");
  var url = box.getAttribute("data-import-progress");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 3000);
        if (data.state !== "checking" && data.state !== "importing") {
          window.location.reload();
          return;
        }
        bar.value = data.percent;
        label.textContent = data.percent + "%";
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
