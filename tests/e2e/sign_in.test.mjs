// Signing in through the browser: the first sign-in with a setup code (a
// weak password refused beside its field), a wrong password, the lock after
// 10 failures, sign-out, a password change; the session cookie's flags, the
// UI's Content-Security-Policy, and a forged change without the CSRF token.
import assert from "node:assert/strict";
import { test } from "node:test";

import { addPerson, newPage, screenshot, signIn, uiWorld } from "./support/browser.mjs";

const kanto = { id: "kanto_power", name_ja: "関東電力株式会社", name_en: "Kanto Power" };

const world = uiWorld();

test("first sign-in exchanges the setup code for a password and opens the page asked for", async () => {
  const code = await addPerson(world.server, { org: kanto, id: "soc1", name: "SOC 当番 1", roles: ["reporter"] });
  const page = await newPage(world.browser, "ja");
  await page.goto(world.server.base + "/registry");
  await page.getByRole("heading", { name: "サインイン" }).waitFor();
  await screenshot(page, "sign-in-ja");

  await page.getByRole("button", { name: "初回サインイン（セットアップコードをお持ちの方）" }).click();
  await page.getByLabel("ユーザーID").fill("soc1");
  await page.getByLabel("セットアップコード").fill(code);
  await page.getByLabel("新しいパスワード", { exact: true }).fill("password1234");
  await page.getByLabel("新しいパスワード（確認）").fill("password1234");
  await page.getByRole("button", { name: "パスワードを設定してサインイン" }).click();

  // The server's refusal of a common password, in Japanese, beside its field.
  const error = page.locator("#new_password-error");
  await error.waitFor();
  assert.match(await error.innerText(), /よく使われるパスワード/);
  assert.equal(await page.locator("#new_password").getAttribute("aria-invalid"), "true");
  await screenshot(page, "sign-in-setup-error-ja");

  await page.getByLabel("新しいパスワード", { exact: true }).fill("Kanto-SOC-night-shift-7");
  await page.getByLabel("新しいパスワード（確認）").fill("Kanto-SOC-night-shift-7");
  await page.getByRole("button", { name: "パスワードを設定してサインイン" }).click();

  await page.getByRole("heading", { name: "レジストリ" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/registry");
  assert.match(await page.locator("header").innerText(), /SOC 当番 1/);

  // The setup code was used once: it no longer signs in.
  const again = await world.server.call("POST", "/api/v1/session", undefined,
                                  { principal: "soc1", setup_code: code, new_password: "Another-long-pass-99" });
  assert.equal(again.status, 401);
  await page.context().close();
});

test("a wrong password is refused without saying which part was wrong; the right one signs in; sign-out ends it", async () => {
  await addPerson(world.server, { org: kanto, id: "soc2", name: "SOC 当番 2", roles: ["reporter"], password: "Kanto-SOC-day-shift-42" });
  const page = await newPage(world.browser, "ja");
  await page.goto(world.server.base + "/");
  await page.locator("#principal").fill("soc2");
  await page.locator("#password").fill("not-the-password-at-all");
  await page.locator("form button[type=submit]").click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.innerText(), "ユーザーID、パスワード、またはセットアップコードが正しくありません。");
  // An unknown name gets the very same answer.
  await page.locator("#principal").fill("nobody_here");
  await page.locator("#password").fill("not-the-password-at-all");
  await page.locator("form button[type=submit]").click();
  await page.waitForFunction(() => document.querySelector("form button[type=submit]")?.disabled === false);
  assert.equal(await page.getByRole("alert").innerText(), "ユーザーID、パスワード、またはセットアップコードが正しくありません。");

  await page.locator("#principal").fill("soc2");
  await page.locator("#password").fill("Kanto-SOC-day-shift-42");
  await page.locator("form button[type=submit]").click();
  await page.getByRole("heading", { name: "ホーム" }).waitFor();
  assert.match(await page.locator("main").innerText(), /SOC 当番 2 さん、ようこそ/);
  assert.match(await page.locator("main").innerText(), /関東電力株式会社/);

  // The cookie: HttpOnly, SameSite=Strict, Path=/, unreadable by scripts.
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "infrashare_session");
  assert.ok(session, `no session cookie among ${cookies.map((c) => c.name)}`);
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(session.path, "/");
  assert.equal(await page.evaluate(() => document.cookie), "");

  await page.getByRole("button", { name: "サインアウト" }).click();
  await page.getByRole("heading", { name: "サインイン" }).waitFor();
  // The old cookie, replayed, is refused.
  const replay = await world.server.call("GET", "/api/v1/session", undefined, undefined,
                                   { cookie: `infrashare_session=${session.value}` });
  assert.equal(replay.status, 401);
  await page.reload();
  await page.getByRole("heading", { name: "サインイン" }).waitFor();
  await page.context().close();
});

test("ten failed sign-ins lock the name, even for the right password, and the page says so", async () => {
  await addPerson(world.server, { org: kanto, id: "soc3", name: "SOC 当番 3", roles: ["reporter"], password: "Kanto-SOC-weekend-duty-5" });
  const page = await newPage(world.browser, "ja");
  await page.goto(world.server.base + "/");
  for (let i = 0; i < 10; i++) {
    await page.locator("#principal").fill("soc3");
    await page.locator("#password").fill(`wrong-guess-number-${i}`);
    await page.locator("form button[type=submit]").click();
    await page.waitForFunction(() => document.querySelector("form button[type=submit]")?.disabled === false);
  }
  await page.locator("#principal").fill("soc3");
  await page.locator("#password").fill("Kanto-SOC-weekend-duty-5");
  await page.locator("form button[type=submit]").click();
  await page.waitForFunction(() => document.querySelector("form button[type=submit]")?.disabled === false);
  assert.match(await page.getByRole("alert").innerText(), /一時的にロックされています/);
  assert.equal(await page.locator("header nav").count(), 0);
  await screenshot(page, "sign-in-locked-ja");
  await page.context().close();
});

test("the UI's pages carry a strict Content-Security-Policy; a change without the CSRF token is refused", async () => {
  await addPerson(world.server, { org: kanto, id: "soc4", name: "SOC 当番 4", roles: ["reporter"], password: "Kanto-SOC-holiday-duty-8" });
  const page = await newPage(world.browser, "en");
  const violations = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto(world.server.base + "/registry");
  const csp = response.headers()["content-security-policy"];
  assert.ok(csp.includes("default-src 'self'"), csp);
  assert.ok(csp.includes("frame-ancestors 'none'"), csp);
  assert.ok(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), csp);
  assert.equal(response.headers()["x-content-type-options"], "nosniff");
  assert.equal(response.headers()["referrer-policy"], "no-referrer");
  assert.equal(response.headers()["cache-control"], "no-cache");
  await signIn(page, world.server.base, "soc4", "Kanto-SOC-holiday-duty-8");
  await page.goto(world.server.base + "/registry");
  await page.getByRole("heading", { name: "Registry" }).waitFor();
  assert.deepEqual(violations, []);

  // A script (say, injected) that changes something without the token.
  const forged = await page.evaluate(async () => {
    const r = await fetch("/api/v1/session/password", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ current_password: "Kanto-SOC-holiday-duty-8", new_password: "Taken-over-by-a-forger-1" }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(forged.status, 403, JSON.stringify(forged.body));
  assert.equal(forged.body.reason, "csrf_token_missing");
  // Nothing changed: the old password still signs in.
  const check = await world.server.call("POST", "/api/v1/session", undefined, { principal: "soc4", password: "Kanto-SOC-holiday-duty-8" });
  assert.equal(check.status, 201);
  await page.context().close();
});

test("a password change in the browser ends the other sessions and keeps this one", async () => {
  await addPerson(world.server, { org: kanto, id: "soc5", name: "SOC 当番 5", roles: ["reporter"], password: "Kanto-SOC-first-pass-11" });
  const other = await world.server.call("POST", "/api/v1/session", undefined, { principal: "soc5", password: "Kanto-SOC-first-pass-11" });
  const otherCookie = other.headers.get("set-cookie").split(";")[0];
  const page = await newPage(world.browser, "ja");
  await signIn(page, world.server.base, "soc5", "Kanto-SOC-first-pass-11");
  await page.getByRole("link", { name: "パスワード変更" }).click();
  await page.getByRole("heading", { name: "パスワード変更" }).waitFor();
  await page.getByLabel("現在のパスワード").fill("wrong-current-password");
  await page.getByLabel("新しいパスワード", { exact: true }).fill("Kanto-SOC-second-pass-22");
  await page.getByLabel("新しいパスワード（確認）").fill("Kanto-SOC-second-pass-22");
  await page.getByRole("button", { name: "変更する" }).click();
  await page.locator("#current_password-error").waitFor();
  assert.equal(await page.locator("#current_password-error").innerText(), "現在のパスワードが正しくありません。");

  await page.getByLabel("現在のパスワード").fill("Kanto-SOC-first-pass-11");
  await page.getByRole("button", { name: "変更する" }).click();
  await page.getByRole("status").waitFor();
  assert.match(await page.getByRole("status").innerText(), /パスワードを変更しました/);
  const ended = await world.server.call("GET", "/api/v1/session", undefined, undefined, { cookie: otherCookie });
  assert.equal(ended.status, 401);
  // This browser stays signed in, with a new session.
  await page.reload();
  await page.getByRole("heading", { name: "パスワード変更" }).waitFor();
  await page.context().close();
});
