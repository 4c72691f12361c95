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
  // Material adds the code navs and table wrappers while it starts; by "load" they are all there.
  // Measuring what scrolls forces a layout, so it runs then and on resize, not on every change.
  function update() {
    label();
    focusWhereScrolling();
  }
  if (document.readyState === "complete") update();
  else window.addEventListener("load", update);
  window.addEventListener("resize", focusWhereScrolling);
})();
