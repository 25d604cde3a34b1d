// The job page, live: its progress is fetched every two seconds and shown in place; the
// page reloads once the job changes state. Without script, a meta refresh reloads it.
(function () {
  "use strict";
  var page = document.querySelector("[data-job-url]");
  if (!page) {
    return;
  }
  var url = page.getAttribute("data-job-url");
  var state = page.getAttribute("data-job-state");
  var bar = page.querySelector("[data-job-bar]");
  var text = page.querySelector("[data-job-text]");

  function show(job) {
    if (job.state !== state) {
      window.location.reload();
      return;
    }
    if (bar) {
      bar.value = job.share;
      bar.textContent = job.share + "%";
    }
    if (text) {
      text.textContent = job.progress_text;
    }
    window.setTimeout(poll, 2000);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 2000);
})();
