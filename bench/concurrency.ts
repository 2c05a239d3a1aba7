/**
 * Concurrency efficiency: 2,000 single-turn trials against a local webhook bot that answers after
 * 200 ms, at concurrency 100. The ideal wall time is 2,000 / 100 × 0.2 s = 4.0 s; the target is
 * ≤ 1.15 × ideal (4.6 s). The same workload then goes through `promptfoo eval` with its http
 * provider (when promptfoo is installed), so the ratio of the two is measured in one run.
 *
 * The bot runs in its own process, as a deployed bot would, so neither runner shares its event loop.
 * supportbench is measured twice: in-process (the run itself) and as a fresh `node dist/cli/main.js`
 * process (start-up included, like promptfoo's figure; needs `npm run build`).
 *
 *   npx tsx bench/concurrency.ts [--trials 2000] [--latency 200] [--concurrency 100] [--no-promptfoo] [--profile]
 *
 * --profile samples the CPU of the in-process run and prints where the time goes.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs, promisify } from "node:util";
import { stringify } from "yaml";
import { PROMPTFOO_FORCED_ENV } from "../src/providers/promptfoo.js";
import { type CpuProfile, profiled, profileReport } from "../test/fixtures/executor/measure.js";
import { GOOD_REPLY, makeProject } from "../test/fixtures/executor/project.js";
import { BIN, ROOT } from "../test/helpers/cli.js";
import { startWebhookBotServer } from "../test/servers/webhook-bot.js";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "2000" },
    latency: { type: "string", default: "200" },
    concurrency: { type: "string", default: "100" },
    "no-promptfoo": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    /** Internal: be the bot process. */
    serve: { type: "boolean", default: false },
  },
});
const latencyMs = Number(values.latency);

interface BotStats {
  requests: number;
  answered: number;
  maxInFlight: number;
}

/** The bot process: a stateless webhook bot; prints its endpoint, answers `stats` on stdin. */
async function serveBot(): Promise<void> {
  const stats: BotStats = { requests: 0, answered: 0, maxInFlight: 0 };
  const server = await startWebhookBotServer({
    mode: "stateless",
    latencyMs,
    script: () => ({ text: GOOD_REPLY, end: true }),
    // Called on each arrival: the place to see how many requests are waiting at once.
    faults: (index) => {
      stats.requests = index + 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, index + 1 - server.stats.answered);
      return null;
    },
  });
  process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "stats") process.stdout.write(`${JSON.stringify({ ...stats, answered: server.stats.answered })}\n`);
    if (line === "reset") stats.maxInFlight = 0;
  }
  await server.close();
}

class Bot {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<Bot> {
    const script = path.join(ROOT, "bench/concurrency.ts");
    const child = spawn(process.execPath, [...process.execArgv, script, "--serve", "--latency", String(latencyMs)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await lines.next();
    const { endpoint } = JSON.parse(String(first.value)) as { endpoint: string };
    return new Bot(child, lines, endpoint);
  }

  async stats(reset = true): Promise<BotStats> {
    this.child.stdin!.write("stats\n");
    const stats = JSON.parse(String((await this.lines.next()).value)) as BotStats;
    if (reset) this.child.stdin!.write("reset\n");
    return stats;
  }

  stop(): void {
    this.child.stdin!.end();
  }
}

interface Measured {
  label: string;
  seconds: number;
  ok: number;
  requests: number;
  maxInFlight: number;
  note?: string;
}

async function bench(): Promise<void> {
  const trials = Number(values.trials);
  const concurrency = Number(values.concurrency);
  const scenarios = Math.min(100, trials);
  const perScenario = Math.ceil(trials / scenarios);
  const total = scenarios * perScenario;
  const ideal = (Math.ceil(total / concurrency) * latencyMs) / 1000;
  const bot = await Bot.start();
  const results: Measured[] = [];
  const dirs: string[] = [];
  let profile: CpuProfile | undefined;
  try {
    const project = makeProject(
      {
        candidates: [
          {
            id: "webhook-bot",
            provider: bot.endpoint,
            options: { session: "history", response: { text: "output.text", end: "conversation_ended" } },
          },
        ],
      },
      { scenarios, trials: 1 },
    );
    dirs.push(project.dir);
    const args = ["run", "--trials", String(perScenario), "--concurrency", String(concurrency), "--no-report"];

    // Warm-up: loads the code and opens connections, so the in-process figure is the run alone.
    const { main } = await import("../src/cli/main.js");
    const quiet = { stdout: () => {}, stderr: () => {}, cwd: project.dir, env: process.env, isTTY: false };
    await main(["run", "--trials", "1", "--concurrency", String(concurrency), "--no-report"], quiet);
    const warm = await bot.stats();

    let out = "";
    let started = 0;
    const cpu0 = process.cpuUsage();
    let cpuAtRun = cpu0;
    const t0 = performance.now();
    const invoke = () =>
      main(args, {
        ...quiet,
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          if (!started && t.startsWith("run ")) {
            started = performance.now();
            cpuAtRun = process.cpuUsage();
          }
        },
      });
    let code: number;
    if (values.profile) {
      const p = await profiled(invoke);
      code = p.result;
      profile = p.profile;
    } else code = await invoke();
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpuAtRun);
    const lines = linesOf(project.dir, out);
    const stats = await bot.stats();
    results.push({
      label: "supportbench run (in-process)",
      seconds: (t1 - (started || t0)) / 1000,
      ok: code === 0 ? lines.filter((l) => l.verdict !== "error").length : 0,
      requests: stats.requests - warm.requests,
      maxInFlight: stats.maxInFlight,
      note: `whole command ${((t1 - t0) / 1000).toFixed(2)} s; CPU of the trials ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
    });

    if (existsSync(BIN)) {
      const c0 = performance.now();
      const r = await runWatched(process.execPath, [BIN, ...args], project.dir, process.env);
      const c1 = performance.now();
      const stats2 = await bot.stats();
      const startup = r.runLineAt === null ? null : (r.runLineAt - c0) / 1000;
      results.push({
        label: "supportbench run (node dist/cli/main.js)",
        seconds: (c1 - c0) / 1000,
        ok: r.code === 0 ? linesOf(project.dir, r.stdout).filter((l) => l.verdict !== "error").length : 0,
        requests: stats2.requests - stats.requests,
        maxInFlight: stats2.maxInFlight,
        note:
          startup === null
            ? "process start-up included"
            : `process start-up included: ${startup.toFixed(2)} s until the run began, then ${((c1 - c0) / 1000 - startup).toFixed(2)} s`,
      });
    } else console.error(`skipping the process figure: ${BIN} is missing (npm run build)`);

    const promptfooBin = path.join(ROOT, "node_modules/.bin/promptfoo");
    if (!values["no-promptfoo"] && existsSync(promptfooBin)) {
      const before = await bot.stats();
      const pf = await runPromptfoo(promptfooBin, bot.endpoint, total, concurrency);
      dirs.push(pf.dir);
      const after = await bot.stats();
      results.push({
        label: "promptfoo eval (http provider)",
        seconds: pf.seconds,
        ok: pf.ok,
        requests: after.requests - before.requests,
        maxInFlight: after.maxInFlight,
        note: `process start-up included${pf.reported ? `; promptfoo reports ${pf.reported}` : ""}`,
      });
    } else if (!values["no-promptfoo"]) console.error("promptfoo is not installed: its figure is skipped");
  } finally {
    bot.stop();
    if (!values.keep) for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }

  console.log(
    `concurrency bench: ${total} single-turn trials, bot latency ${latencyMs} ms, concurrency ${concurrency}, ideal ${ideal.toFixed(1)} s (target ≤ ${(ideal * 1.15).toFixed(2)} s)`,
  );
  console.log(
    `  node ${process.version}, ${os.cpus().length} cpus, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  for (const r of results) {
    console.log(
      `  ${r.label.padEnd(42)} ${r.seconds.toFixed(2).padStart(7)} s  ${(r.seconds / ideal).toFixed(2)}× ideal  ${r.ok}/${total} answered  ${r.requests} requests  max ${r.maxInFlight} in flight${r.note ? `  (${r.note})` : ""}`,
    );
  }
  const sb = results.find((r) => r.label.includes("node dist"));
  const pf = results.find((r) => r.label.startsWith("promptfoo"));
  if (sb && pf) console.log(`  promptfoo / supportbench (both as processes): ${(pf.seconds / sb.seconds).toFixed(2)}×`);
  if (profile) {
    const file = path.join(os.tmpdir(), "supportbench-concurrency.cpuprofile");
    writeFileSync(file, JSON.stringify(profile));
    console.log(
      `\nin-process run (start-up included; whole profile for Chrome DevTools: ${file}):\n${profileReport(profile)}`,
    );
  }
}

function linesOf(cwd: string, stdout: string): { verdict: string }[] {
  const m = /results: (.*)results\.jsonl/.exec(stdout);
  if (!m) return [];
  return readFileSync(path.resolve(cwd, m[1]!, "results.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { verdict: string });
}

async function run(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, env, maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Runs a command and notes when it printed its "run …: N trials" line: the end of its start-up. */
function runWatched(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string; runLineAt: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let runLineAt: number | null = null;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (runLineAt === null && /^run .*: \d+ trials/m.test(stderr)) runLineAt = performance.now();
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, runLineAt }));
  });
}

/** The same workload as a promptfoo eval: one test per trial, the http provider, a contains assertion. */
async function runPromptfoo(
  bin: string,
  endpoint: string,
  total: number,
  concurrency: number,
): Promise<{ dir: string; seconds: number; ok: number; reported?: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sb-promptfoo-"));
  const tests = ["message", ...Array.from({ length: total }, (_, i) => `"Case ${i}: when will my refund arrive?"`)];
  writeFileSync(path.join(dir, "tests.csv"), `${tests.join("\n")}\n`);
  writeFileSync(
    path.join(dir, "promptfooconfig.yaml"),
    stringify({
      description: "supportbench concurrency bench",
      prompts: ["{{message}}"],
      providers: [
        {
          id: endpoint,
          config: {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: { session_id: "", messages: [{ role: "user", content: "{{prompt}}" }], language: "en" },
            transformResponse: "json.output.text",
          },
        },
      ],
      defaultTest: { assert: [{ type: "icontains", value: "5 business days" }] },
      tests: "file://tests.csv",
    }),
  );
  const home = path.join(dir, "home");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    PROMPTFOO_CONFIG_DIR: path.join(home, ".promptfoo"),
    ...PROMPTFOO_FORCED_ENV,
    PROMPTFOO_CACHE_ENABLED: "false",
    NO_COLOR: "1",
  };
  const t0 = performance.now();
  const r = await run(
    bin,
    [
      "eval",
      "-c",
      "promptfooconfig.yaml",
      "--max-concurrency",
      String(concurrency),
      "--no-cache",
      "--no-table",
      "--no-progress-bar",
      "--no-share",
      "-o",
      "out.json",
    ],
    dir,
    env,
  );
  const seconds = (performance.now() - t0) / 1000;
  let ok = 0;
  try {
    const out = JSON.parse(readFileSync(path.join(dir, "out.json"), "utf8")) as {
      results?: { stats?: { successes?: number; failures?: number } };
    };
    ok = (out.results?.stats?.successes ?? 0) + (out.results?.stats?.failures ?? 0);
  } catch {
    console.error(
      `promptfoo eval wrote no results (exit ${r.code}):\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`,
    );
  }
  const reported = /Duration:\s*([^\n(]+)/.exec(r.stdout + r.stderr)?.[1]?.trim();
  return { dir, seconds, ok, ...(reported ? { reported } : {}) };
}

if (values.serve) await serveBot();
else await bench();
