// The print form works without this script: the custom sizes sit in a <details> that opens
// by itself when "Custom size" is chosen. With it, the sizes show only for "Custom size".
(function () {
  "use strict";
  var custom = document.getElementById("custom-size");
  var radios = document.querySelectorAll("input[name='layout']");
  if (!custom || radios.length === 0) {
    return;
  }

  function showSizes() {
    var chosen = document.querySelector("input[name='layout']:checked");
    var isCustom = chosen !== null && chosen.value === "custom";
    custom.hidden = !isCustom;
    if (isCustom) {
      custom.open = true;
    }
  }

  radios.forEach(function (radio) {
    radio.addEventListener("change", showSizes);
  });
  showSizes();
})();
