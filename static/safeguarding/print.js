// The print view's "Print" button (no inline handlers: strict CSP).
document.getElementById("print-now")?.addEventListener("click", () => window.print());
