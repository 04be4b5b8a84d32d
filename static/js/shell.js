// The layout's sheets (the menu, "Me"): one open at a time; Escape or a tap outside closes
// them. Without this script they still open and close from their own buttons.
(function () {
  "use strict";
  var sheets = Array.prototype.slice.call(document.querySelectorAll("details.sheet"));
  function closeAll(except) {
    sheets.forEach(function (sheet) {
      if (sheet !== except) { sheet.open = false; }
    });
  }
  sheets.forEach(function (sheet) {
    sheet.addEventListener("toggle", function () {
      if (sheet.open) { closeAll(sheet); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = sheets.filter(function (sheet) { return sheet.open; })[0];
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    sheets.forEach(function (sheet) {
      if (sheet.open && !sheet.contains(event.target)) { sheet.open = false; }
    });
  });
})();
