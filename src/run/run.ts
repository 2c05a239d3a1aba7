import { createHash } from "node:crypto";
import path from "node:path";
import type { ProviderEntry } from "../config/schema.js";
import type { AsyncGrader, Grader } from "../graders/types.js";
import { httpBotId } from "../providers/http-bot-id.js";
import { loadPriceTable } from "../providers/pricing.js";
import { createProvider, normalizeEntry, type ProviderContext, type ResolvedProvider } from "../providers/registry.js";
import type { ReplayCandidate } from "../providers/replay.js";
import { ProviderError } from "../providers/types.js";
import { InputError, type Problem } from "../suite/problems.js";
import type { ReferenceStep } from "../suite/schema.js";
import { parseYaml, positionOf } from "../suite/yaml-source.js";
import { VERSION } from "../version.js";
import { executePlan, type RunTally } from "./executor.js";
import { buildPlan, type Shard } from "./plan.js";
import { ResultsWriter, storedKeys } from "./results-file.js";
import { ensureDir, gitCommit, linkLatest, newRunId, readRunMeta, realRunDir, writeJsonAtomic } from "./run-dir.js";
import { type ResultLine, type RunMeta, sumJudgeUsage } from "./schema.js";
import type { Workspace } from "./setup.js";

/** The most trials a scenario may have in one run (`--trials`, the config's or a suite's `trials`). */
export const MAX_TRIALS = 1000;

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

/** Where a value was written: a flag, or the config file (with line and column when it is YAML). */
export type Where = Pick<Problem, "file" | "line" | "col">;

/** The place of a path in the config file (`["candidates", 1]`), for problems about what it says. */
export function configPlace(
  ws: { cwd: string; configFile?: string | null; configText?: string },
  at: (string | number)[],
): Where {
  const file = ws.configFile ? path.relative(ws.cwd, ws.configFile) || ws.configFile : "supportbench.config.yaml";
  if (ws.configFile && /\.ya?ml$/.test(ws.configFile) && ws.configText) {
    const { source } = parseYaml(file, ws.configText);
    if (source) return { file, ...positionOf(source, at) };
  }
  return { file, line: 1, col: 1 };
}

/** A provider that cannot be built (unknown scheme, missing API key…) as an input error at its place. */
export function providerProblem(err: unknown, entry: ProviderEntry, where: Where, role: string): never {
  if (err instanceof InputError) throw err;
  if (!(err instanceof ProviderError)) throw err;
  const e = normalizeEntry(entry);
  const name = e.id ?? e.provider;
  // The provider may have named the candidate itself (an HTTP bot by its default id).
  const names = [name, ...(/^https?:\/\//.test(e.provider) && !e.id ? [httpBotId(e.provider)] : [])];
  const message = names.some((n) => err.message.startsWith(`${n}:`)) ? err.message : `${name}: ${err.message}`;
  throw new InputError([
    {
      ...where,
      message: `${role} ${message}`,
      hint: "see the provider table in README.md (docs/providers.md for API keys and options)",
    },
  ]);
}

/** Resolve candidate entries, keyed by the candidate's own id; duplicate ids and bad specs are input errors. */
export async function resolveCandidates(
  entries: ProviderEntry[],
  ctx: ProviderContext,
  where: (index: number) => Where = () => ({ file: "--candidate", line: 1, col: 1 }),
): Promise<Map<string, ResolvedProvider>> {
  const out = new Map<string, ResolvedProvider>();
  for (const [i, entry] of entries.entries()) {
    let provider: ResolvedProvider;
    try {
      provider = await createProvider(entry, ctx);
    } catch (err) {
      providerProblem(err, entry, where(i), "candidate");
    }
    const id = provider.candidate.id;
    if (out.has(id)) {
      throw new InputError([
        {
          ...where(i),
          message: `candidate \`${id}\` is listed twice`,
          hint: "give each candidate a distinct id",
        },
      ]);
    }
    out.set(id, provider);
  }
  return out;
}

/** The suites of a run that changed, went missing or were added since it started (for --resume). */
export function changedSuites(meta: RunMeta, ws: Workspace, runJson: string): Problem[] {
  const now = new Map(ws.loaded.suites.map((s) => [s.suite, s]));
  const then = new Map(meta.suites.map((s) => [s.suite, s]));
  const problems: Problem[] = [];
  const hint = "a resumed run must plan from the suites it started with; start a new run (without --resume) instead";
  for (const s of meta.suites) {
    const cur = now.get(s.suite);
    if (!cur) {
      problems.push({
        file: runJson,
        line: 1,
        col: 1,
        message: `suite \`${s.suite}\` (${s.file}) of the run is not among the suites loaded now`,
        hint: `resume with the run's suites (options.globs: ${meta.options.globs.join(" ") || "the config's"}), or ${hint}`,
      });
    } else if (cur.sha256 !== s.sha256) {
      problems.push({
        file: cur.file,
        line: 1,
        col: 1,
        message: `suite \`${s.suite}\` changed since the run started (sha256 ${s.sha256.slice(0, 12)}… in run.json, ${cur.sha256.slice(0, 12)}… now); resuming would mix results of two versions`,
        hint,
      });
    }
  }
  for (const s of ws.loaded.suites) {
    if (!then.has(s.suite)) {
      problems.push({
        file: s.file,
        line: 1,
        col: 1,
        message: `suite \`${s.suite}\` is not part of the run being resumed`,
        hint: `resume with the run's suites (options.globs: ${meta.options.globs.join(" ") || "the config's"}), or ${hint}`,
      });
    }
  }
  return problems;
}

/** `--judge` flags that rebuild a recorded judge id (`judge:<spec>`, `judge-panel:<a>+<b>`). */
export function judgeSpecs(judgeId: string): string[] {
  if (judgeId.startsWith("judge-panel:")) return judgeId.slice("judge-panel:".length).split("+");
  return [judgeId.replace(/^judge:/, "")];
}

/** What a judge spent, when the grader is a judge that counts it. */
export function judgeUsageOf(judge: unknown): RunMeta["judge_usage"] {
  const usage = (judge as { usage?: () => RunMeta["judge_usage"] } | undefined)?.usage;
  return typeof usage === "function" ? usage() : undefined;
}

/** Trials above MAX_TRIALS (a typo such as `--trials 1e9` would exhaust memory) are input errors. */
function checkTrials(ws: Workspace, opts: RunOptions, trials: number | null): void {
  const hint = `at most ${MAX_TRIALS} trials a scenario; pass^k needs far fewer (see docs/analysis.md)`;
  const over = (n: number) => `${n} trials is more than the ${MAX_TRIALS} a run allows`;
  if (trials !== null) {
    if (trials <= MAX_TRIALS) return;
    const where = opts.trials !== undefined ? { file: "--trials", line: 1, col: 1 } : configPlace(ws, ["trials"]);
    throw new InputError([{ ...where, message: over(trials), hint }]);
  }
  const problems = ws.loaded.scenarios
    .filter((s) => s.trials > MAX_TRIALS)
    .map((s) => ({ file: s.file, line: s.line, col: 1, message: `${s.id}: ${over(s.trials)}`, hint }));
  if (problems.length) throw new InputError(problems);
}

/** Run (or resume) trials and store them; returns where the results are. */
export async function executeRun(ws: Workspace, opts: RunOptions): Promise<RunOutcome> {
  const ctx = providerContext(ws, opts);
  let runDir: string;
  let meta: RunMeta;
  const entries: ProviderEntry[] = opts.candidates?.length ? opts.candidates : ws.config.candidates;
  let outDir = path.resolve(ws.cwd, opts.out ?? ws.config.out);
  if (opts.resume) {
    // `--resume reports/latest` names the link: work in (and link latest to) the folder it points at.
    runDir = realRunDir(path.resolve(ws.cwd, opts.resume));
    meta = readRunMeta(runDir);
    outDir = path.dirname(runDir);
    const changed = changedSuites(meta, ws, path.join(runDir, "run.json"));
    if (changed.length) throw new InputError(changed);
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
  const fromFlags = Boolean(opts.candidates?.length);
  const resolved = await resolveCandidates(entries, ctx, (i) =>
    fromFlags ? { file: "--candidate", line: 1, col: 1 } : configPlace(ws, ["candidates", i]),
  );
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
  else if ((graders.judgeId ?? null) !== meta.judge) {
    // Half the trials judged by one judge and half by another (or none) could not be compared.
    throw new InputError([
      {
        file: path.join(runDir, "run.json"),
        line: 1,
        col: 1,
        message: meta.judge
          ? `the run is graded by \`${meta.judge}\`, but this resume ${graders.judgeId ? `asks for \`${graders.judgeId}\`` : "has no judge"}; its trials would be graded differently`
          : `the run has no judge, but this resume asks for \`${graders.judgeId}\`; its trials would be graded differently`,
        hint: meta.judge
          ? `resume with ${judgeSpecs(meta.judge)
              .map((j) => `--judge ${j}`)
              .join(" ")}, or grade the whole run again later with \`supportbench grade\``
          : "resume without --judge (and without a judge in the config), then `supportbench grade <run-dir> --judge …` the whole run",
      },
    ]);
  }
  // A simulated customer is deterministic unless the config asks for a temperature.
  const simulatorEntry = ws.config.simulator ? normalizeEntry(ws.config.simulator) : undefined;
  let simulator: ResolvedProvider["candidate"] | undefined;
  if (simulatorEntry) {
    try {
      simulator = (await createProvider({ ...simulatorEntry, temperature: simulatorEntry.temperature ?? 0 }, ctx))
        .candidate;
    } catch (err) {
      providerProblem(err, simulatorEntry, configPlace(ws, ["simulator"]), "simulator");
    }
  }

  // A replay candidate is graded only on the scenarios it has recordings for.
  const recorded = (candidate: string, scenario: string) => {
    const c = candidates.get(candidate)?.candidate as Partial<ReplayCandidate> | undefined;
    return typeof c?.customerTurns !== "function" || c.customerTurns(scenario) !== undefined;
  };
  checkTrials(ws, opts, meta.options.trials);
  const plan = buildPlan(ws.loaded.scenarios, [...candidates.keys()], {
    trials: meta.options.trials ?? undefined,
    shard: meta.options.shard,
  }).filter((item) => recorded(item.candidate, item.scenario.id));
  const resultsFile = path.join(runDir, "results.jsonl");
  // Cuts a torn last line first, so its trial runs again; a damaged line inside the file is an input error.
  const done = opts.resume ? await storedKeys(resultsFile) : new Set<string>();
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
