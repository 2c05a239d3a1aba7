/**
 * Analysis at scale: 100,000 synthetic result lines (test/helpers/synthetic-results.ts) written to a
 * temporary run folder, then read and analysed the way `supportbench report` does (readRuns, then
 * analyze; with --reports also summary.json, summary.md and junit.xml). The reading and analysing
 * happen in a fresh process, so its peak RSS is theirs alone, not the generator's.
 *
 *   npx tsx bench/analysis.ts [--lines 100000] [--candidates 2] [--trials 50] [--padding 0] [--reports] [--keep]
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { peakRssMb, RssSampler } from "../test/fixtures/executor/measure.js";
import { ROOT } from "../test/helpers/cli.js";
import { makeResultLines, makeRunMeta } from "../test/helpers/synthetic-results.js";

const { values } = parseArgs({
  options: {
    lines: { type: "string", default: "100000" },
    candidates: { type: "string", default: "2" },
    trials: { type: "string", default: "50" },
    padding: { type: "string", default: "0" },
    reports: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    /** Internal: read and analyse this run folder, print the figures as JSON. */
    measure: { type: "string" },
  },
});

interface Figures {
  readSeconds: number;
  analyseSeconds: number;
  reportSeconds: number | null;
  lines: number;
  peakRssMb: number | null;
  sampledRssMb: number;
  heapUsedMb: number;
}

if (values.measure) await measure(values.measure);
else await bench();

async function measure(runDir: string): Promise<void> {
  const sampler = new RssSampler().start(10);
  const { readRuns } = await import("../src/analysis/read-run.js");
  const { analyze } = await import("../src/analysis/analyze.js");
  const t0 = performance.now();
  const data = await readRuns([runDir]);
  const t1 = performance.now();
  const analysis = analyze(data.lines, data.metas, { generatedAt: null });
  const t2 = performance.now();
  let reportSeconds: number | null = null;
  if (values.reports) {
    const { writeReports } = await import("../src/report/write.js");
    const r0 = performance.now();
    await writeReports({ runDirs: [runDir], outDir: path.join(runDir, "reports") });
    reportSeconds = (performance.now() - r0) / 1000;
  }
  const figures: Figures = {
    readSeconds: (t1 - t0) / 1000,
    analyseSeconds: (t2 - t1) / 1000,
    reportSeconds,
    lines: data.lines.length,
    peakRssMb: peakRssMb(),
    sampledRssMb: sampler.stop(),
    heapUsedMb: process.memoryUsage().heapUsed / (1024 * 1024),
  };
  if (analysis.candidates.length === 0) throw new Error("the analysis found no candidate");
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

async function bench(): Promise<void> {
  const total = Number(values.lines);
  const candidates = Number(values.candidates);
  const trials = Number(values.trials);
  const scenarios = Math.max(1, Math.round(total / (candidates * trials)));
  const ids = Array.from({ length: candidates }, (_, i) => ({ id: `candidate-${i + 1}`, skill: 0.9 - 0.1 * i }));
  const dir = mkdtempSync(path.join(os.tmpdir(), "sb-analysis-"));
  const g0 = performance.now();
  const lines = makeResultLines({ candidates: ids, scenarios, trials, seed: 7, padding: Number(values.padding) });
  const file = path.join(dir, "results.jsonl");
  const out = createWriteStream(file);
  for (const l of lines)
    if (!out.write(`${JSON.stringify(l)}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  await new Promise<void>((r) => out.end(() => r()));
  writeFileSync(path.join(dir, "run.json"), JSON.stringify(makeRunMeta(lines)));
  const generated = (performance.now() - g0) / 1000;
  const bytes = statSync(file).size;
  const count = lines.length;
  lines.length = 0;

  const figures = await new Promise<Figures>((resolve, reject) => {
    const args = [...process.execArgv, path.join(ROOT, "bench/analysis.ts"), "--measure", dir];
    if (values.reports) args.push("--reports");
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(text) as Figures) : reject(new Error(`measuring failed (exit ${code})`)),
    );
  });

  const fmt = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(0)} MB`);
  console.log(
    `analysis bench: ${count} lines (${candidates} candidates × ${scenarios} scenarios × ${trials} trials), ${(bytes / 1e6).toFixed(0)} MB of results.jsonl (generated in ${generated.toFixed(1)} s)`,
  );
  console.log(
    `  node ${process.version}, ${os.cpus().length} cpus, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(`  read (readRuns)       ${figures.readSeconds.toFixed(2)} s   ${figures.lines} lines`);
  console.log(`  analyse (analyze)     ${figures.analyseSeconds.toFixed(2)} s`);
  if (figures.reportSeconds !== null)
    console.log(`  writeReports          ${figures.reportSeconds.toFixed(2)} s   (reads and analyses again; no HTML)`);
  console.log(
    `  read + analyse        ${(figures.readSeconds + figures.analyseSeconds).toFixed(2)} s   peak RSS ${fmt(figures.peakRssMb)} (sampled ${fmt(figures.sampledRssMb)}; heap used at the end ${fmt(figures.heapUsedMb)})`,
  );
  if (values.keep) console.log(`  kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
