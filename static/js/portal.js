/* WQIP Portal behaviour. Loaded with defer from base.html; no inline scripts (strict CSP). */
(function () {
  "use strict";

  /* Error summary: move focus to it so screen reader and keyboard users hear the problem. */
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  /* Idle timeout: the server ends the session after SESSION_COOKIE_AGE seconds without a
     request. Warn shortly before, offer to stay signed in (pings the keep-alive URL), and
     go to the sign-in page once the session has expired. */
  function idleTimeout() {
    var body = document.body;
    var timeout = parseInt(body.getAttribute("data-session-timeout"), 10);
    var warning = parseInt(body.getAttribute("data-session-warning"), 10);
    var keepaliveUrl = body.getAttribute("data-keepalive-url");
    var expiredUrl = body.getAttribute("data-expired-url");
    var dialog = document.getElementById("idle-dialog");
    if (!timeout || !keepaliveUrl || !dialog) {
      return;
    }
    var countdown = dialog.querySelector("[data-idle-countdown]");
    var stay = dialog.querySelector("[data-idle-stay]");
    var lastActivity = Date.now();
    var ticker = null;

    function remainingSeconds() {
      return Math.max(0, Math.round(timeout - (Date.now() - lastActivity) / 1000));
    }

    function describe(seconds) {
      if (seconds >= 60) {
        var minutes = Math.ceil(seconds / 60);
        return minutes + (minutes === 1 ? " minute" : " minutes");
      }
      return seconds + (seconds === 1 ? " second" : " seconds");
    }

    function openDialog() {
      if (!dialog.open) {
        if (typeof dialog.showModal === "function") {
          dialog.showModal();
        } else {
          dialog.setAttribute("open", "");
        }
        stay.focus();
      }
    }

    function closeDialog() {
      if (dialog.open) {
        if (typeof dialog.close === "function") {
          dialog.close();
        } else {
          dialog.removeAttribute("open");
        }
      }
    }

    function tick() {
      var left = remainingSeconds();
      if (left <= 0) {
        window.clearInterval(ticker);
        window.location.assign(expiredUrl);
        return;
      }
      if (left <= warning) {
        countdown.textContent = describe(left);
        openDialog();
      }
    }

    function keepAlive() {
      fetch(keepaliveUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (response.ok && !response.redirected) {
            lastActivity = Date.now();
            closeDialog();
          } else {
            window.location.assign(expiredUrl);
          }
        })
        .catch(function () {
          countdown.textContent = describe(remainingSeconds());
        });
    }

    stay.addEventListener("click", keepAlive);
    dialog.addEventListener("cancel", function (event) {
      /* Escape means "I am here": keep the session alive too. */
      event.preventDefault();
      keepAlive();
    });
    ticker = window.setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    idleTimeout();
  });
})();
