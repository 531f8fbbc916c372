/* The concern form: keep a server-side draft as the person types (P3: nothing is lost), and
   let a mouse click on the body outline fill the next empty mark. The form works without it.

   Drafts are kept only on the server, encrypted: a copy in localStorage would leave a child's
   words in plain text on a shared staff-room computer. */
(function () {
  "use strict";
  var form = document.getElementById("concern-form");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var dirty = false;
  var submitting = false;
  var timer = null;

  function payload() {
    var data = new FormData(form);
    data.delete("attachments");
    return data;
  }

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    if (!dirty || submitting) { return; }
    dirty = false;
    var data = payload();
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      say(result.saved ? "Draft saved at " + result.at + "." : "Draft not saved.");
    }).catch(function () {
      dirty = true;
      say("Could not save the draft just now. What you typed is still on this page.");
    });
  }

  function changed() {
    dirty = true;
    if (!timer) { timer = window.setTimeout(save, 2000); }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.setInterval(function () { if (dirty) { save(); } }, 10000);

  window.addEventListener("pagehide", function () {
    if (dirty && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(url, payload());
    }
  });

  form.addEventListener("submit", function (event) {
    // The child search's buttons send the form back to itself: that is not the concern going.
    if (event.submitter && event.submitter.id !== "send-concern") { return; }
    submitting = true;
    var button = document.getElementById("send-concern");
    if (button) {
      // A second click would be harmless (the server keeps one concern), but say it is on its way.
      window.setTimeout(function () { button.disabled = true; button.textContent = "Sending…"; }, 0);
    }
  });

  // --- body map --------------------------------------------------------------------------------
  var selects = Array.prototype.slice.call(form.querySelectorAll(".mark-row select"));
  var regions = Array.prototype.slice.call(form.querySelectorAll(".body-outline .region"));

  function highlight() {
    var chosen = selects.map(function (s) { return s.value; });
    regions.forEach(function (shape) {
      var on = chosen.indexOf(shape.getAttribute("data-region")) !== -1;
      shape.classList.toggle("selected", on);
    });
  }

  regions.forEach(function (shape) {
    shape.addEventListener("click", function () {
      var region = shape.getAttribute("data-region");
      var empty = selects.filter(function (s) { return !s.value; })[0];
      if (!empty) {
        say("All mark rows are used. Send the concern and add more marks in a note to the DSL.");
        return;
      }
      empty.value = region;
      empty.dispatchEvent(new Event("change", { bubbles: true }));
      var row = empty.closest(".mark-row");
      var note = row && row.querySelector("input[type=text]");
      if (note) { note.focus(); }
    });
  });
  selects.forEach(function (s) { s.addEventListener("change", highlight); });
  highlight();
}());
