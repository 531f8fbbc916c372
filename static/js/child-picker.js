/* The concern form's child search, with script: matches appear as the person types (at least a
   few letters; a handful of matches of name, class and year from the server, which decides whom
   this person may find and records each search), "Add" puts a child in the chosen list with their
   part, "Remove" takes them off, all without leaving the page. Without this script the same
   fieldset works by sending the form back to itself ("Find", "Add the ticked children",
   "Remove"), keeping everything typed. */
(function () {
  "use strict";
  var picker = document.getElementById("child-picker");
  var url = picker && picker.getAttribute("data-search-url");
  if (!url) { return; }
  var input = document.getElementById("id_child_search");
  var findButton = document.getElementById("find-child");
  var results = document.getElementById("child-matches");
  var chosen = document.getElementById("chosen-children");
  var template = document.getElementById("chosen-child-template");
  var total = document.getElementById("id_students-TOTAL_FORMS");
  var none = document.getElementById("no-child-chosen");
  var minLetters = parseInt(picker.getAttribute("data-min-letters"), 10) || 2;
  if (!input || !results || !chosen || !template || !total) { return; }

  var timer = null;
  var asked = 0;

  function letters(text) { return (text.match(/[\p{L}\p{N}]/gu) || []).length; }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function say(text) {
    clear(results);
    var p = document.createElement("p");
    p.textContent = text;
    results.appendChild(p);
  }

  function chosenIds() {
    return Array.prototype.map.call(
      chosen.querySelectorAll("input[name$='-student']"), function (i) { return i.value; });
  }

  function show(answer) {
    clear(results);
    var message = document.createElement("p");
    message.textContent = answer.message || "";
    results.appendChild(message);
    if (!answer.children || !answer.children.length) { return; }
    var list = document.createElement("ul");
    list.className = "found-children";
    var already = chosenIds();
    answer.children.forEach(function (child) {
      var item = document.createElement("li");
      var where = " (" + (child["class"] ? child["class"] + ", " : "") + "Year " + child.year + ")";
      if (already.indexOf(child.id) !== -1) {
        item.textContent = child.first_name + " " + child.last_name + where + ": already chosen";
      } else {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button secondary small add-child";
        button.textContent = "Add " + child.first_name + " " + child.last_name;
        var detail = document.createElement("span");
        detail.className = "muted";
        detail.textContent = where;
        item.appendChild(button);
        item.appendChild(detail);
        button.addEventListener("click", function () { add(child, where); });
      }
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  function search() {
    timer = null;
    var text = input.value.trim();
    if (!text) { clear(results); return; }
    if (letters(text) < minLetters) {
      say("Type at least " + minLetters + " letters of the child's name, class or year.");
      return;
    }
    var mine = ++asked;
    fetch(url + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { message: "" }; }).then(function (body) {
        if (!response.ok && !body.message) { throw new Error(String(response.status)); }
        return body;
      });
    }).then(function (answer) {
      if (mine === asked) { show(answer); }
    }).catch(function () {
      if (mine === asked) {
        say("The search is not working just now. Press Find, or write who the child is below.");
      }
    });
  }

  function later() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(search, 250);
  }

  function changed(node) { node.dispatchEvent(new Event("change", { bubbles: true })); }

  function add(child, where) {
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("ul");
    holder.innerHTML = html;
    var row = holder.querySelector("li");
    var name = child.first_name + " " + child.last_name;
    row.setAttribute("data-child", child.id);
    row.querySelector("input[name$='-student']").value = child.id;
    row.querySelector("[data-child-name]").textContent = name;
    row.querySelector("[data-child-where]").textContent = where;
    row.querySelector("[data-child-remove-name]").textContent = " " + name;
    var part = row.querySelector("select");
    var label = part && row.querySelector("label[for='" + part.id + "']");
    if (label) { label.textContent = name + where + ": their part"; }
    chosen.appendChild(row);
    total.value = String(index + 1);
    if (none) { none.hidden = true; }
    clear(results);
    say(name + " added. Choose their part below, or search for another child.");
    input.value = "";
    changed(row.querySelector("input[name$='-student']"));
    if (part) { part.focus(); }
  }

  chosen.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-child");
    if (!button) { return; }
    event.preventDefault();
    var row = button.closest(".chosen-child");
    var name = row.querySelector("[data-child-name]").textContent;
    row.parentNode.removeChild(row);
    if (none && !chosen.querySelector(".chosen-child")) { none.hidden = false; }
    say(name + " removed.");
    changed(input);
    input.focus();
  });

  input.addEventListener("input", later);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); search(); }
    if (event.key === "Escape") { clear(results); }
  });
  if (findButton) {
    findButton.addEventListener("click", function (event) { event.preventDefault(); search(); });
  }
}());
