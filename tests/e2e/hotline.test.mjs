// The hotline: NISC raises an alert in the browser; a recipient sees it
// announced on every page, acknowledges it in one click, and NISC's page
// shows the new state live.
import assert from "node:assert/strict";
import { test } from "node:test";

import { addPerson, newPage, screenshot, signIn, uiWorld } from "./support/browser.mjs";

const kanto = { id: "kanto_power", name_ja: "関東電力株式会社", name_en: "Kanto Power" };

const world = uiWorld(async (server) => {
  await addPerson(server, { org: kanto, id: "kanto_soc", name: "関東 SOC 当番", roles: ["reporter"], password: "Kanto-SOC-hotline-desk-1" });
  await addPerson(server, { org: { id: "nisc" }, id: "nisc_duty", name: "NISC 当番", roles: ["duty_officer"], password: "NISC-duty-hotline-night-2" });
});

test("NISC raises an alert, the recipient acknowledges it in one click, NISC sees it live", async () => {
  const nisc = await newPage(world.browser, "ja");
  await signIn(nisc, world.server.base, "nisc_duty", "NISC-duty-hotline-night-2");
  await nisc.getByRole("link", { name: "ホットライン" }).click();
  await nisc.getByRole("heading", { name: "ホットライン", exact: true }).waitFor();
  await nisc.getByRole("status").filter({ hasText: "ライブ更新中" }).waitFor();
  await nisc.getByText("警報を発出する").click();
  await nisc.getByLabel("早期警戒情報").check();
  await nisc.getByLabel("件名").fill("VPN 装置の脆弱性を悪用する攻撃");
  await nisc.getByLabel("本文").fill("今夜中に修正プログラムを適用してください。");
  await nisc.getByRole("group", { name: "宛先の分野" }).getByLabel("電力").check();
  await nisc.getByLabel("確認応答の期限（分）").fill("30");
  await nisc.getByRole("button", { name: "発出する" }).click();
  await nisc.getByRole("status").filter({ hasText: "警報を発出しました。" }).waitFor();
  const card = nisc.locator("article.alert-card").filter({ hasText: "VPN 装置の脆弱性を悪用する攻撃" });
  await card.waitFor();
  const kantoRow = card.locator('tr[data-recipient="kanto_power"]');
  await kantoRow.filter({ hasText: "関東電力株式会社" }).waitFor();  // its name, once fetched
  assert.doesNotMatch(await kantoRow.innerText(), /確認応答済み/);
  await nisc.evaluate(() => { window.__sameDocument = true; });

  // The recipient: announced on whatever page it has open.
  const soc = await newPage(world.browser, "ja");
  await signIn(soc, world.server.base, "kanto_soc", "Kanto-SOC-hotline-desk-1");
  const banner = soc.locator(".pending-alerts");
  await banner.waitFor();
  assert.match(await banner.innerText(), /確認応答を待っている警報が 1 件あります。/);
  await soc.getByRole("link", { name: "ホットラインを開く" }).click();
  const mine = soc.locator("article.alert-card.waiting");
  await mine.waitFor();
  assert.match(await mine.locator(".countdown").innerText(), /確認応答の期限まで残り (29|30) 分/);
  await screenshot(soc, "hotline-recipient-ja");
  await mine.getByRole("button", { name: "確認応答する" }).click();
  await soc.getByTestId("own-state").filter({ hasText: "確認応答済み" }).waitFor();
  await banner.waitFor({ state: "detached" });

  // NISC's page changes by itself.
  await kantoRow.filter({ hasText: "確認応答済み" }).waitFor();
  assert.match(await card.getByTestId("ack-summary").innerText(), /確認応答済み 1 \//);
  assert.equal(await nisc.evaluate(() => window.__sameDocument), true);
  await screenshot(nisc, "hotline-ja");
  await nisc.context().close();
  await soc.context().close();
});
