// The browser UI's figures (issue: situation picture, live updates,
// sign-in cost), in Debian's Chromium against the real server on loopback:
//   1. the situation picture's first useful paint (its first report row),
//      from navigation start, with --reports reports in the database;
//   2. a report submitted through the API reaching an open situation
//      picture: from the POST to the row appearing, over 100 submissions;
//   3. the JavaScript the first page loads, gzip-compressed;
//   4. GET /api/v1/registry/sectors p99 alone and during 50 concurrent
//      sign-ins (argon2id runs on the worker threads, not the network ones);
//   5. the machine's HTTP ceiling (bench/ceiling_server answering 200) and
//      infrashare serving the UI's index.html, with the same load, and the
//      ratio.
//
//   node bench/ui_bench.mjs [--reports 100000] [--binary build/src/app/infrashare]
//
// Needs the build (scripts/build.sh) and tests/e2e's npm packages
// (scripts/test.sh installs them).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { addPerson, launchBrowser, newPage, signIn } from "../tests/e2e/support/browser.mjs";
import { startServer } from "../tests/support/server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const reportCount = Number(arg("reports", "100000"));
const binary = arg("binary", join(root, "build/src/app/infrashare"));
const ceilingBinary = arg("ceiling-binary", join(root, "build/bench/ceiling_server"));

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (v) => `${v.toFixed(1)} ms`;

// `count` requests, `concurrency` at a time, each made by `send()`.
async function load(count, concurrency, send) {
  let next = 0;
  const latencies = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      const t0 = performance.now();
      await send();
      latencies.push(performance.now() - t0);
    }
  }));
  return { seconds: (performance.now() - started) / 1000, latencies };
}

// The p99 latency of `count` GETs of `url`, `concurrency` at a time, from a
// new Node.js process (asynchronously: this one keeps reading the server's
// output meanwhile).
function measureInChild(url, count, concurrency) {
  const script = `
    let next = 0; const latencies = [];
    const run = async () => { while (next < ${count}) { next++; const t0 = performance.now();
      await fetch(${JSON.stringify(url)}).then((r) => r.text()); latencies.push(performance.now() - t0); } };
    Promise.all(Array.from({ length: ${concurrency} }, run)).then(() => {
      latencies.sort((a, b) => a - b); console.log(latencies[Math.floor(0.99 * latencies.length)]); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`measuring: exit ${code}`))));
  });
}

const server = await startServer(binary, root, ["--web", join(root, "web/dist")]);
const browser = await launchBrowser();
try {
  const kanto = { id: "bench_power", name_ja: "ベンチ電力", name_en: "Bench Power" };
  await addPerson(server, { org: kanto, id: "bench_soc", name: "ベンチ SOC", roles: ["reporter"], password: "Bench-SOC-password-1" });
  await addPerson(server, { org: { id: "nisc" }, id: "bench_duty", name: "ベンチ当番", roles: ["analyst"], password: "Bench-NISC-password-2" });
  const token = (await server.call("POST", "/api/v1/admin/principals/bench_soc/tokens", server.adminToken, {})).json.token;
  const states = ["normal", "degraded", "stopped"];
  const body = (i) => ({
    kind: "service_outage", title: `ベンチ報告 ${i}`, sectors: ["electric_power"], tlp: "amber", route: "direct",
    facts: { service: { state: states[i % 3] }, outage: { elapsed_minutes: (i * 7) % 600 }, affected: { people: (i * 131) % 200000 } },
  });

  // The database: --reports reports, 32 at a time.
  let made = 0;
  const fill = await load(reportCount, 32, async () => {
    const r = await server.call("POST", "/api/v1/reports", token, body(made++));
    if (r.status !== 201) throw new Error(`submission: ${r.status} ${r.text}`);
  });
  console.log(`database: ${reportCount} reports in ${fill.seconds.toFixed(1)} s (${Math.round(reportCount / fill.seconds)}/s)`);

  // 1. First useful paint of the situation picture.
  const page = await newPage(browser, "ja");
  await page.context().addInitScript(() => {
    window.__arrivals = {};
    new MutationObserver(() => {
      for (const row of document.querySelectorAll("tr[data-report]")) {
        const id = row.getAttribute("data-report");
        if (!(id in window.__arrivals)) window.__arrivals[id] = performance.timeOrigin + performance.now();
        window.__firstRow ??= performance.now();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await signIn(page, server.base, "bench_duty", "Bench-NISC-password-2");
  const paints = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(server.base + "/situation");
    await page.waitForFunction(() => window.__firstRow !== undefined, null, { timeout: 60000 });
    paints.push(await page.evaluate(() => window.__firstRow));
  }
  console.log(`situation first useful paint (first report row, from navigation start): p50 ${ms(percentile(paints, 50))}, ` +
              `max ${ms(Math.max(...paints))} over ${paints.length} loads (goal < 1000 ms)`);

  // 2. Live: submissions reaching the open page.
  await page.getByRole("status").filter({ hasText: "ライブ更新中" }).waitFor();
  const live = [];
  for (let i = 0; i < 100; i++) {
    const t0 = Date.now();
    const r = await server.call("POST", "/api/v1/reports", token, body(reportCount + i));
    await page.waitForFunction((id) => window.__arrivals[id] !== undefined, r.json.id, { timeout: 10000 });
    live.push((await page.evaluate((id) => window.__arrivals[id], r.json.id)) - t0);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log(`submitted -> on the open situation picture: p50 ${ms(percentile(live, 50))}, p99 ${ms(percentile(live, 99))} ` +
              `over 100 (goal p99 < 1000 ms)`);

  // 3. JavaScript of the first page.
  const assets = join(root, "web/dist/assets");
  const js = readdirSync(assets).filter((f) => f.endsWith(".js"));
  const bytes = js.reduce((sum, f) => sum + readFileSync(join(assets, f)).length, 0);
  const gzipped = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0);
  console.log(`JavaScript: ${js.length} file(s), ${(bytes / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzip (goal < 150 KiB)`);

  // 4. Another endpoint's p99, alone and during 50 concurrent sign-ins,
  // measured by a fresh Node.js process (this one holds the heap of the
  // fill, whose collections would be measured too) with the browser closed
  // (its page shares the two cores).
  await browser.close();
  const sectorsP99 = () => measureInChild(server.base + "/api/v1/registry/sectors", 2000, 8);
  const alone = await sectorsP99();
  const signIns = Promise.all(Array.from({ length: 50 }, () =>
    server.call("POST", "/api/v1/session", undefined, { principal: "bench_soc", password: "Bench-SOC-password-1" })));
  const during = await sectorsP99();
  const results = await signIns;
  const okSignIns = results.filter((r) => r.status === 201).length;
  console.log(`GET /api/v1/registry/sectors p99: alone ${ms(alone)}, during 50 concurrent sign-ins ` +
              `${ms(during)} (${okSignIns}/50 signed in; goal < 50 ms)`);

  // 5. The ceiling and the UI's index.html, the same load.
  const port = 20000 + Math.floor(Math.random() * 10000);
  const ceiling = spawn(ceilingBinary, ["--listen", `127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => ceiling.stdout.once("data", resolve));
  const ceilingRun = await load(20000, 16, () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()));
  ceiling.kill("SIGTERM");
  const uiRun = await load(20000, 16, () => fetch(server.base + "/").then((r) => r.text()));
  const ceilingRate = 20000 / ceilingRun.seconds;
  const uiRate = 20000 / uiRun.seconds;
  console.log(`ceiling ${Math.round(ceilingRate)} req/s; index.html ${Math.round(uiRate)} req/s, p99 ${ms(percentile(uiRun.latencies, 99))} ` +
              `(${((uiRate / ceilingRate) * 100).toFixed(1)}% of the ceiling; 16 connections from Node.js)`);
} finally {
  await browser.close();
  server.stop();
}
