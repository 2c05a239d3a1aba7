import type { Grade } from "../graders/schema.js";
import type { ResultLine } from "../run/schema.js";
import type { EscalationSummary, PassRate, Proportion } from "./schema.js";
import { wilson, wilsonRate } from "./stats.js";

/** Small building blocks of the analysis: rates, escalation matrix, hand-off detection. */

/** The identity of a scenario across candidates and runs. */
export function scenarioId(line: Pick<ResultLine, "suite" | "scenario">): string {
  return `${line.suite}/${line.scenario}`;
}

/** A share with its Wilson interval. */
export function proportion(count: number, n: number, confidence: number): Proportion {
  const ci = wilson(count, n, confidence);
  return { count, n, rate: n > 0 ? count / n : null, low: ci?.low ?? null, high: ci?.high ?? null };
}

/** Running tally of a pass rate over graded trials and the distinct scenarios behind it. */
export class PassTally {
  passes = 0;
  n = 0;
  /** Per scenario: [passes, graded trials]. */
  readonly perScenario = new Map<string, [number, number]>();

  get scenarios(): number {
    return this.perScenario.size;
  }

  add(line: ResultLine): void {
    if (line.verdict === "error") return;
    this.addOutcome(scenarioId(line), line.verdict === "pass");
  }

  addOutcome(scenario: string, pass: boolean): void {
    this.n++;
    if (pass) this.passes++;
    const s = this.perScenario.get(scenario);
    if (s) {
      s[0] += pass ? 1 : 0;
      s[1]++;
    } else this.perScenario.set(scenario, [pass ? 1 : 0, 1]);
  }

  /** The rate, or only the counts when fewer than `minScenarios` scenarios stand behind it. */
  result(minScenarios: number, confidence: number): PassRate {
    const sufficient = this.scenarios >= minScenarios && this.n > 0;
    if (!sufficient) {
      return {
        passes: this.passes,
        n: this.n,
        scenarios: this.scenarios,
        effective_n: null,
        rate: null,
        low: null,
        high: null,
        sufficient,
      };
    }
    const rate = this.passes / this.n;
    const nEff = effectiveN([...this.perScenario.values()], rate, this.n);
    const ci = wilsonRate(rate, nEff, confidence);
    return {
      passes: this.passes,
      n: this.n,
      scenarios: this.scenarios,
      effective_n: nEff,
      rate,
      low: ci.low,
      high: ci.high,
      sufficient,
    };
  }
}

/**
 * Design effect of scenario clustering: cluster-robust variance over the binomial variance, at least 1.
 * Trials of one scenario agree with each other more than trials of different scenarios do, so k trials
 * of one scenario carry less information than k scenarios. 1 with one trial per scenario; null where
 * it is undefined: at a rate of 0 or 1 both variances are 0 (0/0), and with one scenario there is no
 * between-scenario variance to estimate.
 */
export function designEffect(
  perScenario: ReadonlyArray<readonly [number, number]>,
  rate: number,
  n: number,
): number | null {
  const g = perScenario.length;
  if (n <= g) return 1;
  if (g < 2 || rate <= 0 || rate >= 1) return null;
  let between = 0;
  for (const [p, m] of perScenario) between += (p - m * rate) ** 2;
  const clustered = ((g / (g - 1)) * between) / (n * n);
  const binomial = (rate * (1 - rate)) / n;
  return Math.max(1, clustered / binomial);
}

/**
 * The sample size behind a pass rate's interval: n over the design effect, or, where the design
 * effect is undefined (every trial passed, none passed, or one scenario), the number of distinct
 * scenarios: the most conservative count of independent observations. Repeating the trials of a
 * scenario that always passes adds no evidence that another scenario would.
 */
export function effectiveN(perScenario: ReadonlyArray<readonly [number, number]>, rate: number, n: number): number {
  const deff = designEffect(perScenario, rate, n);
  return deff === null ? Math.min(n, perScenario.length) : n / deff;
}

/**
 * A judged expectation recorded without a judge (`unjudged()` in src/graders/grade-trial.ts):
 * grader "judge", version "none", pass null, score 0 (and `detail.judged: false`). It is neither a
 * score nor judge evidence; the analysis counts it under `not_judged`. Read from the grader and
 * version, which slim lines keep, so old lines and slim ones are recognised alike.
 */
export function isUnjudged(g: Pick<Grade, "kind" | "grader" | "version" | "pass" | "error">): boolean {
  return g.kind === "judge" && g.grader === "judge" && g.version === "none" && g.pass === null && g.error === undefined;
}

/** Whether the bot handed the conversation to a person, as observed (not as expected). */
export function handedOff(line: ResultLine): boolean {
  if (line.end_reason === "handoff") return true;
  return line.transcript.some((e) => e.type === "handoff");
}

/** Resolved by the bot: passed and no hand-off. A correct hand-off passes but is a person's contact. */
export function resolvedByBot(line: ResultLine): boolean {
  return line.verdict === "pass" && !handedOff(line);
}

/** Running tally of escalation outcomes. */
export class EscalationTally {
  readonly counts = { correct_handoff: 0, correct_no_handoff: 0, missed: 0, needless: 0, late: 0, unknown: 0 };

  add(line: ResultLine): void {
    if (line.verdict === "error") return;
    this.counts[line.escalation ?? "unknown"]++;
  }

  result(confidence: number): EscalationSummary {
    const c = this.counts;
    const required = c.correct_handoff + c.late + c.missed;
    const notRequired = c.correct_no_handoff + c.needless;
    return {
      counts: { ...c },
      required,
      not_required: notRequired,
      missed_rate: proportion(c.missed, required, confidence),
      late_rate: proportion(c.late, required, confidence),
      needless_rate: proportion(c.needless, notRequired, confidence),
      missed_per_contact: proportion(c.missed, required + notRequired, confidence),
    };
  }
}

/** Group items by a key, keeping first-seen order. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Keep the last line of each key: a resumed run may append a trial again. */
export function dedupeByKey(lines: readonly ResultLine[]): { lines: ResultLine[]; dropped: number } {
  const last = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) last.set(lines[i]!.key, i);
  if (last.size === lines.length) return { lines: [...lines], dropped: 0 };
  const kept = lines.filter((l, i) => last.get(l.key) === i);
  return { lines: kept, dropped: lines.length - kept.length };
}
