// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to an error summary so screen readers announce it.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.scrollIntoView({ block: "start" });
      summary.focus();
      // Each problem links to its field: go there and put the cursor in it.
      summary.querySelectorAll("a[data-focus]").forEach(function (link) {
        link.addEventListener("click", function (ev) {
          var target = document.getElementById(link.getAttribute("data-focus"));
          if (!target) { return; }
          ev.preventDefault();
          var closed = target.closest("details:not([open])");
          if (closed) { closed.open = true; }
          var hidden = target.closest("[hidden]");
          if (hidden) { hidden.hidden = false; }
          target.scrollIntoView({ block: "center" });
          target.focus();
        });
      });
    }
    // Long filter forms are folded on a phone and open on a wider screen.
    if (window.matchMedia && window.matchMedia("(min-width: 601px)").matches) {
      document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
    }
    // Print buttons (no inline handlers: the CSP forbids them).
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function (ev) { ev.preventDefault(); window.print(); });
    });
    // A table too wide for the screen scrolls in its wrapper: let keyboard users reach it
    // (WCAG 2.1.1) and name the region after the table's caption or the heading before it.
    document.querySelectorAll("main table:not(.cards)").forEach(function (table) {
      if (table.parentElement.classList.contains("table-wrap")) { return; }
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) { return; }
      var caption = wrap.querySelector("caption");
      var heading = wrap.previousElementSibling;
      var name = caption ? caption.textContent : (heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : "");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", (name || document.title).trim());
    });
  });
})();
