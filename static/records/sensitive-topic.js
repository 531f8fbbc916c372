/* The guidance on a sensitive topic (P19): on a form with a topic to pick, the panel and the
   chosen topic's own guidance show as soon as a topic is picked, and hide when none is. Without
   this script the page still shows it once the form is sent. */
(function () {
  "use strict";
  var select = document.querySelector("select[data-sensitive-topic]");
  var panel = document.getElementById("sensitive-topic");
  if (!select || !panel) { return; }
  function show() {
    var picked = select.value;
    panel.hidden = !picked;
    Array.prototype.forEach.call(panel.querySelectorAll("[data-topic]"), function (part) {
      part.hidden = part.getAttribute("data-topic") !== picked;
    });
  }
  select.addEventListener("change", show);
  show();
}());
