/* Redacting by selecting: words selected in the item's text fill the "Words to redact" box, so
   a name can be chosen with the mouse or the keyboard (shift and the arrow keys in the text,
   which can take focus) instead of typed. Without this script the box is typed or pasted into,
   and everything works the same. */
(function () {
  "use strict";
  var text = document.getElementById("item-text");
  var box = document.getElementById("id_mark-phrase");
  if (!text || !box) { return; }
  function take() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) { return; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) { return; }
    var words = selection.toString().replace(/\s+/g, " ").trim();
    if (words) { box.value = words; }
  }
  text.addEventListener("mouseup", take);
  text.addEventListener("keyup", take);
})();
