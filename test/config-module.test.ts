import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

/** supportbench.config.mjs: what its default export must be, and what happens when it is not. */

const SUITE = `suite: cfg
domain: fjordpay
scenarios:
  - id: cfg-1
    intent: refund.status
    tier: 1
    language: en
    customer: { opening: "Hello, where is my refund?" }
    expect: { escalate: false }
`;

/** A folder whose only suite lives in mine/, so a config that is read is seen to be read. */
function project(config: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-config-"));
  mkdirSync(path.join(dir, "mine"));
  writeFileSync(path.join(dir, "mine", "cfg.yaml"), SUITE);
  writeFileSync(path.join(dir, "supportbench.config.mjs"), config);
  return dir;
}

describe("supportbench.config.mjs", () => {
  it("uses a plain default export", async () => {
    const r = await runCli(["validate", "--json"], { cwd: project('export default { suites: ["mine/*.yaml"] };\n') });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scenarios: 1 });
  });

  it("awaits a default export that is a promise", async () => {
    const dir = project('export default Promise.resolve({ suites: ["mine/*.yaml"], trials: 0 });\n');
    const bad = await runCli(["validate"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/supportbench\.config\.mjs:1:1: trials: /);
    const ok = await runCli(["validate", "--json"], {
      cwd: project('export default Promise.resolve({ suites: ["mine/*.yaml"] });\n'),
    });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ scenarios: 1 });
  });

  it("rejects a module without a default export instead of ignoring it", async () => {
    const r = await runCli(["validate"], { cwd: project('export const config = { suites: ["mine/*.yaml"] };\n') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "supportbench.config.mjs:1:1: the config module has no default export (it exports `config`)",
    );
    expect(r.stderr).toContain("hint: write `export default defineConfig({...})`");
  });

  it("rejects a default export that is not an object, and a promise that fails", async () => {
    const fn = await runCli(["validate"], { cwd: project("export default () => ({});\n") });
    expect(fn.code).toBe(2);
    expect(fn.stderr).toContain("the config's default export is a function, not a config object");
    const failed = await runCli(["validate"], {
      cwd: project('export default Promise.reject(new Error("no secrets"));\n'),
    });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("the config's default export is a promise that failed: no secrets");
  });
});
