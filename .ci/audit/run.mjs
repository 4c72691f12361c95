// Lighthouse on a list of pages in one Chromium, started once (make audit, gdsim/site/audit.py).
// Usage: node run.mjs CHROMIUM_PATH "CHROME FLAGS" URL...; one JSON line per URL on stdout:
// {"url", "scores": {category: score}, "lcp_ms", "cls", "failing": [...], "shifts": [...]}, or
// {"url", "error"}. Mobile emulation and simulated throttling are Lighthouse's defaults; the
// full-page screenshot (a picture for the HTML report, which no score reads) is not taken.
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const [chromePath, chromeFlags, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: chromeFlags.split(" ").filter(Boolean) });
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
try {
  for (const url of urls) {
    let line;
    try {
      const { lhr } = await lighthouse(url, {
        port: chrome.port, output: "json", logLevel: "error",
        onlyCategories: CATEGORIES, disableFullPageScreenshot: true,
      });
      const audits = lhr.audits;
      line = {
        url,
        scores: Object.fromEntries(CATEGORIES.map((name) => [name, lhr.categories[name].score])),
        lcp_ms: audits["largest-contentful-paint"].numericValue,
        cls: audits["cumulative-layout-shift"].numericValue,
        failing: Object.entries(audits)
          .filter(([, a]) => a.score !== null && a.score < 0.9 && ["binary", "numeric"].includes(a.scoreDisplayMode))
          .map(([id]) => id).sort(),
        shifts: (audits["layout-shifts"]?.details?.items ?? []).slice(0, 3)
          .map((item) => (item.node?.snippet ?? "").slice(0, 90)),
      };
    } catch (error) {
      line = { url, error: String(error).slice(0, 500) };
    }
    process.stdout.write(JSON.stringify(line) + "\n");
  }
} finally {
  await chrome.kill();
}
