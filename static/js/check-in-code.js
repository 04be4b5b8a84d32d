// The room's check-in code: fetch a fresh QR code when the shown one expires, count down,
// and show how many have checked in. Without JavaScript the page reloads itself.
(function () {
  var room = document.querySelector("[data-code-url]");
  if (!room) return;
  var url = room.dataset.codeUrl;
  var qr = room.querySelector("[data-qr]");
  var expires = room.querySelector("[data-expires]");
  var checkedIn = room.querySelector("[data-checked-in]");
  var left = parseInt(expires.textContent, 10) || 30;

  function refresh() {
    fetch(url, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        qr.innerHTML = data.svg;
        left = data.expires_in;
        expires.textContent = left;
        checkedIn.textContent = data.checked_in;
      })
      .catch(function () {
        left = 3;  // offline or signed out: try again shortly
      });
  }

  setInterval(function () {
    left -= 1;
    if (left <= 0) {
      expires.textContent = 0;
      left = 30;  // until the answer arrives
      refresh();
      return;
    }
    expires.textContent = left;
  }, 1000);
  setInterval(function () {
    // the count of people checked in, between two codes
    if (left > 5) refresh();
  }, 10000);
})();
