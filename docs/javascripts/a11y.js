// Keyboard and screen-reader details the theme leaves out.
// - Landmarks need unique names: Material gives every code block an unnamed <nav> for its copy
//   button; name each one after its block, now and whenever Material adds more.
// - A formula or table wider than the column scrolls sideways; it must then take keyboard focus
//   (tab to it, scroll with the arrow keys). Only those that really scroll become tab stops.
(function () {
  "use strict";
  function label() {
    document.querySelectorAll("nav.md-code__nav").forEach((nav, index) => {
      const name = `Code block ${index + 1}: tools`;
      if (nav.getAttribute("aria-label") !== name) nav.setAttribute("aria-label", name);
    });
  }
  function focusWhereScrolling() {
    document.querySelectorAll("div.arithmatex, .md-typeset__scrollwrap").forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }
  let pending = false;
  function update() {  // at most once a frame, however many changes Material makes at once
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      label();
      focusWhereScrolling();
    });
  }
  new MutationObserver(update).observe(document.documentElement, { childList: true, subtree: true });
  label();
  focusWhereScrolling();
  window.addEventListener("resize", focusWhereScrolling);
})();
