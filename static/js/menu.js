/* The compact menu on a phone: a "Menu" button that shows and hides the main navigation.
   Without this script the button stays hidden and the whole menu is shown, so the page still
   works; on a wide screen the stylesheet hides the button and always shows the menu. */
(function () {
  "use strict";
  var nav = document.querySelector(".site-nav");
  if (!nav) { return; }
  var button = nav.querySelector(".menu-toggle");
  var menu = document.getElementById(button && button.getAttribute("aria-controls"));
  if (!button || !menu) { return; }

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("menu-open", open);
  }

  nav.classList.add("menu-ready");
  button.hidden = false;
  setOpen(false);

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });

  // Escape closes an open menu and puts focus back on its button.
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("menu-open")) {
      setOpen(false);
      button.focus();
    }
  });
})();
