// When an htmx request fails, say so instead of leaving a button that seems to do nothing.
// Nothing typed is lost: the form stays as it was, and a plain reload shows the saved state.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("request-error");
  if (!box) return;
  function show(message) {
    box.textContent = message;
    box.hidden = false;
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if ([403, 409, 422, 429].indexOf(status) !== -1) return; // shown in the page
    show("The server could not complete that (error " + status + "). Your answers on screen are " +
      "kept; try again, or reload the page.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    show("The server could not be reached. Your answers on screen are kept; try again.");
  });
  document.body.addEventListener("htmx:beforeRequest", function () {
    box.hidden = true;
  });
});

// The decision log swaps its results in place; a screen reader hears the new count (and any
// filter that was left out) through one small status line, not the whole table.
document.addEventListener("DOMContentLoaded", function () {
  var status = document.getElementById("log-status");
  if (!status) return;
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "decision-results") return;
    var parts = [];
    event.detail.target.querySelectorAll("[data-announce]").forEach(function (element) {
      parts.push(element.textContent.replace(/\s+/g, " ").trim());
    });
    status.textContent = parts.join(" ");
  });
});

// A reviewer's verdict asks first. Its button opens a dialog that says what will happen and holds
// the note (a reason, where one is required); without JavaScript, or without <dialog>, the same
// button posts to a page that asks the same question. Focus goes into the dialog, Escape or
// Cancel closes it and focus returns to the button; what was typed goes back to the panel.
document.addEventListener("DOMContentLoaded", function () {
  var opener = null;

  function panelNote() {
    return document.getElementById("action-note");
  }

  function showError(dialog, show) {
    var note = dialog.querySelector("textarea[name=note]");
    var error = dialog.querySelector("[role=alert]");
    if (!note || !error) return;
    error.hidden = !show;
    note.classList.toggle("is-invalid", show);
    if (show) {
      note.setAttribute("aria-invalid", "true");
      note.setAttribute("aria-describedby", error.id);
    } else {
      note.removeAttribute("aria-invalid");
      note.removeAttribute("aria-describedby");
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button) {
      var dialog = document.getElementById(button.dataset.confirm);
      if (!dialog || typeof dialog.showModal !== "function") return;
      event.preventDefault();
      var note = dialog.querySelector("textarea[name=note]");
      var typed = panelNote();
      if (note && typed) note.value = typed.value;
      showError(dialog, false);
      opener = button;
      dialog.showModal();
      if (note) note.focus();
      return;
    }
    var close = event.target.closest("[data-dialog-close]");
    if (close) close.closest("dialog").close();
  });

  // "close" does not bubble: listen while it travels down instead.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!dialog.classList || !dialog.classList.contains("confirm-dialog")) return;
    var note = dialog.querySelector("textarea[name=note]");
    var typed = panelNote();
    if (note && typed) typed.value = note.value;
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  }, true);

  document.addEventListener("input", function (event) {
    var dialog = event.target.closest && event.target.closest("dialog.confirm-dialog");
    if (dialog && event.target.value.trim()) showError(dialog, false);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("dialog [data-confirm-form]")) return;
    if (form.dataset.sent) {
      event.preventDefault(); // a second click would be refused: the first already counts
      return;
    }
    var note = form.querySelector("textarea[data-reason]");
    if (note && !note.value.trim()) {
      event.preventDefault();
      showError(form.closest("dialog"), true);
      note.focus();
      return;
    }
    form.dataset.sent = "1";
  });
});
