/* The error summary (the GOV.UK pattern): when a page comes back with errors, focus moves to the
   summary at the top, so a screen reader reads it and a keyboard user starts from it; each of its
   links leads to the field that is wrong. Without this script the summary is still read out
   (role="alert") and its links still work. With it, a link moves focus to the field (the first
   option of a group) and shows its question, without leaving "#field" in the address, which a
   browser would otherwise carry to the page after a successful send. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    var question = target.closest("fieldset") || target.closest(".field") || target;
    question.scrollIntoView();
    target.focus({ preventScroll: true });
  });
}());
