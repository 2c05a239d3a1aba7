/**
 * Executor throughput: N synthetic trials through the whole `supportbench run` path (config, suite
 * loading, plan, executor, conversation engine, deterministic and heuristic graders, results.jsonl,
 * progress and summary) with a zero-latency in-process candidate (a module bot), so the figure is
 * the harness's own cost per trial. Prints trials/s and peak RSS.
 *
 * Targets (issue 3): ≥ 2,000 trials/s on the 2-core machine; 100,000 trials under 300 MB peak RSS.
 *
 *   npx tsx bench/throughput.ts [--trials 20000] [--scenarios 100] [--concurrency 8]
 *                               [--process] [--profile] [--report] [--keep]
 *
 * By default the CLI's main runs in this process (tsx's loader thread adds to this process's RSS).
 * --process runs the built CLI instead (`node dist/cli/main.js run`, after `npm run build`), as a
 * user would, and reads that process's own peak RSS and CPU time as it exits.
 * --profile samples the CPU during the in-process run (start-up excluded) and prints where the time goes.
 * Wall-clock rates move with whatever else the machine runs; trials per CPU-second move much less.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type CpuProfile, peakRssMb, profiled, profileReport, RssSampler } from "../test/fixtures/executor/measure.js";
import { makeProject, type Project } from "../test/fixtures/executor/project.js";
import { BIN } from "../test/helpers/cli.js";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "20000" },
    scenarios: { type: "string", default: "100" },
    concurrency: { type: "string", default: "8" },
    process: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    report: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const wanted = Number(values.trials);
const scenarios = Math.min(Number(values.scenarios), wanted);
const perScenario = Math.ceil(wanted / scenarios);
const trials = scenarios * perScenario;
const args = ["run", "--trials", String(perScenario), "--concurrency", values.concurrency, "--no-cache"];
if (!values.report) args.push("--no-report");

interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  /** Whole command, and from the "run …: N trials" line to the end (the trials themselves). */
  totalSeconds: number;
  runSeconds: number;
  cpuSeconds: number;
  peakRssMb: number | null;
  details: string[];
  profile?: CpuProfile;
}

const fmt = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(0)} MB`);
const rate = (secs: number) => `${(trials / secs).toFixed(0)} trials/s`;
/** A preload for the child: on exit it writes its peak RSS and CPU time where the parent can read them. */
const EXIT_HOOK = `import { readFileSync, writeFileSync } from "node:fs";
process.on("exit", () => {
  const hwm = /VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  const cpu = process.cpuUsage();
  writeFileSync(process.env.SB_BENCH_OUT, JSON.stringify({ peakRssMb: hwm ? Number(hwm[1]) / 1024 : null, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
});
`;

const project = makeProject({ candidates: ["module:./instant-bot.mjs"] }, { scenarios, trials: 1 });
const measured = values.process ? await inChildProcess(project) : await inThisProcess(project);

const runDir = /results: (.*)results\.jsonl/.exec(measured.stdout)?.[1];
const written = runDir ? countLines(path.resolve(project.dir, runDir, "results.jsonl")) : 0;
if (measured.code !== 0 || written !== trials) {
  console.error(
    `run failed (exit ${measured.code}, ${written}/${trials} lines):\n${measured.stderr}\n${measured.stdout}`,
  );
  process.exit(1);
}

console.log(
  `supportbench throughput: ${trials} trials (${scenarios} scenarios × ${perScenario}), concurrency ${values.concurrency}, ${values.process ? "node dist/cli/main.js in a child process" : "CLI main in this process (tsx)"}`,
);
console.log(
  `  node ${process.version}, ${os.cpus().length} cpus, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(`  whole command   ${measured.totalSeconds.toFixed(2)} s   ${rate(measured.totalSeconds)}`);
console.log(`  trials only     ${measured.runSeconds.toFixed(2)} s   ${rate(measured.runSeconds)}   (target ≥ 2,000)`);
console.log(
  `  CPU time        ${measured.cpuSeconds.toFixed(2)} s   ${rate(measured.cpuSeconds)} per CPU-second (whole command)`,
);
console.log(`  peak RSS        ${fmt(measured.peakRssMb)}   (target < 300 MB at 100,000 trials)`);
for (const d of measured.details) console.log(`    ${d}`);
console.log(`  results.jsonl   ${written} lines`);
if (measured.profile) console.log(`\n${profileReport(measured.profile)}`);
if (values.keep) console.log(`\nkept: ${project.dir}`);
else rmSync(project.dir, { recursive: true, force: true });

/** Newlines in a file, read in chunks (a 100,000-trial results file is hundreds of MB). */
function countLines(file: string): number {
  const fd = openSync(file, "r");
  const buf = Buffer.alloc(1 << 20);
  let lines = 0;
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

async function inThisProcess(project: Project): Promise<Measured> {
  const atStart = peakRssMb();
  // Imported here, so the peak can be split into loading the code and running the trials.
  const { main } = await import("../src/cli/main.js");
  const afterImport = peakRssMb();
  const sampler = new RssSampler().start();
  let runStarted = 0;
  let stdout = "";
  let stderr = "";
  const cpu0 = process.cpuUsage();
  let cpuAtRun = cpu0;
  const started = performance.now();
  const invoke = () =>
    main(args, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        // The plain progress line comes every 10%: a place to sample memory from inside the run.
        sampler.sample();
        if (!runStarted && t.startsWith("run ")) {
          runStarted = performance.now();
          cpuAtRun = process.cpuUsage();
        }
        stderr += t;
      },
      cwd: project.dir,
      env: process.env,
      isTTY: false,
    });
  const { result: code, profile } = values.profile
    ? await profiled(invoke)
    : { result: await invoke(), profile: undefined };
  const ended = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const runCpu = process.cpuUsage(cpuAtRun);
  return {
    code,
    stdout,
    stderr,
    totalSeconds: (ended - started) / 1000,
    runSeconds: (ended - (runStarted || started)) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: peakRssMb(),
    details: [
      `CPU time of the trials only: ${((runCpu.user + runCpu.system) / 1e6).toFixed(2)} s, ${rate((runCpu.user + runCpu.system) / 1e6)} per CPU-second`,
      `at start ${fmt(atStart)}, after importing the CLI ${fmt(afterImport)}, sampled max ${fmt(sampler.stop())}`,
    ],
    ...(profile ? { profile } : {}),
  };
}

async function inChildProcess(project: Project): Promise<Measured> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sb-bench-hook-"));
  const hook = path.join(dir, "exit-hook.mjs");
  const out = path.join(dir, "figures.json");
  writeFileSync(hook, EXIT_HOOK);
  const started = performance.now();
  let runStarted = 0;
  let stdout = "";
  let stderr = "";
  const child = spawn(process.execPath, ["--import", hook, BIN, ...args], {
    cwd: project.dir,
    env: { ...process.env, SB_BENCH_OUT: out },
  });
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    if (!runStarted && stderr.length === 0 && d.toString().startsWith("run ")) runStarted = performance.now();
    stderr += d.toString();
  });
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  const ended = performance.now();
  let figures: { peakRssMb: number | null; cpuSeconds: number } = { peakRssMb: null, cpuSeconds: Number.NaN };
  try {
    figures = JSON.parse(readFileSync(out, "utf8")) as typeof figures;
  } catch {
    // The run failed before exiting normally; the caller reports it.
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    code,
    stdout,
    stderr,
    totalSeconds: (ended - started) / 1000,
    runSeconds: (ended - (runStarted || started)) / 1000,
    cpuSeconds: figures.cpuSeconds,
    peakRssMb: figures.peakRssMb,
    details: ["measured in the CLI process itself (VmHWM at exit)"],
  };
}
