// The OpenAPI document against a real OpenAPI 3 validator and Redocly's
// linter (its recommended rules: no error, no warning; redocly.yaml), a
// TypeScript client generated from it (openapi-typescript) and compiled
// against a use of it, and real answers of the running server against the
// schemas the document gives their routes. Starts `infrashare serve` on a fresh data directory on loopback
// (port chosen by the system), stops it at the end.
//
//   node tests/openapi/check.mjs BUILD/src/app/infrashare SOURCE_DIR
//
// Prints one line per check and "N passed, M failed" last; exits non-zero
// when any check failed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Validator } from "@seriousme/openapi-schema-validator";
import { startServer } from "../support/server.mjs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [binary, sourceDir] = process.argv.slice(2);
if (!binary || !sourceDir) {
  console.error("usage: node check.mjs INFRASHARE_BINARY SOURCE_DIR");
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(ok, what, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}${detail ? "\n     " + detail : ""}`);
  }
}

const server = await startServer(binary, sourceDir);
const { base, adminToken, call } = server;
const workDir = mkdtempSync(join(tmpdir(), "infrashare-openapi-"));  // the document, the generated client
function stop() {
  server.stop();
  rmSync(workDir, { recursive: true, force: true });
}

try {
  // 1. The document, as the server serves it, is valid OpenAPI.
  const docAnswer = await call("GET", "/api/v1/openapi.json");
  const doc = docAnswer.json;
  const validation = await new Validator().validate(doc);
  check(validation.valid, `the document is valid OpenAPI ${doc.openapi}`, JSON.stringify(validation.errors));
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      check(Object.keys(op.responses).some((s) => s.startsWith("2")), `${method} ${path} documents its success`);
      if (["post", "patch"].includes(method) && path !== "/api/v1/openapi.json")
        check(op.requestBody?.content?.["application/json"]?.schema !== undefined, `${method} ${path} documents its body`);
    }

  // 2. Redocly's recommended rules find nothing, and a client generated from
  // the document compiles against a use of it.
  const here = dirname(fileURLToPath(import.meta.url));
  const bin = (name) => join(here, "node_modules", ".bin", name);
  const docFile = join(workDir, "openapi.json");
  writeFileSync(docFile, JSON.stringify(doc));
  const lint = spawnSync(bin("redocly"), ["lint", "--config", join(here, "redocly.yaml"), "--format", "json", docFile],
                         { encoding: "utf8", cwd: here });
  let totals;
  try {
    totals = JSON.parse(lint.stdout).totals;
  } catch {
    totals = undefined;
  }
  check(totals !== undefined && totals.errors === 0 && totals.warnings === 0,
        "Redocly's recommended rules: 0 errors, 0 warnings",
        totals ? lint.stdout.slice(0, 4000) : `${lint.stdout} ${lint.stderr}`.slice(0, 4000));
  const typesFile = join(workDir, "infrashare.d.ts");
  const generated = spawnSync(bin("openapi-typescript"), [docFile, "--output", typesFile], { encoding: "utf8" });
  check(generated.status === 0, "openapi-typescript generates a client's types", generated.stderr);
  const useFile = join(workDir, "use.ts");
  writeFileSync(useFile, `import type { paths, operations } from "./infrashare";
type Submit = paths["/api/v1/reports"]["post"]["requestBody"]["content"]["application/json"];
const report: Submit = { kind: "service_outage", title: "t", sectors: ["electric_power"], tlp: "amber",
                         route: "direct" };
type Created = operations["SubmitReport"]["responses"][201]["content"]["application/json"];
const id = (r: Created): string => r.id;
type Problem = operations["GetReport"]["responses"][404]["content"]["application/problem+json"];
const field = (p: Problem): string | undefined => p.field;
export { report, id, field };
`);
  const typeCheck = spawnSync(bin("tsc"), ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
                                          "--target", "es2022", useFile], { encoding: "utf8" });
  check(typeCheck.status === 0, "a use of the generated client compiles (tsc --strict)",
        typeCheck.stdout + typeCheck.stderr);

  // 3. Real answers validate against the schema of their route.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "urn:infrashare:openapi", components: doc.components });
  const compiled = new Map();
  function validatorFor(ref) {
    if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: "urn:infrashare:openapi" + ref }));
    return compiled.get(ref);
  }
  // `pattern` as in the document ("/api/v1/reports/{id}"); `path` as sent.
  async function expect(method, pattern, path, token, body, status) {
    const r = await call(method, path, token, body);
    const what = `${method} ${path} -> ${r.status}`;
    if (r.status !== status) {
      check(false, what, `expected ${status}: ${JSON.stringify(r.json)}`);
      return r.json;
    }
    const op = doc.paths[pattern]?.[method.toLowerCase()];
    if (!op) {
      check(false, what, `no operation ${method} ${pattern} in the document`);
      return r.json;
    }
    // A body the server accepted must fit the route's request schema too.
    const requestRef = op.requestBody?.content?.["application/json"]?.schema?.$ref;
    if (body !== undefined && status < 300 && requestRef) {
      const validateRequest = validatorFor(requestRef);
      check(validateRequest(body), `${method} ${pattern}: the accepted request matches ${requestRef.split("/").pop()}`,
            JSON.stringify(validateRequest.errors));
    }
    const response = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`];
    const [mediaType, content] = Object.entries(response.content ?? {})[0] ?? [];
    if (!content) {
      check(r.json === undefined, what, "the document gives no body");
      return r.json;
    }
    const validate = validatorFor(content.schema.$ref);
    const ok = r.type.startsWith(mediaType) && validate(r.json);
    check(ok, `${what} matches ${content.schema.$ref.split("/").pop()}`,
          `${r.type}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(r.json).slice(0, 2000)}`);
    return r.json;
  }

  // The schemas refuse what the server must not answer (the checks below can fail).
  check(!validatorFor("#/components/schemas/Report")({ id: "rpt_1" }), "the Report schema refuses a partial report");
  check(!validatorFor("#/components/schemas/SectorList")({ items: [{ id: "x", name_ja: "x", name_en: "x",
                                                                     ministry: "m", extra: 1 }] }),
        "the SectorList schema refuses an unknown member");

  await expect("GET", "/healthz", "/healthz", null, undefined, 200);
  await expect("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null, undefined, 200);
  // The registry.
  await expect("GET", "/api/v1/registry/sectors", "/api/v1/registry/sectors", null, undefined, 200);
  await expect("GET", "/api/v1/registry/ministries", "/api/v1/registry/ministries", null, undefined, 200);
  await expect("GET", "/api/v1/registry/ceptoars", "/api/v1/registry/ceptoars", null, undefined, 200);
  await expect("GET", "/api/v1/registry/groups", "/api/v1/registry/groups", adminToken, undefined, 200);
  await expect("GET", "/api/v1/registry/organizations", "/api/v1/registry/organizations", adminToken, undefined, 200);
  await expect("GET", "/api/v1/registry/organizations/{id}", "/api/v1/registry/organizations/meti", adminToken,
               undefined, 200);
  await expect("GET", "/api/v1/registry/organizations", "/api/v1/registry/organizations", null, undefined, 401);
  await expect("GET", "/api/v1/registry/organizations/{id}", "/api/v1/registry/organizations/nope", adminToken,
               undefined, 404);
  await expect("GET", "/api/v1/severity/policies", "/api/v1/severity/policies", null, undefined, 200);
  // Administration.
  await expect("POST", "/api/v1/admin/organizations", "/api/v1/admin/organizations", adminToken,
               { id: "oa_power", kind: "operator", name_ja: "検査電力", name_en: "Check Power",
                 sectors: ["electric_power"], ceptoars: ["electricity_ceptoar"],
                 contacts: [{ name: "SOC", email: "soc@example.org" }] }, 201);
  await expect("POST", "/api/v1/admin/principals", "/api/v1/admin/principals", adminToken,
               { id: "oa_soc", organization: "oa_power", name: "SOC desk", roles: ["reporter", "admin"] }, 201);
  const issued = await expect("POST", "/api/v1/admin/principals/{id}/tokens", "/api/v1/admin/principals/oa_soc/tokens",
                              adminToken, { label: "check" }, 201);
  const soc = issued?.token;
  await expect("GET", "/api/v1/admin/principals", "/api/v1/admin/principals", adminToken, undefined, 200);
  await expect("POST", "/api/v1/admin/principals", "/api/v1/admin/principals", adminToken, { id: "x" }, 400);
  // Reports.
  const facts = { service: { state: "stopped", lost_percent: 60 }, outage: { elapsed_minutes: 200, expected_minutes: 600 },
                  affected: { people: 2000000 }, attack: { status: "ongoing" } };
  // What a submission would do, with and without impact facts.
  const preview = await expect("POST", "/api/v1/reports/preview", "/api/v1/reports/preview", soc,
                               { kind: "near_miss", title: "Odd login", sectors: ["electric_power"], tlp: "green",
                                 audience: { everyone: true }, route: "via_ceptoar", anonymized: true, facts }, 200);
  check(preview?.assessment?.level >= 1 && preview?.recipients?.length >= 2 && preview?.source_hidden === true,
        "the preview answers the level, the trail and the hidden source", JSON.stringify(preview).slice(0, 500));
  await expect("POST", "/api/v1/reports/preview", "/api/v1/reports/preview", soc,
               { kind: "precursor", title: "Scan", tlp: "amber", route: "direct" }, 200);
  await expect("POST", "/api/v1/reports/preview", "/api/v1/reports/preview", soc, { kind: "precursor" }, 400);
  const report = await expect("POST", "/api/v1/reports", "/api/v1/reports", soc,
                              { kind: "service_outage", title: "Substation control lost", sectors: ["electric_power"],
                                systems: ["ot"], tlp: "amber", audience: { sectors: ["electric_power"] },
                                indicators: [{ type: "ipv4-addr", value: "192.0.2.10" }], facts,
                                route: "direct" }, 201);
  const reportPath = `/api/v1/reports/${report?.id}`;
  await expect("GET", "/api/v1/reports", "/api/v1/reports", soc, undefined, 200);
  await expect("GET", "/api/v1/reports", "/api/v1/reports?limit=1", adminToken, undefined, 200);
  await expect("GET", "/api/v1/reports/{id}", reportPath, soc, undefined, 200);
  await expect("GET", "/api/v1/reports/{id}", reportPath, adminToken, undefined, 200);
  await expect("PATCH", "/api/v1/reports/{id}", reportPath, soc, { title: "Substation control lost (update)" }, 200);
  await expect("GET", "/api/v1/reports/{id}/revisions", `${reportPath}/revisions`, soc, undefined, 200);
  await expect("GET", "/api/v1/reports/{id}/as-others-see", `${reportPath}/as-others-see`, soc, undefined, 200);
  await expect("POST", "/api/v1/reports/{id}/assessment", `${reportPath}/assessment`, adminToken,
               { action: "confirm", justification: "checked" }, 200);
  await expect("POST", "/api/v1/assess", "/api/v1/assess", soc, { facts }, 200);
  await expect("POST", "/api/v1/reports", "/api/v1/reports", soc, { kind: "nonsense" }, 400);
  await expect("GET", "/api/v1/reports/{id}", "/api/v1/reports/rpt_none", soc, undefined, 404);
  await expect("GET", "/api/v1/reports", "/api/v1/reports", null, undefined, 401);
  // The hotline.
  const alert = await expect("POST", "/api/v1/alerts", "/api/v1/alerts", adminToken,
                             { kind: "early_warning", title: "VPN gateway exploitation", message: "Patch tonight.",
                               ack_minutes: 30, recipients: { organizations: ["oa_power"] } }, 201);
  await expect("GET", "/api/v1/alerts", "/api/v1/alerts", adminToken, undefined, 200);
  await expect("GET", "/api/v1/alerts/{id}", `/api/v1/alerts/${alert?.id}`, adminToken, undefined, 200);
  await expect("GET", "/api/v1/alerts/{id}", `/api/v1/alerts/${alert?.id}`, soc, undefined, 200);
  await expect("POST", "/api/v1/alerts/{id}/ack", `/api/v1/alerts/${alert?.id}/ack`, soc, { note: "patched" }, 200);
  await expect("GET", "/api/v1/alerts", "/api/v1/alerts", soc, undefined, 200);
  await expect("POST", "/api/v1/alerts", "/api/v1/alerts", soc, { kind: "notice" }, 403);
  await expect("GET", "/api/v1/webhooks", "/api/v1/webhooks", soc, undefined, 200);
  await expect("POST", "/api/v1/webhooks", "/api/v1/webhooks", soc, { url: "ftp://127.0.0.1/x" }, 400);
  // A receiver on a loopback port nobody listens on: deliveries fail and are logged.
  await expect("POST", "/api/v1/webhooks", "/api/v1/webhooks", soc, { url: "http://127.0.0.1:9/hook" }, 400);
  const hook = await expect("POST", "/api/v1/webhooks", "/api/v1/webhooks", soc, { url: "https://hooks.example.invalid/in" }, 201);
  await expect("GET", "/api/v1/webhooks/{id}/deliveries", `/api/v1/webhooks/${hook?.id}/deliveries`, soc, undefined, 200);
  await expect("DELETE", "/api/v1/webhooks/{id}", `/api/v1/webhooks/${hook?.id}`, soc, undefined, 200);
  await expect("DELETE", "/api/v1/admin/tokens/{id}", `/api/v1/admin/tokens/${issued?.id}`, adminToken, undefined, 204);
  await expect("GET", "/api/v1/reports", "/api/v1/reports", soc, undefined, 401);
  await expect("GET", "/api/v1/admin/audit", "/api/v1/admin/audit?limit=500", adminToken, undefined, 200);
} catch (e) {
  check(false, "the checks ran to the end", String(e?.stack ?? e));
} finally {
  stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
