// Instant, ungraded feedback for the knowledge checks of a lesson.
// Without JavaScript the "Show the answer" disclosure still works.
document.querySelectorAll("[data-knowledge-check]").forEach(function (check) {
  check.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio") return;
    check.querySelectorAll("[data-feedback]").forEach(function (p) { p.hidden = true; });
    var feedback = input.closest("label").nextElementSibling;
    if (feedback) {
      feedback.hidden = false;
      feedback.className = "choice-feedback " + (input.dataset.correct === "1" ? "right" : "wrong");
      feedback.setAttribute("role", "status");
    }
  });
});
