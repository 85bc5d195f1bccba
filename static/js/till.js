/* KasserPro till: focus, keyboard shortcuts, printing and error notices.
 *
 * Loaded with <script src> only: the pages run under a Content Security
 * Policy without 'unsafe-inline' or 'unsafe-eval', so there are no inline
 * handlers anywhere; behaviour hangs off ids and data- attributes here.
 */
(function () {
  "use strict";

  function scanInput() {
    return document.getElementById("scan-input");
  }

  function focusScan() {
    var input = scanInput();
    if (input && !input.disabled) {
      input.focus();
    }
  }

  function focusStart() {
    var wanted = document.querySelector("[data-autofocus]");
    if (wanted) {
      wanted.focus();
    } else {
      focusScan();
    }
  }

  function isScanForm(elt) {
    var input = scanInput();
    return Boolean(input && elt === input.form);
  }

  function notice(text) {
    var box = document.getElementById("messages");
    var line = document.createElement("p");
    line.className = "notice notice--error";
    line.setAttribute("role", "alert");
    line.textContent = text;
    if (box) {
      box.replaceChildren(line);
    } else {
      document.body.prepend(line);
    }
  }

  // A scanner types the next code right after Enter. Selecting the code
  // just sent makes the next one replace it rather than run on after it;
  // the field is emptied once the answer is in, unless a new code is there.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var input = scanInput();
    if (isScanForm(event.detail.elt)) {
      input.dataset.sent = input.value;
      input.select();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var input = scanInput();
    if (isScanForm(event.detail.elt) && event.detail.successful &&
        input.value === input.dataset.sent) {
      input.value = "";
    }
  });

  // The swapped cart took the focused button with it; give the scanner
  // its field back.
  document.addEventListener("htmx:afterSettle", function () {
    var active = document.activeElement;
    if (!active || active === document.body) {
      focusScan();
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var template = document.body.dataset.msgFailed || "%s";
    notice(template.replace("%s", String(event.detail.xhr.status)));
  });

  document.addEventListener("htmx:sendError", function () {
    notice(document.body.dataset.msgOffline || "");
  });

  function press(id) {
    var button = document.getElementById(id);
    if (button && !button.disabled) {
      button.click();
    }
  }

  function focusTendered() {
    var input = document.getElementById("tendered");
    if (input && !input.disabled) {
      input.focus();
      input.select();
    }
  }

  var shortcuts = {
    F2: focusScan,
    F4: focusTendered,
    F8: function () { press("pay-cash"); },
    F9: function () { press("pay-card"); }
  };

  document.addEventListener("keydown", function (event) {
    var action = shortcuts[event.key];
    if (action && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      action();
      return;
    }
    if (event.key === "Escape" && event.target === scanInput()) {
      event.target.value = "";
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (target && target.closest("[data-print]")) {
      window.print();
    }
  });

  focusStart();
})();
