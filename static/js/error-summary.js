/* The error summary (the GOV.UK pattern): when a page comes back with errors, focus moves to the
   summary at the top, so a screen reader reads it and a keyboard user starts from it; each of its
   links leads to the field that is wrong. Without this script the summary is still read out
   (role="alert") and its links still work. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
}());
