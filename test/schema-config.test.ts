import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-config-"));

describe("JSON Schemas for editors", () => {
  it("the committed schema/*.json match the zod schemas", async () => {
    const r = await runCli(["schema", "--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a stale schema is reported with a fix", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "suite.schema.json"), "{}\n");
    const r = await runCli(["schema", "--check", "--dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stale: .*suite\.schema\.json/);
    expect(r.stderr).toMatch(/supportbench schema --write/);
  });
});

describe("supportbench.config.yaml", () => {
  it("a bad config names the file, line and column, with a hint", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "supportbench.config.yaml"), "suites: [suites/*.yaml]\nconcurency: 4\nmax_turns: 0\n");
    const r = await runCli(["validate"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("supportbench.config.yaml:2:1: unknown key `concurency`");
    expect(r.stderr).toContain("did you mean `concurrency`?");
    expect(r.stderr).toMatch(/supportbench\.config\.yaml:3:12: max_turns: /);
  });

  it("a .mjs config with defineConfig is loaded", async () => {
    const dir = tmp();
    const index = path.resolve("dist/index.js");
    writeFileSync(
      path.join(dir, "supportbench.config.mjs"),
      `import { defineConfig } from ${JSON.stringify(index)};\nexport default defineConfig({ suites: [${JSON.stringify(path.resolve("suites/en.yaml"))}], domains: ${JSON.stringify(path.resolve("datasets/domains"))} });\n`,
    );
    const r = await runCli(["validate", "--json"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).scenarios).toBe(12);
  });

  it("with no suites of its own, a folder runs the bundled benchmark", async () => {
    const r = await runCli(["validate", "--json"], { cwd: tmp() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenarios).toBeGreaterThan(100);
  });
});
