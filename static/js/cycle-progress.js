// The progress of an assessment cycle being computed: polls its status once a second and
// reloads the page when the computation is over (its percent is null then).
(function () {
  "use strict";
  var box = document.querySelector("[data-cycle-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-percent]");
  var url = box.getAttribute("data-cycle-progress");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 3000);
        if (data.percent === null) {
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
