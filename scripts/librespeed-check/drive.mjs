// Runs LibreSpeed's unchanged client (speedtest.js + speedtest_worker.js, served with driver.html from a static
// origin) in headless Chromium against a WaddlePerf test server, and reports what it showed plus every request it
// sent to the server (method, path, status, network error). Used by run.sh; see docs/ACCURACY.md.
// usage: node drive.mjs <page origin> <server base URL ending in /> single|multi backend-php|bare <out.json> [settings JSON]
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
const [,, pageOrigin, server, mode, layout, outFile, settings = "{}"] = process.argv;
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "librespeed-chromium-"));
const ctx = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const page = ctx.pages()[0] || await ctx.newPage();
const requests = [];
const console_ = [];
const onReq = (req) => { if (req.url().startsWith(server)) requests.push({method: req.method(), url: req.url(), t: Date.now(), reqHeaders: req.headers()}); };
const onResp = async (resp) => {
  if (!resp.url().startsWith(server)) return;
  const r = requests.find(x => x.url === resp.url() && x.status === undefined && x.method === resp.request().method());
  if (r) { r.status = resp.status(); r.headers = await resp.allHeaders().catch(() => ({})); }
};
const onFail = (req) => { if (req.url().startsWith(server)) {
  const r = requests.find(x => x.url === req.url() && x.method === req.method());
  if (r) r.failure = req.failure()?.errorText; } };
ctx.on("request", onReq); ctx.on("response", onResp); ctx.on("requestfailed", onFail);
page.on("console", m => console_.push(m.type() + ": " + m.text()));
page.on("worker", w => { w.on("console", m => console_.push("worker " + m.type() + ": " + m.text())); });
page.on("pageerror", e => console_.push("pageerror: " + e.message + " | " + e.stack));
const url = `${pageOrigin}/driver.html?mode=${mode}&layout=${layout}&server=${encodeURIComponent(server)}&settings=${encodeURIComponent(settings)}`;
const t0 = Date.now();
await page.goto(url);
await page.waitForFunction(() => window.lsDone !== null, null, { timeout: 120000, polling: 500 });
const done = await page.evaluate(() => ({ done: window.lsDone, updates: window.lsUpdates, selected: window.lsSelected,
  ua: navigator.userAgent }));
const seconds = (Date.now() - t0) / 1000;
await ctx.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
// summarise requests
const summary = {};
for (const r of requests) {
  const u = new URL(r.url);
  const key = `${r.method} ${u.pathname} ${r.status ?? "-"}${r.failure ? " " + r.failure : ""}`;
  summary[key] = (summary[key] || 0) + 1;
}
const out = { url, seconds, ...done, requestSummary: summary,
  sampleRequests: Object.fromEntries(["garbage", "empty", "getIP"].map(n => [n, requests.filter(r => r.url.includes(n)).slice(0, 2)])),
  console: console_ };
fs.writeFileSync(outFile, JSON.stringify(out, null, 1));
console.log(JSON.stringify({ mode, layout, seconds, aborted: done.done.aborted, data: done.done.data, selected: done.selected,
  requestSummary: summary }, null, 1));
