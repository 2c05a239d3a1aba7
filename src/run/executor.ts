import { setMaxListeners } from "node:events";
import pLimit, { type LimitFunction } from "p-limit";
import { type Customer, scriptedCustomer, simulatedCustomer } from "../conversation/customer.js";
import { runConversation } from "../conversation/engine.js";
import { referenceWorld } from "../conversation/reference-world.js";
import type { Conversation } from "../conversation/schema.js";
import type { ToolImplementations } from "../conversation/tool-types.js";
import type { WorldData } from "../conversation/world.js";
import { gradeTrial } from "../graders/grade-trial.js";
import type { AsyncGrader, Grader } from "../graders/types.js";
import type { ResolvedProvider } from "../providers/registry.js";
import type { ReplayCandidate } from "../providers/replay.js";
import type { Candidate } from "../providers/types.js";
import type { Domain } from "../suite/domain-schema.js";
import type { LoadedScenario } from "../suite/schema.js";
import type { PlanItem } from "./plan.js";
import { RESULTS_VERSION, type ResultLine } from "./schema.js";

export interface ExecutorOptions {
  runId: string;
  candidates: Map<string, ResolvedProvider>;
  domains: Map<string, Domain>;
  tools: Map<string, ToolImplementations>;
  concurrency: number;
  maxTurns: number;
  /** --max-turns given on the command line: it wins over a suite's defaults. */
  maxTurnsFixed?: boolean;
  /** A model playing the customer; the scripted customer when absent. */
  simulator?: Candidate;
  judge?: AsyncGrader;
  extraGraders?: Grader[];
  signal: AbortSignal;
  /** Called with each finished trial, in completion order (the results writer). */
  onResult: (line: ResultLine) => void;
  now?: () => Date;
}

/** Counters for the end-of-run summary; results themselves stream to disk. */
export interface RunTally {
  done: number;
  errors: number;
  costUsd: number;
  /** Trials cut short by Ctrl-C and left for --resume. */
  abandoned: number;
}

function isReplay(c: Candidate): c is ReplayCandidate {
  return typeof (c as Partial<ReplayCandidate>).customerTurns === "function";
}

function emptyConversation(message: string): Conversation {
  return {
    transcript: [],
    end_reason: "error",
    world_diff: [],
    usage: { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0, cached_calls: 0 },
    latency_ms: 0,
    bot_ms: 0,
    error: { kind: "harness_bug", message },
  };
}

/** Run planned trials with global and per-candidate concurrency; every finished trial is handed to onResult. */
export async function executePlan(
  items: PlanItem[],
  opts: ExecutorOptions,
  onProgress?: (t: RunTally) => void,
): Promise<RunTally> {
  const tally: RunTally = { done: 0, errors: 0, costUsd: 0, abandoned: 0 };
  // Every conversation in flight listens to the run's signal (Ctrl-C); that is expected, not a leak.
  setMaxListeners(Math.max(10, opts.concurrency * 8), opts.signal);
  const global = pLimit(opts.concurrency);
  const perCandidate = new Map<string, LimitFunction>();
  for (const [id, p] of opts.candidates) if (p.concurrency) perCandidate.set(id, pLimit(p.concurrency));
  const goldWorlds = new Map<string, WorldData | null>();
  const now = opts.now ?? (() => new Date());

  const gold = (s: LoadedScenario, domain: Domain, tools: ToolImplementations) => {
    const key = `${s.suite}/${s.id}`;
    if (!goldWorlds.has(key)) goldWorlds.set(key, referenceWorld(s, domain, tools));
    return goldWorlds.get(key) ?? null;
  };

  let lastYield = performance.now();
  const runOne = async (item: PlanItem): Promise<void> => {
    // In-process bots never wait on I/O; without a turn of the event loop now and then,
    // Ctrl-C, timers and the progress bar would wait for the whole run.
    if (performance.now() - lastYield > 10) {
      lastYield = performance.now();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (opts.signal.aborted) {
      tally.abandoned++;
      return;
    }
    const started = now();
    const provider = opts.candidates.get(item.candidate)!;
    const candidate = provider.candidate;
    let scenario = item.scenario;
    const base = {
      v: RESULTS_VERSION,
      run: opts.runId,
      key: item.key,
      suite: scenario.suite,
      scenario: scenario.id,
      domain: scenario.domain,
      intent: scenario.intent,
      tier: scenario.tier,
      language: scenario.language,
      volume: scenario.volume ?? null,
      candidate: item.candidate,
      trial: item.trial,
    } as const;
    let line: ResultLine;
    try {
      const domain = opts.domains.get(scenario.domain)!;
      const tools = opts.tools.get(scenario.domain)!;
      if (isReplay(candidate)) {
        const recorded = candidate.customerTurns(scenario.id);
        // The recording is the customer: nothing is answered from `knows`.
        if (recorded) scenario = { ...scenario, customer: { ...scenario.customer, ...recorded, knows: {} } };
      }
      // The conversation id repeats across re-runs (so the call cache hits); the session id never does.
      const ids = { conversationId: item.key, sessionId: `${opts.runId}:${item.key}` };
      const customer: Customer =
        opts.simulator && !isReplay(candidate)
          ? simulatedCustomer(scenario, opts.simulator, ids)
          : scriptedCustomer(scenario);
      const { conversation, initialWorld, finalWorld } = await runConversation({
        scenario,
        domain,
        tools,
        candidate,
        customer,
        maxTurns: opts.maxTurnsFixed ? opts.maxTurns : (scenario.max_turns ?? opts.maxTurns),
        signal: opts.signal,
        ...ids,
      });
      if (opts.signal.aborted && conversation.error) {
        // Cut short by Ctrl-C: not a result; --resume runs it again.
        tally.abandoned++;
        return;
      }
      const graded = await gradeTrial(
        { scenario, domain, conversation, initialWorld, finalWorld, referenceWorld: gold(scenario, domain, tools) },
        { extra: opts.extraGraders, judge: opts.judge, signal: opts.signal },
      );
      line = { ...base, ...conversation, ...graded, started_at: started.toISOString(), ended_at: now().toISOString() };
    } catch (err) {
      const message = err instanceof Error ? `${err.message}` : String(err);
      line = {
        ...base,
        ...emptyConversation(message),
        grades: [],
        verdict: "error",
        escalation: null,
        started_at: started.toISOString(),
        ended_at: now().toISOString(),
      };
    }
    opts.onResult(line);
    tally.done++;
    if (line.verdict === "error") tally.errors++;
    tally.costUsd += line.usage.cost_usd;
    onProgress?.(tally);
  };

  // Schedule lazily: at most `window` trials wait for a slot, so memory does not grow with the plan.
  const window = Math.max(256, opts.concurrency * 8);
  let active = 0;
  let wake: (() => void) | undefined;
  const settle = () => {
    active--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const slotFreed = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  for (const item of items) {
    while (active >= window) await slotFreed();
    active++;
    const limiter = perCandidate.get(item.candidate);
    // Wait for the candidate's own limit first, so a busy candidate does not hold global slots.
    const task = limiter ? limiter(() => global(() => runOne(item))) : global(() => runOne(item));
    void task.then(settle, settle);
  }
  while (active > 0) await slotFreed();
  return tally;
}
