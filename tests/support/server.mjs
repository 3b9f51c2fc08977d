// The real server for the Node.js tests (tests/openapi, tests/e2e): a fresh
// data directory with the plan's registry (`infrashare init`), then
// `infrashare serve` on loopback at a port the system chooses; stop() ends
// it and removes the directory. Node.js built-ins only.
//
//   const server = await startServer(binary, sourceDir);
//   await server.call("POST", "/api/v1/admin/organizations", server.adminToken, {...});
//   server.stop();
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function startServer(binary, sourceDir, extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), "infrashare-test-"));
  const init = spawnSync(binary, ["init", "--data", dataDir, "--registry", join(sourceDir, "data/registry/registry.toml")],
                         { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`infrashare init failed: ${init.stderr}`);
  const adminToken = init.stdout.trim().split("\n").pop();

  const child = spawn(binary, ["serve", "--data", dataDir, "--listen", "127.0.0.1:0", ...extraArgs],
                      { stdio: ["ignore", "pipe", "pipe"] });
  let serverErr = "";
  child.stderr.on("data", (d) => (serverErr += d));
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${serverErr}`)), 30000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited (${code}): ${serverErr}`)));
  });

  // One JSON call: {status, type, json, headers}.
  async function call(method, path, token, body, extraHeaders = {}) {
    const headers = { ...extraHeaders };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    const type = r.headers.get("content-type") ?? "";
    return { status: r.status, type, headers: r.headers, json: text && type.includes("json") ? JSON.parse(text) : undefined, text };
  }

  function stop() {
    child.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }

  return { base, adminToken, call, stop, stderr: () => serverErr };
}
