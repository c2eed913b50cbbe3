// Live progress of jobs (Jobs page, a job's page): polls each unfinished job's status URL
// and updates its badge, progress bar and stage; reloads the page once every job shown has
// finished. Loaded with defer; no inline script (strict CSP).
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-job-status]"));
  var waiting = boxes.filter(function (box) { return box.dataset.done !== "true"; });
  if (!waiting.length) { return; }
  var finished = 0;

  function show(box, data) {
    var label = box.querySelector("[data-job-status-label]");
    var bar = box.querySelector("[data-job-progress]");
    var stage = box.querySelector("[data-job-stage]");
    if (label) { label.textContent = data.status_label; }
    if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
    if (stage) {
      stage.textContent = data.stage ? data.stage + " " + data.percent + "%" : "waiting for a worker";
    }
  }

  function poll(box) {
    fetch(box.dataset.jobStatus, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(box, data);
        if (data.done) {
          finished += 1;
          if (finished === waiting.length) { window.location.reload(); }
        } else {
          window.setTimeout(function () { poll(box); }, 1500);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 5000); });
  }

  waiting.forEach(poll);
})();
