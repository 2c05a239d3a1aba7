import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fg from "fast-glob";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderTemplate } from "../src/cli/commands/init.js";
import { BaselineFile } from "../src/gate/baseline-schema.js";
import { ResultLine } from "../src/run/schema.js";
import { type CliResult, runCli } from "./helpers/cli.js";

/**
 * `supportbench init` end to end: scaffold into an empty folder, then play the scaffolded GitHub
 * Actions workflow's own commands (run per shard, artifacts, merge, gate, summary) in that folder.
 */

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  id?: string;
  if?: string;
  with?: Record<string, string | number>;
}
interface Workflow {
  jobs: {
    run: { strategy: { matrix: { shard: number[] } }; steps: Step[] };
    gate: { needs: string; steps: Step[] };
  };
}

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-init-"));
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JavaScript template
const MATRIX_SHARD = "${{ matrix.shard }}";

/** Words of a one-line shell command: GitHub expressions and env vars filled, quotes removed, globs expanded. */
function words(command: string, cwd: string, vars: Record<string, string>): string[] {
  const filled = command
    .replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`no value for \${{ ${name} }}`);
      return vars[name]!;
    })
    .replace(/"?\$(\w+)"?/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`no value for $${name}`);
      return vars[name]!;
    });
  const out: string[] = [];
  for (const word of filled.trim().split(/\s+/)) {
    if (word.includes("*")) {
      const matches = fg.sync(word, { cwd, onlyDirectories: true }).sort();
      if (matches.length === 0) throw new Error(`glob ${word} matched nothing in ${cwd}`);
      out.push(...matches);
    } else out.push(word);
  }
  return out;
}

/** Run one `npx supportbench …` step through the CLI in-process. */
async function supportbench(step: Step, cwd: string, vars: Record<string, string>): Promise<CliResult> {
  const argv = words(step.run!, cwd, vars);
  expect(argv.slice(0, 2)).toEqual(["npx", "supportbench"]);
  return runCli(argv.slice(2), { cwd });
}

function find(steps: Step[], test: (s: Step) => boolean, what: string): Step {
  const s = steps.find(test);
  if (!s) throw new Error(`the workflow has no ${what} step`);
  return s;
}

/** Everything the scaffolded workflow does, in the scaffolded folder; returns each step's result. */
async function playWorkflow(dir: string) {
  const wf = parse(readFileSync(path.join(dir, ".github/workflows/supportbench.yml"), "utf8")) as Workflow;
  const summary = path.join(dir, "step-summary.md");
  writeFileSync(summary, "");
  const shards = wf.jobs.run.strategy.matrix.shard;
  const runStep = find(wf.jobs.run.steps, (s) => /supportbench run/.test(s.run ?? ""), "run");
  const upload = find(wf.jobs.run.steps, (s) => s.uses?.startsWith("actions/upload-artifact") ?? false, "upload");
  const runs: CliResult[] = [];
  const artifacts = path.join(tmp(), "artifacts");
  for (const shard of shards) {
    const vars = { "matrix.shard": String(shard) };
    runs.push(await supportbench(runStep, dir, vars));
    // upload-artifact: the shard's output under the artifact's name (symlinks become copies).
    const name = words(String(upload.with!.name), dir, vars)[0]!;
    const from = path.join(dir, words(String(upload.with!.path), dir, vars)[0]!);
    cpSync(from, path.join(artifacts, name), { recursive: true, dereference: true });
  }
  // The gate job starts from a fresh checkout: no shard output except what it downloads.
  for (const shard of shards) rmSync(path.join(dir, "shards", String(shard)), { recursive: true, force: true });
  const gateSteps = wf.jobs.gate.steps;
  const download = find(gateSteps, (s) => s.uses?.startsWith("actions/download-artifact") ?? false, "download");
  const pattern = String(download.with!.pattern);
  for (const name of fg.sync(pattern, { cwd: artifacts, onlyDirectories: true, deep: 1 }))
    cpSync(path.join(artifacts, name), path.join(dir, String(download.with!.path), name), { recursive: true });
  const vars = { GITHUB_STEP_SUMMARY: summary };
  const merge = await supportbench(
    find(gateSteps, (s) => /supportbench merge/.test(s.run ?? ""), "merge"),
    dir,
    vars,
  );
  const gate = await supportbench(
    find(gateSteps, (s) => /supportbench gate/.test(s.run ?? ""), "gate"),
    dir,
    vars,
  );
  // The summary step is plain shell and runs when the merge succeeded: append the file as it would.
  const cat = find(gateSteps, (s) => /^cat .* >> "\$GITHUB_STEP_SUMMARY"$/.test(s.run?.trim() ?? ""), "summary");
  expect(cat.if).toMatch(/steps\.merge\.outcome == 'success'/);
  if (merge.code === 0) {
    const file = path.join(dir, cat.run!.trim().split(/\s+/)[1]!);
    writeFileSync(summary, readFileSync(summary, "utf8") + readFileSync(file, "utf8"));
  }
  return { wf, runs, merge, gate, summary: readFileSync(summary, "utf8") };
}

function resultLines(runDir: string): ResultLine[] {
  return readFileSync(path.join(runDir, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => ResultLine.parse(JSON.parse(l)));
}

describe("supportbench init", () => {
  it("scaffolds a folder whose workflow runs, merges and gates offline", { timeout: 180_000 }, async () => {
    const dir = tmp();
    const init = await runCli(["init", dir], { cwd: tmpdir() });
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    for (const f of [
      "supportbench.config.yaml",
      "suites/starter.yaml",
      "policies/gate.yaml",
      ".github/workflows/supportbench.yml",
    ]) {
      expect(existsSync(path.join(dir, f)), f).toBe(true);
      expect(init.stdout).toContain(f);
    }
    // No datasets/ here: the starter suite's fjordpay domain comes from the package.
    expect(existsSync(path.join(dir, "datasets"))).toBe(false);
    expect(await runCli(["validate"], { cwd: dir }).then((r) => r.code)).toBe(0);

    const green = await playWorkflow(dir);
    expect(green.wf.jobs.gate.needs).toBe("run");
    expect(green.wf.jobs.run.strategy.matrix.shard).toEqual([1, 2]);
    for (const r of green.runs) {
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
    }
    expect(green.merge.stderr).toBe("");
    expect(green.merge.code).toBe(0);
    expect(green.merge.stdout).toMatch(/merged 2 runs, 6 trials into merged/);
    const merged = resultLines(path.join(dir, "merged/latest"));
    expect(new Set(merged.map((l) => l.scenario)).size).toBe(6);
    expect(new Set(merged.map((l) => l.run)).size).toBe(1);
    expect(green.gate.stderr).toBe("");
    expect(green.gate.code).toBe(0);
    expect(green.gate.stdout).toMatch(/^supportbench gate: PASSED/);
    expect(green.gate.stdout).toMatch(/pass {2}pass rate, overall +100\.0% ≥ 80\.0% \(estimate\)/);
    // Two scenarios per tier: the tier rules wait for more evidence instead of guessing.
    expect(green.gate.stdout).toMatch(/skip {2}pass rate, tier 3 +insufficient evidence: 2 scenarios, needs 5/);
    expect(green.gate.stdout).toMatch(/No baseline file supportbench-baseline\.json yet/);
    expect(green.summary).toMatch(/^### supportbench gate: passed/);
    expect(existsSync(path.join(dir, "merged/latest/index.html"))).toBe(true);
    expect(green.summary.length).toBeGreaterThan(
      readFileSync(path.join(dir, "merged/latest/summary.md"), "utf8").length,
    );

    // Record the green run as the baseline, then connect a weaker bot: the same workflow fails the build.
    const base = await runCli(["baseline", "update", "merged"], { cwd: dir });
    expect(base.code).toBe(0);
    BaselineFile.parse(JSON.parse(readFileSync(path.join(dir, "supportbench-baseline.json"), "utf8")));
    const config = path.join(dir, "supportbench.config.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace("  - builtin:reference\n", "  - builtin:faq-bot\n"));
    rmSync(path.join(dir, "merged"), { recursive: true });
    rmSync(path.join(dir, "shards"), { recursive: true });
    const red = await playWorkflow(dir);
    expect(red.runs.map((r) => r.code)).toEqual([0, 0]);
    expect(red.merge.code).toBe(0);
    expect(red.gate.code).toBe(1);
    expect(red.gate.stdout).toMatch(/^supportbench gate: FAILED/);
    expect(red.gate.stdout).toMatch(/FAIL {2}pass rate, overall +\d+\.\d% < 80\.0% \(estimate\)\s+short by/);
    expect(red.gate.stdout).toMatch(/baseline supportbench-baseline\.json/);
    expect(red.gate.stdout).toMatch(/(pass|FAIL) {2}vs baseline builtin:reference +−\d+\.\d points vs baseline/);
    expect(red.gate.stdout).toMatch(/100\.0% → \d+\.\d% on 6 shared scenarios/);
    expect(red.summary).toMatch(/^### supportbench gate: failed/);
  });

  it("refuses to overwrite existing files unless --force, and sizes the shard matrix", async () => {
    const dir = tmp();
    expect((await runCli(["init", ".", "--shards", "4"], { cwd: dir })).code).toBe(0);
    const wf = readFileSync(path.join(dir, ".github/workflows/supportbench.yml"), "utf8");
    expect((parse(wf) as Workflow).jobs.run.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(wf).toContain(`--shard ${MATRIX_SHARD}/4 `);
    writeFileSync(path.join(dir, "policies/gate.yaml"), "# mine\n");
    const again = await runCli(["init", "."], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/policies\/gate\.yaml:1:1: already exists; init leaves it alone/);
    expect(again.stderr).toMatch(/4 problems found/);
    expect(readFileSync(path.join(dir, "policies/gate.yaml"), "utf8")).toBe("# mine\n");
    const forced = await runCli(["init", ".", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/overwrote policies\/gate\.yaml/);
    expect(readFileSync(path.join(dir, "policies/gate.yaml"), "utf8")).toMatch(/^# Gate policy/);
    expect((await runCli(["init", ".", "--shards", "0", "--force"], { cwd: dir })).code).toBe(2);
  });

  it("fills only its own placeholders and leaves GitHub expressions alone", () => {
    expect(renderTemplate(`shard: __SHARD_LIST__ run --shard ${MATRIX_SHARD}/__SHARDS__`, { shards: 3 })).toBe(
      `shard: [1, 2, 3] run --shard ${MATRIX_SHARD}/3`,
    );
  });
});
