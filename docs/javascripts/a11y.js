// Keyboard and screen-reader details the theme leaves out.
// - Landmarks need unique names: Material gives every code block an unnamed <nav> for its copy
//   button; name each one after its block, whenever Material adds them.
// - A formula, table or code block wider than the column scrolls sideways; it must then take keyboard focus
//   (tab to it, scroll with the arrow keys). Only those that really scroll become tab stops.
// Material's bundle starts on the reader's first interaction (overrides/main.html) and then adds
// the code navs and table wrappers; it says so with a "gd:theme-started" event.
(function () {
  "use strict";
  function label() {
    document.querySelectorAll("nav.md-code__nav").forEach((nav, index) => {
      const name = `Code block ${index + 1}: tools`;
      if (nav.getAttribute("aria-label") !== name) nav.setAttribute("aria-label", name);
    });
  }
  function focusWhereScrolling() {
    document.querySelectorAll("div.arithmatex, .md-typeset__scrollwrap, .md-typeset table, .md-typeset pre > code").forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }
  // Measuring what scrolls forces a layout, so it runs at load, on resize and once the theme has
  // started (a frame later, when its wrappers are in place), not on every change.
  function update() {
    label();
    focusWhereScrolling();
  }
  if (document.readyState === "complete") update();
  else window.addEventListener("load", update);
  window.addEventListener("resize", focusWhereScrolling);
  document.addEventListener("gd:theme-started", () => requestAnimationFrame(update));
  // Labelling reads no layout, so it follows every change Material makes to the page.
  new MutationObserver(label).observe(document.body, {childList: true, subtree: true});
})();
