// Behaviour every page shares, kept out of the pages so the Content-Security-Policy can
// refuse inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  // A select that submits its form when changed (the language switch).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // An error summary takes the focus, so a screen reader reads it first.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
});
