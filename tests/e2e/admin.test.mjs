// Administration in the browser: an organization's administrator adds a
// person and gets the setup code shown once; the person signs in with it
// for the first time; a page the role does not allow is a clean refusal;
// disabling a person ends their open session at once; a
// person's language follows them to another browser.
import assert from "node:assert/strict";
import { test } from "node:test";

import { addPerson, axeViolations, newPage, screenshot, signIn, uiWorld } from "./support/browser.mjs";

const kanto = { id: "kanto_power", name_ja: "関東電力株式会社", name_en: "Kanto Power" };
const world = uiWorld(async (server) => {
  await addPerson(server, { org: kanto, id: "kanto_admin", name: "関東 管理者", roles: ["admin"], password: "Kanto-admin-desk-key-1" });
  await addPerson(server, { org: kanto, id: "kanto_day", name: "日勤 当番", roles: ["reporter"], password: "Kanto-day-shift-desk-7" });
});

test("an administrator adds a person, whose setup code works once; a reporter gets a clean refusal", async () => {
  const admin = await newPage(world.browser, "ja");
  await signIn(admin, world.server.base, "kanto_admin", "Kanto-admin-desk-key-1");
  await admin.getByRole("link", { name: "管理" }).click();
  await admin.getByRole("heading", { name: "管理", exact: true }).waitFor();
  await admin.getByText("利用者を追加する").click();
  // The organization's part of the user IDs is filled in; the name goes after it.
  assert.equal(await admin.getByLabel("ユーザーID").inputValue(), "kanto_power.");
  await admin.getByLabel("ユーザーID").fill("kanto_power.night");
  await admin.getByLabel("氏名・窓口名").fill("夜間当番");
  await admin.getByRole("button", { name: "追加する" }).first().click();
  const secret = admin.getByTestId("secret");
  await secret.waitFor();
  const code = await secret.innerText();
  assert.match(code, /^\S{8,}$/);
  await admin.locator('tr[data-principal="kanto_power.night"]').waitFor();
  assert.deepEqual(await axeViolations(admin), []);
  await screenshot(admin, "admin-added-ja");

  // The new person, in another browser: first sign-in with the code.
  const night = await newPage(world.browser, "ja");
  await night.goto(world.server.base + "/");
  await night.getByRole("button", { name: "初回サインイン（セットアップコードをお持ちの方）" }).click();
  await night.getByLabel("ユーザーID").fill("kanto_power.night");
  await night.getByLabel("セットアップコード").fill(code);
  await night.getByLabel("新しいパスワード", { exact: true }).fill("Night-shift-of-Kanto-42");
  await night.getByLabel("新しいパスワード（確認）").fill("Night-shift-of-Kanto-42");
  await night.getByRole("button", { name: "パスワードを設定してサインイン" }).click();
  await night.getByRole("heading", { name: "ホーム" }).waitFor();
  // A reporter has no administration: no menu entry, and the page refuses cleanly.
  assert.equal(await night.getByRole("link", { name: "管理" }).count(), 0);
  await night.goto(world.server.base + "/admin");
  await night.getByRole("heading", { name: "この画面を使う権限がありません" }).waitFor();
  // And the server refuses what the page would have asked.
  const forbidden = await night.evaluate(async () => (await fetch("/api/v1/admin/principals")).status);
  assert.equal(forbidden, 403);
  await admin.context().close();
  await night.context().close();
});

test("a disabled person's open session ends at once, and enabled again they sign in", async () => {
  const day = await newPage(world.browser, "ja");
  await signIn(day, world.server.base, "kanto_day", "Kanto-day-shift-desk-7");
  await day.getByRole("heading", { name: "ホーム" }).waitFor();

  const admin = await newPage(world.browser, "ja");
  await signIn(admin, world.server.base, "kanto_admin", "Kanto-admin-desk-key-1");
  await admin.goto(world.server.base + "/admin");
  const row = admin.locator('tr[data-principal="kanto_day"]');
  await row.waitFor();
  // Not oneself: the administrator's own row offers no disabling.
  assert.equal(await admin.locator('tr[data-principal="kanto_admin"]').getByRole("button", { name: "利用を停止する" }).count(), 0);
  admin.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "利用を停止する" }).click();
  await admin.getByText("kanto_day の利用を停止しました。").waitFor();
  await row.getByText("停止中：").waitFor();
  await screenshot(admin, "admin-disabled-ja");

  // The person's open page learns at once, without a request of its own:
  // the event stream of its session ends, and the page asks.
  await day.getByText("セッションが終了しました。もう一度サインインしてください。").waitFor();
  await day.locator("#principal").fill("kanto_day");
  await day.locator("#password").fill("Kanto-day-shift-desk-7");
  await day.locator("form button[type=submit]").click();
  await day.getByText("このユーザーIDは利用が停止されています。組織の管理者に問い合わせてください。").waitFor();

  await row.getByRole("button", { name: "利用を再開する" }).click();
  await admin.getByText("kanto_day の利用を再開しました。").waitFor();
  await day.locator("#password").fill("Kanto-day-shift-desk-7");
  await day.locator("form button[type=submit]").click();
  await day.locator("header nav").waitFor();
  await admin.context().close();
  await day.context().close();
});

test("a person's language follows them to another browser", async () => {
  const first = await newPage(world.browser, "ja");
  await signIn(first, world.server.base, "kanto_day", "Kanto-day-shift-desk-7");
  // The choice is stored before the other browser asks.
  const stored = first.waitForResponse((r) => r.url().endsWith("/api/v1/session/language"));
  await first.getByRole("button", { name: "English" }).click();
  await first.getByRole("heading", { name: "Home" }).waitFor();
  assert.equal((await stored).status(), 200);
  await first.context().close();

  // Another browser whose own language is Japanese, nothing remembered.
  const second = await newPage(world.browser, "ja");
  await second.goto(world.server.base + "/");
  await second.getByRole("heading", { name: "サインイン" }).waitFor();
  await signIn(second, world.server.base, "kanto_day", "Kanto-day-shift-desk-7");
  await second.getByRole("heading", { name: "Home" }).waitFor();
  assert.equal(await second.evaluate(() => document.documentElement.lang), "en");
  await second.context().close();
});
