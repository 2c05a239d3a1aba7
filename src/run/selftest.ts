import { MUTATIONS, type Mutation, mutantsOf } from "../graders/selftest/mutants.js";
import { referenceCandidate } from "../providers/builtin/reference.js";
import type { LoadedScenario, ReferenceStep } from "../suite/schema.js";
import { executePlan } from "./executor.js";
import { type SelftestReport, trialKey } from "./schema.js";
import type { Workspace } from "./setup.js";

const SEP = "~";

interface Outcome {
  verdict: string;
  failed: { grader: string; reason: string }[];
  passedGraders: Set<string>;
}

/** Replay every reference (must pass) and its mutants (must fail); sensitivity and specificity per grader. */
export async function runSelftest(
  ws: Workspace,
  opts: { threshold: number; concurrency: number; signal: AbortSignal },
): Promise<SelftestReport> {
  const references = new Map<string, ReferenceStep[]>();
  const scenarios: LoadedScenario[] = [];
  const mutantInfo = new Map<string, { base: string; mutation: Mutation }>();
  for (const s of ws.loaded.scenarios) {
    if (s.reference.length === 0) continue;
    scenarios.push(s);
    references.set(s.id, s.reference);
    for (const m of mutantsOf(s, ws.loaded.domains.get(s.domain)!)) {
      const id = `${s.id}${SEP}${m.mutation}`;
      references.set(id, m.reference);
      mutantInfo.set(id, { base: s.id, mutation: m.mutation });
      scenarios.push({ ...s, id, reference: m.reference });
    }
  }
  const candidate = referenceCandidate((id) => references.get(id), "selftest:reference");
  const outcomes = new Map<string, Outcome>();
  const items = scenarios.map((s) => ({
    key: trialKey(s.suite, s.id, candidate.id, 0),
    scenario: s,
    candidate: candidate.id,
    trial: 0,
  }));
  await executePlan(items, {
    runId: "selftest",
    candidates: new Map([[candidate.id, { candidate, remote: false }]]),
    domains: ws.loaded.domains,
    tools: ws.tools,
    concurrency: opts.concurrency,
    maxTurns: ws.config.max_turns,
    signal: opts.signal,
    onResult: (line) => {
      const failed = line.grades
        .filter((g) => g.hard && g.pass === false)
        .map((g) => ({ grader: g.grader, reason: g.reason }));
      const passedGraders = new Set(line.grades.filter((g) => g.pass === true).map((g) => g.grader));
      for (const f of failed) passedGraders.delete(f.grader);
      outcomes.set(line.scenario, { verdict: line.verdict, failed, passedGraders });
      if (line.error) failed.push({ grader: "conversation", reason: line.error.message });
    },
  });

  const gold = ws.loaded.scenarios.filter((s) => s.reference.length > 0);
  const goldFailures = gold.flatMap((s) => {
    const o = outcomes.get(s.id);
    return o && o.verdict === "pass"
      ? []
      : [{ scenario: s.id, reasons: o ? o.failed.map((f) => `${f.grader}: ${f.reason}`) : ["not run"] }];
  });
  const mutations = (Object.keys(MUTATIONS) as Mutation[]).map((mutation) => {
    const ids = [...mutantInfo.entries()].filter(([, v]) => v.mutation === mutation).map(([id]) => id);
    const caught = ids.filter((id) => outcomes.get(id)?.verdict !== "pass").length;
    const byTarget = ids.filter((id) => outcomes.get(id)?.failed.some((f) => f.grader === MUTATIONS[mutation])).length;
    return {
      mutation,
      target: MUTATIONS[mutation],
      applicable: ids.length,
      caught,
      by_target: byTarget,
      sensitivity: ids.length ? caught / ids.length : 1,
    };
  });
  const graderNames = [...new Set(Object.values(MUTATIONS))];
  const graders = graderNames.map((grader) => {
    const targeted = mutations.filter((m) => m.target === grader);
    const n = targeted.reduce((a, m) => a + m.applicable, 0);
    const hit = targeted.reduce((a, m) => a + m.by_target, 0);
    const goldJudged = gold.filter((s) => {
      const o = outcomes.get(s.id);
      return o && (o.passedGraders.has(grader) || o.failed.some((f) => f.grader === grader));
    });
    const goldOk = goldJudged.filter((s) => !outcomes.get(s.id)!.failed.some((f) => f.grader === grader)).length;
    return {
      grader,
      sensitivity: n ? hit / n : null,
      specificity: goldJudged.length ? goldOk / goldJudged.length : null,
      mutants: n,
      gold: goldJudged.length,
    };
  });
  const missed = [...mutantInfo.entries()]
    .filter(([id]) => outcomes.get(id)?.verdict === "pass")
    .map(([, v]) => ({ scenario: v.base, mutation: v.mutation }));
  const specificity = gold.length ? (gold.length - goldFailures.length) / gold.length : 1;
  const ok =
    specificity >= opts.threshold && mutations.every((m) => m.applicable === 0 || m.sensitivity >= opts.threshold);
  return {
    scenarios: gold.length,
    gold: { total: gold.length, passed: gold.length - goldFailures.length, specificity },
    mutations,
    graders,
    gold_failures: goldFailures,
    missed_mutants: missed,
    threshold: opts.threshold,
    ok,
  };
}
