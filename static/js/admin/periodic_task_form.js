/* Periodic task form (django-celery-beat admin): shows the chosen crontab in words under the
   crontab field, as django-celery-beat's inline script does, from a static file so the
   portal's Content-Security-Policy (script-src 'self') allows it. */
(function () {
  "use strict";

  function readableCrontabs() {
    const data = document.getElementById("readable-crontabs");
    return data ? JSON.parse(data.textContent) : {};
  }

  function showTranslation(help, text) {
    let line = help.querySelector(".crontab-translation");
    if (!line) {
      line = document.createElement("div");
      line.className = "crontab-translation";
      help.appendChild(line);
    }
    line.textContent = text ? "Translation: " + text : "";
  }

  function init() {
    const select = document.getElementById("id_crontab");
    const help = document.getElementById("id_crontab_helptext");
    if (!select || !help) {
      return;
    }
    const translations = readableCrontabs();
    // the live translation under the field replaces the read-only "crontab translation" row
    document.querySelectorAll(".field-crontab_translation").forEach(function (row) {
      row.style.display = "none";
    });
    const update = function () {
      showTranslation(help, translations[select.value] || "");
    };
    select.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
