// Debian's Chromium (/usr/bin/chromium, or $CHROMIUM), headless, driven by
// playwright-core (no browser download), with the flags this machine's
// closed network needs; and what the tests share: the server under test, a
// signed-in page, screenshots written for a person to look at.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

import { startServer } from "../../support/server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.INFRASHARE_SOURCE ?? join(here, "../../..");
const binary = process.env.INFRASHARE_BIN ?? join(sourceDir, "build/src/app/infrashare");
export const outDir = process.env.E2E_OUT ?? join(sourceDir, "build/e2e");

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

// The real server with the built UI of this checkout (web/dist).
export function startUiServer() {
  return startServer(binary, sourceDir, ["--web", join(sourceDir, "web/dist")]);
}

// One test file's world: a fresh server and a browser, started before its
// tests (then `setup(server)`, e.g. to add the people) and stopped after.
//   const world = uiWorld(async (server) => { ... });
//   test("…", async () => { const page = await newPage(world.browser); … world.server.base … });
export function uiWorld(setup = async () => {}) {
  const world = { server: null, browser: null };
  before(async () => {
    world.server = await startUiServer();
    world.browser = await launchBrowser();
    await setup(world.server);
  });
  after(async () => {
    await world.browser?.close();
    world.server?.stop();
  });
  return world;
}

// An organization with one principal of `roles` who has exchanged a setup
// code for `password` (through the API, as a browser would).
export async function addPerson(server, { org, orgKind = "operator", sectors = ["electric_power"], id, name, roles, password }) {
  if (org.name_ja) {  // else an organization of the registry
    const o = await server.call("POST", "/api/v1/admin/organizations", server.adminToken, {
      id: org.id, kind: orgKind, name_ja: org.name_ja, name_en: org.name_en, sectors,
    });
    if (o.status !== 201 && o.status !== 409) throw new Error(`organization: ${o.status} ${o.text}`);
  }
  const p = await server.call("POST", "/api/v1/admin/principals", server.adminToken, {
    id, organization: org.id, name, roles,
  });
  if (p.status !== 201) throw new Error(`principal: ${p.status} ${p.text}`);
  const code = await setupCode(server, id);
  if (password) {
    const s = await server.call("POST", "/api/v1/session", undefined, { principal: id, setup_code: code, new_password: password });
    if (s.status !== 201) throw new Error(`first sign-in: ${s.status} ${s.text}`);
    return null;
  }
  return code;
}

export async function setupCode(server, principal) {
  const c = await server.call("POST", `/api/v1/admin/principals/${principal}/setup-code`, server.adminToken, {});
  if (c.status !== 201) throw new Error(`setup code: ${c.status} ${c.text}`);
  return c.json.setup_code;
}

// A new browser context in `lang` ("ja" or "en" as the browser's language).
export async function newPage(browser, lang = "ja") {
  const context = await browser.newContext({
    locale: lang === "ja" ? "ja-JP" : "en-US",
    timezoneId: "Asia/Tokyo",
    viewport: { width: 1280, height: 860 },
  });
  return context.newPage();
}

export async function signIn(page, base, principal, password) {
  await page.goto(base + "/");
  await page.locator("#principal").fill(principal);
  await page.locator("#password").fill(password);
  await page.locator("form button[type=submit]").click();
  await page.locator("header nav").waitFor();
}

export async function screenshot(page, name) {
  const dir = join(outDir, "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// axe-core's serious and critical violations on the page as it stands.
export async function axeViolations(page) {
  await page.evaluate(axeSource);  // evaluated by the test, not a script of the page: CSP stays strict
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
