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
