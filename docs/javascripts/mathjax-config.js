// MathJax 3 reads this before it loads. It typesets only what pymdownx.arithmatex marked as math,
// and finds its fonts next to its own script (served by this site, never a CDN).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};
