// Filing a report in the browser: the check panel shows the expected
// severity, the response and the recipients before sending (and changes
// with the route and "hide our name"); a field the server refuses is
// marked beside it; the sent report is stored; the draft survives a closed
// tab and is gone after sign-out.
import assert from "node:assert/strict";
import { test } from "node:test";

import { addPerson, newPage, screenshot, signIn, uiWorld } from "./support/browser.mjs";

let names;  // organization id -> Japanese name, from the registry

const world = uiWorld(async (server) => {
  const kanto = { id: "kanto_power", name_ja: "関東電力株式会社", name_en: "Kanto Power" };
  await server.call("POST", "/api/v1/admin/organizations", server.adminToken, {
    id: kanto.id, kind: "operator", name_ja: kanto.name_ja, name_en: kanto.name_en,
    sectors: ["electric_power"], ceptoars: ["electricity_ceptoar"],
  });
  await server.call("POST", "/api/v1/admin/organizations", server.adminToken, {
    id: "chubu_power", kind: "operator", name_ja: "中部電力株式会社", name_en: "Chubu Power", sectors: ["electric_power"],
  });
  await addPerson(server, { org: kanto, id: "soc", name: "SOC 当番", roles: ["reporter"], password: "Kanto-SOC-report-desk-1" });
  const orgs = await server.call("GET", "/api/v1/registry/organizations", server.adminToken);
  names = Object.fromEntries(orgs.json.items.map((o) => [o.id, o.name_ja]));
});

async function openForm(page) {
  await signIn(page, world.server.base, "soc", "Kanto-SOC-report-desk-1");
  await page.getByRole("link", { name: "報告" }).click();
  await page.getByRole("heading", { name: "報告する" }).waitFor();
}

test("the check panel shows the level, the response and the recipients before sending", async () => {
  const page = await newPage(world.browser, "ja");
  await openForm(page);
  await page.getByLabel("サービス障害").check();
  await page.getByLabel("件名").fill("変電所の制御システムが応答しない");
  await page.getByRole("group", { name: "サービスの状態" }).getByLabel("停止している").check();
  await page.getByLabel("影響が始まってからの時間（時間）").fill("2");
  await page.getByLabel("影響を受けた利用者・人数").fill("300000");
  await page.getByRole("group", { name: "攻撃は続いていますか" }).getByLabel("続いている").check();

  const level = page.getByTestId("preview-level");
  await page.waitForFunction(() => document.querySelector("[data-testid=preview-level]")?.textContent.includes("レベル 3"));
  assert.equal(await level.innerText(), "レベル 3（高）");
  const panel = page.locator("aside.report-preview");
  assert.match(await panel.innerText(), /サービスに影響する攻撃が続いており/);  // a reason, in Japanese
  assert.match(await panel.innerText(), /NISC の状況表示にリアルタイムで表示される/);  // the response

  // Through the CEPTOAR (the default for a member): its secretariat at
  // once, NISC when relayed; the other power company once released.
  const recipients = page.getByTestId("preview-recipients");
  await page.waitForFunction(() => document.querySelector("[data-testid=preview-recipients]")?.children.length === 2);
  const lines = await recipients.locator("li").allInnerTexts();
  assert.ok(lines[0].includes(names.electricity_isac), lines[0]);
  assert.ok(lines[0].includes("中継 · 送信してすぐ"), lines[0]);
  assert.ok(lines[1].includes(names.nisc), lines[1]);
  assert.ok(lines[1].includes("NISC · 中継されたとき"), lines[1]);
  assert.match(await panel.innerText(), /公開後に閲覧できる組織：\d+/);
  assert.match(await panel.innerText(), /中部電力株式会社/);

  // Hiding our name says so; the direct route cannot hide it.
  await page.getByLabel("連絡元を匿名化する").check();
  await panel.getByText("中継する事務局・機関のほかには、連絡元を伏せて届きます。").waitFor();
  // And shows what the others will read: our name, in the title, hidden.
  await page.getByLabel("件名").fill("関東電力 の変電所の制御システムが応答しない");
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=as-others-see]")?.textContent.includes("［匿名］ の変電所"));
  assert.ok(!(await page.getByTestId("as-others-see").innerText()).includes("関東電力"));
  await page.getByTestId("as-others-see").scrollIntoViewIfNeeded();
  await screenshot(page, "report-anonymized-preview-ja");
  // The same in English: the mark in English, the form as it was.
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "What the other organizations receive" }).waitFor();
  assert.match(await page.getByTestId("as-others-see").innerText(), /\[anonymized\] の変電所/);
  await page.getByTestId("as-others-see").scrollIntoViewIfNeeded();
  await screenshot(page, "report-anonymized-preview-en");
  await page.getByRole("button", { name: "日本語" }).click();
  await page.getByRole("heading", { name: "報告する" }).waitFor();
  await page.getByLabel("所管省庁と NISC へ直接").check();
  assert.equal(await page.getByLabel("連絡元を匿名化する").isDisabled(), true);
  assert.equal(await page.getByLabel("連絡元を匿名化する").isChecked(), false);
  await page.waitForFunction(
    (ministry) => document.querySelector("[data-testid=preview-recipients]")?.textContent.includes(ministry), names.meti);
  await screenshot(page, "report-ja");
  await page.context().close();
});

test("a field the server refuses is marked beside it; once fixed the report is sent and stored", async () => {
  const page = await newPage(world.browser, "ja");
  await openForm(page);
  await page.getByLabel("ヒヤリハット").check();
  await page.getByLabel("件名").fill("遠隔保守回線への不審な接続");
  await page.getByLabel("影響が始まってからの時間（時間）").fill("3");
  await page.getByLabel("復旧までの見込み（影響の開始から、時間）").fill("1");  // less than elapsed: refused
  await page.getByRole("button", { name: "送信する" }).click();
  const error = page.locator('[id="facts.outage.expected_minutes-error"]');
  await error.waitFor();
  assert.equal(await error.innerText(), "復旧までの見込みは、影響が始まってからの時間以上にしてください。");
  assert.equal(await page.locator('[id="facts.outage.expected_minutes"]').getAttribute("aria-invalid"), "true");
  await screenshot(page, "report-field-error-ja");

  await page.getByLabel("復旧までの見込み（影響の開始から、時間）").fill("6");
  await page.getByRole("button", { name: "送信する" }).click();
  await page.getByRole("status").filter({ hasText: "報告を送信しました" }).waitFor();
  const stored = await page.evaluate(async () => (await (await fetch("/api/v1/reports")).json()).items);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].title, "遠隔保守回線への不審な接続");
  assert.equal(stored[0].kind, "near_miss");
  assert.equal(stored[0].route, "via_ceptoar");
  // The form starts again empty.
  assert.equal(await page.getByLabel("件名").inputValue(), "");
  await page.context().close();
});

test("a draft survives a closed tab and is gone after sign-out", async () => {
  const page = await newPage(world.browser, "ja");
  await openForm(page);
  await page.getByLabel("件名").fill("書きかけの報告");
  await page.getByLabel("何が起きたか").fill("夜間に監視画面が固まった。");
  await page.waitForTimeout(100);
  const context = page.context();
  await page.close();

  const again = await context.newPage();
  await again.goto(world.server.base + "/reports/new");
  await again.getByRole("heading", { name: "報告する" }).waitFor();
  assert.equal(await again.getByLabel("件名").inputValue(), "書きかけの報告");
  assert.equal(await again.getByLabel("何が起きたか").inputValue(), "夜間に監視画面が固まった。");

  await again.getByRole("button", { name: "サインアウト" }).click();
  await again.getByRole("heading", { name: "サインイン" }).waitFor();
  const drafts = await again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("infrashare.draft.")));
  assert.deepEqual(drafts, []);
  await context.close();
});

test("a TLP:RED report goes to organizations named through the search, and to no sector", async () => {
  const page = await newPage(world.browser, "ja");
  await openForm(page);
  await page.getByLabel("ヒヤリハット").check();
  await page.getByLabel("件名").fill("特定の一社にだけ伝える接続試行");
  await page.getByLabel("所管省庁と NISC へ直接").check();
  await page.getByRole("group", { name: "共有の範囲（TLP）" }).getByLabel(/^TLP:RED/).check();
  // Sectors, CEPTOARs and groups are not for RED: unchecked and disabled.
  const sectorBox = page.locator('[id="audience.sectors"]').getByLabel("電力");
  assert.equal(await sectorBox.isChecked(), false);
  assert.equal(await sectorBox.isDisabled(), true);

  await page.getByLabel("組織を名称・ID で探す").fill("ｃｈｕｂｕ");
  await page.getByRole("button", { name: "中部電力株式会社 を追加" }).click();
  const chosen = page.locator('[id="audience.organizations"] ul.chosen');
  await chosen.getByText("中部電力株式会社").waitFor();
  await page.locator("aside.report-preview").getByText("公開後に閲覧できる組織：1").waitFor();
  await page.getByRole("button", { name: "送信する" }).click();
  await page.getByRole("status").filter({ hasText: "報告を送信しました" }).waitFor();
  const stored = await page.evaluate(async () =>
    (await (await fetch("/api/v1/reports?q=" + encodeURIComponent("接続試行"))).json()).items);
  assert.equal(stored.length, 1);
  const report = await page.evaluate(async (id) => (await fetch(`/api/v1/reports/${id}`)).json(), stored[0].id);
  assert.equal(report.tlp, "red");
  assert.deepEqual(report.audience.organizations, ["chubu_power"]);
  assert.deepEqual(report.audience.sectors, []);
  await page.context().close();
});
