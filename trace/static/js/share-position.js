// The public page's "Share where I scanned it" button: with the visitor's consent, sends
// their position (rounded on the server to about 1 km) for the scan just recorded. Without
// JavaScript the button stays hidden and nothing is sent.
(function () {
  "use strict";
  var box = document.querySelector(".share-position");
  if (!box || !("geolocation" in navigator) || !window.fetch) {
    return;
  }
  var button = box.querySelector("button");
  var note = box.querySelector(".share-position__note");
  box.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      fetch("/scans/" + box.dataset.scan + "/position", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({
          token: box.dataset.token,
          latitude: position.coords.latitude,
          longitude: position.coords.longitude
        })
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        note.textContent = answer.message;
      });
    }, function () {
      button.disabled = false;
    }, {maximumAge: 60000, timeout: 15000});
  });
})();
