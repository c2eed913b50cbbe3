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

  /* Top-bar menus (WAI-ARIA disclosure navigation): each button[data-nav-toggle] shows or
     hides the list its aria-controls names and says so in aria-expanded. Escape closes the
     open menu and gives focus back to its button; Arrow keys, Home and End move between the
     links; focus or a click leaving the menu closes it. One menu is open at a time. */
  function navMenus() {
    var toggles = Array.prototype.slice.call(document.querySelectorAll("[data-nav-toggle]"));
    if (!toggles.length) {
      return;
    }

    function menuOf(toggle) {
      return document.getElementById(toggle.getAttribute("aria-controls"));
    }

    function linksOf(toggle) {
      return Array.prototype.slice.call(menuOf(toggle).querySelectorAll("a"));
    }

    function isOpen(toggle) {
      return toggle.getAttribute("aria-expanded") === "true";
    }

    function close(toggle, returnFocus) {
      if (isOpen(toggle)) {
        toggle.setAttribute("aria-expanded", "false");
        menuOf(toggle).hidden = true;
      }
      if (returnFocus) {
        toggle.focus();
      }
    }

    function open(toggle) {
      toggles.forEach(function (other) {
        if (other !== toggle) {
          close(other, false);
        }
      });
      toggle.setAttribute("aria-expanded", "true");
      menuOf(toggle).hidden = false;
    }

    function focusLink(toggle, index) {
      var links = linksOf(toggle);
      if (links.length) {
        links[(index + links.length) % links.length].focus();
      }
    }

    toggles.forEach(function (toggle) {
      var item = toggle.closest("[data-nav-disclosure]");
      var menu = menuOf(toggle);

      toggle.addEventListener("click", function () {
        if (isOpen(toggle)) {
          close(toggle, false);
        } else {
          open(toggle);
        }
      });

      toggle.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && isOpen(toggle)) {
          event.preventDefault();
          close(toggle, true);
        } else if (event.key === "ArrowDown") {
          event.preventDefault();
          open(toggle);
          focusLink(toggle, 0);
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          open(toggle);
          focusLink(toggle, -1);
        }
      });

      menu.addEventListener("keydown", function (event) {
        var links = linksOf(toggle);
        var index = links.indexOf(document.activeElement);
        if (event.key === "Escape") {
          event.preventDefault();
          close(toggle, true);
        } else if (event.key === "ArrowDown") {
          event.preventDefault();
          focusLink(toggle, index + 1);
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          focusLink(toggle, index - 1);
        } else if (event.key === "Home") {
          event.preventDefault();
          focusLink(toggle, 0);
        } else if (event.key === "End") {
          event.preventDefault();
          focusLink(toggle, -1);
        }
      });

      item.addEventListener("focusout", function (event) {
        if (event.relatedTarget && !item.contains(event.relatedTarget)) {
          close(toggle, false);
        }
      });
    });

    document.addEventListener("click", function (event) {
      toggles.forEach(function (toggle) {
        if (!toggle.closest("[data-nav-disclosure]").contains(event.target)) {
          close(toggle, false);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    idleTimeout();
    navMenus();
  });
})();
