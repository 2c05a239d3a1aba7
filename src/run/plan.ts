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

/** Scenarios × candidates × trials, in a stable order; a shard takes every n-th item of that order. */
export function buildPlan(
  scenarios: LoadedScenario[],
  candidates: string[],
  opts: { trials?: number; shard?: Shard | null },
): PlanItem[] {
  const items: PlanItem[] = [];
  const ordered = [...scenarios].sort((a, b) => a.suite.localeCompare(b.suite) || a.id.localeCompare(b.id));
  for (const scenario of ordered) {
    const trials = opts.trials ?? scenario.trials;
    for (const candidate of candidates) {
      for (let t = 0; t < trials; t++)
        items.push({ key: trialKey(scenario.suite, scenario.id, candidate, t), scenario, candidate, trial: t });
    }
  }
  const shard = opts.shard;
  if (!shard || shard.count === 1) return items;
  // Round-robin over the stable order keeps shards balanced across suites and tiers.
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
