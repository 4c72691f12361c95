// Renders TeX to HTML + MathML with KaTeX, for the site's build (gdsim/site/formulas.py drives it).
// One JSON request per line on stdin, {"tex": "...", "display": true}; one JSON answer per line
// on stdout, {"html": "..."} or {"error": "..."}.
import katex from "katex";
import readline from "node:readline";

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const { tex, display } = JSON.parse(line);
  let answer;
  try {
    answer = { html: katex.renderToString(tex, { displayMode: display, output: "htmlAndMathml", throwOnError: true }) };
  } catch (error) {
    answer = { error: String(error.message || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
