// Every main page in both languages: the first visit follows the browser's
// language, a choice survives a reload, no text of the other language is
// left on a page (but proper names and codes), axe-core finds no serious or
// critical violation, and a screenshot of each is written for a person to
// look at (build/e2e/screenshots/PAGE-LANG.png).
import assert from "node:assert/strict";
import { test } from "node:test";

import { addPerson, axeViolations, newPage, screenshot, signIn, uiWorld } from "./support/browser.mjs";

const pages = [
  { name: "home", path: "/", heading: { ja: "ホーム", en: "Home" } },
  { name: "situation", path: "/situation", heading: { ja: "状況表示", en: "Situation picture" } },
  { name: "hotline", path: "/hotline", heading: { ja: "ホットライン", en: "Hotline" } },
  { name: "report", path: "/reports/new", heading: { ja: "報告する", en: "File a report" } },
  { name: "registry", path: "/registry", heading: { ja: "レジストリ", en: "Registry" } },
  { name: "admin", path: "/admin", heading: { ja: "管理", en: "Administration" } },
  { name: "password", path: "/password", heading: { ja: "パスワード変更", en: "Change password" } },
];
// Latin words a Japanese page may show: the product, the plan's own
// abbreviations, the time zone; and (added in before()) those inside the
// Japanese names of the registry (proper names such as "ICT-ISAC").
const latinAllowed = new Set([
  "infrashare", "NISC", "CEPTOAR", "ISAC", "JST", "ID", "TLP", "CLEAR", "GREEN", "AMBER", "STRICT", "RED", "IT", "OT",
  "IoT", "IoC", "Webhook", "ATM", "API", "URL", "HTTPS",
]);
const latinWords = (text) => text.match(/[A-Za-z][A-Za-z'-]+/g) ?? [];

const personName = "当番 一郎";

const world = uiWorld(async (server) => {
  await addPerson(server, {
    org: { id: "kanto_power", name_ja: "関東電力株式会社", name_en: "Kanto Power Co., Inc." },
    id: "duty1", name: personName, roles: ["reporter", "admin"], password: "Kanto-duty-desk-night-3",
  });
  for (const list of ["sectors", "ministries", "ceptoars", "organizations"]) {
    const r = await server.call("GET", `/api/v1/registry/${list}`, server.adminToken);
    for (const entry of r.json.items) for (const w of latinWords(entry.name_ja)) latinAllowed.add(w);
  }
});

// The page's visible text, without codes (<code>), the person's own name
// and the names of the two languages on the switch.
async function visibleText(page) {
  return (await pageText(page)).replaceAll(personName, "");
}

function pageText(page) {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll("code, .lang, script, style, noscript").forEach((n) => n.remove());
    document.body.appendChild(clone);
    clone.style.position = "absolute";
    const text = clone.innerText;
    clone.remove();
    return text;
  });
}


test("the first visit follows the browser's language; Japanese otherwise", async () => {
  for (const [locale, heading] of [["en-US", "Sign in"], ["ja-JP", "サインイン"], ["fr-FR", "サインイン"]]) {
    const context = await world.browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto(world.server.base + "/");
    await page.getByRole("heading", { name: heading }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), heading === "Sign in" ? "en" : "ja");
    await context.close();
  }
});

test("every main page in Japanese: no English left but names and codes; accessible; screenshot", async () => {
  const page = await newPage(world.browser, "ja");
  await signIn(page, world.server.base, "duty1", "Kanto-duty-desk-night-3");
  for (const p of pages) {
    await page.goto(world.server.base + p.path);
    await page.getByRole("heading", { name: p.heading.ja, exact: true }).waitFor();
    if (p.name === "registry") await page.locator("table").nth(3).waitFor();
    const english = latinWords(await visibleText(page)).filter((w) => !latinAllowed.has(w));
    assert.deepEqual(english, [], `${p.name}: English left on the Japanese page`);
    assert.deepEqual(await axeViolations(page), [], `${p.name} (ja)`);
    await screenshot(page, `${p.name}-ja`);
  }
  await page.context().close();
});

test("switching to English is kept across a reload; every main page in English; accessible; screenshot", async () => {
  const page = await newPage(world.browser, "ja");
  await signIn(page, world.server.base, "duty1", "Kanto-duty-desk-night-3");
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "Home", exact: true }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Home", exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  for (const p of pages) {
    await page.goto(world.server.base + p.path);
    await page.getByRole("heading", { name: p.heading.en, exact: true }).waitFor();
    if (p.name === "registry") await page.locator("table").nth(3).waitFor();
    const japanese = (await visibleText(page)).match(/[\u3040-\u30ff\u4e00-\u9fff]+/g) ?? [];
    assert.deepEqual(japanese, [], `${p.name}: Japanese left on the English page`);
    assert.deepEqual(await axeViolations(page), [], `${p.name} (en)`);
    await screenshot(page, `${p.name}-en`);
  }
  // Signed out, the sign-in page keeps the language too.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "sign-in (en)");
  await screenshot(page, "sign-in-en");
  await page.context().close();
});

test("a path of no page shows a clean not-found page; an unknown API path stays a problem+json 404", async () => {
  const page = await newPage(world.browser, "ja");
  await signIn(page, world.server.base, "duty1", "Kanto-duty-desk-night-3");
  await page.getByRole("button", { name: "日本語" }).click();  // the person may have chosen English before
  await page.goto(world.server.base + "/no/such/page");
  await page.getByRole("heading", { name: "ページが見つかりません" }).waitFor();
  const api = await world.server.call("GET", "/api/v1/no-such-endpoint");
  assert.equal(api.status, 404);
  assert.equal(api.type, "application/problem+json");
  const asset = await world.server.call("GET", "/assets/app-00000000.js");
  assert.equal(asset.status, 404);
  await page.context().close();
});

test("the registry's organizations are searched by the server as one types, width and case aside", async () => {
  const page = await newPage(world.browser, "ja");
  await signIn(page, world.server.base, "duty1", "Kanto-duty-desk-night-3");
  await page.getByRole("button", { name: "日本語" }).click();
  await page.goto(world.server.base + "/registry");
  const organizations = page.getByRole("table", { name: "組織", exact: true });
  await organizations.waitFor();
  const asked = page.waitForResponse((r) => r.url().includes("/api/v1/registry/organizations?") && r.url().includes("q="));
  await page.getByLabel("検索").fill("ＫＡＮＴＯ　ｐｏｗｅｒ");
  assert.equal((await asked).status(), 200);
  await organizations.getByRole("cell", { name: "関東電力株式会社" }).waitFor();
  assert.equal(await organizations.locator("tbody tr").count(), 1);
  await page.getByLabel("検索").fill("該当しない組織名");
  await page.getByText("該当するものはありません。").last().waitFor();
  await page.context().close();
});
