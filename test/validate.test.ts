import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

const INVALID = "test/fixtures/invalid";
const fixtures = readdirSync(INVALID).filter((f) => f.endsWith(".yaml"));

/** Each malformed fixture states, in trailing `# expect:` comments, the exact problems it must produce. */
function expectations(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^# expect: (.*)$/gm)].map((m) => `${file}:${m[1]}`);
}

describe("supportbench validate: malformed suites", () => {
  it("has at least 30 malformed fixtures, each stating what it must produce", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    for (const f of fixtures) expect(expectations(path.join(INVALID, f)).length, f).toBeGreaterThan(0);
  });

  it.each(fixtures)("%s fails with its positioned message and exit 2", async (name) => {
    const file = path.join(INVALID, name);
    const r = await runCli(["validate", file]);
    expect(r.code).toBe(2);
    const problems = r.stderr.split("\n").filter((l) => l.startsWith(`${file}:`));
    expect(problems).toEqual(expectations(file));
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // never a stack trace
  });

  it("offers 'did you mean' for near misses", async () => {
    const r = await runCli([
      "validate",
      `${INVALID}/unknown-key-typo.yaml`,
      `${INVALID}/unknown-tool-action.yaml`,
      `${INVALID}/unknown-domain.yaml`,
    ]);
    expect(r.stderr).toContain("hint: did you mean `reference`?");
    expect(r.stderr).toContain("hint: did you mean `lookup_order`?");
    expect(r.stderr).toContain("hint: did you mean `fjordpay`?");
  });

  it("reports every problem of several files at once", async () => {
    const r = await runCli([
      "validate",
      `${INVALID}/tier-out-of-range.yaml`,
      `${INVALID}/bad-language-tag.yaml`,
      `${INVALID}/empty.yaml`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/3 problems found/);
  });

  it("finds duplicate scenario ids across files", async () => {
    const r = await runCli(["validate", `${INVALID}/dup-across/*.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${INVALID}/dup-across/b.yaml:4:9: duplicate scenario id \`shared-id\` (first defined at ${INVALID}/dup-across/a.yaml:4:9)`,
    );
  });

  it("names a missing file", async () => {
    const r = await runCli(["validate", "suites/nope.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("suites/nope.yaml:1:1: no such file");
  });
});

describe("supportbench validate: valid input", () => {
  it("accepts a UTF-8 BOM, CRLF line endings, anchors and merge keys", async () => {
    const r = await runCli([
      "validate",
      "test/fixtures/valid/bom-crlf.yaml",
      "test/fixtures/valid/anchors.yaml",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      scenarios: number;
      by_language: Record<string, number>;
      by_tier: Record<string, number>;
    };
    expect(summary.scenarios).toBe(3);
    expect(summary.by_language).toEqual({ de: 1, fr: 1, "pt-BR": 1 });
    expect(summary.by_tier).toEqual({ "1": 1, "2": 2 });
  });

  it("validates the bundled benchmark and summarises it", async () => {
    const r = await runCli(["validate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ \d+ suites, \d+ scenarios, domains: fjordpay/);
    expect(r.stdout).toMatch(/languages \(\d+\)/);
  });
});
