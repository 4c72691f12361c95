// Landmarks need unique names: Material gives every code block a <nav> for its copy button, all
// unnamed. Name each one after its block, now and whenever Material adds more.
(function () {
  "use strict";
  function label() {
    document.querySelectorAll("nav.md-code__nav").forEach((nav, index) => {
      const name = `Code block ${index + 1}: tools`;
      if (nav.getAttribute("aria-label") !== name) nav.setAttribute("aria-label", name);
    });
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
  label();
})();
