import type { LoadedScenario } from "../../suite/schema.js";
import type { Rubric, RubricCriterion } from "./rubric-schema.js";

/**
 * The criteria one judge call grades: rubric criteria (1–5) and the scenario's own yes/no checks.
 * Scenario checks share the criterion names of the deterministic graders ("forbidden") or "rubric",
 * one grade per entry, told apart by `detail`.
 */

export type JudgedCriterion =
  | { kind: "scale"; key: string; criterion: string; rubric: Rubric; def: RubricCriterion }
  /** A scenario `expect.rubric` line: yes means the bot met it. */
  | { kind: "rubric_line"; key: string; criterion: string; text: string }
  /** A plain-text scenario `expect.forbidden` entry: yes means the bot did the forbidden thing. */
  | { kind: "forbidden"; key: string; criterion: string; text: string };

/** Every judged criterion for one scenario, in a stable order. */
export function judgedCriteria(rubrics: readonly Rubric[], scenario: LoadedScenario): JudgedCriterion[] {
  const out: JudgedCriterion[] = [];
  for (const rubric of rubrics) {
    for (const def of rubric.criteria) out.push({ kind: "scale", key: def.id, criterion: def.id, rubric, def });
  }
  scenario.expect.rubric.forEach((text, i) => {
    out.push({ kind: "rubric_line", key: `rubric_${i + 1}`, criterion: "rubric", text });
  });
  // Only plain-text entries are judged; `says`/`pattern` entries belong to the deterministic grader.
  scenario.expect.forbidden.forEach((entry, i) => {
    if (typeof entry === "string") {
      out.push({ kind: "forbidden", key: `forbidden_${i + 1}`, criterion: "forbidden", text: entry });
    }
  });
  return out;
}
