// The situation picture: a report submitted elsewhere appears on an open
// page without a reload, a level 4 report is announced, and a third
// organization's page never shows the source of an anonymized report — not
// in the page's text, nor in any answer or stream event the page received.
import assert from "node:assert/strict";
import { test } from "node:test";

import { addPerson, newPage, screenshot, signIn, uiWorld } from "./support/browser.mjs";

const kanto = { id: "kanto_power", name_ja: "関東電力株式会社", name_en: "Kanto Power" };
const chubu = { id: "chubu_power", name_ja: "中部電力株式会社", name_en: "Chubu Power" };
let socToken;
let relayToken;

async function tokenOf(principal) {
  const r = await world.server.call("POST", `/api/v1/admin/principals/${principal}/tokens`, world.server.adminToken, {});
  assert.equal(r.status, 201, r.text);
  return r.json.token;
}

const world = uiWorld(async (server) => {
  const org = async (o, extra = {}) => {
    const r = await server.call("POST", "/api/v1/admin/organizations", server.adminToken, {
      id: o.id, kind: "operator", name_ja: o.name_ja, name_en: o.name_en, sectors: ["electric_power"], ...extra,
    });
    assert.equal(r.status, 201, r.text);
  };
  await org(kanto, { ceptoars: ["electricity_ceptoar"] });
  await org(chubu);
  await addPerson(server, { org: kanto, id: "kanto_soc", name: "関東 SOC 当番", roles: ["reporter"], password: "Kanto-SOC-situation-1" });
  await addPerson(server, { org: chubu, id: "chubu_soc", name: "中部 SOC 当番", roles: ["reporter"], password: "Chubu-SOC-situation-2" });
  await addPerson(server, { org: { id: "nisc" }, id: "nisc_duty", name: "NISC 当番", roles: ["analyst", "duty_officer"], password: "NISC-duty-officer-night-3" });
  await addPerson(server, { org: { id: "electricity_isac" }, id: "isac_relay", name: "電力ISAC 事務局", roles: ["relay"], password: "ISAC-relay-desk-4-night" });
  socToken = await tokenOf("kanto_soc");
  relayToken = await tokenOf("isac_relay");
});

async function openSituation(page, principal, password) {
  await signIn(page, world.server.base, principal, password);
  await page.getByRole("link", { name: "状況表示" }).click();
  await page.getByRole("heading", { name: "状況表示" }).waitFor();
  await page.getByRole("status").filter({ hasText: "ライブ更新中" }).waitFor();
  await page.evaluate(() => { window.__sameDocument = true; });
}

test("a level 4 report appears on NISC's open situation picture without a reload, announced", async () => {
  const page = await newPage(world.browser, "ja");
  await openSituation(page, "nisc_duty", "NISC-duty-officer-night-3");
  const sent = await world.server.call("POST", "/api/v1/reports", socToken, {
    kind: "service_outage", title: "変電所の遠隔制御が停止", sectors: ["electric_power"], tlp: "amber", route: "direct",
    facts: { service: { state: "stopped" }, safety: { deaths: 1 } },
  });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.json.assessment.level, 4);

  const row = page.locator(`tr[data-report="${sent.json.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /変電所の遠隔制御が停止/);
  // NISC may see the source of a report not anonymized (its name comes once fetched).
  await row.filter({ hasText: "関東電力株式会社" }).waitFor();
  assert.equal(await row.getAttribute("class"), "fresh");
  const alarm = page.getByRole("alert");
  await alarm.waitFor();
  assert.match(await alarm.innerText(), /新しいレベル 4 の報告/);
  assert.equal(await page.locator('td[data-sector="electric_power"][data-level="4"]').innerText(), "1");
  assert.equal(await page.evaluate(() => window.__sameDocument), true);  // no reload happened
  await screenshot(page, "situation-ja");
  await page.getByRole("button", { name: "確認した" }).click();
  assert.equal(await page.getByRole("alert").count(), 0);
  await page.context().close();
});

test("an anonymized report relayed by the CEPTOAR never shows its source to a third organization", async () => {
  const page = await newPage(world.browser, "ja");
  // Everything the page receives: answers of the API, and the stream's events
  // (recorded by a wrapper the test installs before the page's own script).
  const answers = [];
  page.on("response", async (response) => {
    const type = response.headers()["content-type"] ?? "";
    if (!type.includes("json")) return;
    answers.push(await response.text().catch(() => ""));
  });
  await page.context().addInitScript(() => {
    window.__streamed = [];
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      addEventListener(type, listener, options) {
        super.addEventListener(type, (e) => { window.__streamed.push(e.data); }, options);
        super.addEventListener(type, listener, options);
      }
    };
  });
  await openSituation(page, "chubu_soc", "Chubu-SOC-situation-2");

  const sent = await world.server.call("POST", "/api/v1/reports", socToken, {
    kind: "near_miss", title: "遠隔保守回線への不審な接続（関東電力株式会社の保守網）",
    text: "Kanto Power の保守用 VPN に kanto_power 名義の不審なログイン。", sectors: ["electric_power"],
    tlp: "green", audience: { everyone: true }, route: "via_ceptoar", anonymized: true,
  });
  assert.equal(sent.status, 201, sent.text);
  const relayed = await world.server.call("POST", `/api/v1/reports/${sent.json.id}/relay`, relayToken, {});
  assert.equal(relayed.status, 200, relayed.text);

  const row = page.locator(`tr[data-report="${sent.json.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /（匿名）/);
  const streamed = await page.evaluate(() => window.__streamed);
  assert.ok(streamed.length >= 1, "the report came through the stream");
  await page.reload();  // and the list as the API answers it
  await page.locator(`tr[data-report="${sent.json.id}"]`).waitFor();
  const seen = [await page.evaluate(() => document.body.innerText), ...answers, ...streamed].join("\n");
  for (const name of [kanto.name_ja, kanto.name_en, kanto.id, "関東電力", "関東 SOC 当番", "kanto_soc"])
    assert.ok(!seen.includes(name), `the source "${name}" reached the third organization's page`);
  assert.ok(seen.includes("[anonymized]"), "the scrubbed title is what it received");
  assert.match(await row.innerText(), /［匿名］/);  // and what it shows
  await screenshot(page, "situation-anonymized-ja");

  // Searching for the source, in any spelling, finds nothing; a word of the
  // report finds it.
  const search = async (words) => {
    const answered = page.waitForResponse((r) => r.url().includes("/api/v1/reports?") && r.url().includes("q="));
    await page.locator("#situation-q").fill(words);
    await page.getByRole("button", { name: "検索", exact: true }).click();
    return (await (await answered).json()).items.length;
  };
  for (const words of ["関東電力", "ＫＡＮＴＯ　ＰＯＷＥＲ", "kanto-power", "kanto_power"])
    assert.equal(await search(words), 0, `found by "${words}"`);
  await page.getByText("条件に合う報告はありません。").waitFor();
  assert.equal(await search("保守用"), 1);
  await page.locator(`tr[data-report="${sent.json.id}"]`).waitFor();
  await page.context().close();
});

test("disabling a person ends the open picture's live updates at once and the page says the session ended", async () => {
  await addPerson(world.server, { org: chubu, id: "chubu_night", name: "中部 夜間当番", roles: ["reporter"], password: "Chubu-SOC-night-shift-5" });
  const page = await newPage(world.browser, "ja");
  await openSituation(page, "chubu_night", "Chubu-SOC-night-shift-5");
  const disabled = await world.server.call("PATCH", "/api/v1/admin/principals/chubu_night", world.server.adminToken, { disabled: true });
  assert.equal(disabled.status, 200, disabled.text);
  const since = Date.now();
  // No click, no reload: the stream's end tells the page.
  await page.getByRole("alert").filter({ hasText: "セッションが終了しました" }).waitFor({ timeout: 5000 });
  assert.ok(Date.now() - since < 5000);
  await page.getByLabel("パスワード").waitFor();  // the sign-in form, in place of the picture
  assert.equal(await page.evaluate(() => window.__sameDocument), true);  // no reload happened
  await screenshot(page, "situation-session-ended-ja");
  await page.context().close();
});
