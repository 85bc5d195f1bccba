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

  // Dialogs (payment, discount) open with showModal so Esc closes them and
  // the rest of the page is inert meanwhile.
  function dialogOpen(dialog) {
    if (dialog && !dialog.open && typeof dialog.showModal === "function") {
      dialog.showModal();
      var first = dialog.querySelector("[autofocus]");
      if (first && typeof first.select === "function") {
        first.select();
      }
    }
  }

  function openMarkedDialogs() {
    document.querySelectorAll("dialog[data-open]").forEach(dialogOpen);
  }

  // Weighed goods are rung up as 1 kg: the line's quantity field takes the
  // weight at once, so the cashier types it and presses Enter.
  function focusWeigh() {
    var input = document.querySelector("[data-weigh]");
    if (input) {
      input.focus();
      input.select();
      return true;
    }
    return false;
  }

  function payOpen() {
    var button = document.getElementById("pay-open");
    if (button && !button.disabled) {
      dialogOpen(document.getElementById("pay-dialog"));
    }
  }

  function newSale() {
    var link = document.getElementById("new-sale-link");
    if (link) {
      link.click();
    } else {
      press("new-sale");
    }
  }

  // Money is added up in piastres (integers): no float ever rounds a total.
  function piastres(text) {
    var match = /^\s*(\d{0,9})(?:[.,](\d{0,2}))?\s*$/.exec(text || "");
    if (!match) {
      return 0;
    }
    return Number(match[1] || "0") * 100 + Number(((match[2] || "") + "00").slice(0, 2));
  }

  function pounds(cents) {
    var whole = Math.floor(cents / 100);
    var rest = String(cents % 100);
    return whole + "." + (rest.length < 2 ? "0" + rest : rest);
  }

  function fillRest(id) {
    var form = document.getElementById("pay");
    var target = document.getElementById(id);
    if (!form || !target) {
      return;
    }
    var others = 0;
    ["tendered", "pay-card-amount", "pay-wallet-amount"].forEach(function (name) {
      var field = document.getElementById(name);
      if (field && name !== id) {
        others += piastres(field.value);
      }
    });
    var rest = piastres(form.dataset.total) - others;
    target.value = pounds(rest > 0 ? rest : 0);
    target.focus();
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // The cash count: every denomination times its count fills counted cash.
  function countTotal(form) {
    var cents = 0;
    form.querySelectorAll("[data-denomination]").forEach(function (field) {
      var count = parseInt(field.value, 10);
      if (count > 0) {
        cents += count * piastres(field.dataset.denomination);
      }
    });
    var counted = form.querySelector("[data-counted]");
    if (counted) {
      counted.value = pounds(cents);
    }
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof Element && target.hasAttribute("data-denomination")) {
      countTotal(target.form);
    }
  });

  var shortcuts = {
    F2: focusScan,
    F8: payOpen,
    F9: newSale
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
    if (!target) {
      return;
    }
    if (target.closest("[data-print]")) {
      window.print();
    }
    var opener = target.closest("[data-dialog-open]");
    if (opener && !opener.disabled) {
      dialogOpen(document.getElementById(opener.dataset.dialogOpen));
    }
    var closer = target.closest("[data-dialog-close]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) {
        dialog.close();
      }
    }
    var filler = target.closest("[data-fill]");
    if (filler) {
      fillRest(filler.dataset.fill);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    openMarkedDialogs();
    focusWeigh();
  });

  openMarkedDialogs();
  if (document.querySelector("[data-reprint]")) {
    window.print();
  }
  focusStart();
})();
