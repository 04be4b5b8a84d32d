// Scoring a drill participant on a tablet: each level tapped and each comment typed is saved
// at once, criterion by criterion. Without JavaScript the Save button posts the whole form.
(function () {
  var form = document.querySelector("form[data-scoring]");
  if (!form) return;
  var url = form.dataset.scoring;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var scoredOut = form.querySelector("[data-scored]");
  var percentOut = form.querySelector("[data-percent]");
  var pending = {};

  function save(fieldset) {
    var key = fieldset.dataset.criterion;
    var checked = fieldset.querySelector("input[type=radio]:checked");
    var note = fieldset.querySelector("textarea");
    var body = new FormData();
    body.append("criterion", key);
    body.append("points", checked ? checked.value : "");
    if (note) body.append("note", note.value);
    var state = fieldset.querySelector("[data-state]");
    state.classList.remove("bad");
    state.textContent = form.dataset.saving;
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Accept": "application/json"},
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!data.saved) {
          state.classList.add("bad");
          state.textContent = data.error || form.dataset.failed;
          return;
        }
        state.textContent = form.dataset.saved + " ✓";
        scoredOut.textContent = data.scored;
        percentOut.textContent = data.percent === null ? form.dataset.incomplete : data.percent;
      });
    }).catch(function () {
      state.classList.add("bad");
      state.textContent = form.dataset.failed;
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.type !== "radio") return;
    var fieldset = event.target.closest("fieldset[data-criterion]");
    if (fieldset) save(fieldset);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    var fieldset = event.target.closest("fieldset[data-criterion]");
    if (!fieldset) return;
    var key = fieldset.dataset.criterion;
    clearTimeout(pending[key]);
    pending[key] = setTimeout(function () { save(fieldset); }, 800);
  });
})();
