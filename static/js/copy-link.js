// My certificates: a "Copy the link" button beside each verification link, shown only where
// the browser can copy; it says so once the link is on the clipboard.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = button.parentNode.querySelector("[data-copied]");
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        if (status) { status.textContent = button.dataset.copiedText; }
      });
    });
  });
})();
