import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import type { ProviderEntry } from "../config/schema.js";
import type { AsyncGrader, Grader } from "../graders/types.js";
import { loadPriceTable } from "../providers/pricing.js";
import { createProvider, normalizeEntry, type ProviderContext, type ResolvedProvider } from "../providers/registry.js";
import type { ReplayCandidate } from "../providers/replay.js";
import { ProviderError } from "../providers/types.js";
import { InputError } from "../suite/problems.js";
import type { ReferenceStep } from "../suite/schema.js";
import { VERSION } from "../version.js";
import { executePlan, type RunTally } from "./executor.js";
import { buildPlan, type Shard } from "./plan.js";
import { ResultsWriter, storedKeys } from "./results-file.js";
import { ensureDir, gitCommit, linkLatest, newRunId, readRunMeta, writeJsonAtomic } from "./run-dir.js";
import { type ResultLine, type RunMeta, sumJudgeUsage } from "./schema.js";
import type { Workspace } from "./setup.js";

export interface RunOptions {
  candidates?: string[];
  trials?: number;
  maxTurns?: number;
  out?: string;
  resume?: string;
  shard?: Shard | null;
  concurrency?: number;
  noCache?: boolean;
  /** Builds the judge and extra graders once the providers exist. */
  graders?: (ctx: ProviderContext) => Promise<{ judge?: AsyncGrader; judgeId?: string; extra: Grader[] }>;
  /** Replaces the scenarios' references (self-test mutants). */
  references?: (scenarioId: string) => ReferenceStep[] | undefined;
  signal: AbortSignal;
  onStart?: (info: { runDir: string; planned: number; skipped: number }) => void;
  onProgress?: (tally: RunTally, planned: number) => void;
  onResult?: (line: ResultLine) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunOutcome {
  runDir: string;
  meta: RunMeta;
  tally: RunTally;
  planned: number;
  skipped: number;
}

/** Context providers are built in: data, references, limits, the cache. */
export function providerContext(
  ws: Pick<Workspace, "cwd" | "config"> & { loaded?: Workspace["loaded"] },
  opts: { noCache?: boolean; references?: RunOptions["references"]; env?: NodeJS.ProcessEnv },
): ProviderContext {
  const byId = new Map((ws.loaded?.scenarios ?? []).map((s) => [s.id, s.reference]));
  return {
    cwd: ws.cwd,
    domains: ws.loaded?.domains ?? new Map(),
    references: opts.references ?? ((id) => byId.get(id)),
    pricing: { ...loadPriceTable(), ...ws.config.pricing },
    timeoutMs: ws.config.timeout_ms,
    retries: ws.config.retries,
    cache: { enabled: ws.config.cache.enabled && !opts.noCache, dir: path.resolve(ws.cwd, ws.config.cache.dir) },
    env: opts.env ?? process.env,
  };
}

/** Resolve candidate entries, keyed by the candidate's own id; duplicate ids and bad specs are input errors. */
export async function resolveCandidates(
  entries: ProviderEntry[],
  ctx: ProviderContext,
): Promise<Map<string, ResolvedProvider>> {
  const out = new Map<string, ResolvedProvider>();
  for (const entry of entries) {
    const e = normalizeEntry(entry);
    let provider: ResolvedProvider;
    try {
      provider = await createProvider(entry, ctx);
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (!(err instanceof ProviderError)) throw err;
      const where = e.id ?? e.provider;
      const message = err.message.startsWith(`${where}:`) ? err.message : `${where}: ${err.message}`;
      throw new InputError([
        {
          file: "--candidate",
          line: 1,
          col: 1,
          message,
          hint: "see the provider table in README.md",
        },
      ]);
    }
    const id = provider.candidate.id;
    if (out.has(id)) {
      throw new InputError([
        {
          file: "--candidate",
          line: 1,
          col: 1,
          message: `candidate \`${id}\` is listed twice`,
          hint: "give each candidate a distinct id",
        },
      ]);
    }
    out.set(id, provider);
  }
  return out;
}

/** What a judge spent, when the grader is a judge that counts it. */
export function judgeUsageOf(judge: unknown): RunMeta["judge_usage"] {
  const usage = (judge as { usage?: () => RunMeta["judge_usage"] } | undefined)?.usage;
  return typeof usage === "function" ? usage() : undefined;
}

/** Run (or resume) trials and store them; returns where the results are. */
export async function executeRun(ws: Workspace, opts: RunOptions): Promise<RunOutcome> {
  const ctx = providerContext(ws, opts);
  let runDir: string;
  let meta: RunMeta;
  const entries: ProviderEntry[] = opts.candidates?.length ? opts.candidates : ws.config.candidates;
  const outDir = path.resolve(ws.cwd, opts.out ?? ws.config.out);
  if (opts.resume) {
    runDir = path.resolve(ws.cwd, opts.resume);
    meta = readRunMeta(runDir);
  } else {
    const runId = newRunId();
    runDir = path.join(outDir, runId);
    meta = {
      v: 1,
      run: runId,
      package_version: VERSION,
      git_commit: gitCommit(ws.cwd),
      started_at: new Date().toISOString(),
      ended_at: null,
      status: "running",
      candidates: [],
      judge: null,
      suites: ws.loaded.suites.map((s) => ({ suite: s.suite, file: s.file, sha256: s.sha256, scenarios: s.scenarios })),
      config_sha256: createHash("sha256").update(ws.configText).digest("hex"),
      options: {
        trials: opts.trials ?? ws.config.trials ?? null,
        max_turns: opts.maxTurns ?? ws.config.max_turns,
        max_turns_fixed: opts.maxTurns !== undefined,
        shard: opts.shard ?? null,
        globs: ws.globs,
      },
      planned_trials: 0,
    };
  }
  const resolved = await resolveCandidates(entries, ctx);
  // A resumed run keeps its own candidates and settings, so the remaining trials match the stored ones.
  if (opts.resume) {
    const missing = meta.candidates.filter((id) => !resolved.has(id));
    if (missing.length) {
      throw new InputError([
        {
          file: path.join(runDir, "run.json"),
          line: 1,
          col: 1,
          message: `the run's candidates ${missing.map((m) => `\`${m}\``).join(", ")} are not configured`,
          hint: "resume with the same --candidate flags or config as the run",
        },
      ]);
    }
  } else meta.candidates = [...resolved.keys()];
  const candidates = new Map(meta.candidates.map((id) => [id, resolved.get(id)!]));
  const graders = opts.graders ? await opts.graders(ctx) : { extra: [] };
  if (!opts.resume) meta.judge = graders.judgeId ?? null;
  // A simulated customer is deterministic unless the config asks for a temperature.
  const simulatorEntry = ws.config.simulator ? normalizeEntry(ws.config.simulator) : undefined;
  const simulator = simulatorEntry
    ? (await createProvider({ ...simulatorEntry, temperature: simulatorEntry.temperature ?? 0 }, ctx)).candidate
    : undefined;

  // A replay candidate is graded only on the scenarios it has recordings for.
  const recorded = (candidate: string, scenario: string) => {
    const c = candidates.get(candidate)?.candidate as Partial<ReplayCandidate> | undefined;
    return typeof c?.customerTurns !== "function" || c.customerTurns(scenario) !== undefined;
  };
  const plan = buildPlan(ws.loaded.scenarios, [...candidates.keys()], {
    trials: meta.options.trials ?? undefined,
    shard: meta.options.shard,
  }).filter((item) => recorded(item.candidate, item.scenario.id));
  const resultsFile = path.join(runDir, "results.jsonl");
  const done = opts.resume && existsSync(resultsFile) ? await storedKeys(resultsFile) : new Set<string>();
  const todo = plan.filter((p) => !done.has(p.key));
  meta.planned_trials = plan.length;
  meta.status = "running";
  meta.ended_at = null;
  ensureDir(runDir);
  writeJsonAtomic(path.join(runDir, "run.json"), meta);
  linkLatest(outDir, runDir);
  opts.onStart?.({ runDir, planned: plan.length, skipped: plan.length - todo.length });

  const writer = new ResultsWriter(resultsFile);
  let tally: RunTally;
  try {
    tally = await executePlan(
      todo,
      {
        runId: meta.run,
        candidates,
        domains: ws.loaded.domains,
        tools: ws.tools,
        concurrency: opts.concurrency ?? ws.config.concurrency,
        maxTurns: meta.options.max_turns,
        maxTurnsFixed: meta.options.max_turns_fixed === true,
        simulator,
        judge: graders.judge,
        extraGraders: graders.extra,
        signal: opts.signal,
        onResult: (line) => {
          writer.append(line);
          opts.onResult?.(line);
        },
      },
      (t) => opts.onProgress?.(t, todo.length),
    );
  } finally {
    writer.close();
    for (const p of candidates.values()) await p.candidate.close?.();
  }
  meta.status = opts.signal.aborted || tally.abandoned > 0 ? "interrupted" : "complete";
  // A resumed run adds this session's judge spending to what the earlier sessions spent.
  const judgeUsage = sumJudgeUsage([meta.judge_usage, judgeUsageOf(graders.judge)]);
  if (judgeUsage) meta.judge_usage = judgeUsage;
  meta.ended_at = new Date().toISOString();
  writeJsonAtomic(path.join(runDir, "run.json"), meta);
  return { runDir, meta, tally, planned: plan.length, skipped: plan.length - todo.length };
}
