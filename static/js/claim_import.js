// Polls the claims import status and reloads the page when the job has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-claim-import-status]");
  if (!box || box.dataset.done === "true") { return; }
  var bar = box.querySelector("[data-progress]");
  var stage = box.querySelector("[data-stage]");
  function poll() {
    fetch(box.dataset.claimImportStatus, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
        if (stage) { stage.textContent = (data.stage || "queued") + " " + data.percent + "%"; }
        if (data.done) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
