// A quiz attempt: save each answer as it is given, and count down to the server's deadline.
// Without JavaScript the page's Save and Submit buttons do the same.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var base = form.dataset.autosave.replace(/0\/$/, "");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {};

  function save(fieldset) {
    var position = fieldset.dataset.position;
    var body = new FormData();
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      body.append(el.name, el.value);
    });
    var state = fieldset.querySelector(".save-state");
    state.textContent = "…";
    fetch(base + position + "/", {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token},
    }).then(function (response) {
      return response.json().then(function (data) {
        if (data.closed) { window.location.reload(); return; }
        state.textContent = data.saved ? "✓" : (data.error || "!");
      });
    }).catch(function () {
      state.textContent = "!";  // offline: the Save button, or the next change, sends it again
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (fieldset) save(fieldset);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA" && event.target.type !== "text") return;
    var fieldset = event.target.closest("fieldset[data-position]");
    clearTimeout(pending[fieldset.dataset.position]);
    pending[fieldset.dataset.position] = setTimeout(function () { save(fieldset); }, 800);
  });

  var timer = document.querySelector("[data-deadline]");
  if (!timer) return;
  var deadline = new Date(timer.dataset.deadline).getTime();
  var out = timer.querySelector("[data-remaining]");
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (left === 0) {
      // The server closes the attempt a few seconds after its deadline (it still takes an
      // answer sent in time); reload once it has, spread over a few seconds so that a class
      // whose time runs out together does not reload all at once, nor again and again.
      setTimeout(function () { window.location.reload(); }, 6000 + Math.random() * 4000);
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
