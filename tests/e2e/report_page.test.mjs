// A report's page: the CEPTOAR secretariat relays an anonymized report from
// it, NISC's analyst confirms the severity with a justification, and a third
// organization reads it without ever receiving its source.
import assert from "node:assert/strict";
import { test } from "node:test";

import { addPerson, axeViolations, newPage, screenshot, signIn, uiWorld } from "./support/browser.mjs";

const kanto = { id: "kanto_power", name_ja: "関東電力株式会社", name_en: "Kanto Power" };
const chubu = { id: "chubu_power", name_ja: "中部電力株式会社", name_en: "Chubu Power" };
let reportId;

const world = uiWorld(async (server) => {
  for (const [o, extra] of [[kanto, { ceptoars: ["electricity_ceptoar"] }], [chubu, {}]]) {
    const r = await server.call("POST", "/api/v1/admin/organizations", server.adminToken, {
      id: o.id, kind: "operator", name_ja: o.name_ja, name_en: o.name_en, sectors: ["electric_power"], ...extra,
    });
    assert.equal(r.status, 201, r.text);
  }
  await addPerson(server, { org: kanto, id: "kanto_soc", name: "関東 SOC 当番", roles: ["reporter"], password: "Kanto-SOC-report-page-1" });
  await addPerson(server, { org: chubu, id: "chubu_soc", name: "中部 SOC 当番", roles: ["reporter"], password: "Chubu-SOC-report-page-2" });
  await addPerson(server, { org: { id: "electricity_isac" }, id: "isac_relay", name: "電力ISAC 事務局", roles: ["relay"], password: "ISAC-relay-report-page-3" });
  await addPerson(server, { org: { id: "nisc" }, id: "nisc_analyst", name: "NISC 分析官", roles: ["analyst"], password: "NISC-analyst-report-page-4" });
  const token = await server.call("POST", "/api/v1/admin/principals/kanto_soc/tokens", server.adminToken, {});
  const sent = await server.call("POST", "/api/v1/reports", token.json.token, {
    kind: "attack_info", title: "制御網への侵入の試み（関東電力株式会社）", text: "Kanto Power の保守端末から不審な通信。",
    sectors: ["electric_power"], tlp: "green", audience: { everyone: true }, route: "via_ceptoar", anonymized: true,
    facts: { service: { state: "degraded" }, outage: { elapsed_minutes: 90 }, attack: { status: "ongoing" } },
  });
  assert.equal(sent.status, 201, sent.text);
  reportId = sent.json.id;
});

test("the secretariat relays it from its page; the analyst confirms the level; a third organization never sees the source", async () => {
  // The secretariat: from the situation picture to the report, then relay.
  const isac = await newPage(world.browser, "ja");
  await signIn(isac, world.server.base, "isac_relay", "ISAC-relay-report-page-3");
  await isac.getByRole("link", { name: "状況表示" }).click();
  await isac.getByRole("link", { name: /制御網への侵入の試み/ }).click();
  await isac.getByRole("heading", { name: /制御網への侵入の試み/ }).waitFor();
  assert.match(await isac.locator("main").innerText(), /中継待ち/);
  await isac.getByTestId("report-source").filter({ hasText: kanto.name_ja }).waitFor();  // the relay knows the source
  assert.equal(await isac.getByLabel("連絡元を匿名化する").isDisabled(), true);     // and cannot lift the anonymity
  // The audience the source chose, which the secretariat may widen within the TLP.
  assert.equal(await isac.locator("#relay-audience").getByLabel("すべての会員").isChecked(), true);
  // What the others will read, the source's names hidden.
  const outside = isac.getByTestId("as-others-see");
  await outside.filter({ hasText: "制御網への侵入の試み（［匿名］）" }).waitFor();
  assert.match(await outside.innerText(), /［匿名］ の保守端末から不審な通信/);
  assert.ok(!(await outside.innerText()).includes("関東電力"));
  await screenshot(isac, "report-relay-ja");
  await isac.getByRole("button", { name: "中継する" }).click();
  await isac.getByText("共有先へ公開済み").waitFor();
  assert.deepEqual(await axeViolations(isac), []);
  await isac.context().close();

  // NISC's analyst: the source hidden, the level confirmed with a justification.
  const nisc = await newPage(world.browser, "ja");
  await signIn(nisc, world.server.base, "nisc_analyst", "NISC-analyst-report-page-4");
  await nisc.goto(`${world.server.base}/reports/${reportId}`);
  await nisc.getByRole("heading", { name: /制御網への侵入の試み/ }).waitFor();
  assert.equal(await nisc.getByTestId("report-source").innerText(), "（匿名）");
  await nisc.getByLabel("根拠").fill("電力ISACからの補足で停止範囲を確認。");
  await nisc.getByRole("button", { name: "記録する" }).click();
  const review = nisc.getByTestId("review");
  await review.waitFor();
  assert.match(await review.innerText(), /がレベル \d を確認しました。/);
  assert.match(await review.innerText(), /電力ISACからの補足で停止範囲を確認。/);
  // What the server writes in English (its own notes, a response alert's
  // title, the anonymization mark) the Japanese page says in Japanese.
  const text = await nisc.locator("main").innerText();
  for (const english of ["submitted", "relayed", "severity confirm", "Severity level", "anonymized"])
    assert.ok(!text.includes(english), `"${english}" on the Japanese page`);
  assert.match(text, /［匿名］/);
  await screenshot(nisc, "report-page-ja");

  // An alert about the report, raised from its page, is listed there.
  await nisc.getByText("この報告について警報を発出する").click();
  await nisc.getByLabel("件名").fill("電力分野：制御網への侵入の試みに注意");
  await nisc.getByRole("group", { name: "宛先の分野" }).getByLabel("電力").check();
  await nisc.getByRole("button", { name: "発出する" }).click();
  await nisc.getByRole("link", { name: "電力分野：制御網への侵入の試みに注意" }).waitFor();
  await nisc.context().close();

  // A third organization of the sector.
  const other = await newPage(world.browser, "ja");
  const answers = [];
  other.on("response", async (response) => {
    if ((response.headers()["content-type"] ?? "").includes("json")) answers.push(await response.text().catch(() => ""));
  });
  await signIn(other, world.server.base, "chubu_soc", "Chubu-SOC-report-page-2");
  await other.goto(`${world.server.base}/reports/${reportId}`);
  await other.getByRole("heading", { name: /制御網への侵入の試み/ }).waitFor();
  await other.getByText("第2版").first().waitFor();  // the revisions list, loaded
  assert.equal(await other.getByTestId("report-source").innerText(), "（匿名）");
  assert.equal(await other.getByRole("button", { name: "中継する" }).count(), 0);  // not its to relay
  assert.equal(await other.getByRole("button", { name: "記録する" }).count(), 0);  // nor to review
  const seen = [await other.evaluate(() => document.body.innerText), ...answers].join("\n");
  for (const name of [kanto.name_ja, kanto.name_en, kanto.id, "関東電力", "関東 SOC 当番", "kanto_soc"])
    assert.ok(!seen.includes(name), `the source "${name}" reached the third organization's page`);
  await other.context().close();
});

test("the submitter revises the impact as it grows: the facts it changed, kept what the form does not ask, assessed again", async () => {
  const soc = await newPage(world.browser, "ja");
  await signIn(soc, world.server.base, "kanto_soc", "Kanto-SOC-report-page-1");
  await soc.goto(`${world.server.base}/reports/${reportId}`);
  await soc.getByRole("heading", { name: /制御網への侵入の試み/ }).waitFor();
  const before = await soc.evaluate(async (id) => (await fetch(`/api/v1/reports/${id}`)).json(), reportId);
  await soc.getByText("報告を更新する（新しい版）").click();
  // The form starts from the stored facts.
  const state = soc.getByRole("group", { name: "サービスの状態" });
  assert.equal(await state.getByLabel("低下している").isChecked(), true);
  assert.equal(await soc.getByLabel("影響が始まってからの時間（時間）").inputValue(), "1.5");
  await state.getByLabel("停止している").check();
  await soc.getByLabel("影響が始まってからの時間（時間）").fill("6");
  await soc.getByLabel("影響を受けた利用者・人数").fill("1200000");
  await soc.locator("#revise-note").fill("停止範囲が拡大");
  await screenshot(soc, "report-revise-ja");
  await soc.getByRole("button", { name: "更新する" }).click();
  await soc.getByText("停止範囲が拡大").waitFor();  // the revision's note in the list
  const after = await soc.evaluate(async (id) => (await fetch(`/api/v1/reports/${id}`)).json(), reportId);
  assert.equal(after.revision, before.revision + 1);
  assert.equal(after.facts.service.state, "stopped");
  assert.equal(after.facts.outage.elapsed_minutes, 360);
  assert.equal(after.facts.affected.people, 1200000);
  assert.equal(after.facts.attack.status, "ongoing");  // untouched, kept
  assert.ok(after.assessment.level >= before.assessment.level, JSON.stringify(after.assessment));
  await soc.context().close();
});
