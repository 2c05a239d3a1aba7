import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

/** Input files that are not UTF-8, and suite paths that are empty or name a folder. */

const SUITE = `suite: enc
domain: fjordpay
defaults: { language: de, tier: 1 }
scenarios:
  - id: enc-1
    intent: refund.status
    customer: { opening: "Größe 42 passt nicht, wo bleibt mein Geld?" }
    expect: { escalate: false }
`;

function folder(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-validate-input-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function utf16le(text: string, bom: boolean): Uint8Array {
  const body = Buffer.from(text, "utf16le");
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

describe("supportbench validate: files that are not UTF-8", () => {
  it("rejects a Latin-1 suite at the first bad byte, naming the encoding, instead of damaging the text", async () => {
    const dir = folder({ "suites/latin1.yaml": Buffer.from(SUITE, "latin1") });
    const r = await runCli(["validate", "suites/latin1.yaml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "suites/latin1.yaml:7:29: the file is not UTF-8: byte 0xF6 is not valid UTF-8 (it looks like Latin-1 / Windows-1252)",
    );
    expect(r.stderr).toContain("hint: re-save the file as UTF-8");
    const run = await runCli(["run", "--candidate", "builtin:reference", "suites/latin1.yaml", "--no-report"], {
      cwd: dir,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("suites/latin1.yaml:7:29: the file is not UTF-8");
  });

  it("rejects a UTF-16 suite with and without a byte-order mark", async () => {
    const dir = folder({
      "suites/bom.yaml": utf16le(SUITE, true),
      "suites/nobom.yaml": utf16le(SUITE, false),
    });
    const r = await runCli(["validate", "suites/*.yaml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("suites/bom.yaml:1:1: the file is not UTF-8 (it looks like UTF-16 LE)");
    expect(r.stderr).toContain("suites/nobom.yaml:1:1: the file is not UTF-8 (it looks like UTF-16 LE)");
    expect(r.stderr).not.toMatch(/expected object/);
  });

  it("accepts the same suite in UTF-8, with or without a byte-order mark", async () => {
    const dir = folder({
      "suites/plain.yaml": SUITE,
      "suites/bom.yaml": `\uFEFF${SUITE.replace("suite: enc", "suite: enc-bom").replace("enc-1", "enc-2")}`,
    });
    const r = await runCli(["validate", "suites/*.yaml"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("rejects a config that is not UTF-8", async () => {
    const dir = folder({
      "supportbench.config.yaml": Buffer.from("# Größe\nsuites: [suites/*.yaml]\n", "latin1"),
      "suites/s.yaml": SUITE,
    });
    const r = await runCli(["validate"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("supportbench.config.yaml:1:5: the file is not UTF-8");
  });
});

describe("supportbench validate and run: suite paths", () => {
  it("rejects an empty argument with exit 2, not an internal error", async () => {
    const v = await runCli(["validate", ""]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('"":1:1: an empty suite path or glob');
    expect(v.stderr).not.toMatch(/internal error/);
    const r = await runCli(["run", "--candidate", "builtin:faq-bot", "", "--no-report"], { cwd: folder() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"":1:1: an empty suite path or glob');
  });

  it("reads a folder as the .yaml and .yml files under it", async () => {
    const dir = folder({
      "mine/a.yaml": SUITE,
      "mine/deeper/b.yml": SUITE.replace("suite: enc", "suite: enc-b").replace("enc-1", "enc-b-1"),
      "mine/notes.txt": "not a suite",
    });
    const r = await runCli(["validate", "mine", "--json"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scenarios: 2 });
    const slash = await runCli(["validate", "mine/", "--json"], { cwd: dir });
    expect(slash.code).toBe(0);
  });

  it("says so when a folder holds no suite files", async () => {
    const dir = folder({ "empty/readme.md": "# nothing here\n" });
    const r = await runCli(["validate", "empty"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("empty:1:1: the folder holds no .yaml or .yml files");
  });
});
