import type { LoadedScenario } from "../suite/schema.js";
import { trialKey } from "./schema.js";

/** One unit of work: a scenario, a candidate, a trial number. */
export interface PlanItem {
  key: string;
  scenario: LoadedScenario;
  candidate: string;
  trial: number;
}

export interface Shard {
  index: number;
  count: number;
}

/** Parse `i/n` (1-based) into a shard, or explain what is wrong. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard takes i/n, e.g. 2/4; got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: i must be between 1 and n`;
  return { index, count };
}

/**
 * Scenarios × candidates × trials, in a stable order. A shard takes whole scenarios (every
 * candidate and trial of a scenario in the same shard, so a shard can compare candidates and
 * pass^k stays within it), balanced by the number of trials: each scenario in turn goes to the
 * shard holding the fewest so far (the lowest index on a tie), so the same inputs always give
 * the same split.
 */
export function buildPlan(
  scenarios: LoadedScenario[],
  candidates: string[],
  opts: { trials?: number; shard?: Shard | null },
): PlanItem[] {
  const items: PlanItem[] = [];
  const ordered = [...scenarios].sort((a, b) => a.suite.localeCompare(b.suite) || a.id.localeCompare(b.id));
  const shard = opts.shard && opts.shard.count > 1 ? opts.shard : null;
  const load = new Array<number>(shard?.count ?? 1).fill(0);
  for (const scenario of ordered) {
    const trials = opts.trials ?? scenario.trials;
    if (shard) {
      let to = 0;
      for (let i = 1; i < load.length; i++) if (load[i]! < load[to]!) to = i;
      load[to]! += trials * candidates.length;
      if (to !== shard.index - 1) continue;
    }
    for (const candidate of candidates) {
      for (let t = 0; t < trials; t++)
        items.push({ key: trialKey(scenario.suite, scenario.id, candidate, t), scenario, candidate, trial: t });
    }
  }
  return items;
}
