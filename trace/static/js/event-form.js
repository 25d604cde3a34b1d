// The event form works without this script. With it, only the parts that matter for the
// chosen kind of event are shown; every part shows again when no kind is chosen.
(function () {
  "use strict";
  var form = document.querySelector(".event-form");
  var type = form && form.querySelector("select[name='type']");
  if (!type) {
    return;
  }
  var parts = form.querySelectorAll(".event-part");

  function showParts() {
    parts.forEach(function (part) {
      var kinds = (part.getAttribute("data-event-types") || "").split(" ");
      part.hidden = type.value !== "" && kinds.indexOf(type.value) === -1;
    });
  }

  type.addEventListener("change", showParts);
  showParts();
})();
